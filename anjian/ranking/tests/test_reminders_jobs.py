"""The periodic jobs of the rules outside hazards are registered for the scheduler as documented."""

from datetime import timedelta

from anjian.jobs.registry import autodiscover

EXPECTED = {
    "plans.reminders": (timedelta(hours=1), None),
    "ranking.draft": (None, "0 6 1 * *"),
    "ranking.reminders": (timedelta(hours=1), None),
    "risks.regrade": (None, "30 1 * * *"),
    "risks.reminders": (timedelta(hours=1), None),
    "inspections.reminders": (None, "0 8 1 * *"),
}


def test_the_jobs_are_registered_with_their_schedules():
    jobs = autodiscover()
    for name, (every, cron) in EXPECTED.items():
        spec = jobs[name]
        assert (spec.every, spec.cron) == (every, cron), name
        assert spec.description and callable(spec.func)
