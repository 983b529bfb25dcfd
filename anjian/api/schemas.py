"""Schemas shared by the API's routers: errors, paging, and the references items carry."""

from ninja import Field, Schema
from pydantic import BaseModel


class Out(BaseModel):
    """Base of the response schemas. The views build plain dicts, and plain pydantic validates
    those without ninja's per-object attribute wrapper, which took a third of a list's time."""


def choice_labels(choices):
    """{value: label} in the active language, computed once per request rather than per row
    (get_FOO_display hashes the choices and translates on every call)."""
    return {value: str(label) for value, label in choices}


class ErrorOut(Out):
    detail: str = Field(description="说明出错原因的中文信息")


class ValidationErrorOut(ErrorOut):
    errors: list[dict] = Field(default_factory=list, description="逐项的错误（位置、说明、类型）")


class Paging(Schema):
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500，默认 50）")
    offset: int = Field(0, ge=0, description="跳过的条数（默认 0）")


class NamedRef(Out):
    id: int
    name: str


class TerritoryRef(Out):
    """Where a record lies: its territory node and the town (镇/街道) that node belongs to."""

    id: int
    name: str
    town: NamedRef | None = Field(description="所在镇（街道）；位于市级时为 null")


class SectorRef(Out):
    code: str
    name: str


def territory_ref(territory, town):
    """The `TerritoryRef` of a node, given its town (already fetched, so no query here)."""
    return {
        "id": territory.id,
        "name": territory.name,
        "town": {"id": town.id, "name": town.name} if town is not None else None,
    }


def sector_ref(sector):
    return {"code": sector.code, "name": sector.name}


def named_ref(obj):
    return {"id": obj.id, "name": obj.name} if obj is not None else None


def error_responses(*codes):
    """The `response=` entries of the error answers an operation can give."""
    return {code: (ValidationErrorOut if code == 422 else ErrorOut) for code in codes}
