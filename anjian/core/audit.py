"""The append-only, hash-chained change log: the one place every write is audited.

- `save()` and `delete()` of an audited model instance (and a queryset `delete()`, which Django runs
  row by row because these receivers listen) append one `AuditEntry` each, from the signals below:
  that is framework glue, not a business rule, and it means no instance write can slip past.
- Bulk writes go through the helpers `bulk_create`, `bulk_update`, `update` and `delete` here, which
  write one entry per row changed, in the same transaction, in one pass over the chain head.
  `QuerySet.update`, `bulk_create` and `bulk_update` on an audited model anywhere else raise
  `UnauditedWrite` (the guard installed by `install_guard`), and `tests/test_audit_paths.py` fails
  the build on such a call found in the source.
- `bulk_load` is for seeding (the demo, the benchmark): inside it bulk writes are allowed and one
  `bulk` entry records what was loaded.

Each entry's hash covers its content and the previous entry's hash, and `AuditHead` holds the tip, so
editing, deleting or truncating rows behind the application's back is found by `verify_chain()`.
See docs/adr/0003-audit-every-write.md.
"""

import hashlib
import json
import sys
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.contrib.auth.signals import user_logged_in
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.forms.models import model_to_dict
from django.utils import timezone

from .context import acting_as, current_actor
from .models import AuditEntry, AuditHead

# Models whose every write is logged. Kept here so one glance tells what is audited.
AUDITED_MODELS = {
    "auth.user",
    "org.territory",
    "org.unit",
    "org.sectorcommittee",
    "org.person",
    "org.roleassignment",
    "registry.subject",
    "hazards.hazard",
    "hazards.hazardevent",
    "checklists.checklist",
    "checklists.checklistversion",
    "checklists.checklistitem",
    "inspections.inspectionplan",
    "inspections.avoidancerule",
    "inspections.draw",
    "inspections.inspection",
    "inspections.itemresult",
    "plans.workplan",
    "plans.task",
    "plans.taskunit",
    "plans.target",
    "plans.reportingperiod",
    "plans.progressreport",
    "plans.targetprogress",
    "plans.reminderletter",
    "risks.riskpolicy",
    "risks.riskunit",
    "risks.riskevent",
    "risks.riskassessment",
    "risks.controlmeasure",
    "risks.installation",
    "risks.inventoryline",
    "risks.guarantor",
    "risks.guarantorcheck",
    "accidents.accident",
    "accidents.keyperiod",
    "accidents.yeartarget",
    "ranking.scheme",
    "ranking.schemeindicator",
    "ranking.rankingrun",
    "ranking.interview",
    "ranking.commitment",
    # The office's channels and rules and each person's choices; the outbox itself (messages,
    # deliveries, their log) is its own record: docs/adr/0007-notifications.md.
    "notifications.channel",
    "notifications.rule",
    "notifications.notificationsettings",
    "notifications.preference",
    "workdays.holiday",
    "core.attachment",
}
# Never copied into the log.
REDACTED_FIELDS = {"password"}
# Copied as their hash: a draw's pool is too large to copy on every save (pool_hash fixes it), and
# its seed must stay secret until the draw while the log is read by more people than the organiser.
HASHED_FIELDS = {"pool", "seed"}


def snapshot(instance):
    """All stored fields (editable or not) and many-to-many ids of an instance, JSON-ready."""
    data = {field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields}
    if instance.pk is not None:
        data.update(model_to_dict(instance, fields=[f.name for f in instance._meta.many_to_many]))
    # Files and many-to-many values become plain strings/ids for JSON.
    return _clean_snapshot(data)


def _digest(prev_hash, fields):
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _hashed_fields(entry):
    return {
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "model": entry.model,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
    }


def _json_ready(value):
    # Round-trip through JSON so the hash is computed over what the database will return.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def _actor_and_request(actor):
    if actor is None:
        return current_actor()
    return actor, current_actor()[1]


def record(action, model="", object_id="", object_repr="", before=None, after=None, actor=None):
    return record_many([(action, model, object_id, object_repr, before, after)], actor=actor)[0]


def record_many(rows, actor=None, json_ready=False):
    """Append one entry per (action, model, object_id, object_repr, before, after) in `rows`, in
    order, holding the chain head once. Returns the entries. `json_ready`: before and after are
    snapshots already through JSON (the bulk helpers' own), so they need no second round trip."""
    ready = (lambda value: value) if json_ready else _json_ready
    actor, request_id = _actor_and_request(actor)
    rows = list(rows)
    if not rows:
        return []
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        now = timezone.now()
        entries = []
        prev_hash = head.last_hash
        for action, model, object_id, object_repr, before, after in rows:
            entry = AuditEntry(
                at=now,
                actor_id=getattr(actor, "pk", None),
                actor_name=getattr(actor, "username", "") or "",
                action=action,
                model=model,
                object_id=str(object_id),
                object_repr=str(object_repr)[:200],
                before=ready(before),
                after=ready(after),
                request_id=request_id or "",
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = _digest(entry.prev_hash, _hashed_fields(entry))
            entries.append(entry)
        if len(entries) == 1:
            entries[0].save()
        else:
            AuditEntry.objects.bulk_create(entries, batch_size=500)
        last = entries[-1]
        if last.pk is None:  # a backend that does not return ids from bulk inserts
            last = AuditEntry.objects.get(hash=last.hash)
        head.last_id, head.last_hash, head.count = last.pk, last.hash, head.count + len(entries)
        head.save()
    return entries


# ---------------------------------------------------------------------------------------------------
# Bulk writes: the only way to write many rows of an audited model at once.

_bulk_allowed = ContextVar("anjian_audit_bulk_allowed", default=False)


class UnauditedWrite(RuntimeError):
    """A bulk write on an audited model outside the helpers of this module."""


def is_audited(model):
    return model._meta.label_lower in AUDITED_MODELS


@contextmanager
def _allowing_bulk():
    token = _bulk_allowed.set(True)
    try:
        yield
    finally:
        _bulk_allowed.reset(token)


def _snapshot_rows(model, pks):
    """{pk: snapshot} of the rows with these pks (concrete fields only: many-to-many links of a
    bulk write are not its subject)."""
    rows = {}
    pks = list(pks)
    for start in range(0, len(pks), 500):
        for obj in model._base_manager.filter(pk__in=pks[start : start + 500]):
            rows[obj.pk] = _concrete_snapshot(obj)
    return rows


def _concrete_snapshot(instance):
    data = {field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields}
    return _clean_snapshot(data)


def _clean_snapshot(data):
    for name in REDACTED_FIELDS & data.keys():
        data[name] = "***"
    for name in HASHED_FIELDS & data.keys():
        canonical = json.dumps(data[name], sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
        data[name] = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def bulk_create(model, objs, *, actor=None, batch_size=500, **kwargs):
    """`model.objects.bulk_create(objs)` with one `create` entry per row. Returns the objects."""
    objs = list(objs)
    with transaction.atomic(), _allowing_bulk():
        created = model._base_manager.bulk_create(objs, batch_size=batch_size, **kwargs)
        if is_audited(model):
            label = model._meta.label_lower
            missing = [o for o in created if o.pk is None]
            if missing:
                raise UnauditedWrite(f"{label}: bulk_create returned no ids, so the rows cannot be logged")
            record_many(
                (("create", label, o.pk, o, None, _concrete_snapshot(o)) for o in created),
                actor=actor,
                json_ready=True,
            )
    return created


def bulk_update(objs, fields, *, actor=None, batch_size=500):
    """`bulk_update(objs, fields)` with one `update` entry per row that changed. Returns the number of
    rows written."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    with transaction.atomic(), _allowing_bulk():
        before = _snapshot_rows(model, [o.pk for o in objs]) if is_audited(model) else {}
        written = model._base_manager.bulk_update(objs, fields, batch_size=batch_size)
        if is_audited(model):
            _log_changes(model, before, actor)
    return written


def update(queryset, *, actor=None, **values):
    """`queryset.update(**values)` with one `update` entry per row that changed. Returns the count."""
    model = queryset.model
    with transaction.atomic(), _allowing_bulk():
        if not is_audited(model):
            return queryset.update(**values)
        pks = list(queryset.values_list("pk", flat=True))
        before = _snapshot_rows(model, pks)
        count = model._base_manager.filter(pk__in=pks).update(**values) if pks else 0
        _log_changes(model, before, actor)
    return count


def delete(queryset, *, actor=None):
    """`queryset.delete()`: Django deletes row by row while these receivers listen, so each row (and
    each cascaded row) gets its `delete` entry; named here so bulk paths read alike."""
    if actor is None:
        return queryset.delete()
    with acting_as(actor):
        return queryset.delete()


def _log_changes(model, before, actor):
    label = model._meta.label_lower
    after = _snapshot_rows(model, before.keys())
    rows = []
    for pk in sorted(before, key=str):
        old, new = before[pk], after.get(pk)
        if new is not None and old != new:
            rows.append(("update", label, pk, _repr_of(model, new, pk), old, new))
    record_many(rows, actor=actor, json_ready=True)


def _repr_of(model, snapshot, pk):
    for name in ("name", "code", "title", "username"):
        if snapshot.get(name):
            return snapshot[name]
    return f"{model._meta.model_name} {pk}"


@contextmanager
def bulk_load(label, *, actor=None, summary=None):
    """Seeding only (the demo, the benchmark): bulk writes inside are allowed without an entry per row;
    one `bulk` entry records `summary` (a dict, which the block may fill in) when the block ends. A
    block that empties the summary loaded nothing and records nothing."""
    summary = {} if summary is None else summary
    with transaction.atomic(), _allowing_bulk():
        yield summary
        if summary:
            record("bulk", label, object_repr=label, after=summary, actor=actor)


def _guarded(name):
    original = getattr(QuerySet, name)

    def guarded(self, *args, **kwargs):
        if name == "update" and not _bulk_allowed.get() and _called_by_deletion():
            # A delete's SET_NULL / SET_DEFAULT on the rows that pointed at it: logged row by row.
            return update(self, **kwargs)
        if not _bulk_allowed.get() and is_audited(self.model):
            raise UnauditedWrite(
                f"{self.model._meta.label_lower}.{name}() outside anjian.core.audit: use "
                f"audit.{name}() so the change log records every row"
            )
        return original(self, *args, **kwargs)

    guarded.__wrapped__ = original
    guarded.__name__ = name
    return guarded


def _called_by_deletion():
    """Whether the caller of the guarded method is Django's delete collector (two frames up)."""
    frame = sys._getframe(2)
    return frame.f_globals.get("__name__") == "django.db.models.deletion"


def install_guard():
    """Make QuerySet.update/bulk_create/bulk_update refuse audited models outside the helpers. Django
    offers no hook for bulk writes; guarding the queryset catches every path, related managers
    included. Called once from CoreConfig.ready."""
    for name in ("update", "bulk_create", "bulk_update"):
        if not hasattr(getattr(QuerySet, name), "__wrapped__"):
            setattr(QuerySet, name, _guarded(name))


def _label(sender):
    return sender._meta.label_lower


def _before_save(sender, instance, **kwargs):
    if _label(sender) not in AUDITED_MODELS or kwargs.get("raw"):
        return
    instance._audit_before = None
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old) if old is not None else None


def _after_save(sender, instance, created, **kwargs):
    if _label(sender) not in AUDITED_MODELS or kwargs.get("raw"):
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return  # a save that changed nothing is not a change
    record("create" if created else "update", _label(sender), instance.pk, instance, before, after)


def _after_delete(sender, instance, **kwargs):
    if _label(sender) not in AUDITED_MODELS:
        return
    record("delete", _label(sender), instance.pk, instance, snapshot(instance), None)


def _on_login(sender, request, user, **kwargs):
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    record("login", "auth.user", user.pk, user.username, None, {"ip": ip}, actor=user)


pre_save.connect(_before_save, dispatch_uid="anjian-audit-pre")
post_save.connect(_after_save, dispatch_uid="anjian-audit-post")
post_delete.connect(_after_delete, dispatch_uid="anjian-audit-delete")
user_logged_in.connect(_on_login, dispatch_uid="anjian-audit-login")


class ChainBroken(Exception):
    pass


def verify_chain():
    """Walk the log in order; return the number of entries, or raise ChainBroken naming the first
    entry that does not match."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditHead = apps.get_model("core", "AuditHead")
    prev_hash = "0" * 64
    count = 0
    last_id = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev_hash:
            raise ChainBroken(
                f"entry #{entry.pk}: previous-hash does not match entry before it "
                f"(an entry before #{entry.pk}, after #{last_id}, was deleted or edited)"
            )
        if _digest(entry.prev_hash, _hashed_fields(entry)) != entry.hash:
            raise ChainBroken(f"entry #{entry.pk}: content does not match its hash (edited)")
        prev_hash, last_id = entry.hash, entry.pk
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev_hash or head.count != count):
        raise ChainBroken(
            f"entry #{head.last_id}: the chain ends at #{last_id} but the head names #{head.last_id} "
            f"({head.count} entries recorded, {count} found): entries were deleted"
        )
    if head is None and count:
        raise ChainBroken("the chain head is missing")
    return count
