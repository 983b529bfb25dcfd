"""The grading policy: the committee office sets the bands and the raise rules, and every subject is
re-graded at once, in the same transaction, so no page ever shows grades from the old rules beside
the new ones."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.audit import record
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError

from .grading import regrade_subjects
from .methods import validate_bands
from .models import RiskPolicy
from .permissions import can_edit_policy

RULE_FIELDS = ("open_major_hazard", "overdue_hazard", "accident")


class PolicyError(ServiceError):
    """A policy change that cannot happen, with a message for the user; `status` is the HTTP answer
    (422 bad input, 403 the role may not act), as the other services' errors carry it."""


@actor_function
def update_policy(actor, bands, open_major_hazard, overdue_hazard, accident):
    """Save the bands and the three raise rules, re-grade every subject, and log how many changed.
    Returns that number. Bad input raises PolicyError and saves nothing."""
    if not can_edit_policy(actor):
        raise PolicyError(_("只有市安委办可以修改风险分级规则"), 403)
    error = validate_bands(bands)
    if error:
        raise PolicyError(error)
    rules = dict(zip(RULE_FIELDS, (open_major_hazard, overdue_hazard, accident), strict=True))
    labels = {name: RiskPolicy._meta.get_field(name).verbose_name for name in RULE_FIELDS}
    for name, rule in rules.items():
        if rule not in RiskPolicy.Raise.values:
            raise PolicyError(
                _("“%(field)s”的调整规则“%(rule)s”无效，应为：%(choices)s")
                % {
                    "field": labels[name],
                    "rule": rule,
                    "choices": "、".join(str(label) for label in RiskPolicy.Raise.labels),
                }
            )
    with transaction.atomic():
        policy = RiskPolicy.current()
        policy = RiskPolicy.objects.select_for_update().get(pk=policy.pk)
        before = {"bands": policy.bands, **{name: getattr(policy, name) for name in RULE_FIELDS}}
        policy.bands = clean_bands(bands)
        for name, rule in rules.items():
            setattr(policy, name, rule)
        policy.updated_by = actor
        policy.save()
        changed = regrade_subjects(policy=policy, actor=actor)
        # Each subject that moved has its own entry; this one says why they all moved at once.
        record(
            "bulk",
            "registry.subject",
            object_repr=_("风险分级规则调整后重新定级"),
            before=before,
            after={
                "bands": policy.bands,
                **rules,
                "subjects_regraded": changed,
            },
        )
    return changed


def clean_bands(bands):
    """The bands as stored: thresholds as plain JSON numbers (70, 70.5), nothing but the keys used."""
    return {
        method: {
            "compare": bands[method]["compare"],
            "bands": [[_json_number(threshold), grade] for threshold, grade in bands[method]["bands"]],
        }
        for method in ("lec", "ls")
    }


def _json_number(value):
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)
