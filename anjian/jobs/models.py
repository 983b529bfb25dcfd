"""Background work a user waits for (JobRun), the workers running it (WorkerHeartbeat) and the
scheduler's periodic jobs (PeriodicJob). docs/adr/0006-background-work.md.

None of these is an audited record: a job's row is the progress of a piece of work, not a fact of
supervision; what the job changes is audited by the services it calls."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A progress bar needs no more than two writes a second, and none for a move under 1 %.
PROGRESS_MIN_INTERVAL = timedelta(seconds=0.5)
PROGRESS_MIN_STEP = 0.01


class JobRun(models.Model):
    """One piece of long work a user started (an export, an import, a ranking run) and watches on
    its progress page."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("执行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_runs")
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    func_path = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    result = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    # A job whose outcome is a record (a ranking run) links to it instead of offering a file.
    result_url = models.CharField(max_length=300, blank=True)
    result_label = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    worker_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["state", "heartbeat_at"]),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    def progress(self, done, total, message=""):
        """Report `done` of `total` steps (and what is being done). Cheap to call per row: the row
        is written at most every half second, and only when the bar moved by 1 % or the message
        changed (and always on the last step)."""
        done, total, message = int(done), int(total), str(message)[:500]
        now = timezone.now()
        last_at, last_fraction, last_message = getattr(self, "_progress_written", (None, -1.0, None))
        fraction = done / total if total else 0.0
        self.progress_done, self.progress_total, self.message = done, total, message
        finished = total and done >= total
        moved = abs(fraction - last_fraction) >= PROGRESS_MIN_STEP or message != last_message
        if not finished and last_at is not None and (now - last_at < PROGRESS_MIN_INTERVAL or not moved):
            return False
        self._progress_written = (now, fraction, message)
        JobRun.objects.filter(pk=self.pk, state=self.State.RUNNING).update(
            progress_done=done, progress_total=total, message=message, heartbeat_at=now
        )
        return True


class WorkerHeartbeat(models.Model):
    """A running `anjian worker`. It beats every few seconds; one whose beat is older than
    ANJIAN_WORKER_STALE_SECONDS is taken for dead and its tasks are recovered."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    backend = models.CharField(max_length=32, blank=True)
    queues = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"


class PeriodicJob(models.Model):
    """The scheduler's state of one registered periodic job (anjian.jobs.registry). Schedulers claim
    a due run by moving `next_run_at` with a conditional update, so only one of them runs it."""

    class Status(models.TextChoices):
        OK = "ok", _("成功")
        ERROR = "error", _("出错")

    name = models.CharField(max_length=100, unique=True)
    schedule = models.CharField(max_length=100, blank=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=8, choices=Status.choices, blank=True)
    last_error = models.TextField(blank=True)
    running_until = models.DateTimeField(null=True, blank=True)
    run_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
