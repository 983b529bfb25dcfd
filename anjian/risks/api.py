"""Risk API: the GB 18218 evaluation of an inventory, without saving anything.

The body is read by hand (as hazards/api.py does for its forms) so that a quantity that is not a
number, a negative count or an unknown chemical all get the evaluation's own message naming the line,
collected in one answer, rather than pydantic's generic one."""

from django.utils.translation import gettext as _
from ninja import Field, Router
from ninja.errors import HttpError
from pydantic import BaseModel

from anjian.core.apikit import Out, error_responses, json_object

from . import gb18218

router = Router(tags=["风险"])


class LineIn(BaseModel):
    substance: str = Field(description="物质：中文品名或别名、CAS号，或表2危险性类别代码（如 W5.3）")
    quantity_t: float = Field(description="最大存量（吨）")
    category: str | None = Field(
        None, description="表2危险性类别代码：表1以外的物质据此取临界量；表1物质不在表3时据此取校正系数β"
    )


class EvaluateIn(BaseModel):
    lines: list[LineIn]
    exposed_people: int = Field(0, description="厂区边界外500米范围内常住人口数")


class LineOut(Out):
    substance: str = Field(description="填写的物质")
    name: str = Field(description="辨识出的品名（表1以外的物质为填写内容）")
    cas: str
    category: str = Field(description="所用的表2类别代码；未使用为空")
    quantity_t: float
    Q: float = Field(description="临界量（吨）")
    beta: float = Field(description="校正系数β")
    term: float = Field(description="q/Q")
    weighted_term: float = Field(description="β·q/Q")
    basis: str = Field(description="取值依据，如“Q：表1第65项；β：表4 W5.3”")


class EvaluateOut(Out):
    S: float = Field(description="Σq/Q")
    is_major: bool = Field(description="S ≥ 1 时构成重大危险源")
    alpha: float = Field(description="校正系数α（表5）")
    R: float | None = Field(description="α·Σβq/Q；不构成重大危险源时为 null")
    grade: int | None = Field(description="重大危险源级别 1–4；不构成时为 null")
    grade_label: str
    explanation: str
    lines: list[LineOut]


def _body_schema():
    """EvaluateIn's JSON schema with the line schema inlined (no $defs to resolve in the document)."""
    schema = EvaluateIn.model_json_schema()
    line = schema.pop("$defs")["LineIn"]
    schema["properties"]["lines"]["items"] = line
    return schema


def _body(request):
    data = json_object(request)
    lines = data.get("lines")
    if not isinstance(lines, list):
        raise HttpError(422, _("请求体字段“lines”应为数组，每项含 substance、quantity_t，可选 category"))
    if not all(isinstance(line, dict) for line in lines):
        raise HttpError(422, _("请求体字段“lines”的每一项应为 JSON 对象"))
    for number, line in enumerate(lines, start=1):
        extra = sorted(set(line) - {"substance", "quantity_t", "category"})
        if extra:
            raise HttpError(
                422, _("第%(n)s行：字段“%(f)s”不是可接受的字段") % {"n": number, "f": "、".join(extra)}
            )
    unknown = sorted(set(data) - {"lines", "exposed_people"})
    if unknown:
        raise HttpError(422, _("请求体字段“%(f)s”不是可接受的字段") % {"f": "、".join(unknown)})
    return lines, data.get("exposed_people", 0)


def evaluation_json(result):
    return {
        "S": float(result.s),
        "is_major": result.is_major,
        "alpha": float(result.alpha),
        "R": float(result.r) if result.r is not None else None,
        "grade": result.grade,
        "grade_label": result.grade_label,
        "explanation": result.explanation,
        "lines": [
            {
                "substance": line.substance,
                "name": line.name,
                "cas": line.cas,
                "category": line.category,
                "quantity_t": float(line.quantity),
                "Q": float(line.critical),
                "beta": float(line.beta),
                "term": float(line.term),
                "weighted_term": float(line.weighted),
                "basis": line.basis,
            }
            for line in result.lines
        ],
    }


@router.post(
    "/major-hazards/evaluate",
    response={200: EvaluateOut, **error_responses(400, 401, 422)},
    summary="重大危险源辨识与分级（GB 18218-2018，不保存）",
    description=(
        "按 GB 18218-2018 计算 S = Σq/Q（S ≥ 1 构成重大危险源）和 R = α·Σβq/Q，并按表6分为一级至四级。"
        "物质可填中文品名或别名、CAS号（校验位会核对）或表2类别代码。不保存任何数据。"
        "输入有误时答 422，detail 逐行说明全部问题。"
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _body_schema()}}}
    },
)
def evaluate_major_hazard(request):
    lines, people = _body(request)
    try:
        result = gb18218.evaluate(lines, people)
    except gb18218.EvaluationError as error:
        raise HttpError(422, _("无法辨识：%(p)s") % {"p": error}) from None
    return evaluation_json(result)
