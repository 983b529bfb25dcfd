"""`anjian scheduler`: run the registered periodic jobs when they are due (anjian.jobs.scheduler).

anjian scheduler              loop for ever (systemd: anjian-scheduler.service)
anjian scheduler --once       run what is due now and exit (cron, tests)
anjian scheduler --list       the jobs, their schedules and next runs
anjian scheduler --run NAME   run one job now, whatever its schedule
--now 2026-12-04T02:15        the moment to take as now (tests; local time when no offset)
"""

import signal
import threading
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anjian.jobs import scheduler
from anjian.jobs.registry import autodiscover

# The longest the loop sleeps: a job registered or re-timed meanwhile waits no longer than this.
MAX_SLEEP = 30.0


def parse_now(text):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now 的时间格式无法识别：{text}（示例：2026-12-04T02:15）") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def every_text(every):
    """ "每 15 分钟", "每 1 小时", "每 1 天", or seconds when the interval is not a whole unit."""
    seconds = int(every.total_seconds())
    for size, unit in ((86400, "天"), (3600, "小时"), (60, "分钟")):
        if seconds % size == 0:
            return f"每 {seconds // size} {unit}"
    return f"每 {seconds} 秒"


class Command(BaseCommand):
    help = "运行定时作业（逾期提醒、摘要、夜间复核等）；--once 执行到期作业后退出。"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--once", action="store_true", help="执行当前到期的作业后退出")
        group.add_argument("--list", action="store_true", dest="show", help="列出作业及下次运行时间")
        group.add_argument("--run", metavar="NAME", default="", help="立即运行指定作业（不论是否到期）")
        parser.add_argument("--now", default="", help="把这个时刻当作现在（ISO 格式，用于测试）")

    def handle(self, *args, once, show, run, now, **options):
        moment = parse_now(now) if now else None
        if show:
            return self._list(moment or timezone.now())
        if run:
            return self._run_one(run, moment)
        if once:
            return self._report(scheduler.tick(moment))
        self._loop()

    def _list(self, now):
        specs = autodiscover()
        rows = scheduler.sync_rows(specs, now)
        for name, spec in specs.items():
            row = rows[name]
            schedule = f"cron {spec.cron}" if spec.cron else every_text(spec.every)
            last = (
                f"{row.get_last_status_display()} {timezone.localtime(row.last_finished_at):%Y-%m-%d %H:%M}"
                if row.last_finished_at
                else "未运行"
            )
            self.stdout.write(
                f"{name}\t{schedule}\t下次 {timezone.localtime(row.next_run_at):%Y-%m-%d %H:%M:%S}\t上次 {last}\t{spec.description}"
            )

    def _run_one(self, name, moment):
        outcome = scheduler.run_now(name, moment)
        if outcome is None:
            known = "、".join(autodiscover()) or "（无）"
            raise CommandError(f"没有名为 {name} 的定时作业。已登记：{known}")
        self._report([outcome])
        if not outcome.ok:
            raise CommandError(f"{name} 运行出错：{outcome.error}")

    def _report(self, outcomes):
        for outcome in outcomes:
            status = "成功" if outcome.ok else f"出错：{outcome.error}"
            self.stdout.write(f"{outcome.name}：{status}")

    def _loop(self):
        stop = threading.Event()
        # SIGTERM (systemd stop) lets the running job finish: it exits between ticks.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        self.stdout.write("定时作业调度已启动（Ctrl-C 停止）")
        while not stop.is_set():
            self._report(scheduler.tick())
            wait = scheduler.seconds_until_due(timezone.now())
            stop.wait(MAX_SLEEP if wait is None else min(MAX_SLEEP, max(1.0, wait)))
        self.stdout.write("定时作业调度已停止")
