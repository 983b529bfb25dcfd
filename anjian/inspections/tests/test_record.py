"""The 《现场检查记录》 downloads: Word parsed back with python-docx, PDF rendered uncompressed and read."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from anjian.hazards.models import Hazard
from anjian.inspections import record
from anjian.inspections import services_conduct as services
from anjian.testing import make_checklist

from .conduct_helpers import answer_all, make_inspection, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(world):
    inspection = make_inspection(world, make_checklist("record", items=3, major_items=(2,)))
    actor = world.users["inspector"]
    services.record_location(actor, inspection, 28.3712, 121.3601, 9)
    answer_all(services, actor, inspection, fail=("T-2",), note="特种作业人员无证上岗")
    sign_all(services, actor, inspection)
    services.finish(actor, inspection, summary="现场责令停止作业", contact_name="赵敏")
    inspection.refresh_from_db()
    return inspection


def docx_text(content):
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts), document


def test_docx_holds_the_record(client, world, finished):
    client.force_login(world.users["inspector"])
    response = client.get(reverse("inspections:record_docx", args=[finished.pk]))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    text, document = docx_text(response.content)
    assert document.paragraphs[0].text == "现场检查记录"
    hazard = Hazard.objects.get()
    for expected in (
        "泽国精工机械有限公司",
        "检查员陈刚（市应急管理局）",
        "赵敏",
        "28.371200, 121.360100",
        hazard.code,
        "重大隐患",
        "现场责令停止作业",
        "特种作业人员无证上岗",
        "测试检查表 record（第 1 版）",
    ):
        assert expected in text, expected
    for item in finished.items():
        assert item.text in text
    # Both signatures are embedded as pictures.
    assert len(document.inline_shapes) == 2


ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def unescape(literal):
    """A PDF literal string's bytes: backslash escapes, octal codes."""

    def replace(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, literal, flags=re.S)


def pdf_text(content):
    """The text drawn on the pages of an uncompressed reportlab PDF. The CID font's encoding is
    UniGB-UCS2-H, so each shown string is UCS-2 (big-endian) in a PDF literal."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", stream, re.S):
            text.append(unescape(literal).decode("utf-16-be", "replace"))
    return "".join(text)


def test_pdf_is_a_pdf_with_the_record(client, world, finished):
    client.force_login(world.users["inspector"])
    response = client.get(reverse("inspections:record_pdf", args=[finished.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.content.count(b"/Type /Page\n") + response.content.count(b"/Type /Page ") >= 1
    text = pdf_text(record.build_pdf(finished, compress=False))
    for expected in ("现场检查记录", "泽国精工机械有限公司", "赵敏", Hazard.objects.get().code):
        assert expected in text, expected
    for item in finished.items():
        assert item.text[:8] in text


def test_record_of_an_unfinished_inspection_is_a_draft_without_signatures(world):
    inspection = make_inspection(world, make_checklist("draft", items=2))
    text, document = docx_text(record.build_docx(inspection))
    assert "未检查" in text and len(document.inline_shapes) == 0
    assert record.build_pdf(inspection).startswith(b"%PDF")
