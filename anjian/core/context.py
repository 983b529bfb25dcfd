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
    def wrapper(*args, **kwargs):
        # The actor may come first or by name (`actor=`): callers write both.
        actor = args[0] if args else kwargs.get("actor")
        with acting_as(actor):
            return func(*args, **kwargs)

    return wrapper


class SystemActor:
    """The actor of work no person started (the nightly re-grade, the scheduler's sweeps, a migration
    of data). It has no database row: the change log records `system:<name>` with no actor id, and
    scope gives it nothing, so a job reads what it needs without `visible_to`."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False

    def __init__(self, name):
        self.name = name
        self.username = f"system:{name}"

    def __repr__(self):
        return f"SystemActor({self.name!r})"

    def __str__(self):
        return self.username

    def __eq__(self, other):
        return isinstance(other, SystemActor) and other.name == self.name

    def __hash__(self):
        return hash(("SystemActor", self.name))


def system_actor(name):
    """A named system actor for a job: `system_actor("regrade")`."""
    return SystemActor(name)
