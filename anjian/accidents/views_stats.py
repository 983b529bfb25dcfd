"""Accident statistics (by month, town and sector; year on year; 双下降 and the year's control figures;
key periods), and the committee office's page for key periods and targets.

The statistics are computed from `services.visible_accidents(user)`, so every reader sees the numbers
of their own scope. Enterprise accounts get 403 (permissions.can_view_accidents); the key periods and
targets page is the committee office's (permissions.can_set_targets), 403 for everyone else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.filtering import int_or_none

from . import services, stats
from .forms import PeriodForm, TargetForm
from .models import KeyPeriod, YearTarget
from .permissions import can_set_targets
from .views_accidents import require_viewer

FIRST_YEAR = 2000


def _year(request, today):
    """The year asked for (?year=), the current one by default; a bad value is a 400 with a message."""
    value = (request.GET.get("year") or "").strip()
    if not value:
        return today.year, 200
    year = int_or_none(value)
    if year is None or not FIRST_YEAR <= year <= today.year:
        messages.error(
            request,
            _("年度“%(v)s”无效，应为 %(a)s–%(b)s 之间的年份")
            % {"v": value, "a": FIRST_YEAR, "b": today.year},
        )
        return today.year, 400
    return year, 200


@login_required
@require_GET
def accident_stats(request):
    user = request.user
    require_viewer(user)
    today = timezone.localdate()
    year, status = _year(request, today)
    data = stats.year_stats(services.visible_accidents(user), year, today)
    context = {
        "stats": data,
        "year": year,
        "years": list(range(today.year, max(FIRST_YEAR, today.year - 10) - 1, -1)),
        "charts": stats.chart_data(data),
        "count_ok": data.within_target[0],
        "deaths_ok": data.within_target[1],
        "can_set_targets": can_set_targets(user),
    }
    return render(request, "accidents/stats.html", context, status=status)


def _require_office(user):
    if not can_set_targets(user):
        raise PermissionDenied(_("只有市安委办可以设置重点时段和年度控制目标"))


def _settings_page(request, period_form=None, target_form=None, status=200):
    context = {
        "periods": KeyPeriod.objects.all(),
        "targets": YearTarget.objects.all(),
        "period_form": period_form or PeriodForm(),
        "target_form": target_form or TargetForm(initial={"year": timezone.localdate().year}),
    }
    return render(request, "accidents/periods.html", context, status=status)


def _call(request, form, call, success):
    """Run a service call for a valid form; its error goes onto the form. Returns (ok, status)."""
    if not form.is_valid():
        return False, 422
    try:
        call(form.cleaned_data)
    except services.AccidentError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        form.add_error(None, error.message)
        return False, error.status
    messages.success(request, success)
    return True, 200


@login_required
@require_http_methods(["GET", "POST"])
def periods(request):
    """GET: key periods and targets with the forms to add them; POST: add a key period."""
    _require_office(request.user)
    if request.method == "GET":
        return _settings_page(request)
    form = PeriodForm(request.POST)
    ok, status = _call(
        request, form, lambda data: services.save_period(request.user, **data), _("已添加重点时段")
    )
    return redirect("accidents:periods") if ok else _settings_page(request, period_form=form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    _require_office(request.user)
    period = get_object_or_404(KeyPeriod, pk=pk)
    form = PeriodForm(request.POST or None, initial={f: getattr(period, f) for f in PeriodForm.base_fields})
    status = 200
    if request.method == "POST":
        ok, status = _call(
            request,
            form,
            lambda data: services.save_period(request.user, period, **data),
            _("已保存重点时段"),
        )
        if ok:
            return redirect("accidents:periods")
    return render(request, "accidents/period_form.html", {"form": form, "period": period}, status=status)


@login_required
@require_POST
def period_delete(request, pk):
    _require_office(request.user)
    period = get_object_or_404(KeyPeriod, pk=pk)
    services.delete_period(request.user, period)
    messages.success(request, _("已删除重点时段“%(n)s”") % {"n": period.name})
    return redirect("accidents:periods")


@login_required
@require_POST
def targets(request):
    """Set (create or replace) a year's control figures."""
    _require_office(request.user)
    form = TargetForm(request.POST)
    ok, status = _call(
        request, form, lambda data: services.set_target(request.user, **data), _("已保存年度控制目标")
    )
    return redirect("accidents:periods") if ok else _settings_page(request, target_form=form, status=status)


@login_required
@require_POST
def target_delete(request, pk):
    _require_office(request.user)
    target = get_object_or_404(YearTarget, pk=pk)
    services.delete_target(request.user, target)
    messages.success(request, _("已删除 %(y)s 年度控制目标") % {"y": target.year})
    return redirect("accidents:periods")


urlpatterns = [
    path("stats/", accident_stats, name="stats"),
    path("periods/", periods, name="periods"),
    path("periods/<int:pk>/edit/", period_edit, name="period_edit"),
    path("periods/<int:pk>/delete/", period_delete, name="period_delete"),
    path("targets/", targets, name="targets"),
    path("targets/<int:pk>/delete/", target_delete, name="target_delete"),
]
