"""`anjian plan parse FILE [--json]`: through call_command and through the `anjian` entry point, with
and without an organisation in the database; a bad file exits 1 with its message."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from anjian import cli
from anjian.org.models import Unit

from .parsing_helpers import PLANS

SEED_PATH = PLANS / "data" / "2023-wenling-work-safety-priorities.txt"
pytestmark = pytest.mark.django_db


def run_cli(*args):
    """The exit status of `anjian plan …` as from a shell. The command closes the database connections
    when it ends; inside a test that would end the test's transaction, so that is held back."""
    close_all = connections.close_all
    connections.close_all = lambda: None
    try:
        cli.main(["plan", *args])
    except SystemExit as exit_:
        return exit_.code
    finally:
        connections.close_all = close_all
    return 0


def parse_json(*args):
    out = io.StringIO()
    call_command("plan", "parse", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def units_of(data):
    stack, found = list(data["nodes"]), []
    while stack:
        node = stack.pop()
        found += node["units"]
        stack += node["children"]
    return found


def test_json_without_an_organisation_has_null_unit_ids():
    assert not Unit.objects.exists()
    data = parse_json(str(SEED_PATH))
    assert data["title"] == "2023年温岭市安全生产工作要点" and data["year"] == 2023
    assert len(data["nodes"]) == 5 and all(u["unit_id"] is None for u in units_of(data))


def test_json_with_the_organisation_matches_units(world):
    units = units_of(parse_json(str(SEED_PATH)))
    office = Unit.objects.get(name="市安委办").pk
    assert office in {u["unit_id"] for u in units}
    assert any(u["expanded"] for u in units) and any(u["inherited"] for u in units)


def test_json_is_utf8_and_indented(capsys):
    assert run_cli("parse", str(SEED_PATH), "--json") == 0
    out = capsys.readouterr().out
    assert '\n  "title": "2023年温岭市安全生产工作要点"' in out and "\\u" not in out
    assert json.loads(out)["nodes"][3]["children"][3]["children"][1]["targets"][0]["quantity"] == 95


def test_outline_without_json(capsys):
    assert run_cli("parse", str(SEED_PATH)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2023年温岭市安全生产工作要点（2023）"
    assert "    二是 涉海涉渔领域。" in lines
    assert any("指标：高质量培育建设安全示范渔船 95艘" in line for line in lines)
    assert any(line.strip().startswith("未归入任务的文字") for line in lines)


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("empty.txt", b"", "是空的"),
        ("notes.txt", "会议纪要。".encode(), "不是工作要点"),
        ("bad.docx", b"xx", ".docx"),
    ],
)
def test_a_bad_file_exits_1_with_the_message(tmp_path, capsys, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    assert run_cli("parse", str(path), "--json") == 1
    captured = capsys.readouterr()
    assert words in captured.err and captured.out == ""
    with pytest.raises(CommandError, match=words):
        call_command("plan", "parse", str(path))


def test_a_missing_file(tmp_path, capsys):
    assert run_cli("parse", str(tmp_path / "nowhere.txt")) == 1
    assert "无法读取文件" in capsys.readouterr().err
