"""Two schedulers at once run a due job exactly once (PostgreSQL: real concurrent transactions)."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections

from anjian.jobs import registry, scheduler
from anjian.jobs.models import PeriodicJob

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def run_table(monkeypatch):
    """A job that counts its runs in a table of its own, and the only job registered."""
    registry.autodiscover()
    monkeypatch.setattr(registry, "_REGISTRY", {})
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE jobs_test_runs (id serial PRIMARY KEY, ran_for timestamptz)")

    @registry.periodic("t.reminders", every=timedelta(minutes=15))
    def send_reminders(now):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO jobs_test_runs (ran_for) VALUES (%s)", [now])

    yield registry.registered()["t.reminders"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE jobs_test_runs")


def runs():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM jobs_test_runs")
        return cursor.fetchone()[0]


def in_threads(target, count=2):
    """Run `target(barrier)` in `count` threads at once; return their results."""
    barrier = threading.Barrier(count, timeout=10)
    results, errors = [None] * count, []

    def work(i):
        try:
            results[i] = target(barrier)
        except BaseException as exc:  # noqa: BLE001 (handed to the test below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def test_two_claims_of_a_row_both_read_as_due_give_one_winner(run_table):
    scheduler.sync_rows({"t.reminders": run_table}, NOW)

    def claim_after_reading(barrier):
        row = PeriodicJob.objects.get(name="t.reminders")
        barrier.wait()  # both have read the same next_run_at before either claims
        return scheduler.claim(row, run_table, NOW)

    assert sorted(in_threads(claim_after_reading)) == [False, True]


def test_two_schedulers_at_once_run_the_job_exactly_once(run_table):
    def scheduler_once(barrier):
        barrier.wait()
        call_command("scheduler", "--once", "--now", NOW.isoformat())

    in_threads(scheduler_once, count=4)
    assert runs() == 1
    row = PeriodicJob.objects.get(name="t.reminders")
    assert row.run_count == 1 and row.next_run_at == NOW + timedelta(minutes=15)
