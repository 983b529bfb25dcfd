"""services_conduct: every rule, and every refusal changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from anjian.core import audit
from anjian.core.models import Attachment
from anjian.hazards.models import Hazard, HazardEvent
from anjian.inspections import services_conduct as services
from anjian.inspections.errors import InspectionError
from anjian.inspections.models import Inspection, ItemResult, Kind
from anjian.testing import make_checklist

from .conduct_helpers import answer_all, make_inspection, photo, sign_all, signature_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    return make_checklist("conduct", items=3, major_items=(2,))


@pytest.fixture
def inspection(world, version):
    return make_inspection(world, version)


def refused(status, call, *args, **kwargs):
    with pytest.raises(InspectionError) as caught:
        call(*args, **kwargs)
    assert caught.value.status == status, caught.value.message
    return caught.value.message


def item(inspection, key):
    return inspection.items().get(key=key)


def test_start_moves_planned_to_in_progress(world, inspection):
    services.start(world.users["inspector"], inspection)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS
    assert inspection.started_at is not None


def test_a_done_inspection_is_read_only(world, inspection):
    audit.update(Inspection.objects.filter(pk=inspection.pk), status=Inspection.Status.DONE)
    actor = world.users["inspector"]
    message = refused(409, services.record_result, actor, inspection, item(inspection, "T-1").pk, "pass")
    assert "已完成" in message
    refused(409, services.start, actor, inspection)
    refused(409, services.sign, actor, inspection, "inspector", signature_url())
    assert not ItemResult.objects.exists()


def test_record_result_upserts_and_starts_the_inspection(world, inspection):
    actor, target = world.users["inspector"], item(inspection, "T-1")
    services.record_result(actor, inspection, target.pk, "fail", note="  灭火器过期  ")
    services.record_result(actor, inspection, target.pk, "pass", note="已更换")
    result = ItemResult.objects.get()
    assert (result.outcome, result.note) == ("pass", "已更换")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS
    services.record_result(actor, inspection, target.pk, "")
    assert ItemResult.objects.get().outcome == ""


def test_record_result_attaches_photos(world, inspection):
    actor, target = world.users["inspector"], item(inspection, "T-1")
    services.record_result(actor, inspection, target.pk, "fail", photos=[photo("a.jpg")])
    services.record_result(actor, inspection, target.pk, "fail", photos=[photo("b.jpg")])
    assert sorted(p.original_name for p in ItemResult.objects.get().photos.all()) == ["a.jpg", "b.jpg"]


def test_record_result_refusals_change_nothing(world, inspection):
    actor, target = world.users["inspector"], item(inspection, "T-1")
    services.record_result(actor, inspection, target.pk, "pass", note="原说明")
    assert "无效" in refused(422, services.record_result, actor, inspection, target.pk, "maybe", note="新")
    other = make_checklist("other").items.first()
    assert "不属于" in refused(404, services.record_result, actor, inspection, other.pk, "fail")
    attachments = Attachment.objects.count()
    text = SimpleUploadedFile("x.jpg", b"hello world", content_type="image/jpeg")
    message = refused(
        422, services.record_result, actor, inspection, target.pk, "fail", note="新", photos=[text]
    )
    assert "x.jpg" in message
    result = ItemResult.objects.get()
    assert (result.outcome, result.note, Attachment.objects.count()) == ("pass", "原说明", attachments)


def test_record_location_validates_ranges(world, inspection):
    actor = world.users["inspector"]
    services.record_location(actor, inspection, "28.3712", "121.3601", "12.5")
    inspection.refresh_from_db()
    assert (inspection.lat, inspection.lon, inspection.location_accuracy) == (28.3712, 121.3601, 12.5)
    assert "纬度" in refused(422, services.record_location, actor, inspection, 91, 121, 10)
    assert "经度" in refused(422, services.record_location, actor, inspection, 28, -181, 10)
    assert "不是数字" in refused(422, services.record_location, actor, inspection, "abc", 121, 10)
    refused(422, services.record_location, actor, inspection, "nan", 121, 10)
    refused(422, services.record_location, actor, inspection, 28, 121, -1)
    inspection.refresh_from_db()
    assert (inspection.lat, inspection.lon) == (28.3712, 121.3601)


def test_sign_stores_a_png_attachment(world, inspection):
    attachment = services.sign(world.users["inspector"], inspection, "inspector", signature_url())
    inspection.refresh_from_db()
    assert inspection.inspector_signature == attachment
    assert attachment.content_type == "image/png"
    with attachment.file.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("who", "data_url", "words"),
    [
        ("inspector", signature_url(fmt="JPEG"), "PNG"),
        ("inspector", "data:image/png;base64,@@@@", "base64"),
        ("inspector", "data:image/png;base64,aGVsbG8=", "PNG"),
        ("inspector", signature_url(ink=False), "签名为空"),
        ("inspector", "data:image/png;base64," + "A" * 800_000, "过大"),
        ("boss", signature_url(), "签名人"),
    ],
)
def test_sign_refuses_what_is_not_a_signature(world, inspection, who, data_url, words):
    message = refused(422, services.sign, world.users["inspector"], inspection, who, data_url)
    assert words in message
    inspection.refresh_from_db()
    assert inspection.inspector_signature is None and inspection.status == Inspection.Status.PLANNED
    assert not Attachment.objects.exists()


def test_finish_refuses_until_every_item_is_answered_and_signed(world, inspection):
    actor = world.users["inspector"]
    services.record_result(actor, inspection, item(inspection, "T-1").pk, "fail", note="x")
    assert "还有 2 个" in refused(422, services.finish, actor, inspection, contact_name="赵敏")
    answer_all(services, actor, inspection, fail=("T-1",))
    assert "检查人员尚未签名" in refused(422, services.finish, actor, inspection, contact_name="赵敏")
    services.sign(actor, inspection, "inspector", signature_url())
    assert "陪同人员姓名" in refused(422, services.finish, actor, inspection)
    assert "企业陪同人员尚未签名" in refused(422, services.finish, actor, inspection, contact_name="赵敏")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS and inspection.finished_at is None
    assert not Hazard.objects.exists()


def test_finish_turns_failing_items_into_hazards(world, inspection):
    actor = world.users["inspector"]
    answer_all(services, actor, inspection, fail=("T-1", "T-2"), note="配电箱未接地\n二号车间")
    services.record_result(
        actor, inspection, item(inspection, "T-2").pk, "fail", note="无证上岗", photos=[photo()]
    )
    sign_all(services, actor, inspection)
    hazards = services.finish(actor, inspection, summary="总体良好", contact_name="赵敏")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DONE and inspection.finished_at is not None
    assert (inspection.summary, inspection.contact_name) == ("总体良好", "赵敏")
    assert len(hazards) == 2
    by_key = {result.item.key: result for result in inspection.results.exclude(hazard=None)}
    assert set(by_key) == {"T-1", "T-2"}
    general, major = by_key["T-1"].hazard, by_key["T-2"].hazard
    assert (general.level, major.level) == ("general", "major")
    assert {general.source, major.source} == {"inspection"}
    assert general.subject == world.subjects["ent_a"] and general.title == "配电箱未接地"
    assert "检查条目1" in general.description and "安全生产法" in general.description
    event = HazardEvent.objects.get(hazard=major, action="report")
    assert list(event.attachments.all()) == list(by_key["T-2"].photos.all())
    assert major.inspection_result == by_key["T-2"]


def test_self_inspection_needs_no_contact_and_reports_self_check(world, version):
    inspection = make_inspection(world, version, inspectors=(), is_self=True)
    actor = world.users["enterprise"]
    answer_all(services, actor, inspection, fail=("T-3",))
    services.sign(actor, inspection, "inspector", signature_url())
    (hazard,) = services.finish(actor, inspection)
    assert hazard.source == "self_check" and hazard.level == "general"


def test_unannounced_check_needs_no_contact_signature(world, version):
    inspection = make_inspection(world, version, kind=Kind.UNANNOUNCED)
    actor = world.users["inspector"]
    answer_all(services, actor, inspection)
    services.sign(actor, inspection, "inspector", signature_url())
    assert services.finish(actor, inspection) == []
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DONE


def test_finish_is_all_or_nothing(world, version, django_user_model):
    # Named on the inspection but holding no role any more: report_hazard refuses the first hazard,
    # and the results, the status and any hazard made before stay as they were.
    inspection = make_inspection(world, version, inspectors=("town_b",))
    actor = world.users["town_b"]
    answer_all(services, actor, inspection, fail=("T-1", "T-2"))
    sign_all(services, actor, inspection)
    actor.roles.all().delete()
    actor = django_user_model.objects.get(pk=actor.pk)  # a fresh request: scope read again
    assert "角色" in refused(403, services.finish, actor, inspection, contact_name="赵敏")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS
    assert not Hazard.objects.exists()


def test_a_named_inspector_outside_their_sectors_reports_the_hazards(world, version):
    # A joint inspection: 大溪镇's official is named on an inspection of a 泽国镇 enterprise.
    inspection = make_inspection(world, version, inspectors=("town_b",))
    actor = world.users["town_b"]
    answer_all(services, actor, inspection, fail=("T-1",))
    sign_all(services, actor, inspection)
    (hazard,) = services.finish(actor, inspection, contact_name="赵敏")
    assert hazard.subject == world.subjects["ent_a"] and hazard.found_by == actor
    # The hazard belongs to 泽国镇's loop, not to the visiting official's.
    assert hazard in Hazard.objects.visible_to(world.users["town_a"])


def test_enterprise_cannot_conduct_someone_elses_inspection(world, inspection):
    enterprise = world.users["enterprise"]
    # Not announced to the enterprise: it does not exist for it.
    with pytest.raises(Http404):
        services.start(enterprise, inspection)
    audit.update(Inspection.objects.filter(pk=inspection.pk), status=Inspection.Status.IN_PROGRESS)
    with pytest.raises(Http404):
        services.record_result(enterprise, inspection, item(inspection, "T-1").pk, "pass")
    audit.update(Inspection.objects.filter(pk=inspection.pk), status=Inspection.Status.DONE)
    assert "不能填写" in refused(403, services.start, enterprise, inspection)


def test_out_of_scope_is_404_and_changes_nothing(world, inspection):
    with pytest.raises(Http404):
        services.record_result(world.users["town_b"], inspection, item(inspection, "T-1").pk, "pass")
    with pytest.raises(Http404):
        services.record_location(world.users["town_b"], inspection, 28, 121, 5)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PLANNED and inspection.lat is None
    assert not ItemResult.objects.exists()
