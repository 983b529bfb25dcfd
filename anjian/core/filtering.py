"""Small helpers shared by the filter functions of each app (UI, API and export use the same ones)."""

import datetime

from django.utils.translation import gettext as _


class FilterError(ValueError):
    """A filter value that cannot be understood; the message names the parameter."""


# Dates a filter accepts. The filters turn a date into the start of its day, or of the next day, in
# the local time zone; at the ends of Python's calendar (0001-01-01, 9999-12-31) that arithmetic
# overflows. No record of the platform lies outside these years.
MIN_FILTER_DATE = datetime.date(1900, 1, 1)
MAX_FILTER_DATE = datetime.date(2100, 12, 31)


def parse_date_param(params, name, label):
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise FilterError(
            _("参数“%(l)s”（%(n)s）不是有效日期：%(v)s") % {"l": label, "n": name, "v": value}
        ) from None
    if not MIN_FILTER_DATE <= day <= MAX_FILTER_DATE:
        raise FilterError(
            _("参数“%(l)s”（%(n)s）超出可查询的日期范围（%(min)s 至 %(max)s）：%(v)s")
            % {"l": label, "n": name, "v": value, "min": MIN_FILTER_DATE, "max": MAX_FILTER_DATE}
        )
    return day


# Ids and counts are 64-bit columns in both databases: a larger number is no row, and passing it to the
# database overflows (SQLite: OverflowError, PostgreSQL: "out of range").
MAX_INT = 2**63 - 1


def int_or_none(value):
    """A form or query value as an int, or None when it is missing, not a number, or beyond any
    stored id (the caller then answers "not found" or names the field)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_INT <= number <= MAX_INT else None


def parse_int_param(params, name, label):
    value = (str(params.get(name) or "")).strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise FilterError(
            _("参数“%(l)s”（%(n)s）应为数字：%(v)s") % {"l": label, "n": name, "v": value}
        ) from None
    if not -MAX_INT <= number <= MAX_INT:
        raise FilterError(_("参数“%(l)s”（%(n)s）的数值过大：%(v)s") % {"l": label, "n": name, "v": value})
    return number


def parse_choice_param(params, name, label, choices):
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in choices:
        raise FilterError(
            _("参数“%(l)s”（%(n)s）的值“%(v)s”无效，可选：%(c)s")
            % {"l": label, "n": name, "v": value, "c": ", ".join(choices)}
        )
    return value


def parse_bool_param(params, name):
    value = (str(params.get(name) or "")).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None
