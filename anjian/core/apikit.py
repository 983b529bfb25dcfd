"""What every app's API router shares: errors, paging, the references items carry, and the reading of
request bodies. It lives in core, below the domain apps, so an app's api.py need not import the
`anjian.api` package that mounts it (which imports every app's router).

Request bodies come either as JSON or as a multipart form carrying photos: a phone client sends
photos with the same fields in one multipart request; a script sends JSON. ninja binds one content
type per operation, so those operations read the body with `read_body` and document both content
types in the OpenAPI schema themselves (`body_openapi`). An operation that checks a JSON body by hand
(to answer with its own messages) starts from `json_object`, the one JSON parser of the API.
"""

import json

import pydantic
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel

from anjian.core.paging import MAX_OFFSET

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
PHOTOS_FIELD = "photos"


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
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数（0–{MAX_OFFSET}，默认 0）")


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


def json_object(request):
    """The request's JSON body as a dict (an empty body is {}). Raises HttpError 400 for a body that is
    not JSON at all or not an object, as ninja does for its own bodies."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, _("请求体不是有效的 JSON（Content-Type 应为 application/json）")) from None
    if not isinstance(data, dict):
        raise HttpError(400, _("请求体应为 JSON 对象"))
    return data


def read_body(request, schema):
    """(validated `schema` instance, list of uploaded photos). Raises ninja's ValidationError (422),
    or HttpError 400 for a body that is not JSON at all (as ninja does for its own bodies)."""
    if request.content_type in FORM_TYPES:
        # An empty form field means "not given", so an optional date left blank is not an error.
        data = {key: value for key, value in request.POST.items() if value != ""}
        data.pop("csrfmiddlewaretoken", None)
        photos = request.FILES.getlist(PHOTOS_FIELD)
        where = "form"
    else:
        data = json_object(request)
        photos = []
        where = "body"
    try:
        return schema.model_validate(data), photos
    except pydantic.ValidationError as error:
        raise ValidationError(
            [{**e, "loc": (where, *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


def body_openapi(schema, description=""):
    """The requestBody of an operation reading `schema` via `read_body`: JSON, or a form + photos."""
    json_schema = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    form_schema = {
        **json_schema,
        "properties": {
            **json_schema.get("properties", {}),
            PHOTOS_FIELD: {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "description": "现场照片（JPG/PNG/WEBP/GIF），可多张",
            },
        },
    }
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {"schema": json_schema},
                "multipart/form-data": {"schema": form_schema},
            },
        }
    }
