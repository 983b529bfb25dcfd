"""The token's user's own messages: the inbox on the API (GET /api/v1/notifications), and marking read.

Scope is the reader's: a message whose object has left the reader's scope keeps its place in the list
but carries only its kind's name and no link, as on the inbox page."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from anjian.core.apikit import Out, Paging, error_responses
from anjian.core.errors import ServiceError

from . import inbox, kinds, services
from .models import Notification

router = Router(tags=["消息"])


class NotificationItem(Out):
    id: int
    kind: str = Field(description="消息类型代码，如 hazard.overdue")
    text: str
    url: str = Field(description="所涉事项的站内路径；事项已不在查看范围内时为空")
    created_at: datetime.datetime
    read: bool


class NotificationPage(Out):
    count: int = Field(description="符合条件的消息总数")
    unread: int = Field(description="全部未读消息数")
    items: list[NotificationItem]


class InboxFilters(Schema):
    unread: str | None = Field(None, description="只看未读：true / false")


class MarkedRead(Out):
    marked: int
    unread: int


def _item(note, visible):
    if visible:
        return {
            "id": note.pk,
            "kind": note.kind,
            "text": note.text,
            "url": inbox.safe_target(note.url),
            "created_at": note.created_at,
            "read": note.read,
        }
    label = kinds.KINDS[note.kind].label if note.kind in kinds.KINDS else note.kind
    return {
        "id": note.pk,
        "kind": note.kind,
        "text": f"{label}：" + _("该消息所涉事项已不在您的查看范围内。"),
        "url": "",
        "created_at": note.created_at,
        "read": note.read,
    }


def _flag(value, name):
    if value is None or value == "":
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ServiceError(
        _("参数 %(name)s 只能是 true 或 false，收到“%(value)s”。") % {"name": name, "value": value},
        status=400,
    )


@router.get("", response={200: NotificationPage, **error_responses(400, 401, 422)}, summary="我的消息")
def list_notifications(request, filters: Query[InboxFilters], paging: Query[Paging]):
    user = request.auth
    rows = inbox.own(user)
    if _flag(filters.unread, "unread"):
        rows = rows.filter(read_at__isnull=True)
    page = list(rows[paging.offset : paging.offset + paging.limit])
    visible = inbox.visible_ids(user, page)
    return {
        "count": rows.count(),
        "unread": services.unread_count(user),
        "items": [_item(note, note.pk in visible) for note in page],
    }


@router.post(
    "/{int:notification_id}/read", response={200: MarkedRead, **error_responses(401, 404)}, summary="标为已读"
)
def read_one(request, notification_id: int):
    user = request.auth
    if not Notification.objects.filter(pk=notification_id, recipient=user).exists():
        raise Http404
    marked = services.mark_read(user, [notification_id])
    return {"marked": marked, "unread": services.unread_count(user)}


@router.post("/read-all", response={200: MarkedRead, **error_responses(401)}, summary="全部标为已读")
def read_all(request):
    user = request.auth
    marked = services.mark_read(user)
    return {"marked": marked, "unread": services.unread_count(user)}
