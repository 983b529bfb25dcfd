"""The ranking's messages: a published run to each town's leaders (in the publishing transaction),
约谈 commitments due in N working days or overdue (sent once), and the monthly draft job."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from anjian.core.context import acting_as, system_actor
from anjian.core.models import AuditEntry
from anjian.jobs.scheduler import run_now
from anjian.notifications.models import Notification
from anjian.org.models import Role
from anjian.ranking import reminders, services
from anjian.ranking import services_interviews as si
from anjian.ranking.models import RankingRun
from anjian.ranking.schedule import draft_for_previous_month
from anjian.testing import make_user
from anjian.workdays.services import invalidate_cache

from .made_runs import make_run, towns

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def fresh_holiday_table():
    invalidate_cache()
    yield
    invalidate_cache()


def at(moment):
    return time_machine.travel(moment, tick=False)


def notes(user=None, kind=None):
    rows = Notification.objects.all()
    if user is not None:
        rows = rows.filter(recipient=user)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


# --- published ---------------------------------------------------------------------------------------


def test_publishing_tells_each_towns_leaders_its_rank_score_and_explanation(world, client):
    order = [world.town_b, *[t for t in towns() if t not in (world.town_a, world.town_b)], world.town_a]
    run = make_run(datetime.date(2026, 10, 1), status=RankingRun.Status.DRAFT, order=order)
    village_user = make_user("village", Role.TOWN, territory=world.town_a.children.first())
    services.publish(world.users["city"], run)
    note = notes(world.users["town_a"], "ranking.published").get()
    last = len(order)
    assert f"泽国镇排名第{last}（共{last}个镇街）" in note.text and "2026年10月" in note.text
    assert f"得分{97 - 2 * last}.00分" in note.text
    assert note.url == f"/ranking/runs/{run.pk}/towns/{world.town_a.pk}/"
    assert "排名第1（" in notes(world.users["town_b"], "ranking.published").get().text
    assert not notes(village_user).exists()  # a village's town-role user is not the town's leader
    assert not notes(world.users["city"]).exists()
    client.force_login(world.users["town_a"])
    assert client.get(note.url).status_code == 200


def test_the_published_message_is_written_in_the_publishing_transaction(world):
    run = make_run(datetime.date(2026, 10, 1), status=RankingRun.Status.DRAFT)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish(world.users["city"], run)
        assert notes(world.users["town_a"]).count() == 1
        raise RuntimeError("rolled back")
    assert not Notification.objects.exists()
    run.refresh_from_db()
    assert run.status == RankingRun.Status.DRAFT


def test_a_refused_publication_tells_nobody(world):
    run = make_run(datetime.date(2026, 10, 1), status=RankingRun.Status.PUBLISHED)
    with pytest.raises(services.RankingError):
        services.publish(world.users["city"], run)
    assert not Notification.objects.exists()


# --- commitments --------------------------------------------------------------------------------------


@pytest.fixture
def commitments(world):
    """At FRIDAY: 大溪镇's commitments due next Wednesday (3 working days), next Thursday (4) and
    last Wednesday (overdue), and one due last Wednesday but done."""
    with at(FRIDAY):
        run = make_run(datetime.date(2026, 10, 1))
        interview = si.record_interview(
            world.users["city"],
            run=run,
            town=world.town_b,
            held_on=datetime.date(2026, 11, 10),
            place="市安委办会议室",
            attendees="大溪镇镇长",
            problems="隐患整改率全市末位",
            commitments=[
                ("三个工作日内的承诺", datetime.date(2026, 11, 25)),
                ("四个工作日后的承诺", datetime.date(2026, 11, 26)),
                ("已逾期的承诺", datetime.date(2026, 11, 18)),
                ("已完成的承诺", datetime.date(2026, 11, 18)),
            ],
        )
        done = interview.commitments.get(text="已完成的承诺")
        si.update_commitment(world.users["town_b"], done, datetime.date(2026, 11, 17), "已完成")
    return {c.text: c for c in interview.commitments.all()}


def test_commitments_due_in_working_days_and_overdue(world, commitments):
    with at(FRIDAY):
        sent = reminders.commitment_sweep(FRIDAY)
    due = notes(kind="ranking.commitment_due")
    assert {n.object_id for n in due} == {commitments["三个工作日内的承诺"].pk}
    assert [n.recipient.username for n in due] == ["town_b"]
    assert "2026-11-25" in due.get().text and "大溪镇" in due.get().text
    overdue = notes(kind="ranking.commitment_overdue")
    assert {n.object_id for n in overdue} == {commitments["已逾期的承诺"].pk}
    assert {n.recipient.username for n in overdue} == {"town_b", "city"}
    assert overdue.first().url == f"/ranking/interviews/{commitments['已逾期的承诺'].interview_id}/"
    assert len(sent) == 3


def test_the_commitment_sweep_twice_sends_once(world, commitments):
    with at(FRIDAY):
        first = reminders.commitment_sweep(FRIDAY)
        second = reminders.commitment_sweep(FRIDAY + datetime.timedelta(hours=1))
    assert first and second == []
    # The next Monday the Thursday one is 3 working days away and is told, the others are not again.
    monday = FRIDAY + datetime.timedelta(days=3)
    with at(monday):
        third = reminders.commitment_sweep(monday)
    assert {n.object_id for n in third} == {commitments["四个工作日后的承诺"].pk}


# --- the monthly draft ---------------------------------------------------------------------------------


def test_the_draft_of_last_month_is_made_once_on_the_first(world):
    first = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
    actor = system_actor("scheduler:ranking.draft")
    with at(first), acting_as(actor):
        run = draft_for_previous_month(first)
        again = draft_for_previous_month(first + datetime.timedelta(minutes=1))
    assert again is None
    assert list(RankingRun.objects.values_list("month", "version", "status")) == [
        (datetime.date(2026, 11, 1), 1, "draft")
    ]
    assert run.computed_by is None and run.scores.count() == len(towns())
    entry = AuditEntry.objects.get(model="ranking.rankingrun", object_id=str(run.pk))
    assert entry.actor_id is None and entry.actor_name == "system:scheduler:ranking.draft"


def test_the_scheduler_runs_the_draft_job_once_a_month(world):
    first = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
    with at(first):
        assert run_now("ranking.draft", first).ok
        assert run_now("ranking.draft", first + datetime.timedelta(hours=2)).ok
    run = RankingRun.objects.get()
    assert (run.month, run.status) == (datetime.date(2026, 11, 1), "draft")
    entry = AuditEntry.objects.get(model="ranking.rankingrun", object_id=str(run.pk))
    assert entry.actor_name == "system:scheduler:ranking.draft"


def test_no_draft_when_the_office_already_ran_the_month(world):
    with at(datetime.datetime(2026, 12, 1, 5, 0, tzinfo=TZ)):
        services.compute_run(world.users["city"], datetime.date(2026, 11, 1))
    first = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
    with at(first), acting_as(system_actor("scheduler:ranking.draft")):
        assert draft_for_previous_month(first) is None
    assert RankingRun.objects.count() == 1
