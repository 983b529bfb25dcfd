from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from anjian.core.context import current_actor
from anjian.core.models import AuditEntry
from anjian.jobs import registry, scheduler
from anjian.jobs.models import PeriodicJob

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("Asia/Shanghai")
RUNS = []


@pytest.fixture
def jobs(monkeypatch):
    """The scheduler sees only the jobs a test registers (the apps' own are imported first, so a
    later autodiscover() adds nothing)."""
    registry.autodiscover()
    monkeypatch.setattr(registry, "_REGISTRY", {})
    RUNS.clear()
    return registry.periodic


def recorder(name):
    def job(now):
        actor, _request_id = current_actor()
        RUNS.append((name, now, actor.username))

    job.__qualname__ = f"recorder_{name}"
    return job


def once(now):
    call_command("scheduler", "--once", "--now", now.isoformat())


def at(*args):
    return datetime(*args, tzinfo=CITY)


def test_once_runs_only_what_is_due(jobs):
    jobs("t.every", every=timedelta(minutes=10))(recorder("every"))
    jobs("t.nightly", cron="0 3 * * *")(recorder("nightly"))
    start = at(2026, 12, 4, 10, 0)
    once(start)  # a new `every` job is due at once; a new cron job waits for its time
    assert RUNS == [("every", start, "system:scheduler:t.every")]
    once(start + timedelta(minutes=5))
    assert len(RUNS) == 1
    once(start + timedelta(minutes=10))
    assert [name for name, *_ in RUNS] == ["every", "every"]
    row = PeriodicJob.objects.get(name="t.nightly")
    assert row.next_run_at == at(2026, 12, 5, 3, 0) and row.last_status == ""


def test_cron_runs_at_local_time_across_the_year_boundary(jobs, time_machine):
    jobs("t.nightly", cron="15 2 * * *")(recorder("nightly"))
    time_machine.move_to(at(2026, 12, 31, 23, 59), tick=False)
    call_command("scheduler", "--once")
    assert PeriodicJob.objects.get(name="t.nightly").next_run_at == at(2027, 1, 1, 2, 15)
    time_machine.move_to(at(2027, 1, 1, 2, 14, 59), tick=False)
    call_command("scheduler", "--once")
    assert RUNS == []
    time_machine.move_to(at(2027, 1, 1, 2, 15), tick=False)
    call_command("scheduler", "--once")
    assert [name for name, *_ in RUNS] == ["nightly"]
    row = PeriodicJob.objects.get(name="t.nightly")
    assert row.next_run_at == at(2027, 1, 2, 2, 15) and row.last_status == "ok" and row.run_count == 1


def test_a_claim_is_won_once(jobs):
    spec = jobs("t.every", every=timedelta(minutes=1))(recorder("every")) and registry.registered()["t.every"]
    now = at(2026, 12, 4, 10, 0)
    scheduler.sync_rows({"t.every": spec}, now)
    first, second = PeriodicJob.objects.get(name="t.every"), PeriodicJob.objects.get(name="t.every")
    assert scheduler.claim(first, spec, now) is True
    assert scheduler.claim(second, spec, now) is False  # read the same due row; the other won it
    row = PeriodicJob.objects.get(name="t.every")
    assert row.next_run_at == now + timedelta(minutes=1) and row.running_until > now


def test_a_leased_job_is_not_claimed_again_while_it_runs(jobs):
    spec = jobs("t.every", every=timedelta(minutes=1))(recorder("every")) and registry.registered()["t.every"]
    now = at(2026, 12, 4, 10, 0)
    scheduler.sync_rows({"t.every": spec}, now)
    assert scheduler.claim(PeriodicJob.objects.get(name="t.every"), spec, now)
    later = now + timedelta(minutes=2)  # due again, but the first run still holds its lease
    assert not scheduler.claim(PeriodicJob.objects.get(name="t.every"), spec, later)


def test_a_raising_job_is_recorded_and_the_others_still_run(jobs):
    def boom(now):
        raise RuntimeError("渠道不可用")

    jobs("t.a_boom", every=timedelta(minutes=1))(boom)
    jobs("t.b_fine", every=timedelta(minutes=1))(recorder("fine"))
    once(at(2026, 12, 4, 10, 0))
    failed, fine = PeriodicJob.objects.get(name="t.a_boom"), PeriodicJob.objects.get(name="t.b_fine")
    assert failed.last_status == "error" and "RuntimeError: 渠道不可用" in failed.last_error
    assert failed.running_until is None and failed.next_run_at == at(2026, 12, 4, 10, 1)
    assert fine.last_status == "ok" and [name for name, *_ in RUNS] == ["fine"]


def test_run_runs_one_job_now_and_list_shows_the_next_runs(jobs, capsys):
    jobs("t.nightly", cron="0 3 * * *", description="夜间作业")(recorder("nightly"))
    jobs("t.often", every=timedelta(minutes=15))(recorder("often"))
    call_command("scheduler", "--run", "t.nightly", "--now", "2026-12-04T10:00")
    assert [name for name, *_ in RUNS] == ["nightly"]
    assert PeriodicJob.objects.get(name="t.nightly").next_run_at == at(2026, 12, 5, 3, 0)
    call_command("scheduler", "--list", "--now", "2026-12-04T10:00")
    out = capsys.readouterr().out
    assert "t.nightly" in out and "2026-12-05 03:00:00" in out and "夜间作业" in out
    assert "t.often\t每 15 分钟\t下次 2026-12-04 10:00:00" in out  # a new `every` job: due at once
    with pytest.raises(CommandError, match="没有名为 t.nope 的定时作业"):
        call_command("scheduler", "--run", "t.nope")
    with pytest.raises(CommandError, match="--now"):
        call_command("scheduler", "--once", "--now", "tomorrow")


def test_a_changed_schedule_is_retimed(jobs):
    jobs("t.job", cron="0 3 * * *")(recorder("job"))
    once(at(2026, 12, 4, 10, 0))
    registry._REGISTRY.clear()
    jobs("t.job", every=timedelta(hours=1))(recorder("job"))
    once(at(2026, 12, 4, 11, 0))
    assert [name for name, *_ in RUNS] == ["job"]


def test_the_audit_chain_is_verified_nightly_and_a_break_is_recorded():
    specs = registry.autodiscover()
    assert specs["audit.verify"].cron == "15 2 * * *"
    assert specs["jobs.recover_stale"].every == timedelta(minutes=1)
    assert specs["jobs.prune"].cron == "45 3 * * *"
    call_command("scheduler", "--run", "audit.verify")
    assert PeriodicJob.objects.get(name="audit.verify").last_status == "ok"
    AuditEntry.objects.create(at=timezone.now(), action="update", prev_hash="f" * 64, hash="e" * 64)
    with pytest.raises(CommandError):
        call_command("scheduler", "--run", "audit.verify")
    row = PeriodicJob.objects.get(name="audit.verify")
    assert row.last_status == "error" and row.last_error.startswith("ChainBroken")
