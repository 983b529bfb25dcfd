"""Doing an inspection: item results, position, signatures, and finishing it, which turns every failing
item into a hazard through `anjian.hazards.services.report_hazard` (the one way a hazard is born).

Every function takes the acting user first, re-reads the inspection through `visible_to` (out of scope:
404), checks `can_conduct` and the state, and changes everything in one transaction or nothing.

Signatures on finishing: the inspector's is always required. The enterprise contact's (and name) is
required too, except for a self-inspection (the enterprise is both sides) and for an unannounced check
(暗查暗访: the inspectors may not reveal themselves, so there may be nobody to sign).
"""

import base64
import binascii
import io
import math

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from anjian.core.context import actor_function
from anjian.core.uploads import save_images
from anjian.hazards import services as hazard_services
from anjian.hazards.models import HazardEvent, Level, Source
from anjian.registry import grades
from anjian.risks.services_register import link_failed_item

from .errors import InspectionError
from .models import Inspection, ItemResult, Kind
from .permissions import can_conduct

EDITABLE = (Inspection.Status.PLANNED, Inspection.Status.IN_PROGRESS)
OUTCOMES = ("", *ItemResult.Outcome.values)
SIGNERS = {"inspector": "inspector_signature", "contact": "contact_signature"}
PNG_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A signature pad's PNG of a phone-sized canvas is 10–60 KB; anything far larger is not a signature.
MAX_SIGNATURE_BYTES = 512 * 1024


def _load(actor, inspection):
    """The inspection locked for update, if the actor may see it, conduct it, and it is still open."""
    pk = getattr(inspection, "pk", inspection)
    found = Inspection.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if found is None:
        raise Http404(_("检查不存在或不在您的管辖范围内"))
    if not can_conduct(actor, found):
        raise InspectionError(_("您不能填写这次检查"), 403)
    if found.status not in EDITABLE:
        raise InspectionError(_("检查当前状态为“%(s)s”，不能再修改") % {"s": found.get_status_display()}, 409)
    return found


def _begin(inspection):
    """The first thing recorded starts a planned inspection."""
    if inspection.status == Inspection.Status.PLANNED:
        inspection.status = Inspection.Status.IN_PROGRESS
        inspection.started_at = timezone.now()
        inspection.save(update_fields=["status", "started_at"])


@actor_function
@transaction.atomic
def start(actor, inspection):
    """planned → in_progress. Starting one already in progress changes nothing."""
    inspection = _load(actor, inspection)
    _begin(inspection)
    return inspection


@actor_function
@transaction.atomic
def record_result(actor, inspection, item_id, outcome, note="", photos=()):
    """Set (or, with outcome "", clear) one item's result; photos are added to those it has."""
    inspection = _load(actor, inspection)
    item = inspection.items().filter(pk=item_id).first()
    if item is None:
        raise InspectionError(_("检查条目不属于这次检查"), 404)
    outcome = outcome or ""
    if outcome not in OUTCOMES:
        raise InspectionError(_("检查结果“%(v)s”无效，应为符合、不符合或不适用") % {"v": outcome})
    try:
        attachments = save_images(list(photos or ()), actor)
    except ValidationError as error:
        raise InspectionError(" ".join(error.messages)) from None
    result, _created = ItemResult.objects.get_or_create(inspection=inspection, item=item)
    result.outcome = outcome
    result.note = (note or "").strip()
    result.save()
    if attachments:
        result.photos.add(*attachments)
    _begin(inspection)
    return result


def _number(value, label, low, high):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InspectionError(_("%(f)s“%(v)s”不是数字") % {"f": label, "v": value}) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InspectionError(_("%(f)s须在 %(lo)s 到 %(hi)s 之间") % {"f": label, "lo": low, "hi": high})
    return number


@actor_function
@transaction.atomic
def record_location(actor, inspection, lat, lon, accuracy):
    """Where the check happened, as the browser's geolocation gave it (WGS 84, accuracy in metres)."""
    inspection = _load(actor, inspection)
    inspection.lat = _number(lat, _("纬度"), -90, 90)
    inspection.lon = _number(lon, _("经度"), -180, 180)
    inspection.location_accuracy = _number(accuracy, _("定位精度"), 0, 100_000)
    inspection.save(update_fields=["lat", "lon", "location_accuracy"])
    _begin(inspection)
    return inspection


def _signature_png(data_url):
    """The PNG bytes of a signature pad's data URL; a clear message for anything else."""
    data_url = (data_url or "").strip()
    if not data_url.startswith(PNG_PREFIX):
        raise InspectionError(_("签名须为 PNG 图片（data:image/png;base64,…）"))
    encoded = data_url[len(PNG_PREFIX) :]
    if len(encoded) > MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        raise InspectionError(_("签名图片过大（上限 %(n)d KB）") % {"n": MAX_SIGNATURE_BYTES // 1024})
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InspectionError(_("签名数据不是有效的 base64 编码")) from None
    if not data.startswith(PNG_MAGIC):
        raise InspectionError(_("签名须为 PNG 图片（data:image/png;base64,…）"))
    if len(data) > MAX_SIGNATURE_BYTES:
        raise InspectionError(_("签名图片过大（上限 %(n)d KB）") % {"n": MAX_SIGNATURE_BYTES // 1024})
    _require_ink(data)
    return data


def _require_ink(data):
    """A blank pad posts a valid but empty PNG: refuse it, nobody signed."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            alpha = image.convert("RGBA").getchannel("A")
            gray = image.convert("L")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InspectionError(_("签名图片无法识别")) from None
    # Ink is an opaque pixel that is not white (pads draw dark strokes on transparent or white).
    ink = Image.eval(gray, lambda v: 255 if v < 200 else 0)
    inked = Image.composite(ink, Image.new("L", ink.size, 0), alpha)
    if inked.getbbox() is None:
        raise InspectionError(_("签名为空，请先在签名框内签字"))


@actor_function
@transaction.atomic
def sign(actor, inspection, who, data_url):
    """Store a signature (who: "inspector" or "contact") from a signature pad; a new one replaces it."""
    inspection = _load(actor, inspection)
    field = SIGNERS.get(who)
    if field is None:
        raise InspectionError(_("签名人“%(v)s”无效，应为检查人员或企业陪同人员") % {"v": who})
    data = _signature_png(data_url)
    upload = SimpleUploadedFile(f"signature-{who}-{inspection.code}.png", data, content_type="image/png")
    try:
        (attachment,) = save_images([upload], actor)
    except ValidationError as error:
        raise InspectionError(" ".join(error.messages)) from None
    setattr(inspection, field, attachment)
    inspection.save(update_fields=[field])
    _begin(inspection)
    return attachment


def needs_contact_signature(inspection):
    return not inspection.is_self and inspection.kind != Kind.UNANNOUNCED


def missing_items(inspection):
    """How many of the inspection's items have no outcome yet."""
    answered = inspection.results.exclude(outcome="").values("item_id")
    return inspection.items().exclude(pk__in=answered).count()


def failing_results(inspection):
    return (
        inspection.results.filter(outcome=ItemResult.Outcome.FAIL)
        .select_related("item__criterion__standard")
        .prefetch_related("photos")
        .order_by("item__order", "item_id")
    )


def _check_finishable(inspection, contact_name):
    missing = missing_items(inspection)
    if missing:
        raise InspectionError(_("还有 %(n)d 个检查条目未填写结果，不能完成检查") % {"n": missing})
    if inspection.inspector_signature_id is None:
        raise InspectionError(_("检查人员尚未签名"))
    if needs_contact_signature(inspection):
        if not contact_name:
            raise InspectionError(_("请填写企业陪同人员姓名"))
        if inspection.contact_signature_id is None:
            raise InspectionError(_("企业陪同人员尚未签名"))


def hazard_description(result):
    """What the hazard record says: the finding, the item checked, its legal basis and criterion."""
    item = result.item
    lines = []
    if result.note:
        lines.append(result.note)
    lines.append(_("检查条目 %(key)s：%(text)s") % {"key": item.key, "text": item.text})
    if item.legal_basis:
        lines.append(_("依据：%(v)s") % {"v": item.legal_basis})
    if item.criterion_id:
        lines.append(_("重大隐患判定：%(v)s") % {"v": item.criterion.citation})
    return "\n".join(lines)


def _hazard_for(actor, inspection, result):
    item = result.item
    title = (result.note.splitlines()[0] if result.note else "") or item.text
    try:
        hazard = hazard_services.report_hazard(
            actor,
            inspection.subject_id,
            title,
            level=Level.MAJOR if item.major_by_rule else Level.GENERAL,
            source=Source.SELF_CHECK if inspection.is_self else Source.INSPECTION,
            description=hazard_description(result),
            inspection=inspection,
        )
    except hazard_services.TransitionError as error:
        raise InspectionError(error.message, error.status) from None
    except Http404:
        # Named on the inspection but the subject lies outside the actor's own hazard scope.
        raise InspectionError(_("检查对象不在您的隐患上报范围内，无法生成隐患"), 403) from None
    photos = list(result.photos.all())
    if photos:
        # The same files, not copies: the hazard's timeline shows the photos taken at the item.
        HazardEvent.objects.get(hazard=hazard, action="report").attachments.add(*photos)
    result.hazard = hazard
    result.save(update_fields=["hazard", "updated_at"])
    # A failed check of a risk control measure's item marks that measure failed (risks register).

    link_failed_item(hazard, result.item)
    return hazard


@actor_function
@transaction.atomic
def finish(actor, inspection, summary="", contact_name=""):
    """Close the inspection: every item answered, signed; each failing item becomes a hazard."""
    inspection = _load(actor, inspection)
    contact_name = (contact_name or "").strip() or inspection.contact_name
    _check_finishable(inspection, contact_name)
    # Each failing item reports a hazard, and each report asks for a re-grade: the batch re-grades
    # the subject once, when every hazard is in.
    with grades.batch(actor):
        hazards = [_hazard_for(actor, inspection, result) for result in failing_results(inspection)]
    now = timezone.now()
    inspection.summary = (summary or "").strip()
    inspection.contact_name = contact_name[:50]
    inspection.status = Inspection.Status.DONE
    inspection.started_at = inspection.started_at or now
    inspection.finished_at = now
    inspection.save(update_fields=["summary", "contact_name", "status", "started_at", "finished_at"])
    return hazards
