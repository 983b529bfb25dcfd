"""Plan pages: list, new plan (with a live pool size and a subject picker), detail with the draw,
issuing, and 举一反三 from a hazard. Views read the request and render; changes go through
services_plans (and services_draw for the draw), queries through `visible_to(user)`."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.checklists.models import ChecklistItem, ChecklistVersion
from anjian.hazards.models import Hazard
from anjian.org.models import Role
from anjian.org.scope import scope_for
from anjian.registry.models import RiskGrade, Subject

from . import services_draw
from . import services_plans as sp
from .errors import InspectionError
from .forms import DrawForm, PlanForm, territory_choices
from .models import Draw, Inspection, InspectionPlan, TargetMode
from .permissions import INSPECTING_ROLES, can_plan
from .targets import plan_pool

PAGE_SIZE = 30
PREVIEW = 20
SUBJECT_OPTIONS = 30


def _no_enterprise(user):
    """Plans are for officials: an enterprise account never learns of one (it may be unannounced)."""
    roles = scope_for(user).roles
    if not roles or roles == {Role.ENTERPRISE}:
        raise PermissionDenied(_("您的角色不能查看检查计划"))


def _require_planner(user):
    if not can_plan(user):
        raise PermissionDenied(_("您的角色不能制定检查计划"))


def _plan(user, pk):
    plan = InspectionPlan.objects.visible_to(user).select_related("organiser", "checklist_version__checklist")
    plan = plan.filter(pk=pk).first()
    if plan is None:
        raise Http404(_("检查计划不存在或不在您的管辖范围内"))
    return plan


@login_required
@require_GET
def plan_list(request):
    user = request.user
    _no_enterprise(user)
    plans = InspectionPlan.objects.visible_to(user).select_related("organiser", "territory")
    status = request.GET.get("status", "")
    if status in InspectionPlan.Status.values:
        plans = plans.filter(status=status)
    plans = plans.annotate(n_inspections=Count("inspections")).order_by("-starts_on", "-id")
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "plans": page.object_list,
        "statuses": InspectionPlan.Status.choices,
        "status": status,
        "can_plan": can_plan(user),
    }
    return render(request, "inspections/plans/list.html", context)


# --- new plan ------------------------------------------------------------------------------------


def _int_list(values):
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def _chosen_subjects(user, data):
    ids = _int_list(data.getlist("target_subjects"))
    return list(Subject.objects.visible_to(user).filter(pk__in=ids).only("name", "code").order_by("name"))


def _create(user, form, subject_ids):
    data = form.cleaned_data
    return sp.create_plan(
        user,
        name=data["name"],
        kind=data["kind"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        organiser=data["organiser"],
        units=list(data["units"]),
        checklist_version=data["checklist_version"],
        target_mode=data["target_mode"],
        target_sectors=list(data["target_sectors"]),
        target_territories=list(data["target_territories"]),
        target_risk_grades=data["target_risk_grades"],
        not_inspected_months=data["not_inspected_months"],
        target_subjects=subject_ids,
        note=data["note"],
    )


@login_required
def plan_new(request):
    user = request.user
    _require_planner(user)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, user=user)
        if form.is_valid():
            try:
                plan = _create(user, form, request.POST.getlist("target_subjects"))
            except InspectionError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("检查计划“%(n)s”已保存为草稿") % {"n": plan.name})
                return redirect("inspections:plan_detail", pk=plan.pk)
        else:
            status = 400
        chosen = _chosen_subjects(user, request.POST)
    else:
        units = sp.actor_units(user).filter(pk__in=scope_for(user).unit_ids())
        form = PlanForm(user=user, initial={"organiser": units.first()})
        chosen = []
    context = {"form": form, "chosen": chosen, "options": []}
    return render(request, "inspections/plans/new.html", context, status=status)


@login_required
@require_GET
def plan_subjects(request):
    """The hand picker's options matching ?q=, from the user's visible subjects; ticked ones stay (htmx)."""
    user = request.user
    _require_planner(user)
    chosen = _chosen_subjects(user, request.GET)
    text = request.GET.get("q", "").strip()
    options = Subject.objects.visible_to(user).only("name", "code").exclude(pk__in=[s.pk for s in chosen])
    if text:
        options = options.filter(Q(name__icontains=text) | Q(code__icontains=text))
    options = list(options.order_by("name", "id")[:SUBJECT_OPTIONS]) if text else []
    context = {"chosen": chosen, "options": options, "query": text}
    return render(request, "inspections/plans/_subject_picker.html", context)


@login_required
@require_GET
def plan_pool_size(request):
    """How many subjects the rule of the new-plan form selects, within the user's scope (htmx)."""
    user = request.user
    _require_planner(user)
    data = request.GET
    if data.get("target_mode") == TargetMode.HAND:
        count, error = len(_chosen_subjects(user, data)), None
    else:
        allowed = territory_choices(user)
        territories = list(allowed.filter(pk__in=_int_list(data.getlist("target_territories"))))
        try:
            pool = sp.rule_pool(
                target_sectors=[s for s in data.getlist("target_sectors") if s],
                target_territories=territories,
                target_risk_grades=[g for g in data.getlist("target_risk_grades") if g],
                not_inspected_months=(_int_list([data.get("not_inspected_months")]) or [None])[0] or None,
            )
            count, error = pool.visible_to(user).count(), None
        except InspectionError as exc:
            count, error = None, exc.message
    return render(request, "inspections/plans/_pool_size.html", {"count": count, "error": error})


# --- detail, issue, draw -------------------------------------------------------------------------


def _candidate_inspectors(plan):
    """Users with an inspecting role in the plan's units or under its territory (issue form)."""
    users = get_user_model().objects.filter(roles__role__in=INSPECTING_ROLES)
    users = users.filter(
        Q(roles__unit_id=plan.organiser_id)
        | Q(roles__unit__in=plan.units.all())
        | Q(roles__territory__path__startswith=plan.territory_path)
    )
    return users.distinct().select_related("person").order_by("username")[:200]


def _public_url(draw):
    try:
        return reverse("public:draw_detail", args=[draw.pk])
    except NoReverseMatch:  # the public pages are another module; the plan page works without them
        return None


def _draws(user, plan):
    draws = list(Draw.objects.filter(plan=plan).order_by("-committed_at", "-id"))
    subject_ids = {row["subject"] for d in draws for row in d.result}
    user_ids = {uid for d in draws for row in d.result for uid in row.get("inspectors", ())}
    subjects = Subject.objects.visible_to(user).in_bulk(subject_ids)
    people = get_user_model().objects.select_related("person").in_bulk(user_ids)
    for draw in draws:
        draw.public_url = _public_url(draw)
        draw.rows = [
            {
                "subject": subjects.get(row["subject"]),
                "inspectors": [_name(people.get(uid)) for uid in row.get("inspectors", ())],
            }
            for row in draw.result
        ]
    return draws


def _name(user):
    if user is None:
        return "—"
    person = getattr(user, "person", None)
    return person.name if person else user.get_username()


def _detail_context(request, plan, draw_form=None):
    user = request.user
    pool = plan_pool(plan)
    inspections = (
        Inspection.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("subject")
        .annotate(n_hazards=Count("results__hazard"))
        .order_by("subject__name", "id")
    )
    hazards = Hazard.objects.visible_to(user).filter(inspection_result__inspection__plan=plan)
    planner = can_plan(user)
    return {
        "plan": plan,
        "units": plan.units.order_by("kind", "name"),
        "focus_items": plan.focus_items.order_by("order", "id"),
        "risk_grades": [RiskGrade(g).label for g in plan.target_risk_grades if g in RiskGrade.values],
        "pool_size": pool.count(),
        "preview": pool.visible_to(user).order_by("name", "id")[:PREVIEW],
        "inspections": inspections,
        "hazards": hazards.select_related("subject").order_by("-found_at")[:50],
        "can_plan": planner,
        "can_issue": planner and plan.status == InspectionPlan.Status.DRAFT,
        "candidates": _candidate_inspectors(plan) if planner and plan.target_mode != TargetMode.DRAW else [],
        "is_draw": plan.target_mode == TargetMode.DRAW,
        "draws": _draws(user, plan) if plan.target_mode == TargetMode.DRAW else [],
        "draw_form": draw_form or DrawForm(),
    }


@login_required
@require_GET
def plan_detail(request, pk):
    # No role check first: a plan the user cannot see answers 404 for everyone, enterprises included.
    plan = _plan(request.user, pk)
    return render(request, "inspections/plans/detail.html", _detail_context(request, plan))


def _render_error(request, plan, message, status, draw_form=None):
    messages.error(request, message)
    context = _detail_context(request, plan, draw_form)
    return render(request, "inspections/plans/detail.html", context, status=status)


@login_required
@require_POST
def plan_issue(request, pk):
    user = request.user
    plan = _plan(user, pk)
    _require_planner(user)
    try:
        sp.issue_plan(user, plan, inspectors=_int_list(request.POST.getlist("inspectors")))
    except InspectionError as error:
        return _render_error(request, plan, error.message, error.status)
    messages.success(request, _("计划已下达"))
    return redirect("inspections:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_draw_commit(request, pk):
    user = request.user
    plan = _plan(user, pk)
    _require_planner(user)
    form = DrawForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _render_error(request, plan, _("抽取参数有误：%(e)s") % {"e": first}, 400, form)

    try:
        services_draw.commit_draw(
            user,
            plan,
            form.cleaned_data["target_count"],
            inspectors_per_target=form.cleaned_data["inspectors_per_target"],
            weights=form.weights(),
        )
    except InspectionError as error:
        return _render_error(request, plan, error.message, error.status, form)
    messages.success(request, _("随机种子摘要已公示，可以进行抽取"))
    return redirect("inspections:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_draw_perform(request, pk):
    user = request.user
    plan = _plan(user, pk)
    _require_planner(user)
    draw = Draw.objects.filter(plan=plan, pk=(_int_list([request.POST.get("draw")]) or [0])[0]).first()
    if draw is None:
        raise Http404(_("抽取记录不存在"))

    try:
        services_draw.perform_draw(user, draw)
    except InspectionError as error:
        return _render_error(request, plan, error.message, error.status)
    messages.success(request, _("抽取完成，检查任务已生成"))
    return redirect("inspections:plan_detail", pk=plan.pk)


# --- 举一反三 -----------------------------------------------------------------------------------


def _lessons_items(hazard):
    """Items to choose from when the hazard did not come from an inspection: the newest published
    checklists of its sector and the generic ones."""
    versions = ChecklistVersion.objects.filter(status=ChecklistVersion.Status.PUBLISHED).filter(
        Q(checklist__sector_id=hazard.sector_id) | Q(checklist__category="generic")
    )
    items = ChecklistItem.objects.filter(version__in=versions).select_related("version__checklist")
    return items.order_by("version__checklist__name", "-version__number", "order")[:300]


def _lessons_territory(user, hazard, value):
    allowed = territory_choices(user)
    if value:
        territory = allowed.filter(pk=(_int_list([value]) or [0])[0]).first()
        if territory is None:
            raise InspectionError(_("所选辖区不存在或不在您的管辖范围内"), 403)
        return territory
    default = hazard.town or sp.city_root()
    return default if allowed.filter(pk=default.pk).exists() else allowed.first()


@login_required
def lessons(request, hazard_pk):
    user = request.user
    hazard = Hazard.objects.visible_to(user).select_related("sector", "town", "subject").filter(pk=hazard_pk)
    hazard = hazard.first()
    if hazard is None:
        raise Http404(_("隐患不存在或不在您的管辖范围内"))
    _require_planner(user)
    data = request.POST if request.method == "POST" else request.GET
    found_on = sp.hazard_item(hazard)
    error, status = None, 200
    try:
        territory = _lessons_territory(user, hazard, data.get("territory"))
    except InspectionError as exc:
        territory, error, status = None, exc.message, exc.status
    if request.method == "POST" and error is None:
        item = found_on or ChecklistItem.objects.filter(pk=(_int_list([data.get("item")]) or [0])[0]).first()
        try:
            plan = sp.propagate_lessons(user, hazard, territory, item=item)
        except InspectionError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("已生成并下达举一反三专项检查：%(n)s") % {"n": plan.name})
            return redirect("inspections:plan_detail", pk=plan.pk)
    pool = None
    if territory is not None:
        pool = sp.rule_pool(target_sectors=[hazard.sector], target_territories=[territory]).count()
    context = {
        "hazard": hazard,
        "found_on": found_on,
        "items": [] if found_on else _lessons_items(hazard),
        "territories": territory_choices(user),
        "territory": territory,
        "pool": pool,
        "error": error,
        "posted_item": data.get("item", ""),
    }
    return render(request, "inspections/plans/lessons.html", context, status=status)


urlpatterns = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_new, name="plan_new"),
    path("plans/subjects/", plan_subjects, name="plan_subjects"),
    path("plans/pool-size/", plan_pool_size, name="plan_pool_size"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/issue/", plan_issue, name="plan_issue"),
    path("plans/<int:pk>/draw/", plan_draw_commit, name="plan_draw_commit"),
    path("plans/<int:pk>/draw/perform/", plan_draw_perform, name="plan_draw_perform"),
    path("lessons/<int:hazard_pk>/", lessons, name="lessons"),
]
