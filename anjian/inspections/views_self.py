"""Enterprise self-inspection pages: the hazard log (隐患排查日志), starting a self-inspection, and
the head-led monthly check (主要负责人每月至少带队检查1次). Changes go through services_plans."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.hazards.models import Hazard
from anjian.org.models import Role
from anjian.org.scope import scope_for
from anjian.registry.models import Subject

from . import services_plans as sp
from .errors import InspectionError
from .forms import SelfInspectionForm, default_version_for
from .models import Inspection, ItemResult

LOG_SIZE = 100


def _is_enterprise(user):
    return Role.ENTERPRISE in scope_for(user).roles


def _subject_for_log(user, value):
    if value:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise Http404(_("监管对象不存在或不在您的管辖范围内")) from None
        subject = Subject.objects.visible_to(user).filter(pk=pk).first()
        if subject is None:
            raise Http404(_("监管对象不存在或不在您的管辖范围内"))
        return subject
    return Subject.objects.own_subject(user)


def _log(user, subject):
    inspections = list(
        Inspection.objects.visible_to(user)
        .filter(subject=subject, is_self=True)
        .select_related("checklist_version__checklist")
        .annotate(n_fail=Count("results", filter=Q(results__outcome=ItemResult.Outcome.FAIL)))
        .order_by("-created_at", "-id")[:LOG_SIZE]
    )
    hazards = (
        Hazard.objects.visible_to(user)
        .filter(inspection_result__inspection__in=[i.pk for i in inspections])
        .values("pk", "code", "title", "status", "level", "inspection_result__inspection_id")
    )
    by_inspection = {}
    labels = dict(Hazard._meta.get_field("status").choices)
    for row in hazards:
        row["status_label"] = labels.get(row["status"], row["status"])
        by_inspection.setdefault(row["inspection_result__inspection_id"], []).append(row)
    for inspection in inspections:
        inspection.hazard_rows = by_inspection.get(inspection.pk, [])
    return inspections


@login_required
@require_GET
def self_log(request):
    user = request.user
    if not scope_for(user).roles:
        raise PermissionDenied(_("您没有查看企业自查记录的角色"))
    subject = _subject_for_log(user, request.GET.get("subject"))
    context = {
        "subject": subject,
        "inspections": _log(user, subject) if subject else [],
        "can_start": subject is not None
        and _is_enterprise(user)
        and subject.pk in scope_for(user).subject_ids,
        "options": [] if subject else Subject.objects.visible_to(user).order_by("name", "id")[:30],
    }
    return render(request, "inspections/self/log.html", context)


def _conduct_url(inspection):
    try:
        return reverse("inspections:conduct", args=[inspection.pk])
    except NoReverseMatch:  # the conduct page is another module; fall back to the log
        return reverse("inspections:self_log")


@login_required
def self_new(request):
    user = request.user
    if not _is_enterprise(user):
        raise PermissionDenied(_("只有企业账号可以开展企业自查"))
    subject = _subject_for_log(user, request.POST.get("subject") or request.GET.get("subject"))
    if subject is None or subject.pk not in scope_for(user).subject_ids:
        raise Http404(_("只能对本企业开展自查"))
    status = 200
    if request.method == "POST":
        form = SelfInspectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                inspection = sp.start_self_inspection(
                    user, subject, data["checklist_version"], data["led_by_head"], data["head_name"]
                )
            except InspectionError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("自查 %(code)s 已开始") % {"code": inspection.code})
                return redirect(_conduct_url(inspection))
        else:
            status = 400
    else:
        default = default_version_for(subject)
        form = SelfInspectionForm(initial={"checklist_version": default.pk if default else None})
    return render(request, "inspections/self/new.html", {"form": form, "subject": subject}, status=status)


HEAD_CHECK_PAGE = 100


@login_required
@require_GET
def head_checks_view(request):
    user = request.user
    if not scope_for(user).roles:
        raise PermissionDenied(_("您没有查看的角色"))
    this_month = timezone.localdate().replace(day=1)
    # By default the last whole month: in the current one, every enterprise still has time.
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    value = request.GET.get("month") or f"{last_month:%Y-%m}"
    error, status, report = None, 200, None
    try:
        month = sp.parse_month(value)
        if month > this_month:
            raise InspectionError(_("%(m)s 尚未到来，请选择本月或以前的月份") % {"m": f"{month:%Y-%m}"})
        report = sp.head_checks(user, month)
    except InspectionError as exc:
        error, status, month = exc.message, 400, this_month
    missed_only = request.GET.get("missed") == "1"
    rows = (report.missed if missed_only else list(report)) if report is not None else []
    page = Paginator(rows, HEAD_CHECK_PAGE).get_page(request.GET.get("page"))
    context = {
        "report": report,
        "rows": page.object_list,
        "page_obj": page,
        "this_month": month == this_month,
        "month": month,
        "month_value": value if error else f"{month:%Y-%m}",
        "missed_only": missed_only,
        "error": error,
    }
    return render(request, "inspections/self/head_checks.html", context, status=status)


urlpatterns = [
    path("self/", self_log, name="self_log"),
    path("self/new/", self_new, name="self_new"),
    path("head-checks/", head_checks_view, name="head_checks"),
]
