"""Saving a year's ranking scheme: which indicators count, with what weight, direction,
normalisation and target. Only the committee office saves; bad input changes nothing. Runs already
computed keep the config frozen on them, so a published ranking never moves when the scheme does."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.audit import record
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError

from .indicators import REGISTRY
from .models import Normalisation, Scheme, SchemeIndicator
from .permissions import can_manage_ranking
from .scoring import validate_config


class SchemeError(ServiceError):
    """A scheme that cannot be saved: `messages` are the reasons (Chinese, for the page), `message`
    them joined; `status` is the HTTP answer (422 bad input, 403 the role may not act)."""

    def __init__(self, messages, status=None):
        self.messages = [str(m) for m in ([messages] if isinstance(messages, str) else messages)]
        super().__init__("；".join(self.messages), status)


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _label(code):
    indicator = REGISTRY.get(code)
    return str(indicator.name) if indicator else code


def build_config(total_weight, rows):
    """The config JSON (docs/ranking.md) of the included rows, in their order."""
    return {
        "total_weight": str(total_weight),
        "indicators": [
            {
                "code": row["code"],
                "weight": str(row["weight"]),
                "direction": row["direction"],
                "normalisation": row["normalisation"],
                "target": None if row.get("target") is None else str(row["target"]),
            }
            for row in rows
        ],
        "tie_rule": "weights",
    }


def check(total_weight, rows):
    """The reasons the included rows cannot be a scheme (empty: they can)."""
    errors = []
    if not rows:
        return [_("至少纳入一个指标")]
    for row in rows:
        name = _label(row["code"])
        weight = _decimal(row.get("weight"))
        if weight is None or weight <= 0:
            errors.append(_("指标“%(n)s”的权重须大于 0") % {"n": name})
        if row.get("normalisation") == Normalisation.TARGET and _decimal(row.get("target")) is None:
            errors.append(_("指标“%(n)s”采用目标值法，须填写目标值") % {"n": name})
    found = sum((_decimal(r.get("weight")) or Decimal(0) for r in rows), Decimal(0))
    if found != total_weight:
        errors.append(
            _("各指标权重之和为 %(found)s，应等于权重合计 %(total)s")
            % {"found": f"{found.normalize():f}", "total": f"{total_weight.normalize():f}"}
        )
    if errors:
        return errors
    return _scoring_check(build_config(total_weight, rows))


def _scoring_check(config):
    """scoring.validate_config's verdict as a list of messages, whether it raises or returns them."""
    try:
        result = validate_config(config)
    except ValidationError as exc:
        return list(exc.messages)
    except ValueError as exc:
        return [str(exc)]
    if not result or result is True or isinstance(result, dict):
        return []
    return [result] if isinstance(result, str) else [str(m) for m in result]


@actor_function
def save_scheme(actor, year, name, total_weight, bottom_n, rows):
    """Replace the year's indicators by `rows` (dicts with code, weight, direction, normalisation,
    target; only the included ones, in order) and save the header. All or nothing."""
    if not can_manage_ranking(actor):
        raise SchemeError(_("只有市安委办可以修改晾晒方案"), 403)
    total = _decimal(total_weight)
    if total is None or total <= 0:
        raise SchemeError(_("权重合计须为大于 0 的数"))
    errors = check(total, rows)
    if errors:
        raise SchemeError(errors)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(year=year)
        before = _snapshot(scheme)
        scheme.name, scheme.total_weight, scheme.bottom_n = name, total, bottom_n
        scheme.save()
        audit.delete(scheme.indicators.all(), actor=actor)
        audit.bulk_create(
            SchemeIndicator,
            (
                SchemeIndicator(
                    scheme=scheme,
                    code=row["code"],
                    weight=_decimal(row["weight"]),
                    direction=row["direction"],
                    normalisation=row["normalisation"],
                    target=_decimal(row.get("target")),
                    order=order,
                )
                for order, row in enumerate(rows, start=1)
            ),
            actor=actor,
        )
        record("update", "ranking.scheme", scheme.pk, scheme, before, _snapshot(scheme), actor=actor)
    return scheme


def _snapshot(scheme):
    return {
        "name": scheme.name,
        "total_weight": str(scheme.total_weight),
        "bottom_n": scheme.bottom_n,
        **build_config(scheme.total_weight, list(scheme.indicators.values())),
    }
