"""Installation pages (GB 18218 major hazard installations): the list, the inventory form, the detail
with its evaluation table and guarantors. Views read the request and render; changes go through
services_installations, queries through `visible_to(user)`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.core.filtering import int_or_none
from anjian.org.models import Territory
from anjian.registry.models import Subject

from . import services_installations as si
from .forms_installations import CheckForm, GuarantorForm, InstallationForm, LineFormSet
from .gb18218_tables import tables
from .models import Installation
from .permissions import can_edit_register, own_subject

PAGE_SIZE = 30
SUBJECT_OPTIONS = 20


def _raise(error):
    """An InstallationError as the page's answer: 404 and 403 as Django's, else None (a form error)."""
    if error.status == 404:
        raise Http404(error.message)
    if error.status == 403:
        raise PermissionDenied(error.message)


def _installation(user, pk):
    try:
        return si.visible_installation(user, pk)
    except si.InstallationError as error:
        _raise(error)


def _require_editor(user):
    if not can_edit_register(user):
        raise PermissionDenied(_("您的角色不能修改危险化学品单元和包保责任人"))


# --- list ----------------------------------------------------------------------------------------


def _filtered(user, params):
    installations = Installation.objects.visible_to(user).select_related("subject", "subject__town")
    towns = Territory.objects.filter(pk__in=installations.values("subject__town_id")).order_by("path")
    chosen = {"major": params.get("major") == "1", "grade": int_or_none(params.get("grade"))}
    chosen["town"] = int_or_none(params.get("town"))
    if chosen["major"]:
        installations = installations.filter(is_major=True)
    if chosen["grade"] in (1, 2, 3, 4):
        installations = installations.filter(grade=chosen["grade"])
    if chosen["town"]:
        installations = installations.filter(subject__town_id=chosen["town"])
    # Major ones first, the most severe grade (1) first among them.
    ordered = installations.order_by("-is_major", F("grade").asc(nulls_last=True), "-s_value", "id")
    return ordered, towns, chosen


@login_required
@require_GET
def installation_list(request):
    user = request.user
    installations, towns, chosen = _filtered(user, request.GET)
    page = Paginator(installations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "installations": page.object_list,
        "towns": towns,
        "chosen": chosen,
        "grades": [(1, _("一级")), (2, _("二级")), (3, _("三级")), (4, _("四级"))],
        "can_edit": can_edit_register(user),
        # An enterprise account adds to its own subject directly.
        "own_subject": own_subject(user),
        "overdue": len(si.overdue_guarantors(user)),
    }
    return render(request, "risks/installation_list.html", context)


# --- the form --------------------------------------------------------------------------------------


def _line_initial(installation):
    return [
        {"substance": line.substance, "quantity_t": _plain(line.quantity_t), "category": line.category}
        for line in installation.lines.all()
    ]


def _plain(value):
    """A Decimal without trailing zeros or exponent (10.5000 -> 10.5)."""
    return format(value.normalize(), "f")


def _rows(formset):
    """(lines, row numbers) of the rows that are not blank; numbers as the page shows them."""
    lines, numbers = [], []
    for index, form in enumerate(formset.forms, start=1):
        if form.is_blank():
            continue
        data = form.cleaned_data
        lines.append((data["substance"], data["quantity_t"], data["category"]))
        numbers.append(index)
    return lines, numbers


def _show_problems(form, formset, error):
    for problem in error.problems:
        if problem.number is not None and problem.number <= len(formset.forms):
            row = formset.forms[problem.number - 1]
            row.add_error(problem.field if problem.field in row.fields else None, problem.message)
        elif problem.field in form.fields:
            form.add_error(problem.field, problem.message)
        else:
            form.add_error(None, problem.message)
    if not error.problems:
        form.add_error(None, error.message)


def _save(request, subject, installation):
    """Read and save the posted form; (installation or None, form, formset, status)."""
    form = InstallationForm(request.POST)
    formset = LineFormSet(request.POST, prefix="lines")
    if not (form.is_valid() and formset.is_valid()):
        return None, form, formset, 400
    lines, numbers = _rows(formset)
    data = form.cleaned_data
    try:
        saved = si.save_installation(
            request.user,
            subject=subject,
            installation=installation,
            name=data["name"],
            kind=data["kind"],
            exposed_people=data["exposed_people"],
            record_no=data["record_no"],
            lines=lines,
            numbers=numbers,
        )
    except si.InstallationError as error:
        _raise(error)
        _show_problems(form, formset, error)
        return None, form, formset, error.status
    return saved, form, formset, 200


def _edit_page(request, subject, installation):
    if request.method == "POST":
        saved, form, formset, status = _save(request, subject, installation)
        if saved is not None:
            messages.success(request, _("已保存并完成辨识：%(n)s") % {"n": saved.name})
            return redirect("risks:installation_detail", pk=saved.pk)
    else:
        status = 200
        if installation is None:
            form = InstallationForm(initial={"kind": Installation.Kind.STORAGE, "exposed_people": 0})
            formset = LineFormSet(prefix="lines")
        else:
            form = InstallationForm(
                initial={
                    "name": installation.name,
                    "kind": installation.kind,
                    "exposed_people": installation.exposed_people,
                    "record_no": installation.record_no,
                }
            )
            formset = LineFormSet(prefix="lines", initial=_line_initial(installation))
    names = sorted({n for s in tables().substances.values() for n in (s.name, *s.aliases)})
    context = {
        "form": form,
        "formset": formset,
        "subject": subject,
        "installation": installation,
        "names": names,
    }
    return render(request, "risks/installation_form.html", context, status=status)


def _subject_picker(request):
    """No subject given: search the subjects in scope (hazardous-chemicals ones first)."""
    query = (request.GET.get("q") or "").strip()
    subjects = Subject.objects.visible_to(request.user).select_related("town")
    if query:
        subjects = subjects.filter(Q(name__icontains=query) | Q(code__icontains=query))
    subjects = subjects.order_by("name")
    if query:
        options = list(subjects[:SUBJECT_OPTIONS])
    else:
        chemical = subjects.filter(sector_id="hazardous_chemicals")
        options = list(chemical[:SUBJECT_OPTIONS]) or list(subjects[:SUBJECT_OPTIONS])
    return render(request, "risks/installation_pick_subject.html", {"query": query, "subjects": options})


@login_required
def installation_new(request):
    user = request.user
    _require_editor(user)
    subject_id = int_or_none(request.GET.get("subject") or request.POST.get("subject"))
    if subject_id is None:
        own = Subject.objects.visible_to(user)
        if own[:2].count() != 1 or request.GET.get("q") is not None:
            return _subject_picker(request)
        subject_id = own.first().pk
    try:
        subject = si.visible_subject(user, subject_id)
    except si.InstallationError as error:
        _raise(error)
    return _edit_page(request, subject, None)


@login_required
def installation_edit(request, pk):
    installation = _installation(request.user, pk)  # scope first: out of scope is 404 for everyone
    _require_editor(request.user)
    return _edit_page(request, installation.subject, installation)


@login_required
@require_POST
def installation_delete(request, pk):
    installation = _installation(request.user, pk)
    try:
        si.delete_installation(request.user, installation)
    except si.InstallationError as error:
        _raise(error)
        raise
    messages.success(request, _("已删除：%(n)s") % {"n": installation.name})
    return redirect("risks:installation_list")


# --- detail, guarantors and checks ---------------------------------------------------------------


def _detail(request, installation, guarantor_form=None, check_form=None, status=200):
    user = request.user
    rows, evaluation = si.stored_evaluation(installation)
    statuses = si.guarantor_statuses(installation.guarantors.all())
    context = {
        "installation": installation,
        "subject": installation.subject,
        "rows": rows,
        "evaluation": evaluation,
        "statuses": statuses,
        "checks": si.recent_checks(installation),
        "can_edit": can_edit_register(user),
        "guarantor_form": guarantor_form or GuarantorForm(),
        "check_form": check_form or CheckForm(),
    }
    return render(request, "risks/installation_detail.html", context, status=status)


@login_required
@require_GET
def installation_detail(request, pk):
    return _detail(request, _installation(request.user, pk))


@login_required
@require_POST
def installation_guarantor(request, pk):
    installation = _installation(request.user, pk)
    _require_editor(request.user)
    form = GuarantorForm(request.POST)
    if not form.is_valid():
        return _detail(request, installation, guarantor_form=form, status=400)
    try:
        guarantor = si.set_guarantor(request.user, installation, **form.cleaned_data)
    except si.InstallationError as error:
        _raise(error)
        form.add_error(None, error.message)
        return _detail(request, installation, guarantor_form=form, status=error.status)
    messages.success(request, _("已设置包保责任人：%(g)s") % {"g": guarantor})
    return redirect("risks:installation_detail", pk=installation.pk)


@login_required
@require_POST
def installation_check(request, pk):
    installation = _installation(request.user, pk)
    _require_editor(request.user)
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _detail(request, installation, check_form=form, status=400)
    data = form.cleaned_data
    try:
        guarantor = installation.guarantors.filter(pk=data["guarantor"]).first()
        if guarantor is None:
            raise si.InstallationError(_("请选择本单元的包保责任人"))
        si.record_check(request.user, guarantor, done_on=data["done_on"], note=data["note"])
    except si.InstallationError as error:
        _raise(error)
        form.add_error(None, error.message)
        return _detail(request, installation, check_form=form, status=error.status)
    messages.success(request, _("已记录%(g)s的检查") % {"g": guarantor})
    return redirect("risks:installation_detail", pk=installation.pk)


urlpatterns = [
    path("installations/", installation_list, name="installation_list"),
    path("installations/new/", installation_new, name="installation_new"),
    path("installations/<int:pk>/", installation_detail, name="installation_detail"),
    path("installations/<int:pk>/edit/", installation_edit, name="installation_edit"),
    path("installations/<int:pk>/delete/", installation_delete, name="installation_delete"),
    path("installations/<int:pk>/guarantors/", installation_guarantor, name="installation_guarantor"),
    path("installations/<int:pk>/checks/", installation_check, name="installation_check"),
]
