"""Ranking runs built directly (as the engine would store them) for the bulletin and interview tests,
so these tests do not depend on the indicator functions."""

import datetime
from decimal import Decimal

from django.utils import timezone

from anjian.org.models import Territory
from anjian.ranking.models import RankingRun, Scheme, TownScore

CONFIG = {
    "total_weight": "100",
    "tie_rule": "weights",
    "indicators": [
        {"code": "hazards_per_inspection", "weight": "40", "direction": "higher", "normalisation": "minmax"},
        {"code": "on_time_rate", "weight": "35", "direction": "higher", "normalisation": "minmax"},
        {"code": "accident_deaths", "weight": "25", "direction": "lower", "normalisation": "minmax"},
    ],
}


def towns():
    return list(Territory.objects.filter(level=Territory.Level.TOWN).order_by("path"))


def make_run(month, *, status=RankingRun.Status.PUBLISHED, version=1, order=None, bottom_n=3):
    """A run of `month` ranking every town: by default in path order with scores 95, 93, … (so the
    last town in path order is last); `order` gives the towns in rank order instead."""
    scheme, _ = Scheme.objects.get_or_create(
        year=month.year, defaults={"name": f"{month.year}年度月晾晒方案", "bottom_n": bottom_n}
    )
    now = timezone.now()
    run = RankingRun.objects.create(
        month=month,
        version=version,
        scheme=scheme,
        config=CONFIG,
        status=status,
        computed_at=now,
        published_at=now if status != RankingRun.Status.DRAFT else None,
    )
    for rank, town in enumerate(order or towns(), start=1):
        score = Decimal(97 - 2 * rank)
        parts = (
            score * Decimal("0.4"),
            score * Decimal("0.35"),
            None if rank == 2 else score * Decimal("0.25"),
        )
        TownScore.objects.create(
            run=run,
            town=town,
            score=score,
            rank=rank,
            enterprises=100,
            indicators={
                item["code"]: {
                    "value": 1,
                    "normalised": 0.5,
                    "points": None if p is None else float(p),
                    "detail": {},
                }
                for item, p in zip(CONFIG["indicators"], parts, strict=True)
            },
        )
    return run


def last_month():
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)
