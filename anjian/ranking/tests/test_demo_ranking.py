"""The demo's year of rankings on the test organisation: it runs, leaves 12 published months, a
re-run with its reason, a summoned town with one done, one open and one overdue commitment, and a
second run adds nothing."""

import datetime

from django.utils import timezone

from anjian.demo.accounts import ensure_accounts
from anjian.demo.ranking import RERUN_REASON, build_rankings, last_complete_months
from anjian.ranking import services_interviews as si
from anjian.ranking.models import Interview, RankingRun


def test_last_complete_months():
    months = last_complete_months(datetime.date(2026, 1, 15))
    assert months[0] == datetime.date(2025, 1, 1) and months[-1] == datetime.date(2025, 12, 1)
    assert len(months) == 12


def test_build_rankings_is_idempotent(world):
    ensure_accounts()
    lines = []
    first = build_rankings(progress=lines.append)
    assert first == {"runs": 13, "interviews": 1} and "月度晾晒" in lines[0]
    months = last_complete_months(timezone.localdate())
    published = RankingRun.objects.filter(status=RankingRun.Status.PUBLISHED)
    assert sorted(published.values_list("month", flat=True)) == months
    rerun = RankingRun.objects.get(version=2)
    assert rerun.status == RankingRun.Status.PUBLISHED and rerun.reason == RERUN_REASON
    assert RankingRun.objects.get(month=rerun.month, version=1).status == RankingRun.Status.SUPERSEDED
    assert all(run.published_at <= timezone.now() for run in published)
    interview = Interview.objects.get()
    bottom = interview.run.scores.order_by("-rank").first()
    assert interview.town_id == bottom.town_id and interview.is_synthetic
    statuses = sorted(si.commitment_status(c) for c in interview.commitments.all())
    assert statuses == ["done", "open", "overdue"]
    assert build_rankings(progress=lines.append) == {"runs": 0, "interviews": 0}
    assert RankingRun.objects.count() == 13 and Interview.objects.count() == 1
