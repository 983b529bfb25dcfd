"""Installations (GB 18218 units), their inventory and evaluation, and their safety guarantors.

Every change checks the actor's role (`permissions.can_edit_register`) and that the subject is in the
actor's scope (out of scope is 404), runs in one transaction, and raises InstallationError with a
Chinese message when it cannot happen; a bad inventory line leaves the saved inventory as it was.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError
from anjian.registry import grades
from anjian.registry.models import Subject

from . import gb18218
from .models import Guarantor, GuarantorCheck, Installation, InventoryLine
from .permissions import can_edit_register

# 《危险化学品企业重大危险源安全包保责任制办法（试行）》（应急厅〔2021〕12号）: the principal guarantor
# checks at least once a quarter, the technical one at least monthly, the operational one at least
# weekly. These are the defaults; an installation may set a shorter interval.
DEFAULT_INTERVALS = {
    Guarantor.Role.PRINCIPAL: 90,
    Guarantor.Role.TECHNICAL: 30,
    Guarantor.Role.OPERATIONAL: 7,
}


class InstallationError(ServiceError):
    """A change that cannot happen, with a message for the user. `status`: 422 bad input, 403 the
    role may not act, 404 not in scope. `problems`: the evaluation's per-line problems, if any."""

    def __init__(self, message, status=None, problems=()):
        super().__init__(message, status)
        self.problems = list(problems)


# --- who and what --------------------------------------------------------------------------------


def require_editor(actor):
    if not can_edit_register(actor):
        raise InstallationError(_("您的角色不能修改危险化学品单元和包保责任人"), 403)


def visible_subject(actor, subject_id):
    subject = Subject.objects.visible_to(actor).filter(pk=subject_id).first() if subject_id else None
    if subject is None:
        raise InstallationError(_("监管对象不存在或不在您的管辖范围内"), 404)
    return subject


def visible_installation(actor, installation_id):
    installation = Installation.objects.visible_to(actor).filter(pk=installation_id).first()
    if installation is None:
        raise InstallationError(_("危险化学品单元不存在或不在您的管辖范围内"), 404)
    return installation


def visible_guarantor(actor, guarantor_id):
    installations = Installation.objects.visible_to(actor)
    guarantor = Guarantor.objects.filter(pk=guarantor_id, installation__in=installations).first()
    if guarantor is None:
        raise InstallationError(_("包保责任人不存在或不在您的管辖范围内"), 404)
    return guarantor


# --- the installation and its inventory ----------------------------------------------------------


def _clean_unit(name, kind):
    name = (name or "").strip()
    if not name:
        raise InstallationError(_("请填写单元名称"))
    if len(name) > 100:
        raise InstallationError(_("单元名称过长（最多100个字符）"))
    if kind not in Installation.Kind.values:
        raise InstallationError(_("单元类型“%(v)s”无效") % {"v": kind})
    return name


def _evaluate(lines, exposed_people, numbers):
    try:
        return gb18218.evaluate(lines, exposed_people, numbers=numbers)
    except gb18218.EvaluationError as error:
        raise InstallationError(str(error), problems=error.problems) from None


@actor_function
def save_installation(
    actor, *, subject=None, installation=None, name, kind, exposed_people, lines, record_no="", numbers=None
):
    """Create an installation of `subject` (or update `installation`) with exactly `lines` as its
    inventory, evaluated by GB 18218. `lines`: (substance, quantity_t, category) tuples or dicts.
    Returns the installation; nothing is saved when anything is wrong."""
    require_editor(actor)
    if installation is not None:
        installation = visible_installation(actor, installation.pk)
        subject = installation.subject
    else:
        subject = visible_subject(actor, getattr(subject, "pk", subject))
    name = _clean_unit(name, kind)
    lines = list(lines)
    result = _evaluate(lines, exposed_people, numbers)
    with transaction.atomic():
        if installation is None:
            installation = Installation(subject=subject)
        installation.name, installation.kind = name, kind
        installation.record_no = (record_no or "").strip()[:50]
        _write_evaluation(installation, result)
        installation.save()
        audit.delete(installation.lines.all(), actor=actor)
        audit.bulk_create(InventoryLine, _line_rows(installation, result), actor=actor)
        grades.regrade([subject.pk], actor=actor)
    return installation


def _write_evaluation(installation, result):
    installation.exposed_people = result.exposed_people
    installation.s_value = result.s
    installation.is_major = result.is_major
    installation.r_value = result.r
    installation.grade = result.grade
    installation.alpha = result.alpha
    installation.evaluated_at = timezone.now()


def _line_rows(installation, result):
    return [
        InventoryLine(
            installation=installation,
            substance=line.substance[:100],
            name_cn=line.name[:100],
            cas=line.cas[:20],
            category=line.category,
            quantity_t=line.quantity,
            critical_t=line.critical,
            beta=line.beta,
            basis=line.basis[:100],
        )
        for line in result.lines
    ]


@actor_function
def delete_installation(actor, installation):
    require_editor(actor)
    installation = visible_installation(actor, installation.pk)
    subject_id = installation.subject_id
    with transaction.atomic():
        installation.delete()
        grades.regrade([subject_id], actor=actor)


# --- guarantors and their checks -----------------------------------------------------------------


@actor_function
def set_guarantor(actor, installation, *, role, name, position="", phone="", check_interval_days=None):
    """Name (or replace) the guarantor of `role`; the interval defaults to the 2021 rule's."""
    require_editor(actor)
    installation = visible_installation(actor, installation.pk)
    if role not in Guarantor.Role.values:
        raise InstallationError(_("包保职责“%(v)s”无效") % {"v": role})
    name = (name or "").strip()
    if not name:
        raise InstallationError(_("请填写包保责任人姓名"))
    interval = DEFAULT_INTERVALS[role] if check_interval_days in (None, "") else check_interval_days
    try:
        interval = int(interval)
    except (TypeError, ValueError):
        raise InstallationError(_("检查周期“%(v)s”应为整数天数") % {"v": interval}) from None
    if not 1 <= interval <= DEFAULT_INTERVALS[role]:
        raise InstallationError(
            _("%(r)s的检查周期应为1–%(m)s天（应急厅〔2021〕12号的最低频次）")
            % {"r": Guarantor.Role(role).label, "m": DEFAULT_INTERVALS[role]}
        )
    fields = {
        "name": name[:50],
        "position": (position or "").strip()[:50],
        "phone": (phone or "").strip()[:20],
    }
    with transaction.atomic():
        guarantor, _created = Guarantor.objects.update_or_create(
            installation=installation, role=role, defaults={**fields, "check_interval_days": interval}
        )
    return guarantor


@actor_function
def record_check(actor, guarantor, *, done_on, note=""):
    """Record a check the guarantor did; the date may not lie in the future."""
    require_editor(actor)
    guarantor = visible_guarantor(actor, guarantor.pk)
    if not isinstance(done_on, datetime.date):
        raise InstallationError(_("请填写检查日期"))
    if done_on > timezone.localdate():
        raise InstallationError(_("检查日期 %(d)s 晚于今天") % {"d": done_on})
    with transaction.atomic():
        return GuarantorCheck.objects.create(
            guarantor=guarantor, done_on=done_on, note=(note or "").strip(), recorded_by=actor
        )


@dataclass
class GuarantorStatus:
    guarantor: Guarantor
    last_check: datetime.date | None
    due_on: datetime.date | None  # the last check plus the interval; None: never checked
    is_overdue: bool


def guarantor_statuses(guarantors, today=None):
    """Each guarantor with its last check and whether a check is overdue (never checked counts as
    overdue: the duty starts when the guarantor is named)."""
    today = today or timezone.localdate()
    rows = guarantors.annotate(last_check=Max("checks__done_on"))
    out = []
    for guarantor in rows:
        last = guarantor.last_check
        due = last + datetime.timedelta(days=guarantor.check_interval_days) if last else None
        out.append(GuarantorStatus(guarantor, last, due, due is None or due < today))
    return out


def overdue_guarantors(actor, today=None):
    """The guarantors, within the actor's scope, whose last check is older than their interval."""
    installations = Installation.objects.visible_to(actor)
    guarantors = Guarantor.objects.filter(installation__in=installations).select_related("installation")
    return [status for status in guarantor_statuses(guarantors, today) if status.is_overdue]


# --- reading -------------------------------------------------------------------------------------


def stored_evaluation(installation):
    """(rows, Evaluation) from what was saved: each line with its q/Q and β·q/Q, and the sentence
    of how S, R and the grade came out. None for the evaluation of an installation never evaluated."""
    rows, weighted_sum = [], Decimal(0)
    for line in installation.lines.all():
        term = line.quantity_t / line.critical_t
        weighted_sum += line.beta * term
        rows.append({"line": line, "term": _shown(term), "weighted": _shown(line.beta * term)})
    if installation.evaluated_at is None:
        return rows, None
    band = gb18218.grade_for(installation.r_value)[1] if installation.is_major else ""
    evaluation = gb18218.Evaluation(
        [],
        installation.exposed_people,
        installation.s_value,
        installation.is_major,
        installation.alpha,
        weighted_sum,
        installation.r_value,
        installation.grade,
        band,
    )
    return rows, evaluation


def _shown(value):
    return value.quantize(gb18218.SHOWN, rounding=ROUND_HALF_UP)


def recent_checks(installation, limit=20):
    checks = GuarantorCheck.objects.filter(guarantor__installation=installation)
    return list(checks.select_related("guarantor", "recorded_by").order_by("-done_on", "-id")[:limit])
