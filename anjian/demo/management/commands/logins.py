"""`anjian logins [--json]`: the demo accounts, read from the database, with the demo password."""

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from anjian.demo.accounts import logins
from anjian.org.models import Role

HEADERS = {"role": "角色", "username": "用户名", "password": "密码", "scope": "范围"}


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、角色、范围）；--json 输出 JSON 列表。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 列表输出")

    def handle(self, *args, **options):
        rows = logins()
        if not rows:
            raise CommandError("数据库中没有演示账号：请先运行 anjian init-demo")
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            print_table(self.stdout, rows)


def print_table(out, rows=None):
    rows = logins() if rows is None else rows
    table = [list(HEADERS.values())]
    for row in rows:
        role = f"{Role(row['role']).label}（{row['role']}）"
        table.append([role, row["username"], row["password"], row["scope"]])
    widths = [max(_width(line[i]) for line in table) for i in range(len(HEADERS))]
    out.write("演示账号（登录 http://127.0.0.1:8000/ ）：")
    for line in table:
        out.write(
            "  " + "  ".join(_pad(cell, width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


def _width(text):
    # CJK characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _pad(text, width):
    return str(text) + " " * (width - _width(text))
