"""Inspectors told of the inspections a plan or a draw assigns them (in that transaction, once), and
the head-led monthly check missed (the enterprise and its town told once for the month)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from anjian.inspections import reminders
from anjian.inspections import services_draw as sd
from anjian.inspections import services_plans as sp
from anjian.inspections.models import Inspection
from anjian.notifications.models import Notification
from anjian.org.models import Role, Unit
from anjian.testing import make_checklist, make_user

from .draw_setup import make_inspectors, make_plan, make_subjects

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def version(db):
    return make_checklist()


def rule_plan(world, version):
    return sp.create_plan(
        world.users["town_a"],
        name="泽国镇工贸企业综合检查",
        kind="comprehensive",
        starts_on=datetime.date(2026, 12, 7),
        ends_on=datetime.date(2026, 12, 18),
        organiser=Unit.objects.get(name="泽国镇"),
        checklist_version=version,
        target_mode="rule",
        target_territories=[world.town_a],
    )


def assigned(user=None):
    rows = Notification.objects.filter(kind="inspections.assigned")
    return rows.filter(recipient=user) if user is not None else rows


def test_issuing_a_plan_tells_each_inspector_the_subjects_and_dates(world, version):
    plan = rule_plan(world, version)
    sp.issue_plan(world.users["town_a"], plan, inspectors=[world.users["inspector"], world.users["grid"]])
    note = assigned(world.users["inspector"]).get()
    assert "《泽国镇工贸企业综合检查》" in note.text and "检查2家单位" in note.text
    assert "泽国精工机械有限公司" in note.text and "泽国安居建设工程" in note.text
    assert "2026-12-07至2026-12-18" in note.text
    assert note.url == "/inspections/?tab=todo"
    assert assigned(world.users["grid"]).count() == 1 and assigned().count() == 2


def test_the_assignment_is_told_in_the_issuing_transaction(world, version):
    plan = rule_plan(world, version)
    with pytest.raises(RuntimeError), transaction.atomic():
        sp.issue_plan(world.users["town_a"], plan, inspectors=[world.users["inspector"]])
        assert assigned(world.users["inspector"]).count() == 1
        raise RuntimeError("rolled back")
    assert not Inspection.objects.exists() and not Notification.objects.exists()


def test_a_refused_issue_tells_nobody(world, version):
    plan = rule_plan(world, version)
    with pytest.raises(sp.InspectionError):
        sp.issue_plan(world.users["town_a"], plan, inspectors=[world.users["enterprise"]])  # not an inspector
    assert not Notification.objects.exists()


def test_a_draw_tells_each_drawn_inspector_their_own_targets(world):
    plan = make_plan(world)
    make_inspectors(3)
    make_subjects(world, 4)
    draw = sd.perform_draw(world.users["dept"], sd.commit_draw(world.users["dept"], plan, 3))
    per_user = {}
    for row in draw.result:
        for uid in row["inspectors"]:
            per_user.setdefault(uid, []).append(row["subject"])
    notes = list(assigned())
    assert {n.recipient_id for n in notes} == set(per_user)
    for note in notes:
        mine = per_user[note.recipient_id]
        assert f"检查{len(mine)}家单位" in note.text
        if len(mine) == 1:
            inspection = Inspection.objects.get(draw=draw, subject_id=mine[0])
            assert note.url == f"/inspections/{inspection.pk}/"
    # The draw is made once: nothing is told twice.
    with pytest.raises(sd.InspectionError):
        sd.perform_draw(world.users["dept"], draw)
    assert assigned().count() == len(per_user)


# --- the head-led monthly check -----------------------------------------------------------------


def self_check(subject, version, when, *, head=True):
    return Inspection.objects.create(
        subject=subject,
        checklist_version=version,
        is_self=True,
        led_by_head=head,
        head_name="王总" if head else "",
        status="done",
        finished_at=when,
    )


def test_a_missed_head_check_is_told_to_the_enterprise_and_its_town_once(world, version):
    ent_a, ent_b, ent_c = (world.subjects[k] for k in ("ent_a", "ent_b", "ent_c"))
    ent_c_account = make_user("ent_c_user", Role.ENTERPRISE, subject=ent_c)
    self_check(ent_a, version, datetime.datetime(2026, 11, 30, 23, 30, tzinfo=TZ))  # November, local
    self_check(ent_c, version, datetime.datetime(2026, 11, 10, 9, 0, tzinfo=TZ), head=False)
    self_check(ent_c, version, datetime.datetime(2026, 10, 31, 23, 30, tzinfo=TZ))  # October
    first = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=TZ)
    with time_machine.travel(first, tick=False):
        sent = reminders.head_check_sweep(first)
        again = reminders.head_check_sweep(first + datetime.timedelta(hours=1))
    assert again == []
    told = {(n.recipient.username, n.object_id) for n in sent}
    assert told == {
        ("ent_c_user", ent_c.pk),
        ("town_a", world.town_a.pk),
        ("town_b", world.town_b.pk),
    }
    mine = Notification.objects.get(recipient=ent_c_account)
    assert mine.kind == "risks.head_check_missed" and "泽国安居建设工程 2026年11月" in mine.text
    town = Notification.objects.get(recipient=world.users["town_a"])
    assert "泽国镇有1家企业" in town.text
    assert town.url == "/inspections/head-checks/?month=2026-11&missed=1"
    assert not Notification.objects.filter(recipient=world.users["enterprise"]).exists()  # ent_a did it
    assert ent_b.pk not in {n.object_id for n in sent if n.recipient.username != "town_b"}
