"""Hazard pages: list, detail with timeline and actions, transitions, the report form.

Views read the request and render; every change goes through services.py, every query through
`visible_to(user)`.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.core import listing
from anjian.core.models import Attachment
from anjian.core.paging import DeferredJoinPaginator
from anjian.org.models import Role, Sector
from anjian.org.scope import scope_for
from anjian.registry.models import Subject

from . import services
from .filters import filter_hazards
from .forms import HazardFilterForm, ReportForm
from .models import Hazard, HazardEvent, SupervisionLevel

PAGE_SIZE = 50
SUBJECT_OPTIONS = 30

# The fields each action's form shows; the service decides which are required.
ACTION_FIELDS = {
    "assign": ("deadline", "responsible_person", "rectification_plan", "funds", "comment", "photos"),
    "accept": ("comment", "photos"),
    "submit": ("comment", "photos"),
    "verify": ("comment", "photos"),
    "reject": ("comment", "photos"),
    "close": ("comment",),
    "supervise": ("supervision_level", "deadline", "comment"),
}


@login_required
@require_GET
def hazard_list(request):
    user = request.user
    form = HazardFilterForm(request.GET or None, user=user)
    queryset, status = listing.filtered(request, Hazard.objects.visible_to(user), filter_hazards)
    # No join to the sector table: see LIST_FIELDS in api.py for why; names come from one small query.
    queryset = queryset.select_related("subject", "town")
    page = listing.page_of(request, queryset, PAGE_SIZE, DeferredJoinPaginator)
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    for hazard in page.object_list:
        hazard.sector = sectors[hazard.sector_id]
    context = {"form": form, "page_obj": page, "hazards": page.object_list, "filtered": bool(request.GET)}
    return render(request, "hazards/list.html", context, status=status)


def _visible_hazard(user, pk):
    queryset = Hazard.objects.visible_to(user).select_related(
        "subject", "town", "sector", "supervising_unit", "found_by__person", "subject__territory"
    )
    return get_object_or_404(queryset, pk=pk)


def _supervision_choices(user):
    roles = scope_for(user).roles
    choices = []
    if roles & {Role.CITY_OFFICE, Role.SECTOR_OFFICE}:
        choices.append((SupervisionLevel.CITY, SupervisionLevel.CITY.label))
    if Role.TOWN in roles:
        choices.append((SupervisionLevel.TOWN, SupervisionLevel.TOWN.label))
    return choices


def _detail(request, hazard, *, error=None, posted=None, status=200):
    events = HazardEvent.objects.filter(hazard=hazard).prefetch_related("attachments")
    actions = [
        {"action": action, "fields": ACTION_FIELDS.get(action.name, ("comment",))}
        for action in services.available_actions(request.user, hazard)
    ]
    context = {
        "hazard": hazard,
        "events": events,
        "actions": actions,
        "supervision_choices": _supervision_choices(request.user),
        "action_error": error,
        "posted": posted or {},
        "can_report": services.can_report(request.user),
    }
    return render(request, "hazards/detail.html", context, status=status)


@login_required
@require_GET
def hazard_detail(request, pk):
    return _detail(request, _visible_hazard(request.user, pk))


def _parse_funds(value):
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    try:
        funds = Decimal(value)
    except InvalidOperation:
        raise services.TransitionError(_("整改资金“%(v)s”不是有效金额") % {"v": value}) from None
    if funds < 0 or not funds.is_finite():
        raise services.TransitionError(_("整改资金不能为负数"))
    return funds


def _transition_kwargs(request):
    data = request.POST
    kwargs = {
        "comment": data.get("comment", ""),
        "photos": request.FILES.getlist("photos"),
        "deadline": services.parse_date(data.get("deadline"), _("期限")),
        "funds": _parse_funds(data.get("funds")),
    }
    for name in ("responsible_person", "rectification_plan", "supervision_level"):
        if name in data:
            kwargs[name] = data[name]
    return kwargs


@login_required
@require_POST
def hazard_transition(request, pk):
    hazard = _visible_hazard(request.user, pk)
    action_name = request.POST.get("action", "")
    try:
        services.transition(request.user, hazard.pk, action_name, **_transition_kwargs(request))
    except services.TransitionError as error:
        posted = {"action": action_name, **request.POST.dict()}
        return _detail(request, hazard, error=error.message, posted=posted, status=error.status)
    messages.success(request, _("操作成功"))
    return redirect("hazards:detail", pk=hazard.pk)


def _subject_options(user, text="", selected=None):
    subjects = Subject.objects.visible_to(user).only("name", "code")
    text = (text or "").strip()
    if text:
        subjects = subjects.filter(Q(name__icontains=text) | Q(code__icontains=text))
    options = list(subjects.order_by("name", "id")[:SUBJECT_OPTIONS])
    if selected is not None and selected not in options:
        options.insert(0, selected)
    return options


@login_required
@require_GET
def subject_search(request):
    """The report form's subject options matching ?q=, from the user's visible subjects (htmx)."""
    options = _subject_options(request.user, request.GET.get("q", ""))
    return render(
        request, "hazards/_subject_options.html", {"options": options, "query": request.GET.get("q", "")}
    )


def _preselected(user, value):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return Subject.objects.visible_to(user).filter(pk=pk).first()


@login_required
def hazard_new(request):
    user = request.user
    if not services.can_report(user):
        raise PermissionDenied(_("您没有上报隐患的角色"))
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                hazard = _report(user, form.cleaned_data)
            except services.TransitionError as error:
                form.add_error(None, error.message)
                status = error.status
            except Http404 as error:
                form.add_error("subject", str(error))
                status = 404
            else:
                messages.success(request, _("隐患 %(code)s 已上报") % {"code": hazard.code})
                return redirect("hazards:detail", pk=hazard.pk)
        else:
            status = 400
        selected = _preselected(user, request.POST.get("subject"))
    else:
        selected = _preselected(user, request.GET.get("subject"))
        form = ReportForm(initial={"subject": selected.pk if selected else None})
    context = {"form": form, "options": _subject_options(user, selected=selected), "selected": selected}
    return render(request, "hazards/new.html", context, status=status)


def _report(user, data):
    return services.report_hazard(
        user,
        data["subject"],
        data["title"],
        level=data["level"],
        source=data["source"] or None,
        description=data["description"],
        location=data["location"],
        deadline=data["deadline"],
        photos=data["photos"],
    )


@login_required
@require_GET
def hazard_photo(request, pk):
    """A photo of a hazard's timeline, only for users who may see that hazard (404 otherwise)."""
    visible = Hazard.objects.visible_to(request.user).values("pk")
    photo = Attachment.objects.filter(pk=pk, hazardevent__hazard__in=visible).first()
    if photo is None:
        raise Http404(_("照片不存在或不在您的管辖范围内"))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
