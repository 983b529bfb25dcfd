"""`anjian risks regrade [--subject ID …]`: re-grade subjects under the policy in force.

Run daily (cron or a systemd timer): a hazard becomes overdue by the calendar, with no service call
to re-grade its subject. Prints how many subjects changed grade or reasons
and how long it took, e.g. `regraded 40000 subjects: 12 changed in 3.4 s`.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from anjian.core.audit import record
from anjian.core.context import system_actor
from anjian.registry.models import Subject
from anjian.risks.grading import regrade_subjects

ACTOR = system_actor("risks-regrade")


class Command(BaseCommand):
    help = "Re-grade subjects (risk grade, dynamic grade and reasons) under the grading policy in force."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="regrade")
        regrade = actions.add_parser("regrade", help="re-grade every subject, or those given")
        regrade.add_argument(
            "--subject", type=int, action="append", dest="subjects", metavar="ID", help="only this subject"
        )

    def handle(self, *args, action, subjects, **options):
        if subjects:
            missing = set(subjects) - set(
                Subject.objects.filter(pk__in=subjects).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"no subject with id {', '.join(map(str, sorted(missing)))}")
        total = len(set(subjects)) if subjects else Subject.objects.count()
        start = time.perf_counter()
        with transaction.atomic():
            changed = regrade_subjects(subjects, actor=ACTOR)
            if changed:
                # Each subject that moved has its own entry; this one says which run moved them.
                record(
                    "bulk",
                    "registry.subject",
                    object_repr="anjian risks regrade",
                    actor=ACTOR,
                    after={"subjects": subjects or "all", "subjects_regraded": changed},
                )
        seconds = time.perf_counter() - start
        self.stdout.write(f"regraded {total} subjects: {changed} changed in {seconds:.1f} s")
