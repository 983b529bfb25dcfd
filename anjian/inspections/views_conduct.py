"""Inspection pages: the list, the detail, doing one on a phone (item cards saved one by one with htmx),
the scoped photos and signatures, and the 《现场检查记录》 downloads.

Views read the request and render; every change goes through services_conduct, every query through
`Inspection.objects.visible_to(user)` (out of scope: 404).
"""

from itertools import groupby
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from anjian.core.models import Attachment
from anjian.core.paging import DeferredJoinPaginator

from . import record, services_conduct
from .errors import InspectionError
from .models import Inspection, ItemResult
from .permissions import can_conduct

PAGE_SIZE = 30
OPEN = (Inspection.Status.PLANNED, Inspection.Status.IN_PROGRESS)
TABS = (
    ("todo", gettext_lazy("待检查")),
    ("active", gettext_lazy("检查中")),
    ("done", gettext_lazy("已完成")),
    ("all", gettext_lazy("全部")),
)
# The three big buttons of an item card: value, label, Bootstrap colour.
OUTCOME_CHOICES = (
    (ItemResult.Outcome.PASS, gettext_lazy("符合"), "success"),
    (ItemResult.Outcome.FAIL, gettext_lazy("不符合"), "danger"),
    (ItemResult.Outcome.NOT_APPLICABLE, gettext_lazy("不适用"), "secondary"),
)


def _mine(user):
    named = Inspection.inspectors.through.objects.filter(user_id=user.pk).values("inspection_id")
    return Q(pk__in=named) | Q(created_by=user)


def _tab_filter(queryset, tab, user):
    if tab == "todo":
        return queryset.filter(_mine(user), status__in=OPEN)
    if tab == "active":
        return queryset.filter(status=Inspection.Status.IN_PROGRESS)
    if tab == "done":
        return queryset.filter(status=Inspection.Status.DONE)
    return queryset


@login_required
@require_GET
def inspection_list(request):
    tab = request.GET.get("tab") or "todo"
    if tab not in dict(TABS):
        tab = "all"
    queryset = _tab_filter(Inspection.objects.visible_to(request.user), tab, request.user)
    queryset = queryset.select_related("subject", "plan", "checklist_version__checklist")
    page = DeferredJoinPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"tabs": TABS, "tab": tab, "page_obj": page, "inspections": page.object_list}
    return render(request, "inspections/list.html", context)


def _visible(user, pk):
    queryset = Inspection.objects.visible_to(user).select_related(
        "subject__territory", "plan", "unit", "checklist_version__checklist"
    )
    return get_object_or_404(queryset, pk=pk)


def _results(inspection):
    """{item id: result} with photos and hazards, for the cards and the detail page."""
    results = inspection.results.select_related("hazard", "item").prefetch_related("photos")
    return {result.item_id: result for result in results}


def _sections(inspection, results):
    """[(section, [(item, result or None), …]), …] in item order."""
    rows = [(item, results.get(item.pk)) for item in inspection.items().select_related("criterion__standard")]
    return [(section, list(group)) for section, group in groupby(rows, key=lambda row: row[0].section)]


def _may_conduct(user, inspection):
    return inspection.status in OPEN and can_conduct(user, inspection)


@login_required
@require_GET
def inspection_detail(request, pk):
    inspection = _visible(request.user, pk)
    results = _results(inspection)
    context = {
        "inspection": inspection,
        "sections": _sections(inspection, results),
        "inspectors": inspection.inspectors.select_related("person"),
        "may_conduct": _may_conduct(request.user, inspection),
        "progress": _progress(inspection, results),
    }
    return render(request, "inspections/detail.html", context)


def _progress(inspection, results):
    total = inspection.items().count()
    answered = sum(1 for result in results.values() if result.outcome)
    failing = [result for result in results.values() if result.outcome == ItemResult.Outcome.FAIL]
    return {
        "total": total,
        "answered": answered,
        "percent": round(100 * answered / total) if total else 0,
        "failing": len(failing),
        "major": sum(1 for result in failing if result.item.major_by_rule),
    }


def _conduct_context(inspection, **extra):
    results = _results(inspection)
    return {
        "inspection": inspection,
        "sections": _sections(inspection, results),
        "progress": _progress(inspection, results),
        "needs_contact": services_conduct.needs_contact_signature(inspection),
        "outcome_choices": OUTCOME_CHOICES,
        **extra,
    }


def _conductable(request, pk):
    inspection = _visible(request.user, pk)
    if not can_conduct(request.user, inspection):
        raise PermissionDenied(_("您不能填写这次检查"))
    return inspection


@login_required
@require_GET
def inspection_conduct(request, pk):
    inspection = _conductable(request, pk)
    if inspection.status not in OPEN:
        messages.info(request, _("检查已结束，以下为检查结果"))
        return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/conduct/page.html", _conduct_context(inspection))


def _card(request, inspection, item, *, error=None, status=200):
    results = _results(inspection)
    result = results.get(item.pk)
    context = {
        "inspection": inspection,
        "item": item,
        "result": result,
        "error": error,
        "outcome_choices": OUTCOME_CHOICES,
        "progress": _progress(inspection, results),
        "oob": True,
    }
    return render(request, "inspections/conduct/_card_response.html", context, status=status)


@login_required
@require_POST
def item_save(request, pk, item_id):
    """The autosave of one item card (htmx): store, then answer the re-rendered card."""
    inspection = _visible(request.user, pk)
    item = inspection.items().filter(pk=item_id).first()
    if item is None:
        raise Http404(_("检查条目不属于这次检查"))
    data = request.POST
    try:
        services_conduct.record_result(
            request.user,
            inspection,
            item.pk,
            data.get("outcome", ""),
            note=data.get("note", ""),
            photos=request.FILES.getlist("photos"),
        )
    except InspectionError as error:
        inspection.refresh_from_db()
        return _card(request, inspection, item, error=error.message, status=error.status)
    inspection.refresh_from_db()
    return _card(request, inspection, item)


@login_required
@require_POST
def location_save(request, pk):
    inspection = _visible(request.user, pk)
    error, status = None, 200
    try:
        inspection = services_conduct.record_location(
            request.user,
            inspection,
            request.POST.get("lat"),
            request.POST.get("lon"),
            request.POST.get("accuracy"),
        )
    except InspectionError as failure:
        error, status = failure.message, failure.status
    context = {"inspection": inspection, "location_error": error}
    return render(request, "inspections/conduct/_location.html", context, status=status)


@login_required
@require_POST
def signature_save(request, pk):
    inspection = _visible(request.user, pk)
    who = request.POST.get("who", "")
    error, status = None, 200
    try:
        services_conduct.sign(request.user, inspection, who, request.POST.get("data_url", ""))
    except InspectionError as failure:
        error, status = failure.message, failure.status
    inspection.refresh_from_db()
    if who not in services_conduct.SIGNERS:
        return HttpResponse(error, status=status, content_type="text/plain; charset=utf-8")
    context = {
        "inspection": inspection,
        "who": who,
        "signature_error": error,
        "needs_contact": services_conduct.needs_contact_signature(inspection),
    }
    return render(request, "inspections/conduct/_signature.html", context, status=status)


@login_required
@require_POST
def inspection_finish(request, pk):
    inspection = _visible(request.user, pk)
    data = request.POST
    try:
        hazards = services_conduct.finish(
            request.user,
            inspection,
            summary=data.get("summary", ""),
            contact_name=data.get("contact_name", ""),
        )
    except InspectionError as error:
        inspection.refresh_from_db()
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        if inspection.status not in OPEN:
            messages.error(request, error.message)
            return redirect("inspections:detail", pk=inspection.pk)
        context = _conduct_context(inspection, finish_error=error.message, posted=data)
        return render(request, "inspections/conduct/page.html", context, status=error.status)
    messages.success(
        request,
        _("检查已完成，生成隐患 %(n)d 条") % {"n": len(hazards)} if hazards else _("检查已完成，未发现隐患"),
    )
    return redirect("inspections:detail", pk=inspection.pk)


@login_required
@require_GET
def inspection_photo(request, pk):
    """A result photo or a signature, only for users who may see its inspection (404 otherwise)."""
    visible = Inspection.objects.visible_to(request.user)
    as_photo = ItemResult.photos.through.objects.filter(
        attachment_id=pk, itemresult__inspection__in=visible.values("pk")
    )
    as_signature = visible.filter(Q(inspector_signature_id=pk) | Q(contact_signature_id=pk))
    photo = Attachment.objects.filter(pk=pk).first()
    if photo is None or not (as_photo.exists() or as_signature.exists()):
        raise Http404(_("照片不存在或不在您的管辖范围内"))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    # RFC 6266: an ASCII fallback and the UTF-8 name, so every browser saves it under a sensible name.
    response["Content-Disposition"] = (
        f"attachment; filename=\"record.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@login_required
@require_GET
def record_docx(request, pk):
    inspection = _visible(request.user, pk)
    return _download(
        record.build_docx(inspection),
        record.filename(inspection, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
@require_GET
def record_pdf(request, pk):
    inspection = _visible(request.user, pk)
    return _download(record.build_pdf(inspection), record.filename(inspection, "pdf"), "application/pdf")


urlpatterns = [
    path("", inspection_list, name="list"),
    path("<int:pk>/", inspection_detail, name="detail"),
    path("<int:pk>/conduct/", inspection_conduct, name="conduct"),
    path("<int:pk>/items/<int:item_id>/", item_save, name="item_save"),
    path("<int:pk>/location/", location_save, name="location"),
    path("<int:pk>/sign/", signature_save, name="sign"),
    path("<int:pk>/finish/", inspection_finish, name="finish"),
    path("<int:pk>/record.docx", record_docx, name="record_docx"),
    path("<int:pk>/record.pdf", record_pdf, name="record_pdf"),
    path("photos/<int:pk>/", inspection_photo, name="photo"),
]
