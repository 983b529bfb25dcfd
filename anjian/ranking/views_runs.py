"""The ranking's front page (months and their runs, the latest published ranking, computing a month)
and one run's page (the table, publish, re-run, bulletin and 约谈 links).

Readers: every government user (permissions.can_view_ranking). Enterprise accounts get 403, not
404: a ranking is no record of anyone's, there is nothing whose existence to hide; the pages are
simply not for their role (as the risk policy page answers them). A run that does not exist is 404,
and so is a draft to anyone but the managing office (permissions.visible_runs).
Computing and publishing is the committee office's (permissions.can_manage_ranking); the services
decide and this module only turns their refusals into messages. Computing a month runs as a
background job (tasks.compute_month) whose progress page links to the new run.
"""

import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.jobs.services import job_url, start_job

from . import charts, services
from .forms import ComputeForm, RerunForm
from .permissions import can_manage_ranking, can_view_ranking, visible_runs


def require_reader(user):
    if not can_view_ranking(user):
        raise PermissionDenied(_("月度晾晒仅供政府部门查看"))


def require_manager(user):
    if not can_manage_ranking(user):
        raise PermissionDenied(_("只有市安委办可以计算和发布月度晾晒"))


def service_errors():
    """The exceptions by which the ranking services refuse bad input."""
    own = getattr(services, "RankingError", None)
    return (ValidationError, ValueError, *((own,) if own else ()))


def error_text(exc):
    """A service refusal as one line; a refusal that says 403 becomes PermissionDenied."""
    if getattr(exc, "status", None) == 403:
        raise PermissionDenied(str(getattr(exc, "message", exc)))
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(getattr(exc, "message", None) or exc)


def _months(user):
    """[(month, [runs newest version first])] of the runs `user` may read, newest month first."""
    runs = visible_runs(user).select_related("computed_by", "published_by").order_by("-month", "-version")
    return [(month, list(group)) for month, group in groupby(runs, key=lambda r: r.month)]


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    user = request.user
    require_reader(user)
    form = None
    if can_manage_ranking(user):
        form = ComputeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                return start_compute(request, data["month"], data["reason"], back=reverse("ranking:index"))
            except service_errors() as exc:
                messages.error(request, error_text(exc))
    elif request.method == "POST":
        require_manager(user)
    published = charts.published_runs()
    latest = published[-1] if published else None
    context = {
        "months": _months(user),
        "latest": latest,
        "table": charts.run_table(latest) if latest else None,
        "form": form,
        "can_manage": form is not None,
        "this_year": datetime.date.today().year,
    }
    return render(request, "ranking/index.html", context)


@login_required
def run_detail(request, pk):
    require_reader(request.user)
    runs = visible_runs(request.user)
    run = get_object_or_404(runs.select_related("computed_by", "published_by"), pk=pk)
    versions = runs.filter(month=run.month).order_by("-version")
    context = {
        "run": run,
        "table": charts.run_table(run),
        "versions": versions,
        "can_manage": can_manage_ranking(request.user),
        "rerun_form": RerunForm(),
        "bottom_n": charts.bottom_n(run),
    }
    return render(request, "ranking/run.html", context)


@login_required
@require_POST
def publish(request, pk):
    require_reader(request.user)
    run = get_object_or_404(visible_runs(request.user), pk=pk)
    require_manager(request.user)
    try:
        services.publish(request.user, run)
    except service_errors() as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已发布 %(run)s") % {"run": run})
    return redirect("ranking:run", run.pk)


@login_required
@require_POST
def rerun(request, pk):
    require_reader(request.user)
    run = get_object_or_404(visible_runs(request.user), pk=pk)
    require_manager(request.user)
    form = RerunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("ranking:run", run.pk)
    try:
        return start_compute(
            request, run.month, form.cleaned_data["reason"], back=reverse("ranking:run", args=[run.pk])
        )
    except service_errors() as exc:
        messages.error(request, error_text(exc))
        return redirect("ranking:run", run.pk)


def start_compute(request, month, reason, back):
    """Queue the month's computation as a job and go to its progress page, whose result links to the
    new run. What the service would refuse is refused here first, before anything is queued."""
    first = services.check_compute(request.user, month, reason)
    job = start_job(
        request.user,
        kind="ranking.compute",
        title=_("计算 %(m)s 月度晾晒") % {"m": f"{first:%Y年%m月}"},
        func_path="anjian.ranking.tasks.compute_month",
        params={"month": first.isoformat(), "reason": reason},
    )
    return redirect(job_url(job, next=back))


urlpatterns = [
    path("", index, name="index"),
    path("runs/<int:pk>/", run_detail, name="run"),
    path("runs/<int:pk>/publish/", publish, name="publish"),
    path("runs/<int:pk>/rerun/", rerun, name="rerun"),
]
