"""Subject pages: list, detail (its hazards panel comes from hazards_tags), create and edit.

Create and edit save through services.save_subject, which checks the saved row against the user's
scope before committing, so nobody can move a subject (or file a new one) out of their own reach.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core import listing
from anjian.registry.permissions import can_edit_subjects

from . import services
from .filters import filter_subjects
from .forms import SubjectFilterForm, SubjectForm
from .models import Subject

PAGE_SIZE = 50


@login_required
@require_GET
def subject_list(request):
    user = request.user
    form = SubjectFilterForm(request.GET or None, user=user)
    queryset, status = listing.filtered(request, Subject.objects.visible_to(user), filter_subjects)
    queryset = queryset.select_related("territory", "town", "sector")
    page = listing.page_of(request, queryset, PAGE_SIZE)
    context = {
        "form": form,
        "page_obj": page,
        "subjects": page.object_list,
        "filtered": bool(request.GET),
        "can_edit": can_edit_subjects(user),
    }
    return render(request, "registry/list.html", context, status=status)


@login_required
@require_GET
def subject_detail(request, pk):
    user = request.user
    queryset = Subject.objects.visible_to(user).select_related(
        "territory", "grid", "town", "sector", "supervising_unit", "supervisor", "parent"
    )
    subject = get_object_or_404(queryset, pk=pk)
    context = {
        "subject": subject,
        "can_edit": can_edit_subjects(user),
    }
    return render(request, "registry/detail.html", context)


def _require_editor(user):
    if not can_edit_subjects(user):
        raise PermissionDenied(_("您的角色不能维护监管对象"))


def _save_within_scope(form, user):
    """Save the form through the service; None, with the reason on the form, when it refuses."""
    try:
        return services.save_subject(user, form)
    except services.SubjectError as error:
        form.add_error(None, error.message)
        return None


def _edit(request, subject, template_title):
    user = request.user
    status = 200
    if request.method == "POST":
        form = SubjectForm(request.POST, instance=subject, user=user)
        if form.is_valid():
            saved = _save_within_scope(form, user)
            if saved is not None:
                messages.success(request, _("监管对象“%(name)s”已保存") % {"name": saved.name})
                return redirect("registry:detail", pk=saved.pk)
            status = 403
        else:
            status = 400
    else:
        form = SubjectForm(instance=subject, user=user)
    context = {"form": form, "subject": subject if subject.pk else None, "page_title": template_title}
    return render(request, "registry/form.html", context, status=status)


@login_required
def subject_create(request):
    _require_editor(request.user)
    return _edit(request, Subject(), _("新增监管对象"))


@login_required
def subject_edit(request, pk):
    user = request.user
    # Out of scope is 404 before the role check, so the page does not reveal that the subject exists.
    subject = get_object_or_404(Subject.objects.visible_to(user), pk=pk)
    _require_editor(user)
    return _edit(request, subject, _("编辑监管对象"))
