"""Small helpers shared by the filter functions of each app (UI, API and export use the same ones)."""

import datetime

from django.utils.translation import gettext as _


class FilterError(ValueError):
    """A filter value that cannot be understood; the message names the parameter."""


def parse_date_param(params, name, label):
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FilterError(
            _("参数“%(l)s”（%(n)s）不是有效日期：%(v)s") % {"l": label, "n": name, "v": value}
        ) from None


def int_or_none(value):
    """A form or query value as an int, or None when it is missing or not a number (the caller then
    answers "not found" or names the field)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_int_param(params, name, label):
    value = (str(params.get(name) or "")).strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise FilterError(
            _("参数“%(l)s”（%(n)s）应为数字：%(v)s") % {"l": label, "n": name, "v": value}
        ) from None


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
