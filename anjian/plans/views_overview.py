"""The overview of a plan for a period and the drill-down from any of its numbers.

Who sees it: everyone who may see plans (permissions.can_view_plans: the committee office, sector
offices, departments and towns). A unit user sees the whole overview, not only its own tasks: the
plan is the city's, every unit answers to it, and seeing who is late is part of the point. The
numbers come from overview.py; this module only reads the query string and renders.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from anjian.core.filtering import int_or_none

from . import overview as ov
from .models import WorkPlan
from .permissions import can_view_plans


def plan_and_period(request, pk):
    """(plan, period or None, periods): the accepted plan and the period asked for (the default
    one when none is). Raises 403 / 404 for a user or plan that may not be shown."""
    if not can_view_plans(request.user):
        raise PermissionDenied(_("您的角色不能查看年度工作要点"))
    plan = get_object_or_404(WorkPlan, pk=pk, status=WorkPlan.Status.ACCEPTED)
    periods = list(plan.periods.order_by("deadline"))
    wanted = request.GET.get("period")
    if wanted:
        period = next((p for p in periods if p.pk == int_or_none(wanted)), None)
        if period is None:
            raise Http404(_("该工作要点没有这个报送期"))
    else:
        period = ov.default_period(plan)
    return plan, period, periods


def _chapter_rows(snap):
    rows = []
    for row in ov.by_chapter(snap):
        chapter = row["chapter"]
        rows.append(
            {
                "chapter": chapter,
                "name": ov.chapter_name(chapter),
                "total": row["total"],
                "cells": [(s, row["counts"][s]) for s in ov.STATUSES],
            }
        )
    return rows


@login_required
def plan_overview(request, pk):
    plan, period, periods = plan_and_period(request, pk)
    context = {"plan": plan, "period": period, "periods": periods, "statuses": ov.STATUS_LABELS.items()}
    if period is not None:
        snap = ov.load(plan, period)
        summary = ov.summary(snap)
        context |= {
            "summary": summary,
            "summary_cells": [(s, ov.STATUS_LABELS[s], summary["counts"][s]) for s in ov.STATUSES],
            "chapters": _chapter_rows(snap),
            "units": ov.by_unit(snap),
            "targets": ov.by_target(snap),
            "charts": ov.chart_data(snap),
            "past_deadline": snap.past_deadline,
        }
    return render(request, "plans/overview/overview.html", context)


def _drill_filter(request, snap):
    """What the query string asks for, as (title, lines, target row, contributors); a clear
    message (ValueError) for a filter that names nothing in this plan."""
    get = request.GET
    status = get.get("status") or None
    if get.get("target"):
        row, contributors = ov.target_drill(snap, int_or_none(get["target"]))
        if row is None:
            raise ValueError(_("该工作要点没有这个量化指标"))
        return _("指标：%(what)s") % {"what": row["target"].what}, [], row, contributors
    if get.get("unit"):
        unit = snap.units.get(int_or_none(get["unit"]))
        if unit is None:
            raise ValueError(_("该单位不是本工作要点的责任单位"))
        if status not in (None, ov.UNIT_REPORTED, ov.UNIT_MISSING, ov.UNIT_LATE):
            raise ValueError(_("单位筛选只能是：已报送、未报送、逾期"))
        title = (
            unit.name
            + {None: "", "reported": _("·已报送"), "missing": _("·未报送"), "late": _("·逾期")}[status]
        )
        return title, ov.unit_drill(snap, unit.pk, status), None, []
    if status and status not in ov.STATUSES:
        raise ValueError(_("未知的任务状态：%(status)s") % {"status": status})
    chapter_id = int_or_none(get.get("chapter")) if get.get("chapter") else None
    chapter = snap.tasks.get(chapter_id) if chapter_id is not None else None
    if chapter_id is not None and (chapter is None or chapter.level != "chapter"):
        raise ValueError(_("该工作要点没有这一章"))
    title = ov.chapter_name(chapter) if chapter else _("全部任务")
    if status:
        title = f"{title}·{ov.STATUS_LABELS[status]}"
    return title, ov.chapter_drill(snap, chapter_id, status), None, []


@login_required
def plan_drill(request, pk):
    plan, period, periods = plan_and_period(request, pk)
    if period is None:
        raise Http404(_("该工作要点尚未设置报送期"))
    snap = ov.load(plan, period)
    context = {"plan": plan, "period": period, "snap": snap, "status": 200}
    try:
        title, lines, target_row, contributors = _drill_filter(request, snap)
    except ValueError as exc:
        context |= {"error": str(exc), "title": _("无法列出"), "lines": [], "target_row": None}
        return render(request, "plans/overview/drill.html", context, status=400)
    context |= {"title": title, "lines": lines, "target_row": target_row, "contributors": contributors}
    return render(request, "plans/overview/drill.html", context)


urlpatterns = [
    path("<int:pk>/overview/", plan_overview, name="overview"),
    path("<int:pk>/drill/", plan_drill, name="drill"),
]
