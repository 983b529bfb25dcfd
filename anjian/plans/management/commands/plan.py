"""`anjian plan parse FILE [--json]`: what the parser reads in a work plan, without storing anything.

With --json it prints ParseResult.to_json() (docs/plans.md); without, a readable outline. Units are
matched against the database's organisation when it has one; otherwise unit_id stays null.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from anjian.org.models import Unit
from anjian.plans.parsing import parse_plan, read_document
from anjian.plans.units import UnitMatcher

ROLE_NAMES = {"lead": "牵头", "cooperate": "配合", "share": "分工负责"}
INDENT = {"chapter": "", "item": "  ", "point": "    "}


class Command(BaseCommand):
    help = "工作要点：解析文件（anjian plan parse FILE [--json]），不写入数据库"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        parse = actions.add_parser("parse", help="解析 .txt / .docx 工作要点并输出任务树")
        parse.add_argument("file", help="工作要点文件（.txt 或 .docx）")
        parse.add_argument("--json", action="store_true", help="输出 JSON（docs/plans.md 的格式）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError:
            raise CommandError(f"无法读取文件“{path}”：文件不存在或没有读取权限") from None
        try:
            result = parse_plan(read_document(path.name, data), matcher=_matcher())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(outline(result)))


def _matcher():
    """A UnitMatcher when the database holds units; None (unit_id null) when it has none or there is
    no usable database."""

    try:
        return UnitMatcher() if Unit.objects.exists() else None
    except DatabaseError:
        return None


def outline(result):
    """The parse as indented lines: number, title, units with roles, targets, then what was unplaced."""
    lines = [f"{result.title or '（未识别标题）'}（{result.year or '年度未识别'}）"]
    for node in result.walk():
        pad = INDENT[node.level]
        lines.append(f"{pad}{node.number} {node.title}")
        own = [u for u in node.units if not u.inherited]
        if own:
            lines.append(f"{pad}  责任单位：{_units(own)}")
        elif node.units:
            lines.append(f"{pad}  责任单位（沿用上级）：{_units(node.units)}")
        for target in node.targets:
            figure = f"{target.quantity:g}{target.unit}"
            extra = "，".join(part for part in (target.comparison, target.deadline) if part)
            lines.append(f"{pad}  指标：{target.what} {figure}" + (f"（{extra}）" if extra else ""))
        for rule in node.rules:
            lines.append(f"{pad}  频次要求：{rule.text}")
    if result.unplaced:
        lines.append(f"未归入任务的文字：{len(result.unplaced)} 段")
        lines += [f"  {piece.text[:60]}" for piece in result.unplaced]
    return lines


def _units(units):
    """Names with roles, a group name once with the number of units it stands for."""
    parts, seen = [], {}
    for unit in units:
        key = (unit.name, unit.role)
        seen[key] = seen.get(key, 0) + 1
    for (name, role), count in seen.items():
        suffix = f"×{count}" if count > 1 else ""
        mark = "" if count > 1 or any(u.unit_id for u in units if u.name == name) else "？"
        parts.append(f"{name}{suffix}{mark}（{ROLE_NAMES.get(role, role)}）")
    return "、".join(parts)
