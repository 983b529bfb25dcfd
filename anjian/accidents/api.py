"""Accident API: the level of an accident by 国务院令第493号, without saving anything.

The body is read by hand (as risks/api.py does) so that a negative count, a fractional person or a
loss that is not an amount each get the grading's own message naming the field, not pydantic's."""

from django.utils.translation import gettext as _
from ninja import Field, Router
from ninja.errors import HttpError
from pydantic import BaseModel

from anjian.core.apikit import Out, error_responses, json_object

from . import grading
from .models import AccidentLevel

router = Router(tags=["事故"])
FIELDS = ("deaths", "serious_injuries", "direct_loss_yuan")


class GradeIn(BaseModel):
    deaths: int = Field(description="死亡人数")
    serious_injuries: int = Field(description="重伤人数（含急性工业中毒）")
    direct_loss_yuan: float | str = Field(description="直接经济损失（元，最多两位小数）")


class GradeOut(Out):
    level: str = Field(description="事故等级：general 一般、larger 较大、major 重大、extraordinary 特别重大")
    level_label: str = Field(description="事故等级的中文名称")
    reason: str = Field(description="定级依据：起决定作用的指标及其区间")


def _body(request):
    data = json_object(request)
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise HttpError(422, _("请求体字段“%(f)s”不是可接受的字段") % {"f": "、".join(unknown)})
    missing = [name for name in FIELDS if name not in data]
    if missing:
        raise HttpError(422, _("请求体缺少字段“%(f)s”") % {"f": "、".join(missing)})
    return data


@router.post(
    "/grade",
    response={200: GradeOut, **error_responses(400, 401, 422)},
    summary="事故等级判定（国务院令第493号第三条，不保存）",
    description=(
        "按死亡人数、重伤人数（含急性工业中毒）、直接经济损失分别定级，取最严重者。"
        "“以上”含本数，“以下”不含本数：如死亡3人为较大事故，损失9,999,999.99元为一般事故。"
        "不保存任何数据。输入有误（负数、人数非整数、金额无效或超出合理范围）时答 422。"
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": GradeIn.model_json_schema()}},
        }
    },
)
def grade_accident(request):
    data = _body(request)
    try:
        level, reason = grading.grade(data["deaths"], data["serious_injuries"], data["direct_loss_yuan"])
    except grading.GradingError as error:
        raise HttpError(422, error.message) from None
    return {"level": level, "level_label": str(AccidentLevel(level).label), "reason": reason}
