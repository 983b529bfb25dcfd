"""`anjian workdays seed` and `anjian workdays list` as from a shell."""

import datetime
import re

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from anjian import cli
from anjian.core.context import system_actor
from anjian.core.models import AuditEntry
from anjian.workdays.models import Holiday
from anjian.workdays.services import save_holiday

pytestmark = pytest.mark.django_db

SEEDED = re.compile(r"^seeded from chinesecalendar: (\d+) added, (\d+) updated, (\d+) kept$")


def run_cli(*args):
    """`anjian workdays …`: the exit status. The command-line runner closes the database connections
    when it ends, which inside a test would end the test's transaction (PostgreSQL), so the closing
    is held back while it runs."""
    close_all = connections.close_all
    connections.close_all = lambda: None
    try:
        cli.main(["workdays", *args])
    except SystemExit as exit_:
        return exit_.code
    finally:
        connections.close_all = close_all
    return 0


def seeded_counts(capsys):
    match = SEEDED.match(capsys.readouterr().out.strip())
    assert match, "unexpected output"
    return tuple(map(int, match.groups()))


def test_seed_then_seed_again(capsys):
    assert run_cli("seed") == 0
    added, updated, kept = seeded_counts(capsys)
    assert added == Holiday.objects.count() > 700 and (updated, kept) == (0, 0)
    entries = AuditEntry.objects.filter(model="workdays.holiday")
    assert set(entries.values_list("actor_name", flat=True)) == {"system:workdays"}
    count = AuditEntry.objects.count()
    assert run_cli("seed") == 0
    assert seeded_counts(capsys) == (0, 0, added)
    assert AuditEntry.objects.count() == count


def test_list_a_known_year(capsys):
    run_cli("seed")
    capsys.readouterr()
    assert run_cli("list", "--year", "2024") == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert "2024-10-01 周二 holiday  package  国庆节" in lines
    assert "2024-10-12 周六 workday  package  国庆节" in lines
    assert lines[-1] == f"{Holiday.objects.filter(date__year=2024).count()} rows in 2024"
    assert "warning" not in out.err


def test_list_defaults_to_this_year_and_warns_of_an_unknown_one(capsys):
    save_holiday(system_actor("test"), date=datetime.date(2030, 10, 1), kind="holiday", name="国庆节")
    with time_machine.travel(datetime.datetime(2031, 3, 1, 9, 0, tzinfo=timezone.get_current_timezone())):
        assert run_cli("list") == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["0 rows in 2031"]
    assert "no rows for 2031" in out.err
    assert run_cli("list", "--year", "2030") == 0
    assert "2030-10-01 周二 holiday  office   国庆节" in capsys.readouterr().out


def test_list_refuses_a_year_out_of_range(capsys):
    assert run_cli("list", "--year", "1900") != 0
    assert "outside 2000–2100" in capsys.readouterr().err
