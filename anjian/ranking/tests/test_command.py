"""`anjian ranking compute YYYY-MM [--publish] [--reason …]` as from a shell."""

import re

import pytest
from django.db import connections

from anjian import cli
from anjian.ranking.models import RankingRun

from . import data

pytestmark = pytest.mark.django_db

LINE = re.compile(
    r"^ranked 2025-09 v(\d) \(draft\): 17 towns in \d+\.\d s; first \S+ [\d.]+, last 大溪镇 [\d.]+$"
)


def run_cli(*args):
    """The exit status (0 when it returns normally). The command-line runner closes the database
    connections when it ends, which inside a test would end the test's transaction (PostgreSQL), so
    the closing is held back while it runs."""
    close_all = connections.close_all
    connections.close_all = lambda: None
    try:
        cli.main(["ranking", *args])
    except SystemExit as exit_:
        return exit_.code
    finally:
        connections.close_all = close_all
    return 0


def test_compute_publish_and_rerun(world, capsys):
    data.build(world)
    assert run_cli("compute", "2025-09") == 0
    assert LINE.match(capsys.readouterr().out.strip())
    assert run_cli("compute", "2025-09", "--publish") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert LINE.match(lines[0])[1] == "2" and lines[1] == "published 2025-09 v2"
    assert run_cli("compute", "2025-09", "--publish") == 1
    assert "重新计算须填写原因" in capsys.readouterr().err
    assert RankingRun.objects.count() == 2
    assert run_cli("compute", "2025-09", "--publish", "--reason", "补录事故", "--user", "city") == 0
    assert capsys.readouterr().out.strip().endswith("published 2025-09 v3")
    runs = dict(RankingRun.objects.values_list("version", "status"))
    assert runs == {1: "draft", 2: "superseded", 3: "published"}
    assert RankingRun.objects.get(version=3).published_by == world.users["city"]


def test_refusals(world, capsys):
    assert run_cli("compute", "2999-01") == 1
    assert "月份尚未结束" in capsys.readouterr().err
    assert run_cli("compute", "2025-13") == 1
    assert "month must be YYYY-MM" in capsys.readouterr().err
    assert run_cli("compute", "2025-09", "--user", "town_a") == 1
    assert "只有市安委办" in capsys.readouterr().err
    assert run_cli("compute", "2025-09", "--user", "nobody") == 1
    assert run_cli() != 0
    assert not RankingRun.objects.exists()
