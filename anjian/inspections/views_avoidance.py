"""The avoidance list page: read, add, remove. Rules live in services_avoidance."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.filtering import int_or_none
from anjian.org.models import Territory

from . import services_avoidance as sa
from .errors import InspectionError
from .permissions import can_plan


def _context(user):
    inspectors = (
        get_user_model()
        .objects.filter(pk__in=sa.managed_inspectors(user))
        .select_related("person__unit")
        .order_by("person__unit__name", "person__name")
    )
    rules = sa.visible_rules(user).select_related("inspector__person", "subject", "territory")
    return {
        "rules": rules.order_by("-created_at", "-id"),
        "inspectors": inspectors,
        "territories": Territory.objects.visible_to(user).order_by("path")[:400],
    }


@login_required
@require_http_methods(["GET", "POST"])
def avoidance_list(request):
    user = request.user
    if not can_plan(user):
        raise PermissionDenied(_("您的角色不能维护回避名单"))
    status, error = 200, None
    if request.method == "POST":
        try:
            sa.add_rule(
                user,
                int_or_none(request.POST.get("inspector")),
                subject_id=int_or_none(request.POST.get("subject")),
                territory_id=int_or_none(request.POST.get("territory")),
                reason=request.POST.get("reason", ""),
            )
        except InspectionError as exc:
            status, error = exc.status if exc.status != 404 else 422, exc.message
        else:
            messages.success(request, _("已加入回避名单"))
            return redirect("inspections:avoidances")
    context = _context(user) | {"error": error, "posted": request.POST if error else {}}
    return render(request, "inspections/avoidances.html", context, status=status)


@login_required
@require_POST
def avoidance_remove(request, pk):
    try:
        sa.remove_rule(request.user, pk)
    except InspectionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        raise PermissionDenied(exc.message) from None
    messages.success(request, _("已移出回避名单"))
    return redirect("inspections:avoidances")


urlpatterns = [
    path("avoidances/", avoidance_list, name="avoidances"),
    path("avoidances/<int:pk>/remove/", avoidance_remove, name="avoidance_remove"),
]
