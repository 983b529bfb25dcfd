"""Hazards in the API: the list (same filters and scope as the page), the detail with its timeline
and the actions the caller may take, reporting, and the transitions of the closed loop.

Every change goes through anjian.hazards.services; this module only reads and translates."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Answer  # models has its own Status
from pydantic import ConfigDict

from anjian.core.apikit import (
    NamedRef,
    Out,
    Paging,
    SectorRef,
    TerritoryRef,
    body_openapi,
    choice_labels,
    error_responses,
    named_ref,
    read_body,
)
from anjian.core.paging import in_order, page_ids
from anjian.org.models import sector_names

from . import services
from .filters import filter_hazards
from .models import Hazard, Level, Source, Status, SupervisionLevel, is_overdue
from .workflows import ACTIONS

router = Router(tags=["隐患"])

# Timeline events that are not transitions of the workflow table.
EVENT_LABELS = {"report": gettext_lazy("上报隐患")}


class HazardFilters(Schema):
    # Plain text on purpose: filter_hazards parses them and names the parameter in its message.
    territory: str | None = Field(None, description="辖区 id（含其下级）")
    sector: str | None = Field(None, description="行业领域代码")
    status: str | None = Field(None, description="状态：" + ", ".join(Status.values))
    level: str | None = Field(None, description="等级：" + ", ".join(Level.values))
    open: str | None = Field(None, description="是否未闭环（已上报至待复查）：true / false")
    overdue: str | None = Field(None, description="是否逾期：true / false")
    source: str | None = Field(None, description="来源：" + ", ".join(Source.values))
    supervision: str | None = Field(
        None, description="挂牌督办：any（任一级别）, " + ", ".join(v for v in SupervisionLevel.values if v)
    )
    date_from: str | None = Field(None, description="发现日期起（YYYY-MM-DD）")
    date_to: str | None = Field(None, description="发现日期止（YYYY-MM-DD，含当天）")
    q: str | None = Field(None, description="编号、描述或监管对象名称中的文字")
    subject: str | None = Field(None, description="监管对象 id")


class HazardItem(Out):
    id: int
    code: str
    title: str
    subject: NamedRef
    territory: TerritoryRef = Field(description="监管对象所在辖区及其所属镇（街道）")
    sector: SectorRef
    level: str
    level_label: str
    status: str
    status_label: str
    source: str
    found_at: datetime.datetime
    deadline: datetime.date | None
    is_overdue: bool
    supervision_level: str = Field(description="town / city；未督办为空")
    supervision_deadline: datetime.date | None
    responsible_person: str


class HazardPage(Out):
    count: int
    items: list[HazardItem]


class AttachmentOut(Out):
    id: int
    name: str
    url: str
    content_type: str
    size: int


class EventOut(Out):
    id: int
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor_name: str
    at: datetime.datetime
    comment: str
    attachments: list[AttachmentOut]


class ActionOut(Out):
    name: str
    label: str
    needs_comment: bool


class HazardDetail(HazardItem):
    description: str
    location: str
    rectification_plan: str
    funds: Decimal | None
    supervising_unit: NamedRef | None
    submitted_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    events: list[EventOut]
    actions: list[ActionOut] = Field(description="当前用户此刻可执行的操作")


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    subject_id: int = Field(description="监管对象 id")
    title: str = Field(min_length=1, max_length=200, description="隐患描述")
    level: str = Field(Level.GENERAL.value, description="等级：" + ", ".join(Level.values))
    source: str | None = Field(
        None, description="来源：" + ", ".join(Source.values) + "；不填时企业为自查，其他为监督检查"
    )
    description: str = Field("", max_length=5000)
    location: str = Field("", max_length=200, description="具体部位")
    deadline: datetime.date | None = Field(None, description="整改期限（YYYY-MM-DD）")


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="操作：" + ", ".join(ACTIONS))
    comment: str = Field("", max_length=5000, description="说明（提交整改、退回、挂牌督办时必填）")
    deadline: datetime.date | None = Field(None, description="整改期限（交办）或督办期限（督办）")
    responsible_person: str | None = Field(None, max_length=50, description="整改责任人（交办时必填）")
    rectification_plan: str | None = Field(
        None, max_length=5000, description="整改方案（重大隐患交办时必填）"
    )
    funds: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="整改资金（元）")
    supervision_level: str | None = Field(None, description="督办级别：town / city")


# The columns a list item shows: the page query reads these and no more (the text fields can be long).
# Related names follow the subject to its territory; the hazard's own town and sector columns are
# copies of the subject's, so they need no detour through the subject. Sector names come from a small
# dict, not a join: an inner join to the sector table lets SQLite's planner start from the sectors
# and sort every matching hazard instead of walking the (status, found_at) index (300 ms vs 1 ms at
# a million hazards).
LIST_FIELDS = (
    "id",
    "code",
    "title",
    "level",
    "status",
    "source",
    "found_at",
    "deadline",
    "supervision_level",
    "supervision_deadline",
    "responsible_person",
    "subject__id",
    "subject__name",
    "subject__territory__id",
    "subject__territory__name",
    "town__id",
    "town__name",
    "sector_id",
)


def item_context():
    """What every item of one answer shares: today's date and the labels of the choices."""
    return {
        "today": timezone.localdate(),
        "level": choice_labels(Level.choices),
        "status": choice_labels(Status.choices),
        "sector": sector_names(),
    }


def hazard_item(row, context):
    """A list item from a row of `LIST_FIELDS` values."""
    town = {"id": row["town__id"], "name": row["town__name"]} if row["town__id"] is not None else None
    deadline, status = row["deadline"], row["status"]
    return {
        "id": row["id"],
        "code": row["code"],
        "title": row["title"],
        "subject": {"id": row["subject__id"], "name": row["subject__name"]},
        # The hazard's town is copied from its subject, so it is the town of the subject's territory.
        "territory": {
            "id": row["subject__territory__id"],
            "name": row["subject__territory__name"],
            "town": town,
        },
        "sector": {
            "code": row["sector_id"],
            "name": context["sector"].get(row["sector_id"], row["sector_id"]),
        },
        "level": row["level"],
        "level_label": context["level"].get(row["level"], row["level"]),
        "status": status,
        "status_label": context["status"].get(status, status),
        "source": row["source"],
        "found_at": timezone.localtime(row["found_at"]),
        "deadline": deadline,
        "is_overdue": is_overdue(deadline, status, context["today"]),
        "supervision_level": row["supervision_level"],
        "supervision_deadline": row["supervision_deadline"],
        "responsible_person": row["responsible_person"],
    }


def _as_row(hazard):
    """The `LIST_FIELDS` values of a hazard instance (its relations already fetched)."""
    row = {}
    for name in LIST_FIELDS:
        value = hazard
        for part in name.split("__"):
            value = getattr(value, part) if value is not None else None
        row[name] = value
    return row


@router.get("", response={200: HazardPage, **error_responses(401, 422)}, summary="隐患列表")
def list_hazards(request, filters: Query[HazardFilters], paging: Query[Paging]):
    user = request.auth
    queryset = filter_hazards(Hazard.objects.visible_to(user), filters.model_dump(), user)
    # Rows of values, not model instances: the same joins as select_related (subject and its
    # territory, town, sector), only the shown columns, and no per-row object construction.
    ids = page_ids(queryset, paging.offset, paging.limit)
    rows = in_order(queryset.filter(pk__in=ids).values(*LIST_FIELDS), ids, key=lambda row: row["id"])
    context = item_context()
    return {"count": queryset.count(), "items": [hazard_item(row, context) for row in rows]}


def _event(event):
    action = ACTIONS.get(event.action)
    return {
        "id": event.id,
        "action": event.action,
        "action_label": str(action.label) if action else str(EVENT_LABELS.get(event.action, event.action)),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor_name": event.actor_name,
        "at": timezone.localtime(event.at),
        "comment": event.comment,
        "attachments": [
            {
                "id": a.id,
                "name": a.original_name,
                "url": reverse("hazards:photo", args=[a.id]),
                "content_type": a.content_type,
                "size": a.size,
            }
            for a in event.attachments.all()
        ],
    }


def hazard_detail(user, hazard_id):
    """The detail of a hazard the user can see; Http404 otherwise."""
    hazard = (
        Hazard.objects.visible_to(user)
        .select_related("subject__territory", "town", "sector", "supervising_unit")
        .prefetch_related("events__attachments")
        .filter(pk=hazard_id)
        .first()
    )
    if hazard is None:
        raise Http404(_("隐患不存在或不在您的管辖范围内"))
    return {
        **hazard_item(_as_row(hazard), item_context()),
        "description": hazard.description,
        "location": hazard.location,
        "rectification_plan": hazard.rectification_plan,
        "funds": hazard.funds,
        "supervising_unit": named_ref(hazard.supervising_unit),
        "submitted_at": _local(hazard.submitted_at),
        "verified_at": _local(hazard.verified_at),
        "closed_at": _local(hazard.closed_at),
        "events": [_event(e) for e in hazard.events.all()],
        "actions": [
            {"name": a.name, "label": str(a.label), "needs_comment": a.needs_comment}
            for a in services.available_actions(user, hazard)
        ],
    }


def _local(moment):
    return timezone.localtime(moment) if moment else None


@router.get(
    "/{int:hazard_id}",
    response={200: HazardDetail, **error_responses(401, 404)},
    summary="隐患详情（含处理过程和当前可执行的操作）",
)
def get_hazard(request, hazard_id: int):
    return hazard_detail(request.auth, hazard_id)


@router.post(
    "",
    response={201: HazardDetail, **error_responses(401, 403, 404, 422)},
    summary="上报隐患",
    description="JSON 请求体；或以 multipart/form-data 提交相同字段，照片放在名为 photos 的文件字段（可多张）。",
    openapi_extra=body_openapi(ReportIn),
)
def report_hazard(request):
    data, photos = read_body(request, ReportIn)
    hazard = services.report_hazard(
        request.auth,
        data.subject_id,
        data.title,
        level=data.level,
        source=data.source,
        description=data.description,
        location=data.location,
        deadline=data.deadline,
        photos=photos,
    )
    return Answer(201, hazard_detail(request.auth, hazard.pk))


@router.post(
    "/{int:hazard_id}/transitions",
    response={200: HazardDetail, **error_responses(401, 403, 404, 409, 422)},
    summary="执行闭环操作（交办、接收、提交整改、复查、退回、销号、挂牌督办）",
    description=(
        "状态不允许该操作时答 409，缺少或有误的数据答 422，角色无权时答 403，均附中文说明。"
        "JSON 请求体；或以 multipart/form-data 提交相同字段，照片放在名为 photos 的文件字段（可多张）。"
    ),
    openapi_extra=body_openapi(TransitionIn),
)
def transition_hazard(request, hazard_id: int):
    data, photos = read_body(request, TransitionIn)
    services.transition(
        request.auth,
        hazard_id,
        data.action,
        comment=data.comment,
        photos=photos,
        deadline=data.deadline,
        responsible_person=data.responsible_person,
        rectification_plan=data.rectification_plan,
        funds=data.funds,
        supervision_level=data.supervision_level,
    )
    return hazard_detail(request.auth, hazard_id)
