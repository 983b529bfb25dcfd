"""The holiday table's pages: every government reader reads it, the city office edits it."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.core.context import system_actor
from anjian.core.models import AuditEntry
from anjian.workdays import services
from anjian.workdays.models import Holiday

D = datetime.date
READERS = ["city", "sector", "dept", "town_a", "town_b", "grid", "inspector"]
NOT_OFFICE = ["sector", "dept", "town_a", "town_b", "grid", "inspector", "enterprise"]
BANNER = "chinesecalendar 尚未收录 2030 年的放假安排，请按国务院办公厅通知录入"


@pytest.fixture(autouse=True)
def fresh_holiday_cache():
    """The rows of a test are rolled back at its end, which the process's copy of the table cannot
    see: start and leave every test with none."""
    services.invalidate_cache()
    yield
    services.invalidate_cache()


@pytest.fixture
def seeded(world):
    return services.seed_from_package(system_actor("test-seed"))


def table_state():
    return list(
        Holiday.objects.values_list("date", "kind", "name", "source", "note")
    ), AuditEntry.objects.filter(model="workdays.holiday").count()


@pytest.mark.parametrize("persona", READERS)
def test_government_readers_see_the_year(client_for, seeded, persona):
    page = client_for(persona).get(reverse("workdays:year", args=[2024]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-date="2024-10-01"' in text and "国庆节" in text and "调休上班日" in text
    assert 'data-date="2024-10-12"' in text
    assert BANNER.replace("2030", "2024") not in text
    assert (f'action="{reverse("workdays:save")}"' in text) == (persona == "city")


def test_the_year_lists_date_weekday_kind_name_and_source(client_for, seeded):
    text = client_for("town_a").get(reverse("workdays:year", args=[2024])).content.decode()
    row = text.split('data-date="2024-09-29"', 1)[1].split("</tr>", 1)[0]
    for part in ("2024-09-29", "周日", "调休上班日", "国庆节", "chinesecalendar 数据"):
        assert part in row


def test_enterprises_may_not_read_it(client_for, seeded):
    client = client_for("enterprise")
    assert client.get(reverse("workdays:year", args=[2024])).status_code == 403
    assert client.get(reverse("workdays:index")).status_code == 403


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(reverse("workdays:year", args=[2024]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_index_opens_this_year(client_for, seeded):
    with time_machine.travel(datetime.datetime(2025, 1, 20, 9, 0, tzinfo=timezone.get_current_timezone())):
        response = client_for("grid").get(reverse("workdays:index"))
    assert response.status_code == 302 and response["Location"] == reverse("workdays:year", args=[2025])


def test_years_out_of_range_are_404(client_for, world):
    client = client_for("city")
    assert client.get(reverse("workdays:year", args=[1999])).status_code == 404
    assert client.get(reverse("workdays:year", args=[2101])).status_code == 404
    assert client.get("/workdays/0/").status_code == 404


def test_the_banner_for_a_year_the_table_does_not_know(client_for, seeded):
    text = client_for("town_b").get(reverse("workdays:year", args=[2030])).content.decode()
    assert BANNER in text
    services.save_holiday(system_actor("test"), date=D(2030, 10, 1), kind="holiday", name="国庆节")
    text = client_for("town_b").get(reverse("workdays:year", args=[2030])).content.decode()
    assert BANNER not in text and 'data-date="2030-10-01"' in text


def test_the_office_adds_a_row_for_2030(client_for, seeded, world):
    client = client_for("city")
    response = client.post(
        reverse("workdays:save"),
        {"date": "2030-09-28", "kind": "workday", "name": "国庆节", "note": "国办发明电〔2029〕"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("workdays:year", args=[2030])
    row = Holiday.objects.get(date=D(2030, 9, 28))
    assert (row.kind, row.source, row.updated_by) == ("workday", "office", world.users["city"])
    assert services.is_working_day(D(2030, 9, 28))  # a Saturday, now a make-up working day
    entry = AuditEntry.objects.get(model="workdays.holiday", object_id=str(row.pk))
    assert (entry.action, entry.actor_id) == ("create", world.users["city"].pk)
    page = client.get(response["Location"]).content.decode()
    assert "已保存" in page and 'data-date="2030-09-28"' in page


def test_the_office_corrects_a_package_row(client_for, seeded):
    client = client_for("city")
    form = client.get(reverse("workdays:year", args=[2024]) + "?edit=2024-10-07").content.decode()
    assert "修改 2024-10-07" in form and 'value="2024-10-07"' in form
    response = client.post(
        reverse("workdays:save"), {"date": "2024-10-07", "kind": "workday", "name": "国庆节"}
    )
    assert response.status_code == 302
    row = Holiday.objects.get(date=D(2024, 10, 7))
    assert (row.kind, row.source) == ("workday", "office")
    assert services.is_working_day(D(2024, 10, 7))


def test_the_office_deletes_its_row_but_not_a_package_one(client_for, seeded):
    services.save_holiday(system_actor("test"), date=D(2030, 10, 1), kind="holiday", name="国庆节")
    client = client_for("city")
    response = client.post(reverse("workdays:delete"), {"date": "2030-10-01"})
    assert response.status_code == 302 and not Holiday.objects.filter(date=D(2030, 10, 1)).exists()
    before = table_state()
    response = client.post(reverse("workdays:delete"), {"date": "2024-10-01"}, follow=True)
    assert response.status_code == 200 and "来自 chinesecalendar 数据" in response.content.decode()
    assert table_state() == before
    assert client.post(reverse("workdays:delete"), {"date": "2030-10-02"}).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "1999-12-31", "kind": "holiday"}, "超出范围"),
        ({"date": "2030-13-01", "kind": "holiday"}, "有效的日期"),
        ({"date": "", "kind": "holiday"}, "这个字段是必填项"),
        ({"date": "2030-10-01", "kind": "vacation"}, "选择一个有效的选项"),
        ({"date": "2030-10-01", "kind": "holiday", "name": "节" * 51}, "50"),
    ],
)
def test_bad_input_from_the_office_changes_nothing(client_for, seeded, data, message):
    before = table_state()
    response = client_for("city").post(reverse("workdays:save"), data)
    assert response.status_code == 422 and message in response.content.decode()
    assert table_state() == before


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_others_may_not_edit(client_for, seeded, persona):
    services.save_holiday(system_actor("test"), date=D(2030, 10, 1), kind="holiday", name="国庆节")
    before = table_state()
    client = client_for(persona)
    assert client.post(reverse("workdays:save"), {"date": "2030-10-02", "kind": "holiday"}).status_code == 403
    assert client.post(reverse("workdays:delete"), {"date": "2030-10-01"}).status_code == 403
    assert table_state() == before


def test_edits_are_post_only(client_for, world):
    client = client_for("city")
    assert client.get(reverse("workdays:save")).status_code == 405
    assert client.get(reverse("workdays:delete")).status_code == 405
