"""The outside channels, one adapter per kind behind `base.Adapter` (in-app needs none: the
Notification row is the message)."""

from .base import Adapter, Outcome
from .email import EmailAdapter
from .personal import Sms, WorkNotice
from .robots import DingTalkRobot, WeComRobot

ADAPTERS = {
    adapter.kind: adapter for adapter in (EmailAdapter(), DingTalkRobot(), WeComRobot(), WorkNotice(), Sms())
}


def adapter_for(kind):
    """The adapter of a channel kind, or None (in-app, or a kind no adapter serves)."""
    return ADAPTERS.get(kind)


__all__ = ["ADAPTERS", "Adapter", "Outcome", "adapter_for"]
