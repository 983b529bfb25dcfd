"""`anjian bench --scale small|city`: build (once) the benchmark's own database and time the app
against raw SQL.

The benchmark never touches the configured database (DATABASE_URL): each scale lives in its own
database, by default var/bench-<scale>.sqlite3 (under ANJIAN_VAR_DIR when set; the directory is
created on a fresh checkout, and the path is printed), and is measured in a child process whose
DATABASE_URL points there. `--scale city` first runs small as well, then prints how the list time grew.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.run import OUT_DIR, scaling_lines

ROOT = Path(__file__).resolve().parent.parent
OTHER_DATA = 3  # exit code of bench.run when the database holds something else


def default_url(scale):
    return f"sqlite:///{Path(settings.VAR_DIR) / f'bench-{scale}.sqlite3'}"


class Command(BaseCommand):
    help = "Time the hazard list and dashboard against raw SQL on a synthetic city-scale data set."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city"], default="small")
        parser.add_argument("--repeat", type=int, default=9, help="timed repetitions per measurement")
        parser.add_argument(
            "--database-url",
            default="",
            help="where the data sets live; {scale} is replaced by the scale "
            "(default: sqlite:///var/bench-{scale}.sqlite3)",
        )

    def handle(self, *args, scale, repeat, database_url, **options):
        scales = ["small", "city"] if scale == "city" else ["small"]
        for name in scales:
            url = database_url.replace("{scale}", name) if database_url else default_url(name)
            self.run_scale(name, url, repeat)
        if scale == "city":
            small, city = (self.load(name) for name in ("small", "city"))
            for line in scaling_lines(city, small):
                self.stdout.write(line)

    def run_scale(self, scale, url, repeat):
        self.stderr.write(f"bench {scale}: database {prepare_database(url)}")
        code = self.child(scale, url, repeat)
        if code == OTHER_DATA and url == default_url(scale):
            # Our own file, built by another version of the generator or interrupted: start afresh.
            self.stderr.write(f"bench {scale}: rebuilding {url}")
            remove_sqlite(url)
            code = self.child(scale, url, repeat)
        if code != 0:
            raise CommandError(f"bench {scale} failed (exit {code}); database {url}")

    def child(self, scale, url, repeat):
        # The child imports bench from this checkout even when the installed package maps only anjian.
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "PYTHONPATH": path}
        command = [sys.executable, "-m", "bench.run", "--scale", scale, "--repeat", str(repeat)]
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
            for line in process.stdout:
                self.stdout.write(line.rstrip("\n"))
        return process.returncode

    def load(self, scale):
        return json.loads((OUT_DIR / f"{scale}.json").read_text(encoding="utf-8"))


def sqlite_path(url):
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def prepare_database(url):
    """Make sure the data set can be created at `url` and return where that is, for the log. SQLite
    creates a missing file but not its directory ("unable to open database file" on a checkout
    without var/); any other database must exist already, as DATABASE_URL's does."""
    path = sqlite_path(url)
    if path is None:
        return url
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path.resolve())


def remove_sqlite(url):
    path = sqlite_path(url)
    if path is None:
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
