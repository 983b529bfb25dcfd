"""Request bodies that come either as JSON or as a multipart form carrying photos.

A phone client sends photos with the same fields in one multipart request; a script sends JSON.
ninja binds one content type per operation, so these operations read the body here and document
both content types in the OpenAPI schema themselves.
"""

import json

import pydantic
from django.utils.translation import gettext as _
from ninja.errors import HttpError, ValidationError

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
PHOTOS_FIELD = "photos"


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
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, _("请求体不是有效的 JSON（Content-Type 应为 application/json）")) from None
        if not isinstance(data, dict):
            raise HttpError(400, _("请求体应为 JSON 对象"))
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
