"""Input an attacker would send, each once answered with a server error: a clear 4xx and nothing changed.

Malformed XML inside an uploaded .xlsx/.docx, an image whose header claims 30000×30000 pixels,
dates at the ends of the calendar in filters, and an API offset beyond any integer the database takes.
"""

import datetime
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import Workbook

from anjian.api.models import ApiToken
from anjian.checklists.models import Checklist
from anjian.core.models import Attachment, AuditEntry
from anjian.core.uploads import check_image
from anjian.hazards.models import Hazard
from anjian.plans.models import WorkPlan
from anjian.registry.models import Subject

XLSX_UNREADABLE = "无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件。"


def with_broken_member(data, member):
    """The zip archive `data` with `member` replaced by XML that does not parse."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            body = b"<broken><xml" if info.filename == member else source.read(info.filename)
            archive.writestr(info.filename, body)
    return out.getvalue()


def broken_xlsx(member="xl/workbook.xml"):
    workbook = Workbook()
    workbook.active.append(["类型", "名称"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_broken_member(buffer.getvalue(), member)


def broken_docx(member="word/document.xml"):
    document = Document()
    document.add_paragraph("一、总体要求")
    buffer = io.BytesIO()
    document.save(buffer)
    return with_broken_member(buffer.getvalue(), member)


def png_claiming(width, height):
    """A PNG of a few bytes whose header claims width×height pixels (the pixels are never there)."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def bearer(user):
    token = ApiToken.issue(user, timezone.now() + datetime.timedelta(hours=1))
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


# --- malformed XML inside an archive -------------------------------------------------------------


@pytest.mark.parametrize("member", ["xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml"])
def test_subject_import_of_an_xlsx_with_malformed_xml_is_refused(world, member):
    client = logged_in(world.users["city"])  # a login is audited: count after it
    before = Subject.objects.count(), AuditEntry.objects.count()
    upload = SimpleUploadedFile("subjects.xlsx", broken_xlsx(member))
    response = client.post("/subjects/import/", {"file": upload})
    assert response.status_code == 400
    assert response.context["result"].errors == [XLSX_UNREADABLE]
    assert (Subject.objects.count(), AuditEntry.objects.count()) == before


def test_checklist_import_of_an_xlsx_with_malformed_xml_is_refused(world):
    client = logged_in(world.users["city"])
    before = Checklist.objects.count(), AuditEntry.objects.count()
    upload = SimpleUploadedFile("items.xlsx", broken_xlsx())
    response = client.post(
        reverse("checklists:import"), {"file": upload, "code": "broken", "name": "损坏的检查表"}
    )
    assert 400 <= response.status_code < 500
    assert response.context["problems"] == [XLSX_UNREADABLE]
    assert (Checklist.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("member", ["word/document.xml", "[Content_Types].xml", "word/styles.xml"])
def test_plan_import_of_a_docx_with_malformed_xml_is_refused(world, member):
    client = logged_in(world.users["city"])
    before = WorkPlan.objects.count(), AuditEntry.objects.count()
    upload = SimpleUploadedFile("plan.docx", broken_docx(member))
    response = client.post(reverse("plans:import"), {"file": upload, "text": ""})
    assert response.status_code == 422
    assert "不是有效的 .docx 文档" in response.context["error"]
    assert (WorkPlan.objects.count(), AuditEntry.objects.count()) == before


# --- decompression bombs ---------------------------------------------------------------------------


def test_an_image_claiming_30000_by_30000_pixels_is_refused_by_name():
    upload = SimpleUploadedFile("bomb.png", png_claiming(30000, 30000), content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        check_image(upload)
    assert caught.value.messages == ["文件“bomb.png”的图片尺寸过大，上限为 10000 万像素"]


def test_an_image_just_over_the_pixel_limit_is_refused_too():
    # 10001×10000: over our limit yet under twice PIL's, where PIL would only warn.
    upload = SimpleUploadedFile("big.png", png_claiming(10001, 10000), content_type="image/png")
    with pytest.raises(ValidationError, match="图片尺寸过大"):
        check_image(upload)


def test_a_hazard_reported_with_a_bomb_photo_is_refused_and_nothing_is_stored(world):
    client = logged_in(world.users["grid"])
    before = Hazard.objects.count(), Attachment.objects.count(), AuditEntry.objects.count()
    response = client.post(
        reverse("hazards:new"),
        {
            "subject": world.subjects["ent_a"].pk,
            "title": "照片过大",
            "level": "general",
            "source": "grid_patrol",
            "location": "一楼",
            "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "photos": [SimpleUploadedFile("bomb.png", png_claiming(30000, 30000), content_type="image/png")],
        },
    )
    assert 400 <= response.status_code < 500
    assert "图片尺寸过大" in response.content.decode()
    assert (Hazard.objects.count(), Attachment.objects.count(), AuditEntry.objects.count()) == before


# --- dates at the ends of the calendar -------------------------------------------------------------

EXTREME_DATES = ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=0001-01-01&date_to=9999-12-31"]


@pytest.mark.parametrize("query", EXTREME_DATES)
@pytest.mark.parametrize("path", ["/hazards/", "/hazards/export.xlsx"])
def test_extreme_dates_in_hazard_filters_name_the_accepted_range(world, path, query):
    response = logged_in(world.users["city"]).get(f"{path}?{query}")
    assert response.status_code == 400
    assert "超出可查询的日期范围（1900-01-01 至 2100-12-31）" in response.content.decode()


@pytest.mark.parametrize("query", EXTREME_DATES)
def test_extreme_dates_in_the_hazard_api_name_the_accepted_range(world, query):
    response = bearer(world.users["city"]).get(f"/api/v1/hazards?{query}")
    assert response.status_code == 422
    assert "超出可查询的日期范围" in response.json()["detail"]


def test_the_ends_of_the_accepted_range_are_accepted(world):
    response = logged_in(world.users["city"]).get("/hazards/?date_from=1900-01-01&date_to=2100-12-31")
    assert response.status_code == 200


@pytest.mark.parametrize("query", EXTREME_DATES)
def test_extreme_dates_in_accident_filters_are_refused(world, query):
    response = logged_in(world.users["city"]).get(f"/accidents/?{query}")
    assert response.status_code == 400
    assert "超出可查询的日期范围" in response.content.decode()


# --- huge API offsets -------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["/api/v1/hazards", "/api/v1/subjects"])
def test_an_offset_beyond_the_cap_is_refused_with_the_cap(world, endpoint):
    response = bearer(world.users["city"]).get(f"{endpoint}?limit=10&offset=100000000000000000000")
    assert response.status_code == 422
    assert response.json()["detail"] == "请求有误：查询参数“offset”：不能大于 10000000"


@pytest.mark.parametrize("endpoint", ["/api/v1/hazards", "/api/v1/subjects"])
def test_an_offset_at_the_cap_answers_an_empty_page(world, endpoint):
    response = bearer(world.users["city"]).get(f"{endpoint}?limit=10&offset=10000000")
    assert response.status_code == 200
    assert response.json()["items"] == []
