"""`anjian ranking compute YYYY-MM [--publish] [--reason TEXT] [--user USERNAME]`: the monthly run.

Run on the first days of a month (cron or a systemd timer) for the month just ended. Prints the
version, the time it took and the first and last towns, e.g.
`ranked 2026-10 v1 (draft): 17 towns in 1.2 s; first 泽国镇 93.12, last 大溪镇 61.40`, and
`published 2026-10 v1` with --publish. Without --user it acts as the system (the server's shell);
with it, as that user, who must be allowed to manage the ranking. A refusal (month not ended, a
published month without --reason, a wrong scheme) exits 1 with the Chinese message, saving nothing.
"""

import datetime
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from anjian.ranking import services


def month_arg(text):
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"month must be YYYY-MM, not {text!r}") from None


class Command(BaseCommand):
    help = "Compute (and optionally publish) the monthly ranking of towns."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="compute")
        compute = actions.add_parser("compute", help="compute a month's ranking as a new version")
        compute.add_argument("month", help="the month, YYYY-MM")
        compute.add_argument("--publish", action="store_true", help="publish the new version")
        compute.add_argument("--reason", default="", help="why the month is computed again")
        compute.add_argument("--user", default="", help="act as this user (default: the system)")

    def handle(self, *args, action, month, publish, reason, user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user {user!r}")
        start = time.perf_counter()
        try:
            with transaction.atomic():  # computed and published, or neither
                run = services.compute_run(actor, month_arg(month), reason)
                if publish:
                    run = services.publish(actor, run)
        except services.RankingError as exc:
            raise CommandError(exc.message) from None
        seconds = time.perf_counter() - start
        scores = list(run.scores.select_related("town").order_by("rank", "town__path"))
        summary = f"ranked {run.month:%Y-%m} v{run.version} (draft): {len(scores)} towns in {seconds:.1f} s"
        if scores:
            first, last = scores[0], scores[-1]
            summary += f"; first {first.town.name} {first.score}, last {last.town.name} {last.score}"
        self.stdout.write(summary)
        if publish:
            self.stdout.write(f"published {run.month:%Y-%m} v{run.version}")
