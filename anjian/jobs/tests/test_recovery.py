from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from anjian.jobs.models import JobRun, WorkerHeartbeat
from anjian.jobs.recovery import recover_stale

from .helpers import start, work

# The worker checks its connection between tasks the way a request does, which closes one held in a
# test's open transaction on PostgreSQL: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)
State = JobRun.State


@pytest.fixture
def owner():
    return get_user_model().objects.create_user("job-owner", password="x")


def die_while_running(job, worker_id):
    """What a worker leaves behind when it is killed in the middle of a job."""
    job.refresh_from_db()
    DBTaskResult.objects.get(pk=job.task_id).claim(worker_id)
    JobRun.objects.filter(pk=job.pk).update(
        state=State.RUNNING, attempts=job.attempts + 1, worker_id=worker_id, heartbeat_at=timezone.now()
    )


def later(time_machine, settings):
    time_machine.shift(timedelta(seconds=settings.ANJIAN_WORKER_STALE_SECONDS + 1))


def test_an_interrupted_job_is_retried_once_then_failed(
    owner, time_machine, settings, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "count_to", n=5)
    die_while_running(job, "dead-worker-1")
    later(time_machine, settings)
    first_task = JobRun.objects.get(pk=job.pk).task_id

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stale().requeued == 1
    job.refresh_from_db()
    assert job.state == State.QUEUED and "重新排队" in job.message and job.task_id != first_task
    assert DBTaskResult.objects.get(pk=first_task).status == TaskResultStatus.FAILED
    assert recover_stale().requeued == 0  # nothing is re-queued twice

    die_while_running(job, "dead-worker-2")
    later(time_machine, settings)
    assert recover_stale().failed == 1
    job.refresh_from_db()
    assert job.state == State.FAILED and "已重试一次仍未完成" in job.error and job.attempts == 2
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.FAILED


def test_a_retried_job_finishes_on_the_next_worker(
    owner, time_machine, settings, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "count_to", n=5)
    die_while_running(job, "dead-worker-1")
    later(time_machine, settings)
    with django_capture_on_commit_callbacks(execute=True):
        recover_stale()
    work()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result_name) == (State.DONE, 2, "5.txt")


def test_a_job_of_a_living_worker_is_left_alone(
    owner, time_machine, settings, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "say", text="x")
    die_while_running(job, "busy-worker")
    later(time_machine, settings)
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="busy-worker", host="h", pid=1, started_at=now, beat_at=now)
    assert recover_stale().requeued == 0
    assert JobRun.objects.get(pk=job.pk).state == State.RUNNING


def test_a_job_that_beats_its_own_heartbeat_is_left_alone(owner, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    job = JobRun.objects.create(owner=owner, kind="t", title="t", func_path="x", state=State.RUNNING)
    JobRun.objects.filter(pk=job.pk).update(started_at=timezone.now(), attempts=1, worker_id="gone")
    later(time_machine, settings)
    JobRun.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert recover_stale().requeued == 0


def test_a_plain_task_of_a_dead_worker_is_requeued_then_failed(owner, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    from .tasks_for_tests import noop

    result = noop.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("dead-worker-1")
    later(time_machine, settings)
    assert recover_stale().requeued == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    row.claim("dead-worker-2")
    later(time_machine, settings)
    assert recover_stale().failed == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and row.exception_class_path.endswith("WorkerLost")


def test_a_starting_worker_recovers_and_finishes_an_interrupted_job(owner, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    job = start(owner, "count_to", n=2)
    die_while_running(job, "dead-worker-1")
    later(time_machine, settings)
    work()  # recovers on start (re-queued as a new task), then runs it
    job.refresh_from_db()
    assert (job.state, job.attempts, job.message) == (State.DONE, 2, "共 2 行")


def test_old_finished_work_is_pruned_with_its_files(owner, time_machine):
    from django.core.files.storage import default_storage

    from anjian.jobs.pruning import prune

    time_machine.move_to(timezone.now(), tick=False)
    old = start(owner, "count_to", n=1)
    work()
    old.refresh_from_db()
    path = old.result.name
    assert default_storage.exists(path)
    WorkerHeartbeat.objects.create(
        worker_id="long-gone", host="h", pid=1, started_at=timezone.now(), beat_at=timezone.now()
    )
    time_machine.shift(timedelta(days=31))
    recent = start(owner, "count_to", n=1)
    running = JobRun.objects.create(owner=owner, kind="t", title="t", func_path="x", state=State.RUNNING)
    work()
    assert prune(timezone.now()) == {"jobs": 1, "files": 1, "task_results": 1, "workers": 1}
    assert not default_storage.exists(path)
    assert set(JobRun.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
