"""The reader's side of the outbox: which of a person's messages still point at something they may see.

A message is written to a person at the moment of its event. Later the object may leave their scope
(a subject moved to another town, a role taken away). The inbox then keeps the entry — the person was
told, and that is a fact — but shows only its kind, not its text, and opening it leads nowhere:
scope is checked when the message is read, not only when it was written.
"""

from collections import defaultdict

from django.utils.http import url_has_allowed_host_and_scheme

from .models import Notification


def visible_ids(user, notifications):
    """The ids among `notifications` (the user's own) whose object the user may still see. A message
    about nothing (a test, a channel failure) is always visible."""
    by_type = defaultdict(list)
    out = set()
    for note in notifications:
        if note.content_type_id is None:
            out.add(note.pk)
        else:
            by_type[note.content_type_id].append(note)
    for notes in by_type.values():
        model = notes[0].content_type.model_class()
        if model is None:  # the app that wrote it is gone
            continue
        object_ids = {note.object_id for note in notes}
        manager = model._default_manager
        rows = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        present = set(rows.filter(pk__in=object_ids).values_list("pk", flat=True))
        out.update(note.pk for note in notes if note.object_id in present)
    return out


def own(user):
    """The user's own messages, newest first."""
    return Notification.objects.filter(recipient=user).select_related("content_type")


def safe_target(url):
    """`url` when it stays on this site (a path), else "" — a stored link is never an open redirect."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""
