"""The Word completion report and the Excel ledger, read back with python-docx and openpyxl."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from anjian.plans import documents

from .overview_helpers import AFTER_HALF, build_small_plan


@pytest.fixture
def small(world):
    return build_small_plan()


def paragraphs(data):
    doc = Document(io.BytesIO(data))
    return doc, [p.text for p in doc.paragraphs]


def table_rows(doc):
    assert len(doc.tables) == 1
    return [[cell.text for cell in row.cells] for row in doc.tables[0].rows]


def test_city_report(small):
    doc, texts = paragraphs(documents.completion_report_docx(small.plan, small.half, today=AFTER_HALF))
    assert texts[0] == "温岭市2023年安全生产工作要点半年度完成情况"
    body = [t for t in texts if t]
    # Chapters and items in plan order, each task followed by what was reported on it.
    headings = [t for t in body if t.startswith(("一、", "二、", "1.", "2.", "3."))]
    assert headings == [
        "一、学深悟透、真信笃行",
        "1.深入学习贯彻重要论述",
        "2.涉海涉渔领域整治",
        "二、标本兼治、系统治理",
        "3.重点领域专项整治",
    ]
    after = {t: body[body.index(t) + 1] for t in headings if not t.endswith(("笃行", "治理"))}
    # The lead's consolidated report stands for the task; otherwise each unit's text, named. The
    # status is the task's: late after the deadline while 大溪镇 has not reported on 1. and
    # 港航局 reported on 2. only after it, whatever the reports say.
    assert after["1.深入学习贯彻重要论述"] == "全市各单位已将重要论述纳入中心组学习。（逾期）"
    assert after["2.涉海涉渔领域整治"] == (
        "市应急管理局：指导建成示范渔船21艘；市港航口岸和渔业管理局：已建成安全示范渔船40艘。（逾期）"
    )
    assert "一是燃气管道更新改造。市住房和城乡建设局：已完成2公里，资金未到位。（存在风险）" in body
    assert "二是消防领域整治。（未报送）" in body
    assert body[-2:] == ["温岭市安全生产委员会办公室", "2023年7月1日"]
    assert table_rows(doc) == [
        ["序号", "指标", "目标值", "完成值", "完成率"],
        ["1", "安全示范渔船（2）", "95艘", "61艘", "64.2%"],
        ["2", "规上企业标准化建设（2）", "90%以上", "85%", "94.4%"],
        ["3", "城镇燃气老旧管道更新改造（3.一是）", "5.4公里", "2公里", "37%"],
    ]


def test_unit_report_covers_only_its_tasks(small):
    unit = small.units["yjj"]
    doc, texts = paragraphs(documents.completion_report_docx(small.plan, small.half, unit, today=AFTER_HALF))
    assert texts[0] == "市应急管理局关于2023年安全生产工作要点半年度完成情况的报告"
    body = "\n".join(texts)
    assert "温岭市安全生产委员会办公室：" in texts
    assert "指导建成示范渔船21艘。（按计划推进）" in body
    assert "全市各单位已将重要论述纳入中心组学习。（已完成）" in body
    # Not its tasks, not other units' texts.
    assert "二、标本兼治" not in body and "燃气" not in body
    assert "已建成安全示范渔船40艘" not in body
    assert [t for t in texts if t][-2] == "温岭市应急管理局"
    # Its own figures, not the city's sums.
    rows = table_rows(doc)
    assert rows[1][3:] == ["21艘", "22.1%"]
    assert rows[2][3:] == ["90%", "100%"]


def test_unit_without_report_says_so(small):
    unit = small.units["xf"]
    doc, texts = paragraphs(documents.completion_report_docx(small.plan, small.half, unit, today=AFTER_HALF))
    body = [t for t in texts if t]
    assert "二是消防领域整治。（未报送）" in body
    assert "一、学深悟透、真信笃行" not in body
    assert doc.tables == []  # its task has no target


def test_full_year_title(small):
    _doc, texts = paragraphs(documents.completion_report_docx(small.plan, small.full, today=AFTER_HALF))
    assert texts[0] == "温岭市2023年安全生产工作要点全年完成情况"


def test_ledger(small):
    book = load_workbook(io.BytesIO(documents.ledger_xlsx(small.plan, small.half, today=AFTER_HALF)))
    sheet = book["台账"]
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "章",
        "序号",
        "任务",
        "责任单位",
        "职责",
        "进展",
        "完成情况",
        "指标完成数",
        "报送时间",
        "逾期",
        "牵头汇总",
    ]
    # One row per task × responsible unit: 3 + 2 + 1 + 1.
    assert len(rows) == 1 + 7
    by_key = {(r[1], r[3]): r for r in rows[1:]}
    assert [r[3] for r in rows[1:4]] == ["市应急管理局", "泽国镇", "大溪镇"]  # lead first
    lead = by_key[("1", "市应急管理局")]
    assert lead[0] == "一、学深悟透、真信笃行"
    assert lead[4:] == [
        "牵头",
        "已完成",
        "全市各单位已将重要论述纳入中心组学习。",
        "",
        "2023-06-14 10:00",
        "否",
        "是",
    ]
    assert by_key[("1", "大溪镇")][5:10] == ["逾期未报", "", "", "", "是"]
    fishery = by_key[("2", "市港航口岸和渔业管理局")]
    assert fishery[7] == "安全示范渔船 40艘；规上企业标准化建设 80%"
    assert fishery[9] == "是"  # submitted 20 June, deadline 15 June
    assert by_key[("3.一是", "市住房和城乡建设局")][5] == "存在风险"
    targets = list(book["指标"].iter_rows(values_only=True))
    assert targets[1][2:7] == ("安全示范渔船", "95艘", 61, 64.2, "各单位合计")
    assert len(targets) == 4


def test_ledger_before_the_deadline_has_nothing_late(small):
    import datetime

    data = documents.ledger_xlsx(small.plan, small.half, today=datetime.date(2023, 6, 10))
    rows = list(load_workbook(io.BytesIO(data))["台账"].iter_rows(min_row=2, values_only=True))
    missing = [r for r in rows if r[3] == "大溪镇"][0]
    assert (missing[5], missing[9]) == ("未报送", "否")
