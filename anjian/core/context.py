"""The acting user and request id for the change log, carried in a context variable."""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

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


@contextmanager
def acting_as(user):
    """Name `user` as the actor of every change made inside the block (services call this, so the
    change log knows who acted even from a command or a test)."""
    token = _current.set((_UserHolder(user), _current.get()[1] or "service"))
    try:
        yield
    finally:
        _current.reset(token)


def actor_function(func):
    """Decorator for service functions whose first argument is the acting user."""

    @wraps(func)
    def wrapper(actor, *args, **kwargs):
        with acting_as(actor):
            return func(actor, *args, **kwargs)

    return wrapper
