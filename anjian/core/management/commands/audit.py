"""`anjian audit verify`: walk the hash-chained change log and report the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from anjian.core.audit import ChainBroken, verify_chain


class Command(BaseCommand):
    help = "变更日志工具。verify：校验哈希链，发现被修改或删除的条目时以非零状态退出。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify}")
        actions.add_parser("verify", help="校验变更日志的哈希链")

    def handle(self, *args, action, **options):
        if action == "verify":
            try:
                count = verify_chain()
            except ChainBroken as broken:
                raise CommandError(f"audit chain broken: {broken}", returncode=1) from None
            self.stdout.write(f"OK: {count} entries")
