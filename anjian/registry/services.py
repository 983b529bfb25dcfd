"""Saving a subject: the one state change of the registry outside its Excel import.

A new or edited subject must stay within the actor's own scope (nobody files a subject, or moves one,
out of their own reach): the save runs in a transaction that re-reads the saved row through
`visible_to` and rolls back otherwise. A subject that moves town keeps its history where it happened
(docs/adr/0002-subject-moves.md); its risk register follows it.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.context import actor_function
from anjian.core.errors import ServiceError

from .models import Subject
from .permissions import can_edit_subjects


class SubjectError(ServiceError):
    pass


class _OutOfScope(Exception):
    """Raised inside the transaction to roll the save back."""


@actor_function
def save_subject(actor, form):
    """Save a valid SubjectForm as `actor`; SubjectError (403) when the role may not edit subjects
    or the saved subject would lie outside the actor's scope, with nothing saved."""
    if not can_edit_subjects(actor):
        raise SubjectError(_("您的角色不能维护监管对象"), 403)
    try:
        with transaction.atomic():
            subject = form.save()
            if not Subject.objects.visible_to(actor).filter(pk=subject.pk).exists():
                raise _OutOfScope
    except _OutOfScope:
        raise SubjectError(
            _("保存后该监管对象将不在您的管辖范围内（辖区或行业领域超出您的权限），未作任何修改"), 403
        ) from None
    return subject
