"""The year's ranking scheme: which indicators count, with weight, direction, normalisation and
target. Every government reader sees it (the towns should know what they are ranked on); the
committee office edits it in one formset (a row per indicator of the registry, ticked if counted)
and services_scheme saves it. Runs already computed keep their frozen config. Enterprise accounts
get 403 as on the other ranking pages; a year with no scheme is shown as such (the office may create
it with the default set)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import charts, services
from .forms import IndicatorFormSet, SchemeForm
from .models import Direction, Normalisation, Scheme
from .permissions import can_manage_ranking, visible_runs
from .services_scheme import SchemeError, save_scheme
from .views_runs import require_manager, require_reader

YEARS = range(2000, 2101)


def _initial_rows(scheme):
    """One row per registry indicator: the scheme's in its order (ticked), then the others with
    the registry's defaults (unticked)."""
    registry = charts.registry()
    rows, seen = [], set()
    for item in scheme.indicators.all():
        seen.add(item.code)
        rows.append(
            {
                "code": item.code,
                "included": True,
                "weight": item.weight,
                "direction": item.direction,
                "normalisation": item.normalisation,
                "target": item.target,
            }
        )
    for code, indicator in registry.items():
        if code not in seen:
            rows.append(
                {
                    "code": code,
                    "included": False,
                    "weight": getattr(indicator, "weight", None),
                    "direction": getattr(indicator, "direction", Direction.HIGHER),
                    "normalisation": getattr(indicator, "normalisation", Normalisation.MINMAX),
                    "target": getattr(indicator, "target", None),
                }
            )
    return rows


def _labelled(formset):
    """(form, name, unit, description) for the template."""
    return [(form, *charts.indicator_label(form["code"].value())) for form in formset]


def _posted_rows(formset):
    return [
        {k: form.cleaned_data.get(k) for k in ("code", "weight", "direction", "normalisation", "target")}
        for form in formset
        if form.cleaned_data.get("included")
    ]


def _save(request, scheme):
    """(header form, formset, errors) after trying to save what was posted."""
    header = SchemeForm(request.POST)
    formset = IndicatorFormSet(request.POST, prefix="ind")
    if not (header.is_valid() and formset.is_valid()):
        return header, formset, [_("请按提示修改标红的项目")]
    data = header.cleaned_data
    try:
        save_scheme(
            request.user,
            scheme.year,
            data["name"],
            data["total_weight"],
            data["bottom_n"],
            _posted_rows(formset),
        )
    except SchemeError as exc:
        if exc.status == 403:
            raise PermissionDenied(str(exc)) from None
        return header, formset, exc.messages
    return header, formset, None


@login_required
@require_http_methods(["GET", "POST"])
def scheme_page(request, year):
    user = request.user
    require_reader(user)
    if year not in YEARS:
        raise Http404(_("年度超出范围"))
    scheme = Scheme.objects.filter(year=year).first()
    if request.method == "POST":
        require_manager(user)
        if scheme is None:
            services.ensure_scheme(year)
            messages.success(request, _("已按默认指标建立 %(y)s 年度方案") % {"y": year})
            return redirect("ranking:scheme", year)
        header, formset, errors = _save(request, scheme)
        if errors is None:
            messages.success(request, _("晾晒方案已保存；已计算的月份保持原配置"))
            return redirect("ranking:scheme", year)
        status = 422
    else:
        status, errors = 200, None
        if scheme is not None:
            header = SchemeForm(
                initial={
                    "name": scheme.name,
                    "total_weight": scheme.total_weight,
                    "bottom_n": scheme.bottom_n,
                }
            )
            formset = IndicatorFormSet(initial=_initial_rows(scheme), prefix="ind")
    context = {"year": year, "scheme": scheme, "can_manage": can_manage_ranking(user), "errors": errors}
    if scheme is not None:
        context |= {
            "header": header,
            "formset": formset,
            "rows": _labelled(formset),
            "items": [(item, *charts.indicator_label(item.code)) for item in scheme.indicators.all()],
            "runs": visible_runs(user).filter(scheme=scheme).order_by("-month", "-version")[:24],
        }
    return render(request, "ranking/scheme.html", context, status=status)


urlpatterns = [path("scheme/<int:year>/", scheme_page, name="scheme")]
