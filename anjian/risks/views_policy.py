"""The grading policy page (/risks/policy/): the bands and raise rules in force, read by the whole
government side; the committee office edits them here (services_policy does the saving and the
re-grading).

Enterprise accounts get 403, not 404: the page is no record of anyone's, so there is nothing whose
existence to hide; it is simply not a page of their role (as the avoidance list and the plan import
answer other roles)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anjian.org.models import GOVERNMENT_ROLES
from anjian.org.scope import scope_for
from anjian.registry.models import RiskGrade

from .methods import GRADE_LABELS, band_text
from .models import RiskPolicy
from .permissions import can_edit_policy
from .services_policy import RULE_FIELDS, PolicyError, update_policy

METHODS = (
    ("lec", gettext_lazy("作业条件危险性评价法（LEC）"), "D"),
    ("ls", gettext_lazy("风险矩阵法（LS）"), "R"),
)
BAND_GRADES = ("red", "orange", "yellow")
COMPARES = (("gt", gettext_lazy("大于")), ("ge", gettext_lazy("大于等于")))


def _bands_from_post(post):
    """The bands as the form sent them; validate_bands judges them (strings are fine)."""
    return {
        method: {
            "compare": post.get(f"{method}_compare", ""),
            "bands": [[post.get(f"{method}_{grade}", "").strip(), grade] for grade in BAND_GRADES],
        }
        for method, _label, _letter in METHODS
    }


def _ranges(method, bands, letter):
    """(grade, label, range) from red to blue, e.g. ("orange", "较大风险（橙）", "160<D≤320")."""
    rule = bands[method]
    strict = rule["compare"] == "gt"
    low_sign, high_sign = ("<", "≤") if strict else ("≤", "<")
    rows, upper = [], None
    for threshold, grade in rule["bands"]:
        low = f"{threshold}{low_sign}{letter}"
        rows.append((grade, GRADE_LABELS[grade], low if upper is None else f"{low}{high_sign}{upper}"))
        upper = threshold
    rows.append((RiskGrade.BLUE.value, GRADE_LABELS[RiskGrade.BLUE], f"{letter}{high_sign}{upper}"))
    # Red reads better as "D>320" than "320<D".
    grade, label, _range = rows[0]
    rows[0] = (grade, label, f"{letter}{'>' if strict else '≥'}{rule['bands'][0][0]}")
    return rows


def _form_values(policy, posted):
    """What the form's fields show: the posted values after an error, else the policy's."""
    if posted:
        keys = [*RULE_FIELDS, *(f"{m}_{g}" for m, _l, _x in METHODS for g in ("compare", *BAND_GRADES))]
        return {key: posted.get(key, "") for key in keys}
    values = {name: getattr(policy, name) for name in RULE_FIELDS}
    for method, _label, _letter in METHODS:
        values[f"{method}_compare"] = policy.bands[method]["compare"]
        for threshold, grade in policy.bands[method]["bands"]:
            values[f"{method}_{grade}"] = str(threshold)
    return values


def _context(user, policy, posted=None, error=None):
    values = _form_values(policy, posted)
    methods = [
        {
            "key": method,
            "label": label,
            "text": band_text(method, policy.bands),
            "ranges": _ranges(method, policy.bands, letter),
            # The form's fields: (name, label, value) for each threshold, then the comparison.
            "fields": [
                (f"{method}_{grade}", GRADE_LABELS[grade], values[f"{method}_{grade}"])
                for grade in BAND_GRADES
            ],
            "compare": values[f"{method}_compare"],
        }
        for method, label, letter in METHODS
    ]
    rules = [
        {
            "name": name,
            "label": policy._meta.get_field(name).verbose_name,
            "display": getattr(policy, f"get_{name}_display")(),
            "value": values[name],
        }
        for name in RULE_FIELDS
    ]
    return {
        "policy": policy,
        "methods": methods,
        "rules": rules,
        "can_edit": can_edit_policy(user),
        "raise_choices": RiskPolicy.Raise.choices,
        "compares": COMPARES,
        "error": error,
    }


@login_required
@require_http_methods(["GET", "POST"])
def policy_page(request):
    user = request.user
    if not scope_for(user).roles & GOVERNMENT_ROLES:
        raise PermissionDenied(_("风险分级规则仅供政府部门查看"))
    policy = RiskPolicy.current()
    status, error, posted = 200, None, None
    if request.method == "POST":
        post = request.POST
        try:
            changed = update_policy(
                user, _bands_from_post(post), *(post.get(name, "") for name in RULE_FIELDS)
            )
        except PolicyError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            status, error, posted = exc.status, exc.message, post
        else:
            messages.success(request, _("已保存，重新定级 %(n)s 个对象") % {"n": changed})
            return redirect("risks:policy")
    return render(request, "risks/policy.html", _context(user, policy, posted, error), status=status)


urlpatterns = [path("policy/", policy_page, name="policy")]
