"""`anjian workdays seed` and `anjian workdays list [--year Y]`: the holiday table from a shell.

`seed` copies chinesecalendar's holidays and make-up working days into the table (office rows are
kept) and prints e.g. `seeded from chinesecalendar: 771 added, 0 updated, 0 kept`; run it after
upgrading the package. `list` prints a year's rows (the current year by default) and warns when the
table knows nothing of that year.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anjian.core.context import system_actor
from anjian.workdays import services
from anjian.workdays.models import Holiday

ACTOR = system_actor("workdays")
WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = (
        "The holiday table: seed it from chinesecalendar, or list a year's days off and make-up working days."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="seed|list")
        actions.add_parser("seed", help="copy chinesecalendar's rows into the table (office rows are kept)")
        listing = actions.add_parser("list", help="print a year's rows")
        listing.add_argument("--year", type=int, help="the year (default: this year)")

    def handle(self, *args, action, **options):
        if action == "seed":
            return self._seed()
        return self._list(options.get("year") or timezone.localdate().year)

    def _seed(self):
        counts = services.seed_from_package(ACTOR)
        self.stdout.write(
            "seeded from chinesecalendar: {added} added, {updated} updated, {kept} kept".format(**counts)
        )

    def _list(self, year):
        if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
            raise CommandError(f"year {year} is outside {services.FIRST_YEAR}–{services.LAST_YEAR}")
        rows = Holiday.objects.filter(date__year=year)
        for row in rows:
            weekday = WEEKDAYS[row.date.weekday()]
            self.stdout.write(f"{row.date:%Y-%m-%d} 周{weekday} {row.kind:<8} {row.source:<8} {row.name}")
        self.stdout.write(f"{len(rows)} rows in {year}")
        if not services.year_is_known(year):
            self.stderr.write(
                f"warning: the table has no rows for {year}; enter them from the State Council notice"
            )
