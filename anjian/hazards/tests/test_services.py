"""The hazard closed loop through its service functions: every allowed and forbidden step."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from anjian.core.models import AuditEntry
from anjian.hazards import services
from anjian.hazards.models import Hazard, HazardEvent, Level, Status
from anjian.hazards.services import TransitionError
from anjian.hazards.workflows import ACTIONS, allowed_actions
from anjian.org.models import Role


def photo(name="fix.jpg", fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def report(world, who="inspector", subject="ent_a", **kwargs):
    return services.report_hazard(world.users[who], world.subjects[subject].pk, "消防通道堵塞", **kwargs)


def assign(world, hazard, who="inspector", **kwargs):
    fields = {"deadline": in_days(7), "responsible_person": "赵敏"} | kwargs
    return services.transition(world.users[who], hazard.pk, "assign", **fields)


def test_general_hazard_goes_round_the_whole_loop(world):
    hazard = report(world)
    assert hazard.status == Status.REPORTED
    assert hazard.code.startswith("YH") and hazard.town == world.town_a
    assign(world, hazard)
    services.transition(world.users["enterprise"], hazard.pk, "accept")
    services.transition(
        world.users["enterprise"], hazard.pk, "submit", comment="已清理通道", photos=[photo()]
    )
    services.transition(world.users["inspector"], hazard.pk, "verify", comment="现场复查合格")
    hazard = services.transition(world.users["inspector"], hazard.pk, "close")
    assert hazard.status == Status.CLOSED
    assert hazard.closed_at and hazard.verified_at and hazard.submitted_at
    events = list(hazard.events.values_list("action", "from_status", "to_status"))
    assert events == [
        ("report", "", "reported"),
        ("assign", "reported", "assigned"),
        ("accept", "assigned", "rectifying"),
        ("submit", "rectifying", "submitted"),
        ("verify", "submitted", "verified"),
        ("close", "verified", "closed"),
    ]
    submit_event = hazard.events.get(action="submit")
    assert submit_event.attachments.count() == 1
    assert submit_event.actor == world.users["enterprise"]


def test_rejection_goes_back_to_rectifying(world):
    hazard = report(world)
    assign(world, hazard)
    services.transition(world.users["enterprise"], hazard.pk, "accept")
    services.transition(world.users["enterprise"], hazard.pk, "submit", comment="已整改")
    hazard = services.transition(world.users["grid"], hazard.pk, "reject", comment="灭火器仍未更换")
    assert hazard.status == Status.RECTIFYING and hazard.submitted_at is None


def test_wrong_state_answers_409_and_changes_nothing(world):
    hazard = report(world)
    with pytest.raises(TransitionError) as error:
        services.transition(world.users["inspector"], hazard.pk, "verify")
    assert error.value.status == 409
    assert "已上报" in error.value.message
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED and hazard.events.count() == 1


def test_enterprise_cannot_assign_or_verify(world):
    hazard = report(world)
    with pytest.raises(TransitionError) as error:
        assign(world, hazard, who="enterprise")
    assert error.value.status == 403


def test_out_of_scope_actor_gets_404(world):
    hazard = report(world)
    with pytest.raises(Http404):
        assign(world, hazard, who="town_b")
    with pytest.raises(Http404):
        services.report_hazard(world.users["enterprise"], world.subjects["ent_b"].pk, "越权上报")


def test_assign_needs_deadline_and_responsible_person(world):
    hazard = report(world)
    with pytest.raises(TransitionError, match="整改期限"):
        services.transition(world.users["inspector"], hazard.pk, "assign", responsible_person="赵敏")
    with pytest.raises(TransitionError, match="责任人"):
        services.transition(world.users["inspector"], hazard.pk, "assign", deadline=in_days(3))
    with pytest.raises(TransitionError, match="不能早于今天"):
        assign(world, hazard, deadline=in_days(-1))
    assert Hazard.objects.get(pk=hazard.pk).status == Status.REPORTED


def test_major_hazard_needs_plan_and_verification_by_a_unit(world):
    hazard = report(world, level=Level.MAJOR)
    with pytest.raises(TransitionError, match="整改方案"):
        assign(world, hazard)
    assign(world, hazard, rectification_plan="停用涉事设备，更换防爆电气，30日内完成", funds=50000)
    services.transition(world.users["enterprise"], hazard.pk, "accept")
    services.transition(world.users["enterprise"], hazard.pk, "submit", comment="已更换")
    for who in ("inspector", "grid"):
        with pytest.raises(TransitionError, match="监管单位") as error:
            services.transition(world.users[who], hazard.pk, "verify")
        assert error.value.status == 403
    hazard = services.transition(world.users["dept"], hazard.pk, "verify", comment="应急局复查合格")
    assert hazard.status == Status.VERIFIED


def test_bad_photo_rejects_the_whole_step(world):
    hazard = report(world)
    assign(world, hazard)
    services.transition(world.users["enterprise"], hazard.pk, "accept")
    not_an_image = SimpleUploadedFile("notes.jpg", b"just text", content_type="image/jpeg")
    with pytest.raises(TransitionError, match="不是可识别的图片"):
        services.transition(
            world.users["enterprise"], hazard.pk, "submit", comment="已整改", photos=[photo(), not_an_image]
        )
    hazard.refresh_from_db()
    assert hazard.status == Status.RECTIFYING
    assert not HazardEvent.objects.filter(hazard=hazard, action="submit").exists()


def test_oversized_photo_is_refused(world, settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(TransitionError, match="过大"):
        report(world, photos=[photo()])
    assert not Hazard.objects.exists()


def test_overdue_is_derived_from_the_deadline(world):
    hazard = report(world)
    assign(world, hazard, deadline=in_days(2))
    assert not Hazard.objects.overdue().exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert list(Hazard.objects.overdue()) == [hazard]
        assert Hazard.objects.get(pk=hazard.pk).is_overdue
        services.transition(world.users["enterprise"], hazard.pk, "accept")
        services.transition(world.users["enterprise"], hazard.pk, "submit", comment="逾期后完成")
        assert not Hazard.objects.overdue().exists()
        hazard.refresh_from_db()
        assert hazard.on_time is False


def test_listed_supervision_by_town_and_city(world):
    hazard = report(world)
    with pytest.raises(TransitionError) as error:
        services.transition(
            world.users["inspector"],
            hazard.pk,
            "supervise",
            comment="督办",
            supervision_level="town",
            deadline=in_days(10),
        )
    assert error.value.status == 403
    with pytest.raises(TransitionError, match="督办级别"):
        services.transition(
            world.users["town_a"],
            hazard.pk,
            "supervise",
            comment="督办",
            supervision_level="city",
            deadline=in_days(10),
        )
    hazard = services.transition(
        world.users["town_a"],
        hazard.pk,
        "supervise",
        comment="镇级挂牌",
        supervision_level="town",
        deadline=in_days(10),
    )
    assert hazard.supervision_level == "town" and hazard.status == Status.REPORTED
    hazard = services.transition(
        world.users["city"],
        hazard.pk,
        "supervise",
        comment="市级挂牌",
        supervision_level="city",
        deadline=in_days(5),
    )
    assert hazard.supervision_level == "city" and hazard.supervision_deadline == in_days(5)
    with pytest.raises(TransitionError) as error:
        services.transition(
            world.users["town_a"],
            hazard.pk,
            "supervise",
            comment="降级",
            supervision_level="town",
            deadline=in_days(5),
        )
    assert error.value.status == 409


def test_unknown_action_is_named(world):
    hazard = report(world)
    with pytest.raises(TransitionError, match="未知操作“fly”"):
        services.transition(world.users["city"], hazard.pk, "fly")


def test_every_change_is_in_the_audit_log(world):
    before = AuditEntry.objects.filter(model="hazards.hazard").count()
    hazard = report(world)
    assign(world, hazard)
    entries = AuditEntry.objects.filter(model="hazards.hazard", object_id=str(hazard.pk))
    assert entries.count() >= 3 and AuditEntry.objects.filter(model="hazards.hazard").count() > before
    last = entries.order_by("-id").first()
    assert last.actor_name == "inspector" and last.after["status"] == "assigned"


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("role", list(Role))
def test_transition_table_is_consistent(state, role):
    """Every (state, role) pair offers exactly the actions whose source and roles match."""
    hazard = Hazard(status=state, level=Level.GENERAL)
    offered = {a.name for a in allowed_actions(hazard, {role})}
    expected = {name for name, a in ACTIONS.items() if state in a.sources and role in a.roles}
    assert offered == expected
    if role == Role.ENTERPRISE:
        assert not offered & {"assign", "verify", "reject", "close", "supervise"}


def test_open_and_any_supervision_filters(world):
    from anjian.hazards.filters import filter_hazards

    user = world.users["city"]
    first, second = report(world), report(world, who="city", subject="ent_b")
    services.transition(
        user, second.pk, "supervise", comment="市级挂牌", supervision_level="city", deadline=in_days(3)
    )
    visible = Hazard.objects.visible_to(user)
    assert set(filter_hazards(visible, {"open": "1"}, user)) == {first, second}
    assert not filter_hazards(visible, {"open": "0"}, user).exists()
    assert list(filter_hazards(visible, {"supervision": "any"}, user)) == [second]


def test_codes_fit_their_column_at_every_step(world):
    """PostgreSQL enforces max_length where SQLite does not; the placeholder code once broke it."""
    from anjian.core.models import AuditEntry

    hazard = report(world)
    limit = Hazard._meta.get_field("code").max_length
    codes = [
        e.after["code"] for e in AuditEntry.objects.filter(model="hazards.hazard", object_id=str(hazard.pk))
    ]
    assert codes and all(len(code) <= limit for code in codes)
    assert hazard.code == f"YH{timezone.localtime(hazard.found_at):%Y}{hazard.pk:07d}"
