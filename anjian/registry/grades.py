"""Re-grading subjects: an explicit call from every service that changes what a grade reads.

A hazard reported or moved, an accident recorded, a risk assessed, a policy changed: each service
says `grades.regrade(subject_ids, actor=actor)` where it makes the change. Inside `grades.batch(actor)`
the calls only collect subject ids, and the batch re-grades each subject once when it ends, in the
same transaction: an inspection that finishes with ten failed items re-grades its subject once.

The grading itself reads hazards, accidents and the risk register, which sit above this layer, so it
is named in settings (`ANJIAN_SUBJECT_GRADER`, a dotted path, like Django's AUTH_USER_MODEL) rather than
imported: the call sites stay explicit and the import graph stays layered. See
docs/adr/0004-no-rules-in-signals.md.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils.module_loading import import_string

_pending = ContextVar("anjian_regrade_batch", default=None)


def _grader():
    # Read at each call (a dictionary lookup once imported), so a test's settings override applies.
    return import_string(settings.ANJIAN_SUBJECT_GRADER)


def regrade(subject_ids, *, actor):
    """Re-grade these subjects now, or when the open batch ends. Returns the number of subjects whose
    grade changed now (0 inside a batch)."""
    ids = {pk for pk in subject_ids if pk is not None}
    if not ids:
        return 0
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return 0
    return _grader()(ids, actor=actor)


@contextmanager
def batch(actor):
    """Collect the re-grades of the block and run them once at its end (not when it raises). A batch
    inside a batch joins the outer one."""
    if _pending.get() is not None:
        yield
        return
    pending = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        _grader()(pending, actor=actor)
