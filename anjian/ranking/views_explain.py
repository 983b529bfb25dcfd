"""One town in one run, explained: rank → score → every indicator (value, detail, normalised value,
weight, points, how it was normalised) → the records behind each number; and the sensitivity trial
(how every rank would move if one weight changed; nothing is saved, so it is a GET).

Every government user reads every town's scores of a published run (a draft is the managing office's
alone, `permissions.visible_runs`), but the records behind a number go through `visible_to(reader)`: a town user looking at another town sees
its numbers and, in place of its records, "不在您的管辖范围内".
"""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.org.scope import scope_for

from . import charts
from .forms import SensitivityForm
from .models import TownScore
from .permissions import visible_runs
from .views_runs import require_reader

RECORD_LIMIT = 20
# Names of the usual keys of an indicator's detail (indicators.py may add others; shown by key).
DETAIL_LABELS = {
    "numerator": gettext_lazy("分子"),
    "denominator": gettext_lazy("分母"),
    "enterprises": gettext_lazy("企业数（家）"),
    "accidents": gettext_lazy("事故（起）"),
    "larger": gettext_lazy("其中较大及以上（起）"),
    "deaths": gettext_lazy("死亡（人）"),
    "deaths_last_year": gettext_lazy("上年同月死亡（人）"),
    "active": gettext_lazy("主动发现隐患（条）"),
    "others": gettext_lazy("他人发现隐患（条）"),
    "active_weighted": gettext_lazy("主动发现（重大隐患记5）"),
    "others_weighted": gettext_lazy("他人发现（重大隐患记5）"),
    "due": gettext_lazy("应完成（项）"),
    "on_time": gettext_lazy("按期完成（项）"),
    "late": gettext_lazy("逾期（项）"),
    "overdue_major": gettext_lazy("逾期重大隐患（条）"),
    "planned": gettext_lazy("计划检查（次）"),
    "done": gettext_lazy("已完成检查（次）"),
    "hazards": gettext_lazy("检查发现隐患（条）"),
    "inspections": gettext_lazy("检查（次）"),
    "checked": gettext_lazy("开展自查企业（家）"),
}
PRESET_STEP = Decimal(5)
# Where a record behind an indicator is shown (each detail page checks scope again).
RECORD_PATHS = {
    "hazards.hazard": "/hazards/%d/",
    "inspections.inspection": "/inspections/%d/",
    "accidents.accident": "/accidents/%d/",
    "registry.subject": "/subjects/%d/",
}


def town_in_scope(user, town):
    """Whether the reader may see any of the town's records: their territory is the town, inside it
    or around it, or their grant is by sector only (a department sees its sectors everywhere)."""
    return scope_for(user).reaches_territory(town)


def records_for(user, run, town, codes):
    """{code: {"rows": [(text, url)], "total": n}} of the records behind each indicator, or None for
    every code when the town is outside the reader's scope."""
    if not town_in_scope(user, town):
        return None
    registry = charts.registry()
    start, end = charts.month_bounds(run.month)
    found = {}
    for code in codes:
        indicator = registry.get(code)
        records = getattr(indicator, "records", None)
        if records is None:
            continue
        queryset = records(user, town, start, end)
        rows = [(str(obj), _record_url(obj)) for obj in queryset[:RECORD_LIMIT]]
        found[code] = {"rows": rows, "total": queryset.count() if len(rows) == RECORD_LIMIT else len(rows)}
    return found


def _record_url(obj):
    pattern = RECORD_PATHS.get(obj._meta.label_lower)
    return pattern % obj.pk if pattern else None


def _add_presets(explanation):
    """±5 point links on each indicator row, when the changed weight stays within (0, total)."""
    total = explanation["total_weight"]
    for row in explanation["rows"]:
        row["presets"] = [
            (label, weight)
            for label, weight in (("−5", row["weight"] - PRESET_STEP), ("+5", row["weight"] + PRESET_STEP))
            if 0 < weight < total
        ]


def _sensitivity(request, run, indicators):
    """(form, result, error) of the trial asked for in the query string (none asked: no result)."""
    if "indicator" not in request.GET:
        return SensitivityForm(indicators=indicators), None, None
    form = SensitivityForm(request.GET, indicators=indicators)
    if not form.is_valid():
        return form, None, "；".join(e for errors in form.errors.values() for e in errors)
    try:
        result = charts.sensitivity(run, form.cleaned_data["indicator"], form.cleaned_data["weight"])
    except charts.SensitivityError as exc:
        return form, None, str(exc)
    chosen = next(i for i in indicators if i["code"] == form.cleaned_data["indicator"])
    result |= {"indicator": chosen, "weight": form.cleaned_data["weight"]}
    return form, result, None


@login_required
def explain(request, pk, town_id):
    require_reader(request.user)
    run = get_object_or_404(visible_runs(request.user), pk=pk)
    town_score = get_object_or_404(TownScore.objects.select_related("town"), run=run, town_id=town_id)
    explanation = charts.explain(run, town_score)
    codes = [row["code"] for row in explanation["rows"]]
    records = records_for(request.user, run, town_score.town, codes)
    for row in explanation["rows"]:
        row["records"] = None if records is None else records.get(row["code"])
        row["detail_items"] = [(DETAIL_LABELS.get(k, k), v) for k, v in row["detail"].items()]
    _add_presets(explanation)
    indicators = charts.config_indicators(run)
    form, result, error = _sensitivity(request, run, indicators)
    context = {
        "run": run,
        "town_score": town_score,
        "town": town_score.town,
        "band": charts.band(town_score.score),
        "explanation": explanation,
        "out_of_scope": records is None,
        "count": run.scores.count(),
        "form": form,
        "result": result,
        "error": error,
        "out_of_scope_text": _("不在您的管辖范围内"),
    }
    return render(request, "ranking/explain.html", context)


urlpatterns = [path("runs/<int:pk>/towns/<int:town_id>/", explain, name="explain")]
