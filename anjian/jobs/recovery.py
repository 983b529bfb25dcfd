"""Recovery of work a dead worker left running (docs/adr/0006-background-work.md).

A worker beats WorkerHeartbeat every few seconds and a running JobRun beats its own heartbeat_at.
Work counts as interrupted when its heartbeat and its worker's are both older than
ANJIAN_WORKER_STALE_SECONDS (or the worker's row is gone: it exited, and did not finish it). It is
queued once more; interrupted a second time, it is marked failed with a message. Every change is a
conditional update on the state that was read, so two recoverers never re-queue the same work twice.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import JobRun, WorkerHeartbeat
from .services import enqueue

logger = logging.getLogger(__name__)

# Attempts before an interrupted piece of work is given up: the first run and one retry.
MAX_ATTEMPTS = 2
State = JobRun.State


class WorkerLost(Exception):
    """Recorded as the exception of a task result whose worker died under it."""


def interrupted_message():
    return _("任务在执行中被中断（工作进程重启），已重试一次仍未完成，请重新发起。")


def requeued_message():
    return _("工作进程重启，任务已重新排队，稍后将自动重试。")


@dataclass
class Recovered:
    requeued: int = 0
    failed: int = 0


def recover_stale(now=None):
    """Re-queue or fail the interrupted JobRuns and task results; returns the counts."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.ANJIAN_WORKER_STALE_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    done = Recovered()
    for job in _stale_jobs(cutoff, alive):
        _recover_job(job, now, done)
    for result in _stale_task_results(cutoff, alive):
        _recover_task_result(result, now, done)
    if done.requeued or done.failed:
        logger.warning("recovered interrupted work: %s re-queued, %s failed", done.requeued, done.failed)
    return done


def _stale_jobs(cutoff, alive):
    stale = JobRun.objects.filter(state=State.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    return [job for job in stale.exclude(worker_id__in=alive)]


def _recover_job(job, now, done):
    rows = JobRun.objects.filter(pk=job.pk, state=State.RUNNING, attempts=job.attempts)
    with transaction.atomic():
        if job.attempts >= MAX_ATTEMPTS:
            if not rows.update(state=State.FAILED, error=interrupted_message(), finished_at=now):
                return
            done.failed += 1
        else:
            if not rows.update(state=State.QUEUED, message=requeued_message(), worker_id=""):
                return
            done.requeued += 1
            transaction.on_commit(lambda: enqueue(job.pk))
        # The task that ran it is over either way; the retry (if any) is a new task.
        _fail_task_result(job.task_id, now, RUNNING_ONLY)


RUNNING_ONLY = Q(status=TaskResultStatus.RUNNING)


def _stale_task_results(cutoff, alive):
    """Task results of the database backend a dead worker holds; those of a running JobRun are the
    JobRun's to recover (above), whose own heartbeat may still say it is alive."""
    running_jobs = (
        JobRun.objects.filter(state=State.RUNNING).exclude(task_id="").values_list("task_id", flat=True)
    )
    held = set(running_jobs)
    results = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    return [
        result
        for result in results
        if str(result.id) not in held and (result.worker_ids or [""])[-1] not in alive
    ]


def _recover_task_result(result, now, done):
    rows = DBTaskResult.objects.filter(
        pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
    )
    if len(result.worker_ids) < MAX_ATTEMPTS:
        # Back to READY: the next worker claims it and appends its id, which counts the attempt.
        if rows.update(status=TaskResultStatus.READY):
            done.requeued += 1
        return
    if _fail_task_result(result.pk, now, Q(started_at=result.started_at) & RUNNING_ONLY):
        done.failed += 1
        JobRun.objects.filter(task_id=str(result.pk), state=State.QUEUED).update(
            state=State.FAILED, error=interrupted_message(), finished_at=now
        )


def _fail_task_result(task_id, now, condition):
    try:
        uuid.UUID(str(task_id))
    except ValueError:
        return 0  # no task id yet, or one of another backend (rq): nothing of ours to mark
    return DBTaskResult.objects.filter(condition, pk=task_id).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=interrupted_message(),
    )
