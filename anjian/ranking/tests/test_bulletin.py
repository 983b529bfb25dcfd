"""The bulletin (通报) as Word and PDF, from runs stored as the engine stores them."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from docx import Document

from anjian.ranking import bulletin, bulletin_pdf
from anjian.ranking.models import RankingRun

from .made_runs import last_month, make_run, towns


def _docx_text(content):
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def run(world):
    return make_run(last_month())


def test_docx_has_title_every_town_and_the_summoned(run):
    text = _docx_text(bulletin.build_docx(run))
    month = last_month()
    assert "温岭市安全生产委员会办公室" in text
    assert f"关于{month.year}年{month.month}月各镇（街道）安全生产工作月晾晒情况的通报" in text
    assert f"温安委办〔{month.year}〕{month.month}号" in text
    all_towns = towns()
    assert len(all_towns) == 17
    for town in all_towns:
        assert town.name in text
    bottom = "、".join(t.name for t in all_towns[-3:])
    assert f"排名后3位的{bottom}由市安委办进行警示约谈" in text
    assert f"{all_towns[0].name}以95.00分位列第一" in text
    assert "抄送：" in text
    assert "草稿" not in text


def test_docx_table_columns_and_missing_points(run):
    document = Document(io.BytesIO(bulletin.build_docx(run)))
    ranking = document.tables[0]
    header = [c.text for c in ranking.rows[0].cells]
    assert header[:3] == ["排名", "镇（街道）", "得分"] and header[-1] == "较上月"
    assert len(header) == 3 + 3 + 1  # three indicators in the config, all shown
    second = [c.text for c in ranking.rows[2].cells]
    assert second[0] == "2" and second[2] == "93.00"
    assert second[5] == "—"  # rank 2 has no data for the third indicator: missing, not zero
    bars = document.tables[1]
    assert len(bars.rows) == 17
    # the top score fills every bar cell; shading is in the cell XML
    first_bar = bars.rows[0].cells
    assert sum("w:shd" in cell._tc.xml for cell in first_bar) == bulletin.BAR_CELLS


def test_change_against_previous_month(world):
    month = last_month()
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    order = towns()
    make_run(previous, order=[order[1], order[0], *order[2:]])
    run = make_run(month)
    rows = bulletin.bulletin_data(run).rows
    assert rows[0].change == "↑1" and rows[1].change == "↓1" and rows[2].change == "—"


def test_draft_title_says_draft(world):
    run = make_run(last_month(), status=RankingRun.Status.DRAFT)
    text = _docx_text(bulletin.build_docx(run))
    assert "通报（草稿）" in text


def test_pdf_starts_with_pdf_and_has_pages(run):
    content = bulletin_pdf.build_pdf(run, compress=False)
    assert content.startswith(b"%PDF")
    pages = re.findall(rb"/Type /Page\b", content)
    assert len(pages) >= 1
    assert b"/Count " in content


def test_pages_serve_files_to_government_only(client, world, run):
    client.force_login(world.users["town_b"])
    answer = client.get(reverse("ranking:bulletin_docx", args=[run.pk]))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer["Content-Disposition"]
    answer = client.get(reverse("ranking:bulletin_pdf", args=[run.pk]))
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    client.force_login(world.users["enterprise"])
    assert client.get(reverse("ranking:bulletin_docx", args=[run.pk])).status_code == 403
    assert client.get(reverse("ranking:bulletin_pdf", args=[run.pk])).status_code == 403
    client.force_login(world.users["city"])
    assert client.get(reverse("ranking:bulletin_pdf", args=[run.pk + 1000])).status_code == 404
