"""The periodic jobs `anjian scheduler` runs (docs/adr/0006-background-work.md).

An app registers a job in its `schedule.py`, which the scheduler imports for every installed app:

    from anjian.jobs.registry import periodic

    @periodic("hazards.overdue_sweep", every=timedelta(minutes=15), description="逾期隐患提醒")
    def overdue_sweep(now):
        ...

A job is a function of the moment it runs for (`now`, an aware datetime), so tests call it with a
travelled clock. The scheduler runs it under `acting_as(system_actor("scheduler:" + name))`. A job
must be safe to run twice for the same moment: it claims the rows it acts on with a conditional
update (or relies on notify()'s dedup key), so two schedulers never send the same reminder twice.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    func: object
    every: timedelta | None
    cron: str | None
    description: str


_REGISTRY: dict[str, PeriodicSpec] = {}


def periodic(name, *, every=None, cron=None, description=""):
    """Register `func(now)` as the periodic job `name`, run each `every` or on the `cron` expression
    (five fields, local time: "30 1 * * *" is 01:30 each night)."""
    if (every is None) == (cron is None):
        raise ValueError(f"periodic job {name!r}: give exactly one of every= or cron=")
    if every is not None and every <= timedelta(0):
        raise ValueError(f"periodic job {name!r}: every= must be positive")

    def register(func):
        existing = _REGISTRY.get(name)
        if existing is not None and existing.func is not func and _qualname(existing.func) != _qualname(func):
            raise ValueError(f"periodic job {name!r} is registered twice")
        _REGISTRY[name] = PeriodicSpec(name, func, every, cron, description)
        return func

    return register


def _qualname(func):
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"


def registered():
    """Every registered job, by name (call autodiscover() first outside the scheduler)."""
    return dict(sorted(_REGISTRY.items()))


def autodiscover():
    """Import `schedule` of every installed app, which registers its jobs."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("schedule")
    return registered()
