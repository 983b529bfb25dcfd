"""Old background work out of the database and the disk, nightly (schedule.py: jobs.prune)."""

from datetime import timedelta

from django.db.models import Q
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import JobRun, WorkerHeartbeat

# A finished job's page and download stay this long; its user has long had the file by then.
KEEP_JOBS = timedelta(days=30)
# A worker row that has not beaten for a day belongs to a worker that is gone for good.
KEEP_DEAD_WORKERS = timedelta(days=1)


def prune(now):
    """Delete finished JobRuns (and their files) and task results older than KEEP_JOBS, and the
    rows of long-dead workers; returns how many of each went."""
    cutoff = now - KEEP_JOBS
    old_jobs = JobRun.objects.filter(
        state__in=[JobRun.State.DONE, JobRun.State.FAILED], finished_at__lt=cutoff
    )
    files = 0
    for job in old_jobs.exclude(result="").only("result"):
        job.result.delete(save=False)
        files += 1
    jobs, _detail = old_jobs.delete()
    finished = Q(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
    results, _detail = DBTaskResult.objects.filter(finished, finished_at__lt=cutoff).delete()
    workers, _detail = WorkerHeartbeat.objects.filter(beat_at__lt=now - KEEP_DEAD_WORKERS).delete()
    return {"jobs": jobs, "files": files, "task_results": results, "workers": workers}
