"""The review page: the parsed tree beside the source text, and its edits (htmx, each answering the
re-rendered task or tree). Rules live in services; a refused edit answers the same fragment with the
reason, status 422/409 (review.js swaps those in too)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.filtering import int_or_none
from anjian.org.models import Unit

from . import services
from .models import ReportingPeriod, Target, Task, TaskUnit, UnitRole, WorkPlan
from .permissions import can_manage_plans
from .review_tree import plan_tree, source_segments


def _plan(request, pk):
    if not can_manage_plans(request.user):
        raise PermissionDenied(_("只有市安委办可以审核工作要点"))
    return get_object_or_404(WorkPlan, pk=pk)


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _find(nodes, task_pk):
    for node in nodes:
        if node.task.pk == task_pk:
            return node
        found = _find(node.children, task_pk)
        if found:
            return found
    return None


def _choices():
    return {
        "all_units": Unit.objects.order_by("kind", "name"),
        "roles": UnitRole.choices,
    }


def _accept_state(plan):
    return {"plan": plan, "unmatched": services.unmatched_names(plan), "has_tasks": plan.tasks.exists()}


@login_required
def review(request, pk):
    plan = _plan(request, pk)
    if plan.status != WorkPlan.Status.REVIEW:
        return redirect("plans:detail", pk=plan.pk)
    context = {
        "tree": plan_tree(plan),
        "segments": source_segments(plan),
        "periods": plan.periods.all(),
        "period_kinds": ReportingPeriod.Kind.choices,
        **_choices(),
        **_accept_state(plan),
    }
    return render(request, "plans/review/page.html", context)


def _answer(request, plan, task, *, done, error=None, status=200, whole_tree=False):
    """htmx: the re-rendered task (or the whole tree after a split or merge) and the accept bar;
    otherwise back to the review page with the outcome as a message."""
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect("plans:review", pk=plan.pk)
    tree = plan_tree(plan)
    node = None if whole_tree else _find(tree, task.pk)
    context = {
        "tree": tree,
        "node": node,
        "error": error,
        "done": None if error else done,
        "segments": source_segments(plan) if whole_tree else None,
        **_choices(),
        **_accept_state(plan),
    }
    return render(request, "plans/review/_answer.html", context, status=status)


def _apply(request, plan, task, action, done, whole_tree=False):
    try:
        action()
    except services.PlanError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        plan.refresh_from_db()
        return _answer(
            request, plan, task, done=done, error=exc.message, status=exc.status, whole_tree=whole_tree
        )
    plan.refresh_from_db()
    return _answer(request, plan, task, done=done, whole_tree=whole_tree)


@login_required
@require_POST
def unit_set(request, pk, unit_pk):
    plan = _plan(request, pk)
    task_unit = get_object_or_404(TaskUnit, pk=unit_pk, task__plan=plan)
    unit = Unit.objects.filter(pk=int_or_none(request.POST.get("unit"))).first()
    return _apply(
        request,
        plan,
        task_unit.task,
        lambda: services.set_unit(request.user, task_unit, unit),
        _("已将“{name}”指定为{unit}").format(name=task_unit.name, unit=unit.name if unit else ""),
    )


@login_required
@require_POST
def unit_remove(request, pk, unit_pk):
    plan = _plan(request, pk)
    task_unit = get_object_or_404(TaskUnit, pk=unit_pk, task__plan=plan)
    return _apply(
        request,
        plan,
        task_unit.task,
        lambda: services.remove_unit(request.user, task_unit),
        _("已删除责任单位“{name}”").format(name=task_unit.name),
    )


@login_required
@require_POST
def unit_add(request, pk, task_pk):
    plan = _plan(request, pk)
    task = get_object_or_404(Task, pk=task_pk, plan=plan)
    unit = Unit.objects.filter(pk=int_or_none(request.POST.get("unit"))).first()
    role = request.POST.get("role", "")
    return _apply(
        request, plan, task, lambda: services.add_unit(request.user, task, unit, role), _("已添加责任单位")
    )


@login_required
@require_POST
def task_split(request, pk, task_pk):
    plan = _plan(request, pk)
    task = get_object_or_404(Task, pk=task_pk, plan=plan)
    return _apply(
        request,
        plan,
        task,
        lambda: services.split_task(request.user, task, request.POST.get("at")),
        _("已拆分任务 {number}").format(number=task.number),
        whole_tree=True,
    )


@login_required
@require_POST
def task_merge(request, pk, task_pk):
    """Merge the task with its next sibling."""
    plan = _plan(request, pk)
    task = get_object_or_404(Task, pk=task_pk, plan=plan)
    following = (
        Task.objects.filter(plan=plan, parent_id=task.parent_id, order__gt=task.order)
        .order_by("order")
        .first()
    )

    def merge():
        if following is None:
            raise services.PlanError(_("任务 {number} 后面没有可合并的同级任务").format(number=task.number))
        services.merge_tasks(request.user, task, following)

    return _apply(
        request, plan, task, merge, _("已合并任务 {number}").format(number=task.number), whole_tree=True
    )


def _target_fields(post):
    return {name: post.get(name, "") for name in services.TARGET_FIELDS if name in post}


@login_required
@require_POST
def target_add(request, pk, task_pk):
    plan = _plan(request, pk)
    task = get_object_or_404(Task, pk=task_pk, plan=plan)
    fields = _target_fields(request.POST)
    return _apply(
        request, plan, task, lambda: services.add_target(request.user, task, **fields), _("已添加指标")
    )


@login_required
@require_POST
def target_edit(request, pk, target_pk):
    plan = _plan(request, pk)
    target = get_object_or_404(Target, pk=target_pk, task__plan=plan)
    fields = _target_fields(request.POST)
    return _apply(
        request,
        plan,
        target.task,
        lambda: services.edit_target(request.user, target, **fields),
        _("指标已保存"),
    )


@login_required
@require_POST
def target_delete(request, pk, target_pk):
    plan = _plan(request, pk)
    target = get_object_or_404(Target, pk=target_pk, task__plan=plan)
    return _apply(
        request, plan, target.task, lambda: services.delete_target(request.user, target), _("已删除指标")
    )


@login_required
@require_POST
def accept(request, pk):
    plan = _plan(request, pk)
    try:
        services.accept_plan(request.user, plan)
    except services.PlanError as exc:
        messages.error(request, exc.message)
        return redirect("plans:review", pk=plan.pk)
    messages.success(request, _("工作要点已确认，各责任单位可以开始报送"))
    return redirect("plans:detail", pk=plan.pk)


urlpatterns = [
    path("<int:pk>/review/", review, name="review"),
    path("<int:pk>/review/accept/", accept, name="accept"),
    path("<int:pk>/review/units/<int:unit_pk>/set/", unit_set, name="unit_set"),
    path("<int:pk>/review/units/<int:unit_pk>/remove/", unit_remove, name="unit_remove"),
    path("<int:pk>/review/tasks/<int:task_pk>/units/add/", unit_add, name="unit_add"),
    path("<int:pk>/review/tasks/<int:task_pk>/split/", task_split, name="task_split"),
    path("<int:pk>/review/tasks/<int:task_pk>/merge/", task_merge, name="task_merge"),
    path("<int:pk>/review/tasks/<int:task_pk>/targets/add/", target_add, name="target_add"),
    path("<int:pk>/review/targets/<int:target_pk>/edit/", target_edit, name="target_edit"),
    path("<int:pk>/review/targets/<int:target_pk>/delete/", target_delete, name="target_delete"),
]
