"""The reminders benchmark prints its two lines in the agreed format, its raw SQL selects the hazards
the sweep selects, and the throughput runs leave no notification behind. Nothing is timed here."""

import re

import pytest
from django.utils import timezone

from anjian.notifications.models import Notification
from anjian.workdays import services as workdays
from bench import generate, overdue

TEST_SCALE = generate.Scale("test", 300, 3_000)
SELECT_LINE = re.compile(r"^overdue_select ratio \d+\.\d\d \(app \d+\.\d ms, raw \d+\.\d ms\)$")
NOTIFY_LINE = re.compile(
    r"^notify_inapp ratio \d+\.\d\d \(notify \d+\.\d ms, insert \d+\.\d ms\) \d+ notifications/s$"
)


@pytest.fixture
def dataset(db):
    workdays.invalidate_cache()
    yield generate.build(TEST_SCALE, progress=lambda message: None)
    workdays.invalidate_cache()


def test_prints_two_lines_selects_like_the_raw_sql_and_rolls_back(dataset):
    lines = []
    results = overdue.run(repeat=1, out=lines.append, notifications=200)
    assert len(lines) == 2 and SELECT_LINE.match(lines[0]) and NOTIFY_LINE.match(lines[1]), lines
    assert results["overdue_select"]["mismatches"] == 0
    assert results["notify_inapp"]["notifications"] == 200
    assert results["notify_inapp"]["left_behind"] == 0 and not Notification.objects.exists()
    assert len(overdue.ensure_recipients()) == 5  # created once


def test_the_selection_finds_both_kinds_and_a_difference_is_counted(dataset):
    overdue.ensure_calendar()
    today = timezone.localdate()
    app = overdue.app_select(today, 3)
    due, late = app
    assert due and late  # the data set has hazards in both windows
    assert all(today <= row.deadline for row in due) and all(row.deadline < today for row in late)
    raw = overdue.raw_select(overdue.windows(today, 3))
    assert overdue.mismatches(app, raw) == 0
    assert overdue.mismatches(app, [raw[0][1:], raw[1]]) == 1


def test_only_selects(dataset):
    assert overdue.run(repeat=1, out=lambda line: None, only="hazard_list") == {}
    assert set(overdue.run(repeat=1, out=lambda line: None, only="notify", notifications=10)) == {
        "notify_inapp"
    }
