"""Work plan pages: the list, the import form, the accepted plan. Review edits are in views_review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services, views_review
from .forms import ImportForm
from .models import ReportingPeriod, WorkPlan
from .parsing import read_document
from .permissions import can_manage_plans, can_view_plans
from .review_tree import plan_tree


def require_viewer(user):
    if not can_view_plans(user):
        raise PermissionDenied(_("您的角色不参与年度工作要点的报送"))


def visible_plans(user):
    """The office sees every plan; the reporting units only accepted ones (a plan under review is
    not yet issued work)."""
    plans = WorkPlan.objects.all()
    if not can_manage_plans(user):
        plans = plans.filter(status=WorkPlan.Status.ACCEPTED)
    return plans


@login_required
def plan_list(request):
    require_viewer(request.user)
    plans = visible_plans(request.user).annotate(
        n_tasks=Count("tasks", distinct=True),
        n_items=Count("tasks", filter=Q(tasks__level="item"), distinct=True),
        n_unmatched=Count("tasks__units", filter=Q(tasks__units__unit__isnull=True), distinct=True),
    )
    context = {"plans": plans, "can_manage": can_manage_plans(request.user)}
    return render(request, "plans/list.html", context)


def _read_upload(upload):
    return read_document(upload.name, upload.read())


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request):
    if not can_manage_plans(request.user):
        raise PermissionDenied(_("只有市安委办可以导入工作要点"))
    form = ImportForm(request.POST or None, request.FILES or None)
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text, source_name = data["text"], ""
        try:
            if data["file"]:
                source_name = data["file"].name
                text = _read_upload(data["file"])
            plan = services.import_plan(
                request.user, text, source_name=source_name, title=data["title"], year=data["year"]
            )
        except services.PlanError as exc:
            error, status = exc.message, exc.status
        except ValueError as exc:  # read_document: an empty file, a .docx that is not a plan …
            error, status = str(exc), 422
        else:
            messages.success(request, _("已导入，请核对任务、责任单位和指标后确认"))
            return redirect("plans:review", pk=plan.pk)
        # Keep what was sent (or read from the file) so the office can correct it.
        form = ImportForm(initial={"title": data["title"], "year": data["year"], "text": text})
    elif request.method == "POST":
        status = 422
    return render(request, "plans/import/form.html", {"form": form, "error": error}, status=status)


def _related_links(plan, user):
    """Links to the tracking, overview and output pages of an accepted plan (those pages 404 for a
    plan under review); the reminders only for the office, the one page that may use them."""
    if plan.status != WorkPlan.Status.ACCEPTED:
        return []
    names = [
        (_("我的任务"), "plans:my_tasks"),
        (_("完成情况总览"), "plans:overview"),
        (_("完成情况报告"), "plans:report_docx"),
        (_("工作台账"), "plans:ledger_xlsx"),
    ]
    if can_manage_plans(user):
        names.append((_("报送提醒"), "plans:reminders"))
    return [(label, reverse(name, args=(plan.pk,))) for label, name in names]


@login_required
def plan_detail(request, pk):
    require_viewer(request.user)
    plan = get_object_or_404(visible_plans(request.user), pk=pk)
    context = {
        "plan": plan,
        "tree": plan_tree(plan),
        "periods": plan.periods.all(),
        "period_kinds": ReportingPeriod.Kind.choices,
        "links": _related_links(plan, request.user),
        "can_manage": can_manage_plans(request.user),
    }
    return render(request, "plans/review/detail.html", context)


@login_required
@require_POST
def plan_periods(request, pk):
    """The office sets the reporting periods (from the detail or the review page)."""
    if not can_manage_plans(request.user):
        raise PermissionDenied(_("只有市安委办可以设置报送期"))
    plan = get_object_or_404(WorkPlan, pk=pk)
    post = request.POST
    rows = [
        {"id": pid, "name": name, "kind": kind, "deadline": deadline}
        for pid, name, kind, deadline in zip(
            post.getlist("period_id"),
            post.getlist("name"),
            post.getlist("kind"),
            post.getlist("deadline"),
            strict=False,
        )
        # A row whose name was cleared is left out, which removes that period.
        if name.strip()
    ]
    try:
        services.set_periods(request.user, plan, rows)
    except services.PlanError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报送期已保存"))
    target = "plans:review" if plan.status == WorkPlan.Status.REVIEW else "plans:detail"
    return redirect(target, pk=plan.pk)


urlpatterns = [
    path("", plan_list, name="list"),
    path("import/", plan_import, name="import"),
    path("<int:pk>/", plan_detail, name="detail"),
    path("<int:pk>/periods/", plan_periods, name="periods"),
    *views_review.urlpatterns,
]
