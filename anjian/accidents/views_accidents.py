"""Accident pages: the list in scope with its filters, an accident's page with its level and the reason,
and the form that records or changes one (the level is computed by the service and shown after save).

Enterprise accounts may not view accidents (permissions.can_view_accidents): the list and the form
answer 403, an accident's page 404 like any record out of scope. Users who may view but not record
(grid, inspector) see the pages without the buttons; the form answers them 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.filtering import FilterError, parse_choice_param, parse_date_param, parse_int_param
from anjian.core.models import Attachment
from anjian.core.paging import DeferredJoinPaginator
from anjian.org.models import Sector
from anjian.registry.models import Subject

from . import services
from .forms import AccidentFilterForm, AccidentForm, town_choices
from .models import Accident, AccidentLevel
from .permissions import can_record_accidents, can_view_accidents

PAGE_SIZE = 50
SUBJECT_OPTIONS = 30


def require_viewer(user):
    if not can_view_accidents(user):
        raise PermissionDenied(_("您的角色不能查看生产安全事故"))


def filter_accidents(queryset, params, user):
    """Narrow scoped accidents by date range, town, sector and level. Raises FilterError."""
    date_from = parse_date_param(params, "date_from", _("发生日期起"))
    date_to = parse_date_param(params, "date_to", _("发生日期止"))
    if date_from and date_to and date_to < date_from:
        raise FilterError(_("发生日期止不能早于发生日期起"))
    if date_from:
        queryset = queryset.filter(occurred_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(occurred_at__date__lte=date_to)
    town = parse_int_param(params, "town", _("镇（街道）"))
    if town is not None:
        if not town_choices(user).filter(pk=town).exists():
            raise FilterError(_("参数“镇（街道）”（town）：镇（街道）%(id)s 不存在") % {"id": town})
        queryset = queryset.filter(town_id=town)
    sector = (params.get("sector") or "").strip()
    if sector:
        if not Sector.objects.filter(pk=sector).exists():
            raise FilterError(_("参数“行业领域”（sector）的值“%(v)s”无效") % {"v": sector})
        queryset = queryset.filter(sector_id=sector)
    level = parse_choice_param(params, "level", _("事故等级"), AccidentLevel.values)
    if level:
        queryset = queryset.filter(level=level)
    return queryset


@login_required
@require_GET
def accident_list(request):
    user = request.user
    require_viewer(user)
    form = AccidentFilterForm(request.GET or None, user=user)
    queryset, status = services.visible_accidents(user), 200
    try:
        queryset = filter_accidents(queryset, request.GET, user)
    except FilterError as error:
        messages.error(request, str(error))
        queryset, status = Accident.objects.none(), 400
    queryset = queryset.select_related("subject", "town", "sector")
    page = DeferredJoinPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "accidents": page.object_list,
        "filtered": bool(request.GET),
        "can_record": can_record_accidents(user),
    }
    return render(request, "accidents/list.html", context, status=status)


def _visible(user, pk):
    queryset = services.visible_accidents(user).select_related("subject", "territory", "town", "sector")
    return get_object_or_404(queryset.prefetch_related("attachments"), pk=pk)


@login_required
@require_GET
def accident_detail(request, pk):
    accident = _visible(request.user, pk)
    context = {"accident": accident, "can_record": can_record_accidents(request.user)}
    return render(request, "accidents/detail.html", context)


def _subject_options(user, selected=None):
    options = list(
        Subject.objects.visible_to(user).only("name", "code").order_by("name", "id")[:SUBJECT_OPTIONS]
    )
    if selected is not None and selected not in options:
        options.insert(0, selected)
    return options


def _selected(user, value):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return Subject.objects.visible_to(user).filter(pk=pk).first()


def _form_page(request, form, *, accident, call, selected):
    """GET: the form; POST: the service call, then the accident's page with its computed level."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data, photos = form.service_arguments()
            try:
                saved = call(data, photos)
            except services.AccidentError as error:
                if error.status == 403:
                    raise PermissionDenied(error.message) from None
                form.add_error(None, error.message)
                status = error.status
            except Http404 as error:
                form.add_error(None, str(error))
                status = 404
            else:
                messages.success(
                    request,
                    _("事故 %(code)s 已保存，定级为%(level)s")
                    % {"code": saved.code, "level": saved.get_level_display()},
                )
                return redirect("accidents:detail", pk=saved.pk)
        else:
            status = 422
    context = {
        "form": form,
        "accident": accident,
        "options": _subject_options(request.user, selected),
        "selected": selected,
    }
    return render(request, "accidents/form.html", context, status=status)


def _require_recorder(user):
    require_viewer(user)
    if not can_record_accidents(user):
        raise PermissionDenied(_("您的角色不能登记生产安全事故"))


@login_required
@require_http_methods(["GET", "POST"])
def accident_new(request):
    user = request.user
    _require_recorder(user)
    source = request.POST if request.method == "POST" else request.GET
    selected = _selected(user, source.get("subject"))
    if request.method == "POST":
        form = AccidentForm(request.POST, request.FILES, user=user)
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = AccidentForm(
            initial={"occurred_at": now, "subject": selected.pk if selected else None}, user=user
        )
    return _form_page(
        request,
        form,
        accident=None,
        selected=selected,
        call=lambda data, photos: services.record_accident(user, photos=photos, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def accident_edit(request, pk):
    user = request.user
    accident = _visible(user, pk)
    _require_recorder(user)
    if request.method == "POST":
        form = AccidentForm(request.POST, request.FILES, user=user)
        selected = _selected(user, request.POST.get("subject"))
    else:
        initial = {name: getattr(accident, name) for name in services.FIELDS}
        initial.update(
            occurred_at=timezone.localtime(accident.occurred_at),
            reported_at=timezone.localtime(accident.reported_at) if accident.reported_at else None,
            subject=accident.subject_id,
            territory=accident.territory_id,
            sector=accident.sector_id,
        )
        form = AccidentForm(initial=initial, user=user)
        selected = accident.subject
    return _form_page(
        request,
        form,
        accident=accident,
        selected=selected,
        call=lambda data, photos: services.update_accident(user, accident, photos=photos, **data),
    )


@login_required
@require_GET
def accident_photo(request, pk):
    """An accident's attachment, only for users who may see that accident (404 otherwise)."""
    visible = services.visible_accidents(request.user).values("pk")
    photo = Attachment.objects.filter(pk=pk, accident__in=visible).first()
    if photo is None:
        raise Http404(_("附件不存在或不在您的管辖范围内"))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [
    path("", accident_list, name="list"),
    path("new/", accident_new, name="new"),
    path("<int:pk>/", accident_detail, name="detail"),
    path("<int:pk>/edit/", accident_edit, name="edit"),
    path("photos/<int:pk>/", accident_photo, name="photo"),
]
