"""Working days counted from the holiday table seeded from chinesecalendar and kept by the office."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from anjian.core.context import system_actor
from anjian.core.models import AuditEntry
from anjian.testing import make_user
from anjian.workdays import services
from anjian.workdays.models import Holiday
from anjian.workdays.services import (
    WorkdayError,
    add_working_days,
    delete_holiday,
    is_working_day,
    next_working_day,
    save_holiday,
    seed_from_package,
    working_days_between,
    year_is_known,
)

pytestmark = pytest.mark.django_db

D = datetime.date
SEEDER = system_actor("test-seed")


@pytest.fixture
def seeded():
    return seed_from_package(SEEDER)


@pytest.fixture
def office(db):
    return make_user("office", "city_office")


def holiday_entries():
    return AuditEntry.objects.filter(model="workdays.holiday")


# --- National Day 2024: Oct 1–7 off; Sun Sep 29 and Sat Oct 12 are make-up working days -------------


def test_national_day_2024_days(seeded):
    assert [is_working_day(D(2024, 10, day)) for day in range(1, 8)] == [False] * 7
    assert is_working_day(D(2024, 9, 29)) and is_working_day(D(2024, 10, 12))
    assert not is_working_day(D(2024, 9, 28))  # an ordinary Saturday
    assert is_working_day(D(2024, 9, 30)) and is_working_day(D(2024, 10, 8))


def test_add_working_days_across_national_day_2024(seeded):
    assert add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)  # Friday → the make-up Sunday
    assert add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)
    assert add_working_days(D(2024, 9, 30), 5) == D(2024, 10, 12)  # Oct 8–11, then the make-up Saturday
    assert add_working_days(D(2024, 10, 8), -1) == D(2024, 9, 30)
    assert add_working_days(D(2024, 10, 8), -2) == D(2024, 9, 29)
    assert add_working_days(D(2024, 10, 3), 0) == D(2024, 10, 3)
    assert next_working_day(D(2024, 10, 1)) == D(2024, 10, 8)
    assert next_working_day(D(2024, 9, 28)) == D(2024, 9, 29)


def test_a_deadline_three_working_days_from_today(seeded):
    # The rule's "3 working days" from the day before the holiday ends after it, not on Oct 3.
    with time_machine.travel(datetime.datetime(2024, 9, 30, 17, 0, tzinfo=timezone.get_current_timezone())):
        today = timezone.localdate()
        assert add_working_days(today, 3) == D(2024, 10, 10)
        assert working_days_between(today, D(2024, 10, 10)) == 3
        assert add_working_days(timezone.now(), 3) == D(2024, 10, 10)  # a moment counts by its local date


def test_working_days_between_national_day_2024(seeded):
    # Sep 29, Sep 30, Oct 8–11 and Oct 12.
    assert working_days_between(D(2024, 9, 27), D(2024, 10, 12)) == 7
    assert working_days_between(D(2024, 10, 12), D(2024, 9, 27)) == -7
    assert working_days_between(D(2024, 10, 1), D(2024, 10, 7)) == 0
    assert working_days_between(D(2024, 10, 5), D(2024, 10, 5)) == 0


# --- Spring Festival 2025: Jan 28–Feb 4 off; Sun Jan 26 and Sat Feb 8 are make-up working days ------


def test_spring_festival_2025(seeded):
    assert is_working_day(D(2025, 1, 26)) and is_working_day(D(2025, 2, 8))
    assert not any(is_working_day(D(2025, 1, 28) + datetime.timedelta(days=i)) for i in range(8))
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert add_working_days(D(2025, 2, 7), 1) == D(2025, 2, 8)
    assert add_working_days(D(2025, 2, 5), -2) == D(2025, 1, 26)
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 9)) == 6  # 1-26, 1-27, 2-5, 2-6, 2-7, 2-8


def test_counting_agrees_with_asking_day_by_day(seeded):
    """working_days_between counts by arithmetic and bisection, add_working_days by stepping: both
    must agree with is_working_day over two whole years of holidays and make-up days."""
    start = D(2023, 12, 25)
    days = [start + datetime.timedelta(days=i) for i in range(800)]
    running = 0
    for day in days[1:]:
        running += is_working_day(day)
        assert working_days_between(start, day) == running, day
    for day in days[::13]:
        for n in (1, 3, 5, 10):
            assert working_days_between(day, add_working_days(day, n)) == n, (day, n)
            if is_working_day(day):
                # Back from a working day: the span (target, day] holds day itself and n - 1 more.
                assert working_days_between(day, add_working_days(day, -n)) == -n, (day, -n)


def test_without_rows_monday_to_friday_work():
    assert not year_is_known(2024)
    assert is_working_day(D(2024, 10, 1))  # a Tuesday, unknown as a holiday without the table
    assert working_days_between(D(2024, 9, 27), D(2024, 10, 12)) == 10
    assert add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 30)


def test_many_questions_cost_one_read(seeded, django_assert_max_num_queries):
    services.invalidate_cache()
    start = D(2024, 1, 1)
    with django_assert_max_num_queries(2):  # the fingerprint and the rows, once
        for i in range(5000):
            day = start + datetime.timedelta(days=i % 700)
            is_working_day(day)
            working_days_between(start, day)
            add_working_days(day, 3)


def test_a_write_behind_the_services_back_is_seen_at_the_recheck(seeded, monkeypatch):
    assert is_working_day(D(2024, 9, 30))
    Holiday.objects.create(date=D(2024, 9, 30), kind=Holiday.Kind.HOLIDAY, name="补休")
    monkeypatch.setattr(services, "RECHECK_SECONDS", 0)
    assert not is_working_day(D(2024, 9, 30))


# --- Years the package does not know: the office's rows -------------------------------------------


def test_office_rows_for_2030(seeded, office):
    assert not year_is_known(2030)
    assert is_working_day(D(2030, 10, 1))
    for day in range(1, 8):
        save_holiday(office, date=D(2030, 10, day), kind=Holiday.Kind.HOLIDAY, name="国庆节")
    save_holiday(office, date=D(2030, 9, 28), kind=Holiday.Kind.WORKDAY, name="国庆节", note="国办发明电")
    assert year_is_known(2030)
    assert not is_working_day(D(2030, 10, 1)) and is_working_day(D(2030, 9, 28))
    assert add_working_days(D(2030, 9, 27), 2) == D(2030, 9, 30)  # Sat 9-28 works, Sun 9-29 does not
    assert next_working_day(D(2030, 9, 30)) == D(2030, 10, 8)
    row = Holiday.objects.get(date=D(2030, 9, 28))
    assert (row.source, row.updated_by, row.note) == (Holiday.Source.OFFICE, office, "国办发明电")
    entry = holiday_entries().filter(object_id=str(row.pk)).get()
    assert (entry.action, entry.actor_id) == ("create", office.pk)


def test_an_office_row_overrides_a_package_row(seeded, office):
    assert not is_working_day(D(2024, 10, 7))
    save_holiday(office, date=D(2024, 10, 7), kind=Holiday.Kind.WORKDAY, name="国庆节", note="本市值守")
    assert is_working_day(D(2024, 10, 7))
    row = Holiday.objects.get(date=D(2024, 10, 7))
    assert row.source == Holiday.Source.OFFICE
    entry = holiday_entries().filter(object_id=str(row.pk), action="update").get()
    assert entry.before["kind"] == "holiday" and entry.after["kind"] == "workday"


# --- Seeding --------------------------------------------------------------------------------------


def test_seeding_adds_every_package_row_with_one_entry_each(seeded):
    assert seeded["added"] == Holiday.objects.count() > 700
    assert (seeded["updated"], seeded["kept"]) == (0, 0)
    assert holiday_entries().filter(action="create").count() == seeded["added"]
    assert set(holiday_entries().values_list("actor_name", flat=True)) == {"system:test-seed"}
    row = Holiday.objects.get(date=D(2024, 10, 1))
    assert (row.kind, row.name, row.source) == ("holiday", "国庆节", "package")
    assert Holiday.objects.get(date=D(2024, 10, 12)).kind == "workday"
    assert all(year_is_known(y) for y in range(2004, 2027)) and not year_is_known(2003)


def test_seeding_twice_changes_nothing(seeded):
    rows = list(Holiday.objects.values_list("date", "kind", "name", "source", "updated_at"))
    entries = AuditEntry.objects.count()
    again = seed_from_package(SEEDER)
    assert again == {"added": 0, "updated": 0, "kept": seeded["added"]}
    assert list(Holiday.objects.values_list("date", "kind", "name", "source", "updated_at")) == rows
    assert AuditEntry.objects.count() == entries


def test_seeding_keeps_office_rows(office):
    save_holiday(office, date=D(2024, 10, 1), kind=Holiday.Kind.WORKDAY, name="应急值守")
    counts = seed_from_package(SEEDER)
    row = Holiday.objects.get(date=D(2024, 10, 1))
    assert (row.kind, row.name, row.source, row.updated_by) == ("workday", "应急值守", "office", office)
    assert counts["kept"] == 1
    assert not holiday_entries().filter(object_id=str(row.pk), actor_name="system:test-seed").exists()
    assert is_working_day(D(2024, 10, 1))


def test_seeding_corrects_a_package_row_that_differs(seeded):
    row = Holiday.objects.get(date=D(2024, 10, 2))
    row.kind, row.name = Holiday.Kind.WORKDAY, "错误"
    row.save()
    counts = seed_from_package(SEEDER)
    assert (counts["added"], counts["updated"]) == (0, 1)
    row.refresh_from_db()
    assert (row.kind, row.name) == ("holiday", "国庆节")
    entry = holiday_entries().filter(object_id=str(row.pk)).latest("id")
    assert (entry.action, entry.before["name"], entry.after["name"]) == ("update", "错误", "国庆节")
    assert not is_working_day(D(2024, 10, 2))


# --- Bad input changes nothing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": D(1999, 12, 31), "kind": "holiday"}, "超出范围"),
        ({"date": D(2101, 1, 1), "kind": "holiday"}, "超出范围"),
        ({"date": D(2030, 10, 1), "kind": "vacation"}, "类型“vacation”无效"),
        ({"date": D(2030, 10, 1), "kind": ""}, "无效"),
        ({"date": None, "kind": "holiday"}, "请填写日期"),
        ({"date": "2030-10-01", "kind": "holiday"}, "请填写日期"),
        ({"date": D(2030, 10, 1), "kind": "holiday", "name": "节" * 51}, "不能超过 50 个字"),
        ({"date": D(2030, 10, 1), "kind": "holiday", "note": "说" * 201}, "不能超过 200 个字"),
    ],
)
def test_bad_input_to_save_holiday_changes_nothing(office, values, message):
    save_holiday(office, date=D(2030, 10, 1), kind="workday", name="原值")
    before = (list(Holiday.objects.values_list("date", "kind", "name", "note")), AuditEntry.objects.count())
    with pytest.raises(WorkdayError) as caught:
        save_holiday(office, **values)
    assert message in caught.value.message and caught.value.status == 422
    assert (
        list(Holiday.objects.values_list("date", "kind", "name", "note")),
        AuditEntry.objects.count(),
    ) == before
    assert is_working_day(D(2030, 10, 1))


# --- Deleting -------------------------------------------------------------------------------------


def test_the_office_deletes_its_own_row(seeded, office):
    save_holiday(office, date=D(2030, 10, 1), kind="holiday", name="国庆节")
    pk = Holiday.objects.get(date=D(2030, 10, 1)).pk
    delete_holiday(office, D(2030, 10, 1))
    assert not Holiday.objects.filter(date=D(2030, 10, 1)).exists()
    assert is_working_day(D(2030, 10, 1)) and not year_is_known(2030)
    entry = holiday_entries().filter(object_id=str(pk), action="delete").get()
    assert entry.actor_id == office.pk


def test_a_package_row_is_corrected_not_deleted(seeded, office):
    entries = AuditEntry.objects.count()
    with pytest.raises(WorkdayError) as caught:
        delete_holiday(office, D(2024, 10, 1))
    assert caught.value.status == 409 and "chinesecalendar" in caught.value.message
    assert Holiday.objects.filter(date=D(2024, 10, 1)).exists() and AuditEntry.objects.count() == entries


def test_deleting_a_date_without_a_row_is_404(office):
    with pytest.raises(WorkdayError) as caught:
        delete_holiday(office, D(2030, 10, 1))
    assert caught.value.status == 404
    with pytest.raises(WorkdayError):
        delete_holiday(office, D(1990, 10, 1))
