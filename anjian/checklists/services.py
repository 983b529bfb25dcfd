"""Every change to the checklist library goes through these functions: they check that the actor may
edit checklists, lock the rows they change, and keep published versions frozen. An edit of a
published checklist happens on a draft copy (start_revision), which publish() turns into version n+1.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import actor_function
from anjian.core.errors import ServiceError
from anjian.org.models import Sector

from .models import Checklist, ChecklistItem, ChecklistVersion, Criterion
from .permissions import can_edit_checklists

ITEM_FIELDS = ("key", "section", "text", "method", "legal_basis", "major_by_rule", "criterion")
KEY_MAX = ChecklistItem._meta.get_field("key").max_length
SECTION_MAX = ChecklistItem._meta.get_field("section").max_length
METHOD_MAX = ChecklistItem._meta.get_field("method").max_length


class ChecklistError(ServiceError):
    """A change that cannot happen, with a Chinese message. `status`: 422 bad input, 409 wrong state
    (e.g. a published version), 403 the actor may not edit checklists."""


def require_editor(actor):
    if not can_edit_checklists(actor):
        raise ChecklistError(_("只有市安委办、专委办和行业部门可以编辑检查表"), 403)


# ---------------------------------------------------------------------------------------------
# Item fields: one check, used by the forms, the services and the importer alike


def item_problems(fields):
    """The Chinese messages of everything wrong with one item's fields (empty when it is valid)."""
    problems = []
    key = fields.get("key", "")
    if not key:
        problems.append(_("条目编号不能为空"))
    elif len(key) > KEY_MAX:
        problems.append(_("条目编号“%(k)s”超过 %(n)d 个字符") % {"k": key, "n": KEY_MAX})
    if not fields.get("text", ""):
        problems.append(_("检查内容不能为空"))
    if len(fields.get("section", "")) > SECTION_MAX:
        problems.append(_("分类超过 %(n)d 个字符") % {"n": SECTION_MAX})
    if len(fields.get("method", "")) > METHOD_MAX:
        problems.append(_("检查方法超过 %(n)d 个字符") % {"n": METHOD_MAX})
    # A major-by-rule item must say which criterion makes it so, and only such items cite one.
    if fields.get("major_by_rule") and fields.get("criterion") is None:
        problems.append(_("标记为重大隐患的条目须注明判定标准条款"))
    if not fields.get("major_by_rule") and fields.get("criterion") is not None:
        problems.append(_("注明了判定标准条款的条目须标记为重大隐患"))
    return problems


def clean_item(fields):
    """Strip the text fields of one item; raise ChecklistError naming what is wrong."""
    clean = {name: (fields.get(name) or "").strip() for name in ("key", "section", "text", "method")}
    clean["legal_basis"] = (fields.get("legal_basis") or "").strip()
    clean["major_by_rule"] = bool(fields.get("major_by_rule"))
    criterion = fields.get("criterion")
    if criterion is not None and not isinstance(criterion, Criterion):
        criterion = Criterion.objects.filter(pk=criterion).first()
        if criterion is None:
            raise ChecklistError(_("判定标准条款不存在"))
    clean["criterion"] = criterion
    problems = item_problems(clean)
    if problems:
        raise ChecklistError("；".join(problems))
    return clean


# ---------------------------------------------------------------------------------------------
# Versions


def _locked_version(version):
    return ChecklistVersion.objects.select_for_update().select_related("checklist").get(pk=version.pk)


def _require_draft(version):
    if version.status != ChecklistVersion.Status.DRAFT:
        raise ChecklistError(
            _("%(v)s 已发布，发布后的版本不能修改；请先“修订”生成草稿再编辑") % {"v": version}, 409
        )


def _lock_checklist_without_draft(checklist):
    """Lock the checklist row (so two editors cannot both start a draft) and refuse a second draft."""
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    draft = checklist.versions.filter(status=ChecklistVersion.Status.DRAFT).first()
    if draft is not None:
        raise ChecklistError(
            _("“%(c)s”已有草稿（第 %(n)d 版），请先发布或放弃该草稿")
            % {"c": checklist.name, "n": draft.number},
            409,
        )
    return checklist


def _new_draft(actor, checklist, note=""):
    top = checklist.versions.aggregate(top=Max("number"))["top"] or 0
    return ChecklistVersion.objects.create(
        checklist=checklist, number=top + 1, status=ChecklistVersion.Status.DRAFT, note=note, created_by=actor
    )


def _create_items(version, items):
    keys = [item["key"] for item in items]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ChecklistError(_("条目编号重复：%(k)s") % {"k": "、".join(duplicates)})
    audit.bulk_create(
        ChecklistItem,
        (
            ChecklistItem(version=version, order=n, **{name: item[name] for name in ITEM_FIELDS})
            for n, item in enumerate(items, start=1)
        ),
    )


@actor_function
@transaction.atomic
def start_revision(actor, checklist, note=""):
    """A draft copy of the current published version's items (the only draft of this checklist)."""
    require_editor(actor)
    checklist = _lock_checklist_without_draft(checklist)
    current = checklist.current_version()
    draft = _new_draft(actor, checklist, note)
    if current is not None:
        items = current.items.order_by("order", "id").values(*ITEM_FIELDS[:-1], "criterion_id")
        audit.bulk_create(
            ChecklistItem,
            (ChecklistItem(version=draft, order=n, **item) for n, item in enumerate(items, start=1)),
            actor=actor,
        )
    return draft


@actor_function
@transaction.atomic
def create_draft(actor, checklist, items, note=""):
    """A new draft of an existing checklist with the given (already cleaned) items: an import."""
    require_editor(actor)
    checklist = _lock_checklist_without_draft(checklist)
    draft = _new_draft(actor, checklist, note)
    _create_items(draft, [clean_item(item) for item in items])
    return draft


@actor_function
@transaction.atomic
def create_checklist(actor, *, code, name, category, sector=None, description="", items=(), note=""):
    """A new checklist whose first version is a draft holding `items` (published by publish())."""
    require_editor(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ChecklistError(_("请填写检查表代码和名称"))
    if Checklist.objects.filter(code=code).exists():
        raise ChecklistError(_("检查表代码“%(c)s”已存在") % {"c": code})
    if category not in Checklist.Category.values:
        raise ChecklistError(_("检查表类别“%(c)s”无效") % {"c": category})
    if isinstance(sector, str) and sector:
        sector = Sector.objects.filter(pk=sector).first() or _unknown_sector(sector)
    checklist = Checklist.objects.create(
        code=code, name=name, category=category, sector=sector or None, description=description or ""
    )
    draft = _new_draft(actor, checklist, note)
    _create_items(draft, [clean_item(item) for item in items])
    return draft


def _unknown_sector(code):
    raise ChecklistError(_("行业领域“%(s)s”不存在") % {"s": code})


@actor_function
@transaction.atomic
def publish(actor, version, note=None):
    """Freeze a draft as the checklist's newest published version."""
    require_editor(actor)
    version = _locked_version(version)
    _require_draft(version)
    if not version.items.exists():
        raise ChecklistError(_("草稿没有任何检查条目，不能发布"))
    newest = version.checklist.versions.filter(status=ChecklistVersion.Status.PUBLISHED)
    top = newest.aggregate(top=Max("number"))["top"] or 0
    # A draft made before another version was published must still come out as n+1.
    version.number = max(version.number, top + 1)
    version.status = ChecklistVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    if note is not None:
        version.note = note.strip()[:200]
    version.save(update_fields=["number", "status", "published_at", "note"])
    return version


@actor_function
@transaction.atomic
def discard_draft(actor, version):
    """Delete a draft and its items (a published version is never deleted)."""
    require_editor(actor)
    version = _locked_version(version)
    _require_draft(version)
    checklist = version.checklist
    version.delete()
    # A checklist that was only ever this draft (a fresh import) goes with it.
    if not checklist.versions.exists():
        checklist.delete()
    return checklist


# ---------------------------------------------------------------------------------------------
# Items of a draft


def _locked_item(item):
    item = ChecklistItem.objects.select_for_update().select_related("version__checklist").get(pk=item.pk)
    _require_draft(item.version)
    return item


def _check_key_free(version, key, except_pk=None):
    taken = version.items.filter(key=key).exclude(pk=except_pk)
    if taken.exists():
        raise ChecklistError(_("条目编号“%(k)s”在本版本中已存在") % {"k": key})


@actor_function
@transaction.atomic
def add_item(actor, version, **fields):
    require_editor(actor)
    version = _locked_version(version)
    _require_draft(version)
    clean = clean_item(fields)
    _check_key_free(version, clean["key"])
    top = version.items.aggregate(top=Max("order"))["top"] or 0
    return ChecklistItem.objects.create(version=version, order=top + 1, **clean)


@actor_function
@transaction.atomic
def edit_item(actor, item, **fields):
    require_editor(actor)
    item = _locked_item(item)
    clean = clean_item(fields)
    _check_key_free(item.version, clean["key"], except_pk=item.pk)
    for name, value in clean.items():
        setattr(item, name, value)
    item.save()
    return item


@actor_function
@transaction.atomic
def delete_item(actor, item):
    require_editor(actor)
    item = _locked_item(item)
    item.delete()


@actor_function
@transaction.atomic
def move_item(actor, item, direction):
    """Swap the item with its neighbour above ("up") or below ("down"); at either end, nothing moves."""
    require_editor(actor)
    if direction not in ("up", "down"):
        raise ChecklistError(_("移动方向“%(d)s”无效") % {"d": direction})
    item = _locked_item(item)
    items = list(item.version.items.select_for_update().order_by("order", "id"))
    index = [i.pk for i in items].index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    _renumber(items)
    return item


@actor_function
@transaction.atomic
def reorder(actor, version, keys):
    """Put the draft's items in the order of `keys` (all of them, each once)."""
    require_editor(actor)
    version = _locked_version(version)
    _require_draft(version)
    items = {i.key: i for i in version.items.select_for_update()}
    if sorted(keys) != sorted(items):
        raise ChecklistError(_("排序须列出本版本的全部条目编号，且每个只列一次"))
    _renumber([items[key] for key in keys])


def _renumber(items):
    for n, item in enumerate(items, start=1):
        item.order = n
    audit.bulk_update(items, ["order"])
