from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from anjian.jobs.models import JobRun, WorkerHeartbeat
from anjian.jobs.services import start_job

from .helpers import start, work

# The worker checks its connection between tasks the way a request does, which closes one held in a
# test's open transaction on PostgreSQL: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)
State = JobRun.State


@pytest.fixture
def owner():
    return get_user_model().objects.create_user("job-owner", password="x")


def test_a_job_runs_on_the_worker_with_progress_and_result(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "count_to", n=250)
    job.refresh_from_db()
    assert job.state == State.QUEUED and job.task_id
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.READY

    work()

    job.refresh_from_db()
    assert job.state == State.DONE, job.error
    assert (job.progress_done, job.progress_total, job.percent) == (250, 250, 100)
    assert job.message == "共 250 行" and job.attempts == 1
    assert job.result_name == "250.txt" and job.result_type == "text/plain"
    # The function ran as the job's owner.
    assert job.result.open("rb").read() == b"250 by job-owner"
    assert DBTaskResult.objects.get(pk=job.task_id).status == TaskResultStatus.SUCCESSFUL
    assert not WorkerHeartbeat.objects.exists()  # the worker removed its row on exit


def test_a_job_is_queued_only_when_its_transaction_commits(owner):
    with transaction.atomic():
        job = start(owner, "say", text="好")
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.count() == 1
    work()
    job.refresh_from_db()
    assert (job.state, job.message) == (State.DONE, "好")


def test_a_job_of_a_rolled_back_transaction_is_never_queued(owner):
    with pytest.raises(RuntimeError), transaction.atomic():
        start(owner, "say", text="好")
        raise RuntimeError("the caller's change failed")
    assert not DBTaskResult.objects.exists() and not JobRun.objects.exists()


@pytest.mark.parametrize(
    ("func", "expected"),
    [("refuse", "筛选条件有误：没有这个镇"), ("crash", "任务执行出错（KeyError）")],
)
def test_a_failing_job_shows_a_message(owner, django_capture_on_commit_callbacks, func, expected):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, func)
    work()
    job.refresh_from_db()
    assert job.state == State.FAILED and expected in job.error and job.finished_at


def test_a_job_that_made_a_record_links_to_it(owner, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "link_to", url="/ranking/runs/7/")
    work()
    job.refresh_from_db()
    assert (job.state, job.result_url, job.result_label, job.message) == (
        State.DONE,
        "/ranking/runs/7/",
        "查看结果页",
        "已生成",
    )
    client.force_login(owner)
    page = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert 'id="job-result-link" href="/ranking/runs/7/"' in page and "job-download" not in page


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "ranking/runs/7/"])
def test_a_job_never_links_off_the_site(owner, django_capture_on_commit_callbacks, url):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "link_to", url=url)
    work()
    job.refresh_from_db()
    assert job.state == State.FAILED and not job.result_url and "任务执行出错（ValueError）" in job.error


def test_a_wrong_function_path_is_refused_at_once(owner):
    with pytest.raises(ImportError):
        start_job(owner, kind="test", title="x", func_path="anjian.jobs.tests.jobfuncs.nothing")
    assert not JobRun.objects.exists()


def test_a_finished_job_is_not_run_again_by_a_redelivered_task(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "say", text="一次")
    work()
    job.refresh_from_db()
    DBTaskResult.objects.filter(pk=job.task_id).update(status=TaskResultStatus.READY)
    JobRun.objects.filter(pk=job.pk).update(message="不变")
    work()
    job.refresh_from_db()
    assert (job.state, job.message, job.attempts) == (State.DONE, "不变", 1)


def test_progress_writes_are_throttled(owner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    job = JobRun.objects.create(owner=owner, kind="t", title="t", func_path="x", state=State.RUNNING)
    assert job.progress(1, 1000) is True  # the first report is written
    assert job.progress(2, 1000) is False  # a moment later and 0.1 % on: not worth a write
    time_machine.shift(timedelta(seconds=1))
    assert job.progress(3, 1000) is False  # time has passed, but the bar did not move 1 %
    assert job.progress(20, 1000) is True
    assert job.progress(900, 1000) is False  # moved a lot, but within half a second
    assert job.progress(1000, 1000) is True  # the last step always
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (1000, 1000)


def test_the_immediate_backend_runs_the_job_on_commit(owner, settings, django_capture_on_commit_callbacks):
    # django-tasks rebuilds its backends when TASKS changes (its setting_changed receiver).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = start(owner, "count_to", n=3)
    job.refresh_from_db()
    assert job.state == State.DONE and job.result_name == "3.txt" and job.task_id
    assert not DBTaskResult.objects.exists()
