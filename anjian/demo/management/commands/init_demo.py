"""`anjian init-demo`: migrate if needed, then build or top up the demo data set."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from anjian.demo.build import DEFAULT_HAZARDS, DEFAULT_SUBJECTS, build_demo

from .logins import print_table


class Command(BaseCommand):
    help = "构建演示数据库（真实组织机构、各角色演示账号、合成企业和隐患）；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enterprises",
            type=int,
            default=DEFAULT_SUBJECTS,
            help=f"合成监管对象数量（企业、场所、设备、船舶等），默认 {DEFAULT_SUBJECTS}",
        )
        parser.add_argument(
            "--hazards", type=int, default=DEFAULT_HAZARDS, help=f"合成隐患数量，默认 {DEFAULT_HAZARDS}"
        )
        parser.add_argument("--no-logins", action="store_true", help="结束时不打印演示账号")

    def handle(self, *args, enterprises, hazards, no_logins, **options):
        if enterprises < 1 or hazards < 0:
            raise CommandError("--enterprises 须至少为 1，--hazards 不能为负数")
        started = time.monotonic()
        if self._needs_migrating():
            self.stdout.write("正在迁移数据库…")
            call_command("migrate", interactive=False, verbosity=0)
        progress = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        added = build_demo(enterprises, hazards, progress=progress)
        elapsed = time.monotonic() - started
        if not any(added.values()):
            progress("演示数据已存在，未重复创建。")
        progress(f"完成，用时 {elapsed:.1f} 秒。")
        if not no_logins and options["verbosity"] > 0:
            self.stdout.write("")
            print_table(self.stdout)

    def _needs_migrating(self):
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
