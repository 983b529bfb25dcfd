"""read_document: .txt in UTF-8, UTF-8 with BOM and GB18030; .docx paragraphs and table cells in
order; a Chinese message for an empty, unreadable or non-plan file."""

import io

import pytest
from docx import Document

from anjian.plans.parsing import parse_plan, read_document

from .parsing_helpers import SEED

PLAN = "2024年某市安全生产工作要点\n一、强化责任\n1.压实企业主体责任。（市应急管理局牵头）\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_files_in_each_encoding(encoding):
    assert read_document("plan.txt", PLAN.encode(encoding)) == PLAN


def test_windows_line_ends_become_newlines():
    assert read_document("plan.TXT", PLAN.replace("\n", "\r\n").encode()) == PLAN


def docx_bytes(paragraphs, table=None):
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_paragraph("（市安委办负责）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_of_the_seed_parses_like_the_text():
    paragraphs = [line for line in SEED.splitlines() if line.strip()]
    result = parse_plan(read_document("seed.docx", docx_bytes(paragraphs)))
    assert len([n for n in result.walk() if n.level == "item"]) == 16
    fishery = next(n for n in result.walk() if n.number == "二是" and "涉海" in n.title)
    assert [t.quantity for t in fishery.targets] == [95, 502, 38, 18, 227, 148, 1209]


def test_docx_table_cells_follow_the_paragraph_before_them():
    data = docx_bytes(
        ["2024年要点", "一、任务", "1.开展整治。"], table=[["任务", "指标"], ["改造管道", "完成12公里"]]
    )
    text = read_document("plan.docx", data)
    assert (
        text.index("1.开展整治。")
        < text.index("改造管道")
        < text.index("完成12公里")
        < text.index("市安委办")
    )
    item = parse_plan(text).nodes[0].children[0]
    assert [(t.quantity, t.unit) for t in item.targets] == [(12, "公里")]
    assert [u.name for u in item.units] == ["市安委办"]


@pytest.mark.parametrize(
    "name,data,words",
    [
        ("empty.txt", b"", "空"),
        ("blank.txt", b"  \r\n\t ", "空"),
        ("empty.docx", b"", "空"),
        ("broken.docx", b"this is not a zip archive", ".docx"),
        ("minutes.docx", docx_bytes(["会议纪要", "会议要求各单位抓好落实。"]), "不是工作要点"),
        ("minutes.txt", "会议纪要\n请准时参加。".encode(), "不是工作要点"),
        ("binary.txt", b"\x00\x01\x02\xff\xfe", "无法读取"),
        ("plan.pdf", b"%PDF-1.4", ".docx"),
    ],
)
def test_bad_files_are_refused_with_a_chinese_message(name, data, words):
    with pytest.raises(ValueError) as caught:
        read_document(name, data)
    assert words in str(caught.value) and name in str(caught.value)
