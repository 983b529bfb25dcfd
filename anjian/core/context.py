"""The acting user and request id for the change log, carried in a context variable."""

from contextvars import ContextVar

_current = ContextVar("anjian_audit_context", default=(None, ""))


def set_request(request, request_id):
    return _current.set((request, request_id))


def reset(token):
    _current.reset(token)


def set_actor(user, request_id="cli"):
    """For commands and services run outside a request."""
    return _current.set((_UserHolder(user), request_id))


class _UserHolder:
    def __init__(self, user):
        self.user = user


def current_actor():
    holder, request_id = _current.get()
    user = getattr(holder, "user", None) if holder is not None else None
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return user, request_id
