"""`anjian risks regrade` as from a shell."""

import datetime
import re

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from anjian import cli
from anjian.core import audit
from anjian.core.models import AuditEntry
from anjian.hazards import services as hazard_services
from anjian.registry.models import Subject

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^regraded (\d+) subjects: (\d+) changed in \d+\.\d s$")


def run_cli(*args):
    """`anjian risks …`: the exit status (0 when it returns normally). The command-line runner closes
    the database connections when it ends, which inside a test would end the test's transaction
    (PostgreSQL), so the closing is held back while it runs."""
    close_all = connections.close_all
    connections.close_all = lambda: None
    try:
        cli.main(["risks", *args])
    except SystemExit as exit_:
        return exit_.code
    finally:
        connections.close_all = close_all
    return 0


def figures(capsys):
    match = LINE.match(capsys.readouterr().out.strip())
    assert match, "unexpected output"
    return int(match[1]), int(match[2])


def test_daily_regrade_catches_a_hazard_gone_overdue(world, capsys):
    assert run_cli("regrade") == 0
    assert figures(capsys) == (3, 3)  # every subject gains its reasons the first time
    assert run_cli("regrade") == 0
    assert figures(capsys) == (3, 0)
    ent_a = world.subjects["ent_a"]
    audit.update(Subject.objects.filter(pk=ent_a.pk), risk_grade="blue")
    hazard = hazard_services.report_hazard(world.users["inspector"], ent_a.pk, "安全出口锁闭")
    hazard_services.transition(
        world.users["inspector"],
        hazard.pk,
        "assign",
        deadline=timezone.localdate() + datetime.timedelta(days=1),
        responsible_person="赵敏",
    )
    assert Subject.objects.get(pk=ent_a.pk).dynamic_grade == "blue"
    logged = AuditEntry.objects.filter(action="bulk").count()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert run_cli("regrade", "--subject", str(world.subjects["ent_b"].pk)) == 0
        assert figures(capsys) == (1, 0)
        assert run_cli("regrade") == 0
        assert figures(capsys) == (3, 1)
    subject = Subject.objects.get(pk=ent_a.pk)
    assert subject.dynamic_grade == "yellow" and subject.grade_reasons[1]["code"] == "overdue_hazard"
    entry = AuditEntry.objects.filter(action="bulk").latest("id")
    assert AuditEntry.objects.filter(action="bulk").count() == logged + 1
    assert entry.model == "registry.subject" and entry.after == {"subjects": "all", "subjects_regraded": 1}


def test_several_subjects_and_unknown_ids(world, capsys):
    ids = [str(world.subjects[key].pk) for key in ("ent_a", "ent_b")]
    assert run_cli("regrade", "--subject", ids[0], "--subject", ids[1]) == 0
    assert figures(capsys) == (2, 2)
    assert Subject.objects.get(pk=world.subjects["ent_c"].pk).grade_reasons == []
    assert run_cli("regrade", "--subject", "999999") == 1
    assert "no subject with id 999999" in capsys.readouterr().err


def test_an_action_is_required(world, capsys):
    assert run_cli() != 0
    assert run_cli("recompute") != 0
