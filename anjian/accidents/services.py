"""Recording accidents, and the committee office's key periods and yearly targets.

Every change takes the acting user first. An accident of a subject takes its place and sector from
the subject, which the actor must see (else 404); an accident without a subject (a road accident)
is placed in a territory the actor may pick (else 404) and must fall within the actor's scope, sector
included (else 403). The level and its reason always come from `grading.grade`, never from a form.
Everything is checked before anything is written, and each change is one transaction.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError
from anjian.core.filtering import int_or_none
from anjian.core.uploads import save_images
from anjian.org.models import Sector, Territory
from anjian.registry import grades
from anjian.registry.models import Subject
from anjian.registry.vocab import AccidentType

from . import grading
from .models import Accident, KeyPeriod, YearTarget
from .permissions import can_record_accidents, can_set_targets, can_view_accidents

FIELDS = (
    "occurred_at",
    "place",
    "subject",
    "territory",
    "sector",
    "accident_type",
    "deaths",
    "serious_injuries",
    "direct_loss_yuan",
    "description",
    "reported_at",
)
MIN_YEAR, MAX_YEAR = 1990, 2100


class AccidentError(ServiceError):
    """A change that cannot happen, with a message for the user; `status` is the HTTP answer (422 bad
    input, 403 a role or scope that may not record it)."""


def visible_accidents(user):
    """The accidents `user` may read: none for a role that may not view accidents at all."""
    if not can_view_accidents(user):
        return Accident.objects.none()
    return Accident.objects.visible_to(user)


# ---------------------------------------------------------------------------------------------
# Checking input


def _text(value, label, max_length, required=False):
    text = ("" if value is None else str(value)).strip()
    if required and not text:
        raise AccidentError(_("请填写%(f)s") % {"f": label})
    if max_length and len(text) > max_length:
        raise AccidentError(_("%(f)s不能超过 %(n)d 个字") % {"f": label, "n": max_length})
    return text


def _moment(value, label, required=False):
    if value in (None, ""):
        if required:
            raise AccidentError(_("请填写%(f)s") % {"f": label})
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise AccidentError(_("%(f)s不是有效时间：%(v)s") % {"f": label, "v": value}) from None
    if not isinstance(value, datetime.datetime):
        raise AccidentError(_("%(f)s不是有效时间") % {"f": label})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + datetime.timedelta(minutes=5):
        raise AccidentError(_("%(f)s不能晚于现在") % {"f": label})
    if value.year < MIN_YEAR:
        raise AccidentError(_("%(f)s不能早于 %(y)s 年") % {"f": label, "y": MIN_YEAR})
    return value


def _subject(actor, subject):
    if subject in (None, ""):
        return None
    pk = int_or_none(getattr(subject, "pk", subject))
    found = Subject.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404(_("事故单位不存在或不在您的管辖范围内"))
    return found


def _territory(actor, territory):
    if territory in (None, ""):
        raise AccidentError(_("没有事故单位时，请选择事故发生的辖区"))
    pk = int_or_none(getattr(territory, "pk", territory))
    visible = Territory.objects.visible_to(actor)
    found = visible.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404(_("辖区不存在或不在您的管辖范围内"))
    return found


def _sector(sector):
    code = getattr(sector, "pk", sector)
    if not code:
        raise AccidentError(_("没有事故单位时，请选择行业领域"))
    found = Sector.objects.filter(pk=code).first()
    if found is None:
        raise AccidentError(_("行业领域“%(v)s”无效") % {"v": code})
    return found


def _clean(actor, data):
    """The accident's field values from `data`, every rule checked; raises AccidentError/Http404."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise AccidentError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    subject = _subject(actor, data.get("subject"))
    if subject is not None:
        # The subject's node in the tree (its grid when it has one), so the grid member who looks
        # after the subject sees its accidents too.
        territory, sector = subject.grid or subject.territory, subject.sector
    else:
        territory, sector = _territory(actor, data.get("territory")), _sector(data.get("sector"))
    accident_type = data.get("accident_type") or ""
    if accident_type not in AccidentType.values:
        raise AccidentError(_("事故类型“%(v)s”无效") % {"v": accident_type})
    try:
        deaths, injuries, loss = grading.clean(
            data.get("deaths", 0), data.get("serious_injuries", 0), data.get("direct_loss_yuan", 0)
        )
    except grading.GradingError as error:
        raise AccidentError(error.message) from None
    occurred_at = _moment(data.get("occurred_at"), _("发生时间"), required=True)
    reported_at = _moment(data.get("reported_at"), _("报告时间"))
    if reported_at is not None and reported_at < occurred_at:
        raise AccidentError(_("报告时间不能早于发生时间"))
    level, reason = grading.grade(deaths, injuries, loss)
    return {
        "occurred_at": occurred_at,
        "reported_at": reported_at,
        "place": _text(data.get("place"), _("发生地点"), 200, required=True),
        "subject": subject,
        "territory": territory,
        "sector": sector,
        "accident_type": accident_type,
        "deaths": deaths,
        "serious_injuries": injuries,
        "direct_loss_yuan": loss,
        "description": _text(data.get("description"), _("事故经过"), 5000),
        "level": level,
        "level_reason": reason,
    }


def _require_recorder(actor):
    if not can_record_accidents(actor):
        raise AccidentError(_("您的角色不能登记生产安全事故"), 403)


def _require_in_scope(actor, accident):
    """A sector-bound user (a department) may pick any place but only its own sectors: the saved
    row must be one the actor can see, or the whole change is undone."""
    if not Accident.objects.visible_to(actor).filter(pk=accident.pk).exists():
        raise AccidentError(
            _("行业领域“%(s)s”或辖区“%(t)s”不在您的管辖范围内，不能登记该事故")
            % {"s": accident.sector.name, "t": accident.territory.name},
            403,
        )


def _photos(photos, actor):
    try:
        return save_images(list(photos or []), actor)
    except ValidationError as error:
        raise AccidentError(" ".join(error.messages)) from None


def next_code(year):
    """SG + year + a 6-digit sequence within the year."""
    prefix = f"SG{year}"
    last = (
        Accident.objects.filter(code__startswith=prefix, code__regex=r"^SG\d{10}$")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    return f"{prefix}{(int(last[len(prefix) :]) + 1) if last else 1:06d}"


def _regrade(actor, *subject_ids):
    # An accident in the past year raises its subject's dynamic grade (accidents.risk_signal).
    grades.regrade(subject_ids, actor=actor)


# ---------------------------------------------------------------------------------------------
# Accidents


@actor_function
@transaction.atomic
def record_accident(actor, photos=(), **data):
    """A new accident from the form's or the API's fields (see FIELDS); returns it, graded."""
    values = _clean(actor, data)
    _require_recorder(actor)
    year = timezone.localtime(values["occurred_at"]).year
    accident = Accident(**values, recorded_by=actor, code=next_code(year))
    accident.save()
    _require_in_scope(actor, accident)
    attachments = _photos(photos, actor)
    if attachments:
        accident.attachments.add(*attachments)
    _regrade(actor, accident.subject_id)
    return accident


@actor_function
@transaction.atomic
def update_accident(actor, accident, photos=(), **data):
    """Change an accident the actor can see; the level is graded again. The code stays."""
    pk = int_or_none(getattr(accident, "pk", accident))
    found = visible_accidents(actor).select_for_update().filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404(_("事故不存在或不在您的管辖范围内"))
    _require_recorder(actor)
    current = {name: getattr(found, name) for name in FIELDS}
    current.update(data)
    values = _clean(actor, current)
    old_subject = found.subject_id
    for name, value in values.items():
        setattr(found, name, value)
    found.save()
    _require_in_scope(actor, found)
    attachments = _photos(photos, actor)
    if attachments:
        found.attachments.add(*attachments)
    _regrade(actor, old_subject, found.subject_id)
    return found


# ---------------------------------------------------------------------------------------------
# Key periods and year targets (the committee office's)


def _require_office(actor):
    if not can_set_targets(actor):
        raise AccidentError(_("只有市安委办可以设置重点时段和年度控制目标"), 403)


def _date(value, label):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise AccidentError(_("%(f)s不是有效日期：%(v)s") % {"f": label, "v": value}) from None
    if not isinstance(value, datetime.date):
        raise AccidentError(_("请填写%(f)s") % {"f": label})
    return value


def _clean_period(name, starts_on, ends_on, note):
    starts_on, ends_on = _date(starts_on, _("开始日期")), _date(ends_on, _("结束日期"))
    if ends_on < starts_on:
        raise AccidentError(_("结束日期不能早于开始日期"))
    if (ends_on - starts_on).days > 366:
        raise AccidentError(_("重点时段不能超过一年"))
    return {
        "name": _text(name, _("名称"), 100, required=True),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "note": _text(note, _("说明"), 200),
    }


@actor_function
@transaction.atomic
def save_period(actor, period=None, *, name, starts_on, ends_on, note=""):
    """Create (period None) or change a key period."""
    _require_office(actor)
    values = _clean_period(name, starts_on, ends_on, note)
    if period is None:
        return KeyPeriod.objects.create(**values)
    found = (
        KeyPeriod.objects.select_for_update().filter(pk=int_or_none(getattr(period, "pk", period))).first()
    )
    if found is None:
        raise Http404(_("重点时段不存在"))
    for field, value in values.items():
        setattr(found, field, value)
    found.save()
    return found


@actor_function
@transaction.atomic
def delete_period(actor, period):
    _require_office(actor)
    deleted, _rows = audit.delete(
        KeyPeriod.objects.filter(pk=int_or_none(getattr(period, "pk", period))), actor=actor
    )
    if not deleted:
        raise Http404(_("重点时段不存在"))


def _count(value, label):
    if value in (None, ""):
        return None
    number = int_or_none(value)
    if number is None or isinstance(value, bool) or (isinstance(value, float) and value != int(value)):
        raise AccidentError(_("%(f)s应为整数：%(v)s") % {"f": label, "v": value})
    if number < 0:
        raise AccidentError(_("%(f)s不能为负数") % {"f": label})
    if number > grading.MAX_PEOPLE:
        raise AccidentError(_("%(f)s超出合理范围（不超过 %(n)s）") % {"f": label, "n": grading.MAX_PEOPLE})
    return number


@actor_function
@transaction.atomic
def set_target(actor, *, year, max_accidents=None, max_deaths=None, note=""):
    """The year's control figures (created or replaced). Empty figures mean "below last year" only."""
    _require_office(actor)
    number = int_or_none(year)
    if number is None or not MIN_YEAR <= number <= MAX_YEAR:
        raise AccidentError(
            _("年度应为 %(a)s–%(b)s 之间的年份：%(v)s") % {"a": MIN_YEAR, "b": MAX_YEAR, "v": year}
        )
    values = {
        "max_accidents": _count(max_accidents, _("事故起数控制数")),
        "max_deaths": _count(max_deaths, _("死亡人数控制数")),
        "note": _text(note, _("说明"), 200),
    }
    target, _created = YearTarget.objects.update_or_create(year=number, defaults=values)
    return target


@actor_function
@transaction.atomic
def delete_target(actor, target):
    _require_office(actor)
    deleted, _rows = audit.delete(
        YearTarget.objects.filter(pk=int_or_none(getattr(target, "pk", target))), actor=actor
    )
    if not deleted:
        raise Http404(_("年度控制目标不存在"))
