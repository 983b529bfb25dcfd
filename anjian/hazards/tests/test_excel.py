"""Hazard list export: scope, filters and readable values."""

import datetime
import io

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from anjian.core import audit
from anjian.hazards.excel import headers
from anjian.hazards.models import Hazard
from anjian.hazards.services import report_hazard
from anjian.registry import excel as registry_excel

EXPORT_URL = "/hazards/export.xlsx"


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def exported(response):
    assert response.status_code == 200, response.content.decode()
    workbook = load_workbook(io.BytesIO(b"".join(response)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def make_hazards(world):
    city = world.users["city"]
    a = world.subjects["ent_a"]
    first = report_hazard(city, a.pk, "配电箱未接地", location="一号车间")
    second = report_hazard(city, a.pk, "消防通道堵塞", level="major")
    third = report_hazard(city, world.subjects["ent_b"].pk, "灭火器过期")
    # A deadline in the past cannot be entered through the service; set it to test "overdue".
    audit.update(
        Hazard.objects.filter(pk=first.pk), deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    return first, second, third


def test_export_respects_scope(world):
    first, second, third = make_hazards(world)
    assert [r["隐患编号"] for r in exported(client_for(world, "town_b").get(EXPORT_URL))] == [third.code]
    codes_a = {r["隐患编号"] for r in exported(client_for(world, "town_a").get(EXPORT_URL))}
    assert codes_a == {first.code, second.code}
    assert exported(client_for(world, "enterprise").get(EXPORT_URL)) != []
    assert third.code not in {r["隐患编号"] for r in exported(client_for(world, "grid").get(EXPORT_URL))}


def test_export_has_readable_values(world):
    first, _second, _third = make_hazards(world)
    rows = exported(client_for(world, "city").get(EXPORT_URL, {"q": first.code}))
    assert len(rows) == 1
    row = rows[0]
    assert tuple(row) == headers()
    assert row["隐患描述"] == "配电箱未接地" and row["具体部位"] == "一号车间"
    assert (
        row["监管对象"] == "泽国精工机械有限公司"
        and row["统一社会信用代码/编码"] == world.subjects["ent_a"].code
    )
    assert row["所在镇（街道）"] == "泽国镇" and row["行业领域"] == "工贸"
    assert row["隐患等级"] == "一般隐患" and row["状态"] == "已上报" and row["是否逾期"] == "是"
    assert row["来源"] == "监督检查" and row["发现人"] == "安委办张主任"
    assert row["监管单位"] == "市应急管理局"
    found = timezone.localtime(Hazard.objects.get(pk=first.pk).found_at).replace(tzinfo=None, microsecond=0)
    assert abs(row["发现时间"] - found) < datetime.timedelta(seconds=1)


def test_export_applies_filters(world):
    first, second, third = make_hazards(world)
    client = client_for(world, "city")
    assert [r["隐患编号"] for r in exported(client.get(EXPORT_URL, {"overdue": "1"}))] == [first.code]
    assert [r["隐患编号"] for r in exported(client.get(EXPORT_URL, {"level": "major"}))] == [second.code]
    by_town = exported(client.get(EXPORT_URL, {"territory": world.town_b.pk}))
    assert [r["隐患编号"] for r in by_town] == [third.code]
    not_overdue = {r["是否逾期"] for r in exported(client.get(EXPORT_URL, {"overdue": "0"}))}
    assert not_overdue == {"否"}


def test_export_bad_filter_answers_400_with_the_message(world):
    response = client_for(world, "city").get(EXPORT_URL, {"date_from": "2024-13-40"})
    assert response.status_code == 400
    assert "不是有效日期" in response.content.decode()


def test_export_over_the_cap_is_refused(world, monkeypatch):
    make_hazards(world)
    monkeypatch.setattr(registry_excel.exporting, "MAX_EXPORT_ROWS", 2)
    response = client_for(world, "city").get(EXPORT_URL)
    assert response.status_code == 400
    assert "要导出的记录有 3 条，超过单次导出上限 2 条" in response.content.decode()


def test_export_requires_login(world):
    response = Client().get(EXPORT_URL)
    assert response.status_code == 302
