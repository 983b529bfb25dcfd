"""Long work a user waits for, run in the background with a progress page.

    job = start_job(request.user, kind="hazards.export", title="导出隐患清单",
                    func_path="anjian.hazards.tasks.export_hazards", params={"query": [...]})
    return redirect(job_url(job, next=request.get_full_path()))

The job function is `func(job, **params)`; it reports progress with `job.progress(done, total,
message)` and returns None, a message (str), a JobResult, which the page offers for download, or a
JobLink to the page of what it made. It
runs under `acting_as(owner)` and must re-apply the owner's scope itself (`visible_to(job.owner)`):
the params come from the request, the rights from the owner. A ServiceError fails the job with its
message; any other exception fails it with a generic message naming the exception class.
"""

import logging
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from anjian.core.context import acting_as, actor_function
from anjian.core.errors import ServiceError

from .models import JobRun

logger = logging.getLogger(__name__)

State = JobRun.State


@dataclass(frozen=True)
class JobResult:
    """A job's downloadable outcome."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    message: str = ""


@dataclass(frozen=True)
class JobLink:
    """A job's outcome that is a page of the site (the ranking run it computed): the progress page
    links to `url` (a path on this site) under `label`."""

    url: str
    label: str
    message: str = ""


@actor_function
def start_job(actor, *, kind, title, func_path, params=None):
    """Create the JobRun, owned by `actor` (who started it and alone sees it), and queue it once the
    caller's transaction commits (a worker must not see a job whose row is not yet committed; with
    the immediate backend it runs then, in-process)."""
    import_string(func_path)  # a wrong path is the caller's bug: fail now, not in the worker
    job = JobRun.objects.create(
        owner=actor, kind=kind, title=str(title)[:200], func_path=func_path, params=params or {}
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id):
    """Hand the job to the task backend. A backend that cannot take it (Redis down …) fails the job
    with a message rather than leaving it queued forever."""
    from .tasks import run_job  # noqa: PLC0415 (tasks imports this module)

    try:
        result = run_job.enqueue(job_id)
    except Exception as exc:  # noqa: BLE001 (any backend failure means the same to the user)
        logger.exception("could not enqueue job %s", job_id)
        _fail(job_id, _("任务无法排队（%(error)s），请稍后重试。") % {"error": type(exc).__name__})
        return None
    # The immediate backend has already run the job: keep its task id without touching the state.
    JobRun.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])
    return result


def job_url(job, next=""):
    """The job's progress page, with a validated way back to `next`."""
    url = reverse("jobs:detail", args=[job.pk])
    return f"{url}?{urlencode({'next': next})}" if next else url


def execute(job_id, worker_id=""):
    """Run the job (the task's body). Only a QUEUED job starts, so a re-delivered task never runs
    a job twice at once or again after it finished."""
    now = timezone.now()
    claimed = JobRun.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        worker_id=worker_id[:64],
        message="",
        error="",
    )
    if not claimed:
        return None
    job = JobRun.objects.select_related("owner").get(pk=job_id)
    with _beating(job.pk), acting_as(job.owner):
        outcome, error = _call(job)
    if error is not None:
        _fail(job.pk, error, attempts=job.attempts)
    else:
        _finish(job, outcome)
    return JobRun.objects.values_list("state", flat=True).get(pk=job_id)


def _call(job):
    """(outcome, None) or (None, the message the user sees)."""
    try:
        func = import_string(job.func_path)
        outcome = func(job, **job.params)
        if isinstance(outcome, JobLink) and (not outcome.url.startswith("/") or outcome.url.startswith("//")):
            raise ValueError(f"a job links to a path on this site, not {outcome.url!r}")
        return outcome, None
    except ServiceError as exc:
        return None, exc.message
    except Exception as exc:  # noqa: BLE001 (the user gets a message, the log the traceback)
        logger.exception("job %s (%s) failed", job.pk, job.func_path)
        return None, _("任务执行出错（%(error)s），请稍后重试；如仍失败请联系系统管理员。") % {
            "error": type(exc).__name__
        }


def _finish(job, outcome):
    values = {"state": State.DONE, "finished_at": timezone.now(), "heartbeat_at": timezone.now()}
    if job.progress_total:
        values["progress_done"] = job.progress_total
    message = outcome if isinstance(outcome, str) else ""
    if isinstance(outcome, JobResult):
        job.result.save(outcome.filename, ContentFile(outcome.content), save=False)
        values.update(result=job.result.name, result_name=outcome.filename, result_type=outcome.content_type)
        message = outcome.message
    elif isinstance(outcome, JobLink):
        values.update(result_url=outcome.url[:300], result_label=str(outcome.label)[:100])
        message = outcome.message
    values["message"] = (message or _("已完成"))[:500]
    updated = _running(job.pk, job.attempts).update(**values)
    if not updated and job.result:
        # Recovery took the job from this worker meanwhile (it looked dead): its outcome stands.
        job.result.delete(save=False)


def _fail(job_id, message, attempts=None):
    rows = JobRun.objects.filter(pk=job_id).exclude(state__in=[State.DONE, State.FAILED])
    if attempts is not None:
        rows = _running(job_id, attempts)
    rows.update(state=State.FAILED, error=str(message), finished_at=timezone.now())


def _running(job_id, attempts):
    return JobRun.objects.filter(pk=job_id, state=State.RUNNING, attempts=attempts)


class _beating:
    """Beat the job's heartbeat from a thread while it runs, so a job that reports no progress for
    a while is not taken for one whose worker died. The first beat comes after one interval: a short
    job never touches the database from the thread."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.stop = threading.Event()
        self.interval = max(1.0, settings.ANJIAN_WORKER_STALE_SECONDS / 4)

    def __enter__(self):
        self.thread = threading.Thread(target=self._run, name=f"job-{self.job_id}-heartbeat", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def _run(self):
        touched = False
        while not self.stop.wait(self.interval):
            touched = True
            JobRun.objects.filter(pk=self.job_id, state=State.RUNNING).update(heartbeat_at=timezone.now())
        if touched:
            connection.close()  # the thread's own connection; Django opened it for this thread
