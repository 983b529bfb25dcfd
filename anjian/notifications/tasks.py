"""Background tasks of the outbox (django-tasks: `anjian worker` runs them)."""

from django_tasks import task

from . import dispatch


@task()
def send_deliveries():
    """Send what is due; enqueued by dispatch.kick() after the commit that created the deliveries."""
    return dispatch.send_due()
