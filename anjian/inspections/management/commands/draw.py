"""`anjian draw verify ID` / `anjian draw verify --all`: re-run draws from their revealed seeds.

One line per draw: `<id> <plan> OK|MISMATCH|PENDING <why>`. Exit status 1 when any draw's hashes
or stored result do not match; a draw committed but not yet made prints PENDING and passes (unless
its frozen pool already differs from the published hash, which is a mismatch).
"""

from django.core.management.base import BaseCommand, CommandError

from anjian.inspections.models import Draw
from anjian.inspections.services_draw import verify_draw


class Command(BaseCommand):
    help = "Re-run double-random draws from their revealed seeds and compare with the stored results."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="verify")
        verify = actions.add_parser("verify", help="re-run draws and compare")
        verify.add_argument("ids", nargs="*", type=int, metavar="ID")
        verify.add_argument("--all", action="store_true", dest="every", help="every draw")

    def handle(self, *args, action, ids, every, **options):
        if every == bool(ids):
            raise CommandError("give draw ids or --all (not both)")
        draws = Draw.objects.select_related("plan").order_by("id")
        if not every:
            missing = set(ids) - set(draws.filter(pk__in=ids).values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no draw with id {', '.join(map(str, sorted(missing)))}")
            draws = draws.filter(pk__in=ids)
        failed = 0
        for draw in draws.iterator(chunk_size=50):
            ok, message = verify_draw(draw)
            if not ok:
                word = "MISMATCH"
                failed += 1
            else:
                word = "OK" if draw.status == Draw.Status.DRAWN else "PENDING"
            self.stdout.write(f"{draw.pk} {draw.plan.name} {word} {message}")
        if failed:
            raise CommandError(f"{failed} draw(s) do not match", returncode=1)
