"""Checklist library pages: the library, a checklist with its versions, draft editing, import and
export, and the criteria standards. Readable by every logged-in user (a library, not scoped
records); every change goes through services.py, which also refuses non-editors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import io as checklist_io
from . import services
from .forms import ImportForm, ItemForm
from .models import Checklist, ChecklistItem, ChecklistVersion, Standard
from .permissions import can_edit_checklists

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_editor(user):
    if not can_edit_checklists(user):
        raise PermissionDenied(_("只有市安委办、专委办和行业部门可以编辑检查表"))


def _counted(versions):
    return versions.annotate(
        item_count=Count("items"), major_count=Count("items", filter=Q(items__major_by_rule=True))
    )


@login_required
@require_GET
def library_list(request):
    checklists = list(Checklist.objects.select_related("sector"))
    published = _counted(ChecklistVersion.objects.filter(status=ChecklistVersion.Status.PUBLISHED))
    current = {}
    for version in published.order_by("number"):
        current[version.checklist_id] = version  # the highest number wins
    drafts = set(
        ChecklistVersion.objects.filter(status=ChecklistVersion.Status.DRAFT).values_list(
            "checklist_id", flat=True
        )
    )
    groups = []
    for value, label in Checklist.Category.choices:
        rows = [c for c in checklists if c.category == value]
        for checklist in rows:
            checklist.current = current.get(checklist.pk)
            checklist.has_draft = checklist.pk in drafts
        if rows:
            groups.append({"label": label, "checklists": rows})
    context = {"groups": groups, "can_edit": can_edit_checklists(request.user)}
    return render(request, "checklists/list.html", context)


def _items(version):
    return version.items.select_related("criterion__standard").order_by("order", "id")


@login_required
@require_GET
def checklist_detail(request, pk, number=None):
    checklist = get_object_or_404(Checklist.objects.select_related("sector"), pk=pk)
    versions = list(_counted(checklist.versions.select_related("created_by")).order_by("-number"))
    if number is not None:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise Http404(_("该版本不存在"))
    else:
        published = [v for v in versions if v.is_published]
        version = published[0] if published else (versions[0] if versions else None)
    context = {
        "checklist": checklist,
        "version": version,
        "items": _items(version) if version else [],
        "versions": versions,
        "draft": next((v for v in versions if not v.is_published), None),
        "can_edit": can_edit_checklists(request.user),
    }
    return render(request, "checklists/detail.html", context)


@login_required
@require_GET
def version_export(request, pk, fmt):
    version = get_object_or_404(ChecklistVersion.objects.select_related("checklist"), pk=pk)
    filename = f"{version.checklist.code}-v{version.number}"
    if fmt == "xlsx":
        response = HttpResponse(checklist_io.export_xlsx(version), content_type=XLSX)
    else:
        response = HttpResponse(
            checklist_io.export_yaml(version), content_type="application/x-yaml; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@login_required
@require_POST
def revise(request, pk):
    _require_editor(request.user)
    checklist = get_object_or_404(Checklist, pk=pk)
    try:
        draft = services.start_revision(request.user, checklist, note=request.POST.get("note", ""))
    except services.ChecklistError as error:
        messages.error(request, error.message)
        return redirect("checklists:detail", pk=checklist.pk)
    return redirect("checklists:draft", pk=draft.pk)


def _draft_page(request, version, form=None, status=200):
    context = {
        "checklist": version.checklist,
        "version": version,
        "items": _items(version),
        "form": form or ItemForm(),
    }
    return render(request, "checklists/draft.html", context, status=status)


def _editable_version(request, pk):
    _require_editor(request.user)
    return get_object_or_404(ChecklistVersion.objects.select_related("checklist"), pk=pk)


@login_required
@require_GET
def draft_edit(request, pk):
    version = _editable_version(request, pk)
    if version.is_published:
        messages.info(request, _("已发布的版本不能修改；请点击“修订”生成草稿"))
        return redirect("checklists:detail", pk=version.checklist_id)
    return _draft_page(request, version)


@login_required
@require_POST
def item_add(request, pk):
    version = _editable_version(request, pk)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _draft_page(request, version, form, status=400)
    try:
        services.add_item(request.user, version, **form.cleaned_data)
    except services.ChecklistError as error:
        form.add_error(None, error.message)
        return _draft_page(request, version, form, status=error.status)
    messages.success(request, _("已添加条目 %(k)s") % {"k": form.cleaned_data["key"]})
    return redirect("checklists:draft", pk=version.pk)


def _editable_item(request, pk):
    _require_editor(request.user)
    return get_object_or_404(ChecklistItem.objects.select_related("version__checklist"), pk=pk)


@login_required
def item_edit(request, pk):
    item = _editable_item(request, pk)
    status = 200
    if request.method == "POST":
        form = ItemForm(request.POST, instance=ChecklistItem.objects.get(pk=item.pk))
        if form.is_valid():
            try:
                services.edit_item(request.user, item, **form.cleaned_data)
            except services.ChecklistError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("条目 %(k)s 已保存") % {"k": form.cleaned_data["key"]})
                return redirect("checklists:draft", pk=item.version_id)
        else:
            status = 400
    else:
        form = ItemForm(instance=item)
    return render(request, "checklists/item_form.html", {"item": item, "form": form}, status=status)


def _item_action(request, pk, action, *args):
    item = _editable_item(request, pk)
    try:
        action(request.user, item, *args)
    except services.ChecklistError as error:
        messages.error(request, error.message)
    return redirect("checklists:draft", pk=item.version_id)


@login_required
@require_POST
def item_delete(request, pk):
    return _item_action(request, pk, services.delete_item)


@login_required
@require_POST
def item_move(request, pk):
    return _item_action(request, pk, services.move_item, request.POST.get("direction", ""))


@login_required
@require_POST
def version_publish(request, pk):
    version = _editable_version(request, pk)
    try:
        services.publish(request.user, version, note=request.POST.get("note"))
    except services.ChecklistError as error:
        messages.error(request, error.message)
        return redirect("checklists:detail", pk=version.checklist_id)
    messages.success(request, _("已发布为第 %(n)d 版") % {"n": version.number})
    return redirect("checklists:detail", pk=version.checklist_id)


@login_required
@require_POST
def version_discard(request, pk):
    version = _editable_version(request, pk)
    try:
        services.discard_draft(request.user, version)
    except services.ChecklistError as error:
        messages.error(request, error.message)
        return redirect("checklists:detail", pk=version.checklist_id)
    messages.success(request, _("草稿已放弃"))
    if Checklist.objects.filter(pk=version.checklist_id).exists():
        return redirect("checklists:detail", pk=version.checklist_id)
    return redirect("checklists:list")


@login_required
def import_page(request):
    _require_editor(request.user)
    status, problems = 200, []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                version = _import(request.user, form.cleaned_data)
            except checklist_io.ChecklistIOError as error:
                problems, status = error.messages, error.status
            except services.ChecklistError as error:
                problems, status = [error.message], error.status
            else:
                messages.success(request, _("已导入为草稿，请核对后发布"))
                return redirect("checklists:draft", pk=version.pk)
        else:
            status = 400
    return render(request, "checklists/import.html", {"form": form, "problems": problems}, status=status)


def _import(user, data):
    new = {name: data.get(name) or "" for name in ("code", "name", "category")}
    new["sector"] = data["sector"].pk if data.get("sector") else ""
    return checklist_io.import_checklist(user, data["file"], checklist=data.get("checklist"), **new)


@login_required
@require_GET
def import_template(request):
    response = HttpResponse(checklist_io.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="checklist-template.xlsx"'
    return response


@login_required
@require_GET
def standard_list(request):
    standards = Standard.objects.prefetch_related("criteria")
    return render(request, "checklists/standards.html", {"standards": standards})


urlpatterns = [
    path("", library_list, name="list"),
    path("standards/", standard_list, name="standards"),
    path("import/", import_page, name="import"),
    path("import/template.xlsx", import_template, name="template"),
    path("<int:pk>/", checklist_detail, name="detail"),
    path("<int:pk>/v<int:number>/", checklist_detail, name="version"),
    path("<int:pk>/revise/", revise, name="revise"),
    path("versions/<int:pk>/export.xlsx", version_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("versions/<int:pk>/export.yaml", version_export, {"fmt": "yaml"}, name="export_yaml"),
    path("versions/<int:pk>/edit/", draft_edit, name="draft"),
    path("versions/<int:pk>/items/add/", item_add, name="item_add"),
    path("versions/<int:pk>/publish/", version_publish, name="publish"),
    path("versions/<int:pk>/discard/", version_discard, name="discard"),
    path("items/<int:pk>/edit/", item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", item_delete, name="item_delete"),
    path("items/<int:pk>/move/", item_move, name="item_move"),
]
