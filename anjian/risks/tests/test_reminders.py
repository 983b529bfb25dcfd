"""Guarantor checks overdue (told once per lapse, to the guarantor and the enterprise) and the nightly
re-grade job (audited as the scheduler's system actor)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import acting_as, system_actor
from anjian.core.models import AuditEntry
from anjian.hazards import services as hazard_services
from anjian.jobs.scheduler import run_now
from anjian.notifications.models import Notification
from anjian.org.models import Person
from anjian.registry.models import Subject
from anjian.risks import reminders
from anjian.risks.models import Guarantor, GuarantorCheck, Installation
from anjian.risks.schedule import regrade_all

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def guarantors(world):
    installation = Installation.objects.create(subject=world.subjects["ent_a"], name="液氯储罐区")
    rows = {
        role: Guarantor.objects.create(
            installation=installation, role=role, name=name, phone=phone, check_interval_days=days
        )
        for role, name, phone, days in (
            ("principal", "王总", "13800000001", 90),
            ("technical", "李工", "13800000002", 30),
            ("operational", "张班长", "13800000003", 7),
        )
    }
    GuarantorCheck.objects.create(guarantor=rows["technical"], done_on=datetime.date(2026, 11, 1))
    GuarantorCheck.objects.create(guarantor=rows["operational"], done_on=datetime.date(2026, 11, 12))
    return rows


def person_user(username, phone):
    user = get_user_model().objects.create_user(username=username, password="x")
    Person.objects.create(name=username, phone=phone, user=user)
    return user


def test_overdue_guarantors_are_told_with_the_enterprise(world, guarantors):
    operator = person_user("zhang", "13800000003")
    with at(FRIDAY):
        sent = reminders.guarantor_sweep(FRIDAY)
    # The operational check was due 2026-11-19; the principal never checked; the technical one is
    # due 2026-12-01.
    told = {(n.object_id, n.recipient.username) for n in sent}
    assert told == {
        (guarantors["operational"].pk, "zhang"),
        (guarantors["operational"].pk, "enterprise"),
        (guarantors["principal"].pk, "enterprise"),
    }
    text = Notification.objects.get(recipient=operator).text
    assert "张班长" in text and "每7天" in text and "2026-11-19前" in text and "液氯储罐区" in text
    principal = Notification.objects.get(object_id=guarantors["principal"].pk)
    assert "尚无检查记录" in principal.text
    assert principal.url == f"/risks/installations/{guarantors['principal'].installation_id}/"


def test_the_guarantor_sweep_twice_sends_once_and_a_new_lapse_is_told_again(world, guarantors):
    with at(FRIDAY):
        first = reminders.guarantor_sweep(FRIDAY)
        assert reminders.guarantor_sweep(FRIDAY + datetime.timedelta(hours=1)) == []
    assert len(first) == 2
    GuarantorCheck.objects.create(guarantor=guarantors["operational"], done_on=datetime.date(2026, 11, 20))
    later = FRIDAY + datetime.timedelta(days=8)  # due 2026-11-27, now 2026-11-28
    with at(later):
        again = reminders.guarantor_sweep(later)
    assert [(n.object_id, n.recipient.username) for n in again] == [
        (guarantors["operational"].pk, "enterprise")
    ]
    assert "2026-11-27前" in again[0].text


def test_the_nightly_regrade_is_audited_as_the_system_actor(world):
    job = system_actor("scheduler:risks.regrade")
    with acting_as(job):
        assert regrade_all(timezone.now()) == 3  # every subject gains its reasons the first time
        assert regrade_all(timezone.now()) == 0
    ent_a = world.subjects["ent_a"]
    audit.update(Subject.objects.filter(pk=ent_a.pk), risk_grade="blue")
    hazard = hazard_services.report_hazard(world.users["inspector"], ent_a.pk, "安全出口锁闭")
    hazard_services.transition(
        world.users["inspector"],
        hazard.pk,
        "assign",
        deadline=timezone.localdate() + datetime.timedelta(days=1),
        responsible_person="赵敏",
    )
    later = timezone.now() + datetime.timedelta(days=3)
    with at(later):
        outcome = run_now("risks.regrade", later)  # as the scheduler runs it, under its system actor
    assert outcome.ok, outcome.error
    subject = Subject.objects.get(pk=ent_a.pk)
    assert subject.grade_reasons[1]["code"] == "overdue_hazard"
    moved = AuditEntry.objects.filter(model="registry.subject", object_id=str(ent_a.pk)).latest("id")
    assert moved.actor_id is None and moved.actor_name == "system:scheduler:risks.regrade"
    bulk = AuditEntry.objects.filter(action="bulk", model="registry.subject").latest("id")
    assert bulk.actor_name == "system:scheduler:risks.regrade"
    assert bulk.after == {"subjects": "all", "subjects_regraded": 1}
