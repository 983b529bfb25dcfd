"""Working days: counting deadlines that rules give in working days, from the holiday table.

A date is a working day when its `Holiday` row says so (a make-up working day) or, with no row, when
it falls on Monday–Friday; a `holiday` row makes it a day off. Calendar-day deadlines do not come
here.

The table is read once per process into `_Table` and kept: the overdue sweep asks about thousands of
deadlines, and each question is then a dictionary look-up (`is_working_day`, `add_working_days`) or
two bisections (`working_days_between`). The services below that write the table drop the copy at
once and again when their transaction commits; a write made by another process (a second worker,
the admin) is seen after at most `RECHECK_SECONDS`, when one cheap query compares the table's
fingerprint. `invalidate_cache()` drops it by hand (tests whose transaction is rolled back call it).

Seeding: `seed_from_package` copies the public holidays and make-up working days of the
`chinesecalendar` package (import name `chinese_calendar`, https://github.com/LKI/chinese-calendar).
Its installed metadata (1.11.0) says `License: MIT License` and the classifier
`License :: OSI Approved :: MIT License`; it ships the State Council's 放假安排 from 2004 to the
latest year announced when it was released (2026 in 1.11.0). Years it does not know yet are entered
by the city office (`save_holiday`, source=office), and a seeding never overwrites an office row.

The office-only rule for `save_holiday` / `delete_holiday` is the web layer's to check: this app
sits below org and cannot read roles.
"""

import bisect
import datetime
import time
from dataclasses import dataclass

import chinese_calendar
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError

from .models import Holiday

FIRST_YEAR, LAST_YEAR = 2000, 2100
# How long a process trusts its copy of the table before asking whether another process changed it.
RECHECK_SECONDS = 60


class WorkdayError(ServiceError):
    """A holiday-table change that cannot happen."""


# ---------------------------------------------------------------------------------------------------
# The cached table


@dataclass(frozen=True)
class _Table:
    fingerprint: tuple
    kinds: dict  # date → Holiday.Kind value
    years: frozenset
    dates: tuple  # sorted row dates
    # prefix[i]: the working days the rows dates[:i] add to (make-up days on a weekend) or take from
    # (days off on Monday–Friday) the plain Monday–Friday count.
    prefix: tuple


_cache = {"table": None, "checked": 0.0}


def invalidate_cache():
    """Forget this process's copy of the holiday table; the next question reads it again."""
    _cache["table"] = None


def _fingerprint():
    row = Holiday.objects.aggregate(n=Count("id"), last_id=Max("id"), last_at=Max("updated_at"))
    return row["n"], row["last_id"], row["last_at"]


def _load():
    fingerprint = _fingerprint()
    kinds = dict(Holiday.objects.values_list("date", "kind"))
    dates = tuple(sorted(kinds))
    prefix, total = [0], 0
    for day in dates:
        total += _adjustment(day, kinds[day])
        prefix.append(total)
    years = frozenset(day.year for day in dates)
    return _Table(fingerprint, kinds, years, dates, tuple(prefix))


def _adjustment(day, kind):
    weekend = day.weekday() >= 5
    if kind == Holiday.Kind.WORKDAY and weekend:
        return 1
    if kind == Holiday.Kind.HOLIDAY and not weekend:
        return -1
    return 0


def _table():
    table, now = _cache["table"], time.monotonic()
    if table is not None and now - _cache["checked"] >= RECHECK_SECONDS:
        # Another process may have written the table: one aggregate tells, not a reload.
        if _fingerprint() != table.fingerprint:
            table = None
        _cache["checked"] = now
    if table is None:
        table = _cache["table"] = _load()
        _cache["checked"] = now
    return table


def _changed():
    """After a write: drop the copy now, so the writing transaction's next question sees its own
    change, and again at commit, so a copy read before the commit is not kept. After a rollback the
    copy may hold the undone change until the next fingerprint check (or `invalidate_cache()`)."""
    invalidate_cache()
    transaction.on_commit(invalidate_cache)


# ---------------------------------------------------------------------------------------------------
# Questions


def _as_date(value):
    if isinstance(value, datetime.datetime):
        # An aware datetime is a moment: its date is the local one, as everywhere in the project.
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def is_working_day(d: datetime.date) -> bool:
    d = _as_date(d)
    kind = _table().kinds.get(d)
    if kind is not None:
        return kind == Holiday.Kind.WORKDAY
    return d.weekday() < 5


def add_working_days(d: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `d` (before it for negative `n`); `d` itself for 0. `d` need
    not be a working day: 1 working day after a Saturday is the next working day."""
    d = _as_date(d)
    kinds = _table().kinds
    step = datetime.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        kind = kinds.get(d)
        if (kind == Holiday.Kind.WORKDAY) if kind is not None else d.weekday() < 5:
            remaining -= 1
    return d


def next_working_day(d: datetime.date) -> datetime.date:
    """The first working day strictly after `d`."""
    return add_working_days(d, 1)


def _weekdays_through(ordinal):
    # Day 1 of the proleptic calendar (0001-01-01) is a Monday: of each 7 days the first 5 count.
    return ordinal // 7 * 5 + min(ordinal % 7, 5)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The working days after `start` up to and including `end`; negative (the same count, from `end`
    to `start`) when `end` is before `start`. A deadline's remaining working days:
    `working_days_between(today, deadline)`."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    table = _table()
    plain = _weekdays_through(end.toordinal()) - _weekdays_through(start.toordinal())
    low = bisect.bisect_right(table.dates, start)
    high = bisect.bisect_right(table.dates, end)
    return plain + table.prefix[high] - table.prefix[low]


def year_is_known(year: int) -> bool:
    """Whether the table holds any row (the package's or the office's) for `year`: a year without one
    would count every Monday–Friday as working, the public holidays included."""
    return year in _table().years


# ---------------------------------------------------------------------------------------------------
# Seeding from chinesecalendar


def _package_rows():
    """{date: (kind, Chinese name)} of every date the package lists."""
    chinese = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    rows = {
        day: (Holiday.Kind.HOLIDAY, chinese.get(name, name))
        for day, name in chinese_calendar.holidays.items()
    }
    # A date in both lists would be a package error; the make-up working day wins, as in the package.
    rows |= {
        day: (Holiday.Kind.WORKDAY, chinese.get(name, name))
        for day, name in chinese_calendar.workdays.items()
    }
    return rows


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) is not None else None


@actor_function
def seed_from_package(actor) -> dict:
    """Insert or update the package's rows (source=package) for every year it knows; office rows are
    kept as they are. Returns {"added", "updated", "kept"} (kept: rows already as the package has
    them, and office rows on dates the package also lists). Running it again changes nothing and
    writes no change-log entry."""
    existing = {row.date: row for row in Holiday.objects.all()}
    now, user = timezone.now(), _user_or_none(actor)
    added, updated, kept = [], [], 0
    for day, (kind, name) in sorted(_package_rows().items()):
        row = existing.get(day)
        if row is None:
            added.append(
                Holiday(date=day, kind=kind, name=name, source=Holiday.Source.PACKAGE, updated_by=user)
            )
        elif row.source == Holiday.Source.OFFICE or (row.kind, row.name) == (kind, name):
            kept += 1
        else:
            row.kind, row.name, row.updated_by, row.updated_at = kind, name, user, now
            updated.append(row)
    with transaction.atomic():
        if added:
            audit.bulk_create(Holiday, added, actor=actor)
        if updated:
            # bulk_update skips auto_now, so updated_at is set above and written by name.
            audit.bulk_update(updated, ["kind", "name", "updated_by", "updated_at"], actor=actor)
        if added or updated:
            _changed()
    return {"added": len(added), "updated": len(updated), "kept": kept}


# ---------------------------------------------------------------------------------------------------
# The office's edits


def _check_date(day):
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise WorkdayError(_("请填写日期"))
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise WorkdayError(
            _("日期 %(d)s 超出范围：只能录入 %(a)s–%(b)s 年的节假日与调休")
            % {"d": day.isoformat(), "a": FIRST_YEAR, "b": LAST_YEAR}
        )


def _check_entry(kind, name, note):
    if kind not in Holiday.Kind.values:
        raise WorkdayError(
            _("类型“%(k)s”无效：应为“休息日”或“调休上班日”") % {"k": kind},
        )
    for value, field in ((name, "name"), (note, "note")):
        limit = Holiday._meta.get_field(field).max_length
        if len(value) > limit:
            label = Holiday._meta.get_field(field).verbose_name
            raise WorkdayError(_("%(f)s不能超过 %(n)s 个字") % {"f": label, "n": limit})


@actor_function
def save_holiday(actor, *, date, kind, name="", note="") -> Holiday:
    """Enter or correct the row of `date` as the office's (source=office): a later seeding keeps it.
    A package row on that date becomes the office's."""
    name, note = (name or "").strip(), (note or "").strip()
    _check_date(date)
    _check_entry(kind, name, note)
    with transaction.atomic():
        row = Holiday.objects.select_for_update().filter(date=date).first() or Holiday(date=date)
        row.kind, row.name, row.note = kind, name, note
        row.source, row.updated_by = Holiday.Source.OFFICE, _user_or_none(actor)
        row.save()
        _changed()
    return row


@actor_function
def delete_holiday(actor, date) -> None:
    """Remove the office's row of `date`, so the date counts by its weekday again. A package row is
    not removed: the next seeding would bring it back; correct it with `save_holiday` instead."""
    _check_date(date)
    with transaction.atomic():
        row = Holiday.objects.select_for_update().filter(date=date).first()
        if row is None:
            raise WorkdayError(_("%(d)s 没有录入节假日或调休") % {"d": date.isoformat()}, status=404)
        if row.source != Holiday.Source.OFFICE:
            raise WorkdayError(
                _("%(d)s 来自 chinesecalendar 数据，删除后再次导入会恢复；如需更正，请修改其类型")
                % {"d": date.isoformat()},
                status=409,
            )
        row.delete()
        _changed()
