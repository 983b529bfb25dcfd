"""Subject template, import and export, through the pages as the personas use them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from anjian.core import audit
from anjian.core.models import AuditEntry
from anjian.org.models import Territory
from anjian.registry import excel
from anjian.registry.excel import HEADERS, import_subjects
from anjian.registry.models import Subject
from anjian.registry.validators import uscc_problem
from anjian.testing import make_uscc

IMPORT_URL = "/subjects/import/"
TEMPLATE_URL = "/subjects/import/template.xlsx"
EXPORT_URL = "/subjects/export.xlsx"


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def xlsx_file(rows, headers=HEADERS, name="subjects.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row(n, **values):
    """A valid enterprise row in 泽国镇 (town_a's town); keyword names are column headers."""
    base = {
        "类型": "企业",
        "名称": f"导入测试企业{n}",
        "统一社会信用代码/编码": make_uscc(1000 + n),
        "所在镇（街道）": "泽国镇",
        "行业领域": "工贸",
        "地址": f"泽国镇测试路{n}号",
        "纬度": 28.4,
        "经度": 121.4,
        "风险等级": "一般风险（黄）",
        "联系人": "王五",
        "联系电话": 13800000000 + n,
        "监管单位": "市应急管理局",
    }
    base.update(values)
    return base


def upload(client, rows, **kwargs):
    return client.post(IMPORT_URL, {"file": xlsx_file(rows, **kwargs)})


def errors_of(response):
    result = response.context["result"]
    return result.errors if result else []


def sheet_rows(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def test_valid_import_creates_subjects_and_audit_entries(world):
    before_audit = AuditEntry.objects.filter(model="registry.subject", action="create").count()
    village = world.town_a.children.order_by("path").first()
    rows = [
        row(1),
        row(2, **{"村（社区）": village.name, "网格": world.grid.name}),
        row(3, **{"类型": "特种设备", "统一社会信用代码/编码": "EQ-0001", "行业领域": "特种设备"}),
        row(4, **{"类型": "场所", "统一社会信用代码/编码": None, "风险等级": "红", "监管单位": None}),
    ]
    response = upload(client_for(world, "city"), rows)
    assert response.status_code == 200
    assert response.context["result"].created == 4
    assert "已导入 4 个监管对象" in response.content.decode()
    created = Subject.objects.filter(name__startswith="导入测试企业").order_by("name")
    assert created.count() == 4
    first, second, equipment, place = created
    assert first.territory == world.town_a and first.town == world.town_a
    assert first.contact_phone == "13800000001" and first.supervising_unit.name == "市应急管理局"
    assert second.territory == village and second.grid == world.grid
    assert equipment.kind == Subject.Kind.EQUIPMENT and equipment.code == "EQ-0001"
    assert place.kind == Subject.Kind.PLACE and place.code == "" and place.risk_grade == "red"
    entries = AuditEntry.objects.filter(model="registry.subject", action="create")
    assert entries.count() == before_audit + 4
    assert set(
        entries.filter(object_id__in=[str(s.pk) for s in created]).values_list("actor_id", flat=True)
    ) == {world.users["city"].pk}


def test_errors_in_several_rows_are_all_listed_and_nothing_is_created(world):
    count = Subject.objects.count()
    rows = [
        row(1),
        row(2, **{"类型": "工厂"}),
        row(3, **{"行业领域": "不存在的领域"}),
        row(4, **{"纬度": "北纬28度"}),
        row(5, **{"名称": None, "经度": 500}),
        row(6, **{"所在镇（街道）": "不存在镇"}),
        row(7, **{"统一社会信用代码/编码": make_uscc(1001)}),
    ]
    response = upload(client_for(world, "city"), rows)
    assert response.status_code == 400
    errors = errors_of(response)
    expected_starts = [
        "第3行「类型」：“工厂”不是可选值",
        "第4行「行业领域」：“不存在的领域”不是已登记的行业领域",
        "第5行「纬度」：应为数字",
        "第6行「名称」：必填",
        "第6行「经度」：应在 -180 到 180 之间",
        "第7行「所在镇（街道）」：没有名为“不存在镇”的镇（街道）",
        "第8行「统一社会信用代码/编码」：“" + make_uscc(1001) + "”与第2行重复",
    ]
    for start in expected_starts:
        assert any(e.startswith(start) for e in errors), (start, errors)
    assert len(errors) == len(expected_starts)
    page = response.content.decode()
    assert "未导入任何记录" in page and "第3行「类型」" in page
    assert Subject.objects.count() == count


def test_wrong_check_digit_names_row_column_and_expected_digit(world):
    good = make_uscc(4242)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    result = import_subjects(world.users["city"], xlsx_file([row(1, **{"统一社会信用代码/编码": wrong})]))
    assert result.created == 0
    assert result.errors == [f"第2行「统一社会信用代码/编码」：{uscc_problem(wrong)}"]
    assert "校验位错误：末位应为" + good[17] in result.errors[0]


def test_long_number_mangled_by_excel_is_explained(world):
    result = import_subjects(
        world.users["city"], xlsx_file([row(1, **{"统一社会信用代码/编码": 913310811234567890})])
    )
    assert len(result.errors) == 1
    assert result.errors[0].startswith("第2行「统一社会信用代码/编码」：")
    assert "请把该列设为文本格式" in result.errors[0]


def test_code_already_registered_for_the_same_kind_is_an_error(world):
    taken = world.subjects["ent_b"].code  # in 大溪镇: a clash is reported even out of scope
    result = import_subjects(world.users["town_a"], xlsx_file([row(1, **{"统一社会信用代码/编码": taken})]))
    assert result.errors == [f"第2行「统一社会信用代码/编码」：“{taken}”已登记，不能重复导入"]


def test_non_xlsx_upload_gives_one_clear_message(world):
    fake = SimpleUploadedFile("subjects.xlsx", "类型,名称\n企业,某公司\n".encode())
    response = client_for(world, "city").post(IMPORT_URL, {"file": fake})
    assert response.status_code == 400
    assert errors_of(response) == ["无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件。"]


def test_missing_required_column_is_named(world):
    headers = [h for h in HEADERS if h != "行业领域"]
    result = import_subjects(world.users["city"], xlsx_file([row(1)], headers=headers))
    assert len(result.errors) == 1
    assert "缺少必填列：「行业领域」" in result.errors[0]


def test_unknown_column_is_named(world):
    result = import_subjects(world.users["city"], xlsx_file([row(1)], headers=(*HEADERS, "备注")))
    assert len(result.errors) == 1 and "「备注」" in result.errors[0]


def test_empty_file_and_untouched_template_import_nothing(world):
    client = client_for(world, "city")
    empty = Workbook()
    buffer = io.BytesIO()
    empty.save(buffer)
    result = import_subjects(world.users["city"], SimpleUploadedFile("e.xlsx", buffer.getvalue()))
    assert result.errors == ["文件是空的：第1行应为表头（可下载导入模板填写）。"]
    template = client.get(TEMPLATE_URL)
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("t.xlsx", b"".join(template))})
    assert response.context["result"].created == 0
    assert errors_of(response) == ["文件中没有数据行：请从第2行起填写（模板「说明」表中的示例不会被导入）。"]


def test_town_user_cannot_import_into_another_town(world):
    count = Subject.objects.count()
    rows = [row(1), row(2, **{"所在镇（街道）": "大溪镇"})]
    response = upload(client_for(world, "town_a"), rows)
    assert errors_of(response) == ["第3行「所在镇（街道）」：“大溪镇”不在您的管辖范围内"]
    assert Subject.objects.count() == count


def test_town_user_village_of_another_town_is_not_found(world):
    other_village = world.town_b.children.first()
    result = import_subjects(world.users["town_a"], xlsx_file([row(1, **{"村（社区）": other_village.name})]))
    assert result.errors == [
        f"第2行「村（社区）」：“泽国镇”下没有名为“{other_village.name}”的村（社区），或不在您的管辖范围内"
    ]


def test_department_user_cannot_import_outside_its_sectors(world):
    result = import_subjects(world.users["dept"], xlsx_file([row(1), row(2, **{"行业领域": "消防"})]))
    assert result.errors == ["第3行「行业领域」：“消防”领域在“泽国镇”的对象不在您的管辖范围内"]
    ok = import_subjects(world.users["dept"], xlsx_file([row(1, **{"所在镇（街道）": "大溪镇"})]))
    assert ok.created == 1 and ok.errors == []


def test_roles_that_may_not_import_are_refused(world):
    for persona in ("grid", "inspector", "enterprise"):
        client = client_for(world, persona)
        assert client.get(IMPORT_URL).status_code == 403
        assert client.get(TEMPLATE_URL).status_code == 403
        assert upload(client, [row(1)]).status_code == 403
        assert import_subjects(world.users[persona], xlsx_file([row(1)])).errors == [
            "您的角色不能导入监管对象。"
        ]
    assert not Subject.objects.filter(name__startswith="导入测试企业").exists()


def test_import_page_shows_form_and_template_link(world):
    response = client_for(world, "town_a").get(IMPORT_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and TEMPLATE_URL in page


def test_template_has_headers_help_sheet_and_dropdowns(world):
    response = client_for(world, "town_a").get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_TYPE
    workbook = load_workbook(io.BytesIO(b"".join(response)))
    data = workbook["监管对象"]
    assert [c.value for c in data[1]] == list(HEADERS)
    assert data.max_row == 1  # the example lives in 说明, not among the data
    assert data.column_dimensions["C"].number_format == "@"  # codes stay text
    validated = {str(v.sqref).split(":")[0] for v in data.data_validations.dataValidation}
    assert {"A2", "D2", "G2", "K2", "N2"} <= validated
    help_text = [c for r in workbook["说明"].iter_rows(values_only=True) for c in r if c]
    for header in HEADERS:
        assert header in help_text
    # Only the user's own territories are listed (大溪镇 itself appears as a unit, its villages not).
    assert "泽国镇" in help_text and world.town_b.children.first().name not in help_text
    assert world.grid.name in help_text
    assert "工贸" in "".join(map(str, help_text)) and "市应急管理局" in help_text
    choices = workbook["选项"]
    assert choices.sheet_state == "hidden"
    assert [r[1] for r in choices.iter_rows(min_row=2, values_only=True) if r[1]] == ["泽国镇"]


def test_template_example_row_is_valid(world):
    """The example in 说明, pasted into the data sheet, imports."""
    workbook = excel.build_template(world.users["city"])
    lines = list(workbook["说明"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(lines) if r[0] == HEADERS[0] and r[1] == HEADERS[1])
    example = dict(zip(HEADERS, lines[start + 1], strict=False))
    assert import_subjects(world.users["city"], xlsx_file([example])).created == 1


def test_export_respects_scope(world):
    rows_b = sheet_rows(b"".join(client_for(world, "town_b").get(EXPORT_URL)))
    assert rows_b[0] == list(HEADERS)
    assert [r[1] for r in rows_b[1:]] == ["大溪商贸城"]
    rows_a = sheet_rows(b"".join(client_for(world, "town_a").get(EXPORT_URL)))
    assert sorted(r[1] for r in rows_a[1:]) == sorted(["泽国精工机械有限公司", "泽国安居建设工程"])


def test_export_applies_filters_and_readable_values(world):
    client = client_for(world, "city")
    response = client.get(EXPORT_URL, {"sector": "industry_trade"})
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response))
    assert len(rows) == 2
    exported = dict(zip(HEADERS, rows[1], strict=True))
    village = world.grid.parent
    assert exported["类型"] == "企业" and exported["行业领域"] == "工贸"
    assert exported["所在镇（街道）"] == "泽国镇" and exported["村（社区）"] == village.name
    assert exported["网格"] == world.grid.name and exported["监管单位"] == "市应急管理局"
    town_rows = sheet_rows(b"".join(client.get(EXPORT_URL, {"territory": world.town_b.pk})))
    assert [r[1] for r in town_rows[1:]] == ["大溪商贸城"]


def test_export_bad_filter_answers_400_with_the_message(world):
    response = client_for(world, "city").get(EXPORT_URL, {"kind": "spaceship"})
    assert response.status_code == 400
    assert "参数“类型”（kind）的值“spaceship”无效" in response.content.decode()


def test_export_over_the_cap_is_refused(world, monkeypatch):
    monkeypatch.setattr(excel.exporting, "MAX_EXPORT_ROWS", 2)
    response = client_for(world, "city").get(EXPORT_URL)
    assert response.status_code == 400
    assert "要导出的记录有 3 条，超过单次导出上限 2 条" in response.content.decode()


def test_export_keeps_formula_like_text_as_text(world):
    audit.update(Subject.objects.filter(pk=world.subjects["ent_b"].pk), address='=HYPERLINK("x")')
    rows = sheet_rows(b"".join(client_for(world, "town_b").get(EXPORT_URL)))
    assert rows[1][HEADERS.index("地址")] == '=HYPERLINK("x")'


def test_export_then_import_round_trip(world):
    client = client_for(world, "city")
    audit.update(
        Subject.objects.filter(pk=world.subjects["ent_c"].pk), lat=28.41, lon=121.35, risk_grade="orange"
    )
    exported = b"".join(client.get(EXPORT_URL))
    Subject.objects.all().delete()
    assert Territory.objects.exists()  # the organisation stays; the subjects are gone
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("round.xlsx", exported)})
    assert errors_of(response) == []
    assert response.context["result"].created == 3
    assert sheet_rows(b"".join(client.get(EXPORT_URL))) == sheet_rows(exported)
    ent_a = Subject.objects.get(name="泽国精工机械有限公司")
    assert ent_a.grid == world.grid and ent_a.territory_path == world.grid.path


@pytest.mark.parametrize("persona", ["city", "town_a"])
def test_import_outside_transaction_leaves_nothing_when_a_late_row_fails(world, persona):
    """Rows are checked before anything is written: a bad last row keeps the good first rows out."""
    rows = [row(n) for n in range(1, 6)] + [row(6, **{"统一社会信用代码/编码": "123"})]
    result = import_subjects(world.users[persona], xlsx_file(rows))
    assert result.created == 0
    assert result.errors == ["第7行「统一社会信用代码/编码」：统一社会信用代码应为18位，实际为3位"]
    assert not Subject.objects.filter(name__startswith="导入测试企业").exists()
