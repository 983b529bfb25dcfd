"""The outbox's periodic jobs (the scheduler imports this module: anjian/jobs/registry.py)."""

from datetime import timedelta

from anjian.jobs.registry import periodic

from . import digest, dispatch


@periodic(
    "notifications.send_due", every=timedelta(minutes=1), description="发送到期的消息投递（补发与重试）"
)
def send_due(now):
    # Also the catch-up for kicks lost to a restart or a broken task backend.
    return dispatch.send_due(now=now)


@periodic("notifications.digest", every=timedelta(minutes=15), description="每日消息汇总")
def send_digests(now):
    return digest.send_digests(now=now)
