"""`anjian serve [--host H] [--port N]`: serve the demo site (default http://127.0.0.1:8000).

The demo needs no web server of its own: Django's server without the auto-reloader, with static
files collected once and served by WhiteNoise (or by `--insecure` when they are not collected).
Production runs the WSGI application behind a real server (docs/deployment.md).

Beside the web server it starts `anjian worker` (background tasks: long exports, sending messages)
and `anjian scheduler` (reminders, digests, nightly jobs) as child processes that stop with it, so the
demo tells people as production does; `--no-background` leaves them out.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动演示网站（默认 http://127.0.0.1:8000）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
        parser.add_argument("--no-background", action="store_true", help="不启动后台任务进程和定时作业调度")

    def handle(self, *args, host, port, no_background=False, **options):
        collect_static_if_needed(self.stdout)
        children = [] if no_background else start_background()
        # SIGTERM (kill, systemd, a terminal closing) ends the server through `finally` as Ctrl-C
        # does; Python's default would exit at once and leave the worker and scheduler running.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        self.stdout.write(f"安监平台演示：http://{host}:{port}/  （Ctrl-C 停止；账号见 anjian logins）")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True)
        finally:
            stop_background(children)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def start_background():
    """The worker and the scheduler as child processes (with ANJIAN_TASKS_BACKEND=immediate tasks run
    inside the web server itself, so there is no worker)."""
    commands = (
        [["scheduler"]] if settings.ANJIAN_TASKS_BACKEND == "immediate" else [["worker"], ["scheduler"]]
    )
    return [
        subprocess.Popen([sys.executable, "-m", "anjian.cli", *args], env=os.environ.copy())
        for args in commands
    ]


def stop_background(children):
    for child in children:
        child.terminate()  # SIGTERM: the worker finishes its task, the scheduler its run
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def collect_static_if_needed(out):
    """Collect static files once: only when front-end assets are installed and nothing is collected."""
    vendor = Path(settings.BASE_DIR) / "static" / "vendor"
    root = Path(settings.STATIC_ROOT)
    if not vendor.is_dir() or (root.is_dir() and any(root.iterdir())):
        return False
    out.write("正在收集静态文件…")
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
