import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from anjian.checklists import io as checklist_io
from anjian.checklists import services
from anjian.checklists.library import CHECKLIST_DIR, load_library
from anjian.checklists.models import Checklist, ChecklistItem, ChecklistVersion

FIELDS = ("key", "section", "text", "method", "legal_basis", "major_by_rule", "criterion_id")


@pytest.fixture
def chemicals(world):
    load_library()
    return Checklist.objects.get(code="hazardous-chemicals").current_version()


def items_of(version):
    return list(version.items.order_by("order").values_list(*FIELDS))


def upload(name, content):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def snapshot():
    return (Checklist.objects.count(), ChecklistVersion.objects.count(), ChecklistItem.objects.count())


def test_xlsx_round_trip_as_new_checklist(world, chemicals):
    data = checklist_io.export_xlsx(chemicals)
    sheet = load_workbook(io.BytesIO(data))[checklist_io.ITEMS_SHEET]
    assert [c.value for c in sheet[1]] == list(checklist_io.COLUMNS)
    assert sheet["F2"].value == "是" and "第一条第（一）项" in sheet["G2"].value
    version = checklist_io.import_checklist(
        world.users["city"], upload("hc.xlsx", data), code="hc-copy", name="危化品复制"
    )
    assert version.status == ChecklistVersion.Status.DRAFT and version.checklist.code == "hc-copy"
    assert version.checklist.sector_id == "hazardous_chemicals"  # from the file's info sheet
    assert items_of(version) == items_of(chemicals)


def test_yaml_round_trip_as_new_draft_of_the_same_checklist(world, chemicals):
    text = checklist_io.export_yaml(chemicals)
    assert yaml.safe_load(text)["items"][0]["criterion"] == {
        "standard": "huagong-2017",
        "article": 1,
        "number": 1,
    }
    version = checklist_io.import_checklist(
        world.users["dept"], upload("hc.yaml", text), checklist=chemicals.checklist
    )
    assert (version.checklist_id, version.number) == (chemicals.checklist_id, 2)
    assert items_of(version) == items_of(chemicals)


def test_shipped_yaml_files_import_as_they_are(world, chemicals):
    path = CHECKLIST_DIR / "04-metallurgy.yaml"
    with open(path, "rb") as handle:
        version = checklist_io.import_checklist(
            world.users["city"], upload("m.yaml", handle.read()), code="m2"
        )
    original = Checklist.objects.get(code="metallurgy").current_version()
    assert items_of(version) == items_of(original)


def test_template_has_the_columns(world):
    sheet = load_workbook(io.BytesIO(checklist_io.template_xlsx())).active
    assert [c.value for c in sheet[1]] == list(checklist_io.COLUMNS)


def workbook_bytes(rows, headers=checklist_io.COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD = ("A-1", "管理", "是否建立责任制", "查资料", "安全生产法", "否", "")
BAD_CASES = {
    "missing column": (workbook_bytes([GOOD[:6]], headers=checklist_io.COLUMNS[:6]), "缺少“判定标准条款”列"),
    "empty text": (workbook_bytes([GOOD, ("A-2", "", "", "", "", "否", "")]), "第3行：检查内容不能为空"),
    "duplicate key": (workbook_bytes([GOOD, GOOD]), "第3行“条目编号”列：编号“A-1”与第2行重复"),
    "unknown criterion": (
        workbook_bytes(
            [
                GOOD,
                (
                    "A-2",
                    "",
                    "条目",
                    "",
                    "",
                    "是",
                    "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第1条第（21）项",
                ),
            ]
        ),
        "第3行“判定标准条款”列：找不到判定标准条款",
    ),
    "bad yes/no": (
        workbook_bytes([("A-1", "", "条目", "", "", "也许", "")]),
        "第2行“重大隐患”列：“也许”不是有效值",
    ),
    "major without criterion": (
        workbook_bytes([("A-1", "", "条目", "", "", "是", "")]),
        "须注明判定标准条款",
    ),
    "not a workbook": (b"not a zip", "无法读取文件"),
    "empty file": (workbook_bytes([], headers=()), "文件是空的"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
@pytest.mark.parametrize("as_draft", [False, True])
def test_bad_xlsx_changes_nothing(world, chemicals, case, as_draft):
    content, message = BAD_CASES[case]
    before = snapshot()
    target = {"checklist": chemicals.checklist} if as_draft else {"code": "new-one", "name": "新表"}
    with pytest.raises(checklist_io.ChecklistIOError) as error:
        checklist_io.import_checklist(world.users["city"], upload("bad.xlsx", content), **target)
    assert message in error.value.message
    assert snapshot() == before


def test_good_xlsx_with_a_criterion_by_short_code(world, chemicals):
    content = workbook_bytes([GOOD, ("A-2", "", "条目", "", "", "是", "huagong-2017:1:5")])
    version = checklist_io.import_checklist(
        world.users["city"], upload("ok.xlsx", content), code="ok", name="好表"
    )
    assert version.items.get(key="A-2").criterion.number == 5


@pytest.mark.parametrize(
    "text, message",
    [
        ("items: [", "YAML 文件格式错误"),
        ("name: x\n", "须包含 items 列表"),
        ("items:\n  - {key: A, text: ''}\n", "第1个条目：检查内容不能为空"),
        (
            "items:\n  - {key: A, text: x, major_by_rule: true, criterion: {standard: nope, article: 1, number: 1}}\n",
            "找不到判定标准条款",
        ),
        ("items:\n  - {key: A, text: x}\n  - {key: A, text: y}\n", "编号“A”与第1个条目重复"),
        ("items:\n  - {key: A, text: x, major_by_rule: maybe}\n", "“maybe”不是有效值"),
    ],
)
def test_bad_yaml_changes_nothing(world, chemicals, text, message):
    before = snapshot()
    with pytest.raises(checklist_io.ChecklistIOError) as error:
        checklist_io.import_checklist(world.users["city"], upload("bad.yaml", text), code="y", name="y")
    assert message in error.value.message
    assert snapshot() == before


def test_import_refused_while_a_draft_exists_and_for_enterprises(world, chemicals):
    data = checklist_io.export_yaml(chemicals)
    services.start_revision(world.users["city"], chemicals.checklist)
    before = snapshot()
    with pytest.raises(services.ChecklistError, match="已有草稿"):
        checklist_io.import_checklist(
            world.users["city"], upload("a.yaml", data), checklist=chemicals.checklist
        )
    with pytest.raises(services.ChecklistError) as error:
        checklist_io.import_checklist(world.users["enterprise"], upload("a.yaml", data), code="e", name="e")
    assert error.value.status == 403
    assert snapshot() == before


def test_citations_are_read_in_chinese_and_arabic_numerals():
    from anjian.checklists.io import CITATION, parse_number
    from anjian.checklists.models import chinese_number

    assert [chinese_number(n) for n in (1, 10, 13, 20, 21)] == ["一", "十", "十三", "二十", "二十一"]
    assert all(parse_number(chinese_number(n)) == n for n in range(1, 100))
    for text in ("《某标准》第十三条第（二）项", "《某标准》第13条第(2)项"):
        match = CITATION.match(text)
        assert (parse_number(match["article"]), parse_number(match["number"])) == (13, 2)
