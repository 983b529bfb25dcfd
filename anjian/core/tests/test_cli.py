"""The `anjian` command line, run as a user runs it: a separate process on its own SQLite file."""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from anjian.demo.accounts import DEMO_PASSWORD
from anjian.org.models import Role

ROOT = Path(__file__).resolve().parents[3]
# Settings the child must take from the test, never from whoever runs the suite.
SETTINGS_VARS = (
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "ANJIAN_VAR_DIR",
    "DEBUG",
    "SECRET_KEY",
    "STATIC_ROOT",
)


def environment(var_dir):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARS}
    env.update(ANJIAN_VAR_DIR=str(var_dir), DATABASE_URL=f"sqlite:///{var_dir / 'demo.sqlite3'}")
    return env


def anjian(var_dir, *args, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "anjian.cli", *args],
        cwd=ROOT,
        env=environment(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A small demo database built once by `anjian init-demo` (hyphenated, as documented)."""
    var_dir = tmp_path_factory.mktemp("cli")
    result = anjian(var_dir, "init-demo", "--enterprises", "40", "--hazards", "150")
    assert "city_office" in result.stdout and DEMO_PASSWORD in result.stdout
    return var_dir


def copy_of(var_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(var_dir, copy)
    return copy


def test_init_demo_a_second_time_adds_nothing(demo_dir, tmp_path):
    var_dir = copy_of(demo_dir, tmp_path)
    result = anjian(var_dir, "init-demo", "--enterprises", "40", "--hazards", "150", "--no-logins")
    assert "未重复创建" in result.stdout


def test_logins_json_names_every_role(demo_dir):
    rows = json.loads(anjian(demo_dir, "logins", "--json").stdout)
    assert {row["role"] for row in rows} == set(Role.values)
    for row in rows:
        assert {"username", "password", "role", "scope"} <= row.keys()
        assert row["password"] == DEMO_PASSWORD and row["username"] and row["scope"]


def test_logins_table(demo_dir):
    output = anjian(demo_dir, "logins").stdout
    assert "zeguo_town" in output and "泽国镇" in output


def test_audit_verify_passes_then_fails_on_a_tampered_entry(demo_dir, tmp_path):
    result = anjian(demo_dir, "audit", "verify")
    assert result.stdout.startswith("OK: ") and result.stdout.strip().endswith(" entries")
    var_dir = copy_of(demo_dir, tmp_path)
    with sqlite3.connect(var_dir / "demo.sqlite3") as db:
        (target,) = db.execute("SELECT id FROM core_auditentry ORDER BY id LIMIT 1 OFFSET 10").fetchone()
        db.execute('UPDATE core_auditentry SET after = \'{"name": "x"}\' WHERE id = ?', (target,))
    db.close()
    result = anjian(var_dir, "audit", "verify", check=False)
    assert result.returncode == 1
    assert f"entry #{target}:" in result.stderr


def test_django_commands_pass_through(demo_dir):
    assert "no issues" in anjian(demo_dir, "check").stdout
    assert "--enterprises" in anjian(demo_dir, "help", "init-demo").stdout
    result = anjian(demo_dir, "no-such-command", check=False)
    assert result.returncode != 0 and "Unknown command" in result.stderr


def test_bench_is_reachable(demo_dir):
    assert "--scale" in anjian(demo_dir, "bench", "--help").stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_on_the_given_port(demo_dir):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "anjian.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=environment(demo_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while status is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
                    status = response.status
            except OSError:
                time.sleep(0.3)
        assert status == 200, process.stdout.read() if process.poll() is not None else "no answer"
        children = children_of(process.pid)
        assert len(children) == 2  # the worker and the scheduler
    finally:
        process.terminate()
        process.wait(timeout=30)
    # SIGTERM stopped them with the server (they used to be left running, orphaned).
    leftover = [pid for pid in children if alive(pid)]
    for pid in leftover:
        os.kill(pid, signal.SIGKILL)
    assert not leftover


def _stat(pid):
    """(state, parent pid) of a process from /proc, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def children_of(parent):
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    return [pid for pid in pids if (_stat(pid) or (None, None))[1] == parent]


def alive(pid):
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"
