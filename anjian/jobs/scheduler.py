"""The one scheduler: runs the registered periodic jobs (anjian.jobs.registry) when they are due.

Any number of schedulers may run at once. Each due run is claimed with a conditional update of the
job's row — `next_run_at` moves on only where it still holds the value this scheduler read, and the
row is leased (`running_until`) while the job runs — so exactly one scheduler runs it.
docs/adr/0006-background-work.md.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import croniter
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from anjian.core.context import acting_as, system_actor

from .models import PeriodicJob
from .registry import autodiscover

logger = logging.getLogger(__name__)

# How long a claimed run holds its job: a scheduler that died mid-run frees it after this.
LEASE = timedelta(minutes=30)


def schedule_of(spec):
    """The schedule as text, stored with the row so a changed schedule is noticed."""
    return f"cron:{spec.cron}" if spec.cron else f"every:{int(spec.every.total_seconds())}s"


def next_run(spec, now):
    """The first moment after `now` the job is due: `now + every`, or the next cron time in the
    local time zone (settings.TIME_ZONE)."""
    if spec.every is not None:
        return now + spec.every
    local = timezone.localtime(now)
    return croniter(spec.cron, local).get_next(datetime)


def first_run(spec, now):
    """A new `every` job is due at once; a new cron job at its next time."""
    return now if spec.every is not None else next_run(spec, now)


def sync_rows(specs, now):
    """A row per registered job; a job whose schedule changed is re-timed from now."""
    rows = {row.name: row for row in PeriodicJob.objects.filter(name__in=list(specs))}
    for name, spec in specs.items():
        schedule = schedule_of(spec)
        row = rows.get(name)
        if row is None:
            row, _created = PeriodicJob.objects.get_or_create(
                name=name, defaults={"schedule": schedule, "next_run_at": first_run(spec, now)}
            )
        elif row.schedule != schedule:
            PeriodicJob.objects.filter(pk=row.pk, schedule=row.schedule).update(
                schedule=schedule, next_run_at=first_run(spec, now)
            )
            row.refresh_from_db()
        rows[name] = row
    return rows


def claim(row, spec, now):
    """True when this scheduler won the run of `row` that is due at `now`."""
    free = Q(running_until__isnull=True) | Q(running_until__lte=now)
    return bool(
        PeriodicJob.objects.filter(free, pk=row.pk, next_run_at=row.next_run_at, next_run_at__lte=now).update(
            next_run_at=next_run(spec, now), running_until=now + LEASE
        )
    )


@dataclass
class Outcome:
    name: str
    ok: bool
    error: str = ""


def run(row, spec, now):
    """Run the job for `now` as its system actor and record how it went. A job that raises is
    recorded and logged; the exception goes no further, so the other jobs still run."""
    PeriodicJob.objects.filter(pk=row.pk).update(last_started_at=timezone.now())
    error = ""
    try:
        # One transaction per run: the rows a job claims commit with what it sends about them.
        with transaction.atomic(), acting_as(system_actor("scheduler:" + spec.name)):
            spec.func(now)
    except Exception as exc:  # noqa: BLE001
        logger.exception("periodic job %s failed", spec.name)
        error = f"{type(exc).__name__}: {exc}"[:4000]
    PeriodicJob.objects.filter(pk=row.pk).update(
        last_finished_at=timezone.now(),
        last_status=PeriodicJob.Status.ERROR if error else PeriodicJob.Status.OK,
        last_error=error,
        running_until=None,
        run_count=F("run_count") + 1,
    )
    return Outcome(spec.name, not error, error)


def tick(now=None):
    """Run every job due at `now` that this scheduler claims; returns their outcomes."""
    now = now or timezone.now()
    specs = autodiscover()
    rows = sync_rows(specs, now)
    outcomes = []
    for name, spec in specs.items():
        row = rows[name]
        if row.next_run_at <= now and claim(row, spec, now):
            outcomes.append(run(row, spec, now))
    return outcomes


def run_now(name, now=None):
    """Run one job at once, whatever its schedule (its next run stays as it was)."""
    now = now or timezone.now()
    specs = autodiscover()
    if name not in specs:
        return None
    row = sync_rows({name: specs[name]}, now)[name]
    return run(row, specs[name], now)


def seconds_until_due(now):
    """Seconds from `now` to the earliest next run (None without jobs)."""
    earliest = PeriodicJob.objects.order_by("next_run_at").values_list("next_run_at", flat=True).first()
    return None if earliest is None else max(0.0, (earliest - now).total_seconds())
