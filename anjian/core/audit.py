"""The append-only, hash-chained change log.

Every save and delete of an audited model, and every login, appends one `AuditEntry` in the same
transaction as the change. Each entry's hash covers its content and the previous entry's hash, and
`AuditHead` holds the tip, so editing, deleting or truncating rows behind the application's back
is found by `verify_chain()`.
"""

import hashlib
import json

from django.apps import apps
from django.contrib.auth.signals import user_logged_in
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.forms.models import model_to_dict
from django.utils import timezone

from .context import current_actor

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
    "core.attachment",
}
# Never copied into the log.
REDACTED_FIELDS = {"password"}
# Too large to copy on every save; the row keeps their hash (a draw's pool is fixed by pool_hash).
HASHED_FIELDS = {"pool"}


def snapshot(instance):
    """All stored fields (editable or not) and many-to-many ids of an instance, JSON-ready."""
    data = {field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields}
    if instance.pk is not None:
        data.update(model_to_dict(instance, fields=[f.name for f in instance._meta.many_to_many]))
    for name in REDACTED_FIELDS & data.keys():
        data[name] = "***"
    for name in HASHED_FIELDS & data.keys():
        canonical = json.dumps(data[name], sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
        data[name] = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    # Files and many-to-many values become plain strings/ids for JSON.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


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


def record(action, model="", object_id="", object_repr="", before=None, after=None, actor=None):
    from .models import AuditEntry, AuditHead

    if actor is None:
        actor, request_id = current_actor()
    else:
        request_id = current_actor()[1]
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", "") or "",
            action=action,
            model=model,
            object_id=str(object_id),
            object_repr=str(object_repr)[:200],
            before=before,
            after=after,
            request_id=request_id or "",
            prev_hash=head.last_hash,
        )
        # Round-trip through JSON so the hash is computed over what the database will return.
        entry.before = json.loads(json.dumps(before, cls=DjangoJSONEncoder)) if before is not None else None
        entry.after = json.loads(json.dumps(after, cls=DjangoJSONEncoder)) if after is not None else None
        entry.at = entry.at.replace(microsecond=entry.at.microsecond)
        entry.hash = _digest(entry.prev_hash, _hashed_fields(entry))
        entry.save()
        head.last_id, head.last_hash, head.count = entry.pk, entry.hash, head.count + 1
        head.save()
    return entry


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
