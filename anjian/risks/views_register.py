"""Risk register pages: the list of risk events in scope, a subject's register, the 一点一策 page of one
risk point with its assessments and measures, and the forms that add and change them.

Views read the request and render; every change goes through services_register, every query through
`visible_to(user)` (out of scope: 404). Users who may not edit (grid, inspector) see the same pages
without the buttons; a form posted anyway is refused with 403.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.filtering import FilterError, parse_bool_param, parse_choice_param, parse_int_param
from anjian.core.paging import DeferredJoinPaginator
from anjian.org.models import Sector
from anjian.registry.models import RiskGrade, Subject

from . import grading, methods
from . import services_register as sr
from .forms_register import (
    AssessmentForm,
    EventFilterForm,
    EventForm,
    MeasureForm,
    UnitForm,
    plain_number,
    town_choices,
)
from .models import GRADE_ORDER, ControlMeasure, RiskAssessment, RiskEvent, RiskPolicy, RiskUnit
from .permissions import can_edit_register, own_subject

PAGE_SIZE = 50
NO_GRADE = "none"


# ---------------------------------------------------------------------------------------------
# The list


def filter_events(queryset, params, user):
    """Narrow scoped risk events by grade, sector, town and activity. Raises FilterError."""
    grade = parse_choice_param(params, "grade", _("风险等级"), [*RiskGrade.values, NO_GRADE])
    if grade:
        queryset = queryset.filter(grade="" if grade == NO_GRADE else grade)
    sector = (params.get("sector") or "").strip()
    if sector:
        if not Sector.objects.filter(pk=sector).exists():
            raise FilterError(_("参数“行业领域”（sector）的值“%(v)s”无效") % {"v": sector})
        queryset = queryset.filter(subject__sector_id=sector)
    town = parse_int_param(params, "town", _("镇（街道）"))
    if town is not None:
        if not town_choices(user).filter(pk=town).exists():
            raise FilterError(_("参数“镇（街道）”（town）：镇（街道）%(id)s 不存在") % {"id": town})
        queryset = queryset.filter(subject__town_id=town)
    active = parse_bool_param(params, "active")
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset


def by_severity(queryset):
    """Red first, then orange, yellow, blue, then the events not yet assessed."""
    rank = Case(
        *(When(grade=grade, then=Value(index)) for index, grade in enumerate(GRADE_ORDER)),
        default=Value(len(GRADE_ORDER)),
        output_field=IntegerField(),
    )
    return queryset.alias(severity=rank).order_by("severity", "subject_id", "unit_id", "id")


@login_required
@require_GET
def event_list(request):
    user = request.user
    form = EventFilterForm(request.GET or None, user=user)
    queryset, status = RiskEvent.objects.visible_to(user), 200
    try:
        queryset = filter_events(queryset, request.GET, user)
    except FilterError as error:
        messages.error(request, str(error))
        queryset, status = RiskEvent.objects.none(), 400
    queryset = by_severity(queryset).select_related("unit", "subject")
    page = DeferredJoinPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = sr.measure_counts(event.pk for event in page.object_list)
    for event in page.object_list:
        event.measure_total, event.measure_failed = counts.get(event.pk, (0, 0))
    context = {
        "form": form,
        "page_obj": page,
        "events": page.object_list,
        "filtered": bool(request.GET),
        "own_subject": own_subject(user),
    }
    return render(request, "risks/register_list.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# A subject's register


def _latest(field):
    latest = RiskAssessment.objects.filter(event=OuterRef("pk")).order_by("-assessed_at", "-id")
    return Subquery(latest.values(field)[:1])


@login_required
@require_GET
def subject_register(request, subject_id):
    user = request.user
    subject = get_object_or_404(
        Subject.objects.visible_to(user).select_related("territory", "sector"), pk=subject_id
    )
    units = list(RiskUnit.objects.visible_to(user).filter(subject=subject))
    events = list(
        RiskEvent.objects.visible_to(user)
        .filter(subject=subject)
        .annotate(latest_explanation=_latest("explanation"), latest_at=_latest("assessed_at"))
    )
    counts = sr.measure_counts(event.pk for event in events)
    statuses = sr.event_statuses(events)
    by_unit = {}
    for event in events:
        event.measure_total, event.measure_failed = counts.get(event.pk, (0, 0))
        event.loop_status = statuses[event.pk]
        by_unit.setdefault(event.unit_id, []).append(event)
    context = {
        "subject": subject,
        "units": [(unit, by_unit.get(unit.pk, [])) for unit in units],
        "reasons": [grading.describe(reason) for reason in subject.grade_reasons or []],
        "can_edit": can_edit_register(user),
    }
    return render(request, "risks/register_subject.html", context)


# ---------------------------------------------------------------------------------------------
# 一点一策: one risk point


def _visible_event(user, pk):
    queryset = RiskEvent.objects.visible_to(user).select_related("unit", "subject__territory")
    return get_object_or_404(queryset, pk=pk)


def _measure_groups(event):
    """[(kind label, [measure, …]), …] in the order of the five kinds, each measure with its status."""
    measures = sr.with_open_hazards(
        # unscoped: the measures of an event the reader was already shown (found through visible_to)
        sr.measures_with_status(ControlMeasure.objects.filter(event=event)).select_related(
            "checklist_item__version__checklist"
        )
    )
    order = {kind: index for index, kind in enumerate(ControlMeasure.Kind.values)}
    rows = sorted(measures, key=lambda m: (order.get(m.kind, len(order)), m.pk))
    return [
        (ControlMeasure.Kind(kind).label, list(group)) for kind, group in groupby(rows, key=lambda m: m.kind)
    ]


def _assessments(event):
    rows = list(event.assessments.select_related("assessed_by__person"))
    for row in rows:
        n = plain_number
        if row.method == "lec":
            row.inputs_text = (
                f"L = {n(row.l_value)}，E = {n(row.e_value)}，C = {n(row.c_value)}，D = {n(row.score)}"
            )
        else:
            row.inputs_text = f"L = {n(row.l_value)}，S = {n(row.c_value)}，R = {n(row.score)}"
    return rows


def _event_page(request, event, form=None, status=200):
    can_edit = can_edit_register(request.user)
    bands = RiskPolicy.current().bands
    context = {
        "event": event,
        "unit": event.unit,
        "subject": event.subject,
        "assessments": _assessments(event),
        "measure_groups": _measure_groups(event),
        "loop_status": sr.event_status(event),
        "can_edit": can_edit,
        "form": form or (AssessmentForm(initial={"method": "lec"}) if can_edit else None),
        "lec_bands": methods.band_text("lec", bands),
        "ls_bands": methods.band_text("ls", bands),
    }
    return render(request, "risks/event_detail.html", context, status=status)


@login_required
@require_GET
def event_detail(request, pk):
    return _event_page(request, _visible_event(request.user, pk))


@login_required
@require_POST
def event_assess(request, pk):
    event = _visible_event(request.user, pk)
    _require_editor(request.user)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return _event_page(request, event, form, status=422)
    try:
        assessment = sr.assess(request.user, event, **form.service_arguments())
    except sr.RegisterError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        form.add_error(None, error.message)
        return _event_page(request, event, form, status=error.status)
    messages.success(
        request,
        _("已保存风险评价：风险值 %(score)s，%(grade)s")
        % {"score": plain_number(assessment.score), "grade": assessment.get_grade_display()},
    )
    return redirect(reverse("risks:event", args=[event.pk]) + "#assessments")


# ---------------------------------------------------------------------------------------------
# Forms of units, events and measures (each on its own page, so they work on a phone)


def _require_editor(user):
    if not can_edit_register(user):
        raise PermissionDenied(_("您的角色不能修改风险分级管控清单"))


def _form_page(request, form, *, title, subject, back, submit, call, status=200):
    """GET: the form; POST: the service call, then back to where the user came from."""
    if request.method == "POST" and form.is_valid():
        try:
            record = call(form.cleaned_data)
        except sr.RegisterError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("已保存"))
            return redirect(back(record))
    elif request.method == "POST":
        status = 422
    context = {"form": form, "title": title, "subject": subject, "cancel": back(None), "submit": submit}
    return render(request, "risks/register_form.html", context, status=status)


def _subject_url(subject_id):
    return reverse("risks:subject", args=[subject_id]) + "#register"


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request, subject_id):
    subject = get_object_or_404(Subject.objects.visible_to(request.user), pk=subject_id)
    _require_editor(request.user)
    form = UnitForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("新增风险分析单元"),
        subject=subject,
        back=lambda unit: _subject_url(subject.pk),
        submit=_("保存"),
        call=lambda data: sr.create_unit(request.user, subject, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = get_object_or_404(RiskUnit.objects.visible_to(request.user).select_related("subject"), pk=pk)
    _require_editor(request.user)
    initial = {name: getattr(unit, name) for name in UnitForm.base_fields}
    form = UnitForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        title=_("修改风险分析单元"),
        subject=unit.subject,
        back=lambda record: _subject_url(unit.subject_id),
        submit=_("保存"),
        call=lambda data: sr.update_unit(request.user, unit, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request, unit_id):
    unit = get_object_or_404(RiskUnit.objects.visible_to(request.user).select_related("subject"), pk=unit_id)
    _require_editor(request.user)
    form = EventForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("新增风险事件：%(unit)s") % {"unit": unit.name},
        subject=unit.subject,
        back=lambda event: (
            reverse("risks:event", args=[event.pk]) if event else _subject_url(unit.subject_id)
        ),
        submit=_("保存"),
        call=lambda data: sr.create_event(request.user, unit, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = get_object_or_404(RiskEvent.objects.visible_to(request.user).select_related("subject"), pk=pk)
    _require_editor(request.user)
    initial = {name: getattr(event, name) for name in EventForm.base_fields}
    form = EventForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        title=_("修改风险事件"),
        subject=event.subject,
        back=lambda record: reverse("risks:event", args=[event.pk]),
        submit=_("保存"),
        call=lambda data: sr.update_event(request.user, event, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request, event_id):
    event = get_object_or_404(
        RiskEvent.objects.visible_to(request.user).select_related("subject"), pk=event_id
    )
    _require_editor(request.user)
    form = MeasureForm(request.POST or None, subject=event.subject)
    return _form_page(
        request,
        form,
        title=_("新增管控措施：%(event)s") % {"event": event.name},
        subject=event.subject,
        back=lambda record: reverse("risks:event", args=[event.pk]) + "#measures",
        submit=_("保存"),
        call=lambda data: sr.create_measure(request.user, event, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = get_object_or_404(
        ControlMeasure.objects.visible_to(request.user).select_related("subject", "event"), pk=pk
    )
    _require_editor(request.user)
    initial = {name: getattr(measure, name) for name in MeasureForm.base_fields}
    initial["checklist_item"] = measure.checklist_item_id
    form = MeasureForm(request.POST or None, initial=initial, subject=measure.subject)
    return _form_page(
        request,
        form,
        title=_("修改管控措施"),
        subject=measure.subject,
        back=lambda record: reverse("risks:event", args=[measure.event_id]) + "#measures",
        submit=_("保存"),
        call=lambda data: sr.update_measure(request.user, measure, **data),
    )


# ---------------------------------------------------------------------------------------------
# Deletions (POST from a confirm button on the page)


def _delete(request, call, back):
    try:
        call()
    except sr.RegisterError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("已删除"))
    return redirect(back)


@login_required
@require_POST
def unit_delete(request, pk):
    unit = get_object_or_404(RiskUnit.objects.visible_to(request.user), pk=pk)
    return _delete(request, lambda: sr.delete_unit(request.user, unit), _subject_url(unit.subject_id))


@login_required
@require_POST
def event_delete(request, pk):
    event = get_object_or_404(RiskEvent.objects.visible_to(request.user), pk=pk)
    subject_url = _subject_url(event.subject_id)
    try:
        sr.delete_event(request.user, event)
    except sr.RegisterError as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
        return redirect("risks:event", event.pk)
    messages.success(request, _("已删除"))
    return redirect(subject_url)


@login_required
@require_POST
def measure_delete(request, pk):
    measure = get_object_or_404(ControlMeasure.objects.visible_to(request.user), pk=pk)
    back = reverse("risks:event", args=[measure.event_id]) + "#measures"
    return _delete(request, lambda: sr.delete_measure(request.user, measure), back)


urlpatterns = [
    path("", event_list, name="list"),
    path("subjects/<int:subject_id>/", subject_register, name="subject"),
    path("subjects/<int:subject_id>/units/new/", unit_new, name="unit_new"),
    path("units/<int:pk>/edit/", unit_edit, name="unit_edit"),
    path("units/<int:pk>/delete/", unit_delete, name="unit_delete"),
    path("units/<int:unit_id>/events/new/", event_new, name="event_new"),
    path("events/<int:pk>/", event_detail, name="event"),
    path("events/<int:pk>/edit/", event_edit, name="event_edit"),
    path("events/<int:pk>/delete/", event_delete, name="event_delete"),
    path("events/<int:pk>/assess/", event_assess, name="event_assess"),
    path("events/<int:event_id>/measures/new/", measure_new, name="measure_new"),
    path("measures/<int:pk>/edit/", measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", measure_delete, name="measure_delete"),
]
