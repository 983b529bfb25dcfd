"""一级一册 pages: pick a town or a department, read its manual (printable), download it as Word.

Refusals: a user whose roles are not on the government side (an enterprise account) gets 403 on
the picker — the manuals are the government's working documents — and 404 on a manual, as for a town
or department the user may not pick (outside their territory, not their department): anything out of
scope is 404. Which owners a user may pick is
`manual.owners_for` (see its module doc)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import manual as mn
from .manual_docx import issuer, manual_docx
from .permissions import can_read_manuals

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_reader(user):
    if not can_read_manuals(user):
        raise PermissionDenied(_("一级一册风险管控手册仅供政府部门使用"))


def _owner_or_404(user, kind, pk):
    # Nobody outside the government side may pick any owner, so they get the same 404 as for a town
    # out of scope: a manual page never tells which towns or departments exist.
    owner = mn.find_owner(user, kind, pk)
    if owner is None:
        raise Http404(_("该镇（街道）或部门不存在，或不在您的管辖范围内"))
    return owner


@login_required
@require_GET
def manuals(request):
    _require_reader(request.user)
    towns, units = mn.owners_for(request.user, with_counts=True)
    return render(request, "risks/manual_list.html", {"towns": towns, "units": units})


@login_required
@require_GET
def manual(request, kind, pk):
    owner = _owner_or_404(request.user, kind, pk)
    context = {
        "manual": mn.build_manual(request.user, owner),
        "issuer": issuer(owner),
        "today": timezone.localdate(),
    }
    return render(request, "risks/manual.html", context)


@login_required
@require_GET
def manual_docx_view(request, kind, pk):
    owner = _owner_or_404(request.user, kind, pk)
    data = manual_docx(mn.build_manual(request.user, owner))
    response = HttpResponse(data, content_type=DOCX)
    filename = f"{owner.title}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


urlpatterns = [
    path("manuals/", manuals, name="manuals"),
    path("manuals/<str:kind>/<int:pk>/", manual, name="manual"),
    path("manuals/<str:kind>/<int:pk>/docx/", manual_docx_view, name="manual_docx"),
]
