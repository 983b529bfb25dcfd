"""Supervised subjects in the API: the same filters and scope as the subject list page."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from anjian.core.apikit import (
    NamedRef,
    Out,
    Paging,
    SectorRef,
    TerritoryRef,
    choice_labels,
    error_responses,
    named_ref,
    sector_ref,
    territory_ref,
)

from .filters import filter_subjects
from .models import RiskGrade, Subject

router = Router(tags=["监管对象"])


class SubjectFilters(Schema):
    # Plain text on purpose: filter_subjects parses them and names the parameter in its message.
    territory: str | None = Field(None, description="辖区 id（含其下级）")
    sector: str | None = Field(None, description="行业领域代码")
    kind: str | None = Field(None, description="类型：" + ", ".join(Subject.Kind.values))
    risk_grade: str | None = Field(None, description="风险等级：" + ", ".join(RiskGrade.values))
    q: str | None = Field(None, description="名称、编码或地址中的文字")


class SubjectItem(Out):
    id: int
    kind: str
    kind_label: str
    name: str
    code: str
    address: str
    lat: float | None
    lon: float | None
    risk_grade: str = Field(description="red / orange / yellow / blue，未评定为空")
    territory: TerritoryRef
    sector: SectorRef


class SubjectDetail(SubjectItem):
    grid: NamedRef | None
    parent: NamedRef | None
    supervising_unit: NamedRef | None
    contact_name: str


class SubjectPage(Out):
    count: int
    items: list[SubjectItem]


def subject_item(subject, kinds):
    return {
        "id": subject.id,
        "kind": subject.kind,
        "kind_label": kinds.get(subject.kind, subject.kind),
        "name": subject.name,
        "code": subject.code,
        "address": subject.address,
        "lat": subject.lat,
        "lon": subject.lon,
        "risk_grade": subject.risk_grade,
        "territory": territory_ref(subject.territory, subject.town),
        "sector": sector_ref(subject.sector),
    }


@router.get("", response={200: SubjectPage, **error_responses(401, 422)}, summary="监管对象列表")
def list_subjects(request, filters: Query[SubjectFilters], paging: Query[Paging]):
    queryset = filter_subjects(Subject.objects.visible_to(request.auth), filters.model_dump(), request.auth)
    kinds = choice_labels(Subject.Kind.choices)
    page = queryset.select_related("territory", "town", "sector")[
        paging.offset : paging.offset + paging.limit
    ]
    return {"count": queryset.count(), "items": [subject_item(s, kinds) for s in page]}


@router.get(
    "/{int:subject_id}", response={200: SubjectDetail, **error_responses(401, 404)}, summary="监管对象详情"
)
def get_subject(request, subject_id: int):
    subject = (
        Subject.objects.visible_to(request.auth)
        .select_related("territory", "town", "sector", "grid", "parent", "supervising_unit")
        .filter(pk=subject_id)
        .first()
    )
    if subject is None:
        raise Http404(_("监管对象不存在或不在您的管辖范围内"))
    return {
        **subject_item(subject, choice_labels(Subject.Kind.choices)),
        "grid": named_ref(subject.grid),
        "parent": _visible_parent(request.auth, subject),
        "supervising_unit": named_ref(subject.supervising_unit),
        "contact_name": subject.contact_name,
    }


def _visible_parent(user, subject):
    # A parent in another user's scope is not named: its existence is not ours to tell.
    if subject.parent_id is None:
        return None
    if not Subject.objects.visible_to(user).filter(pk=subject.parent_id).exists():
        return None
    return named_ref(subject.parent)
