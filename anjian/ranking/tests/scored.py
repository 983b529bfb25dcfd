"""Runs for the page tests, scored by scoring.score_towns from values the test chooses and stored
as services would store them (TownScore rows with value, normalised, points, detail)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from anjian.org.models import Territory
from anjian.ranking.models import RankingRun, Scheme, TownScore
from anjian.ranking.scoring import score_towns

# A = hazards found actively per 100 enterprises, B = on-time rectification rate: equal weights.
TWO = {
    "total_weight": "100",
    "tie_rule": "weights",
    "bottom_n": 1,
    "indicators": [
        {
            "code": "active_per_100",
            "weight": "50",
            "direction": "higher",
            "normalisation": "minmax",
            "target": None,
        },
        {
            "code": "on_time_rate",
            "weight": "50",
            "direction": "higher",
            "normalisation": "minmax",
            "target": None,
        },
    ],
}


def towns(n=None):
    found = list(Territory.objects.filter(level=Territory.Level.TOWN).order_by("path"))
    return found[:n] if n else found


def scored_run(month, values, config=TWO, *, status=RankingRun.Status.PUBLISHED, version=1, vetoed=None):
    """A run of `month` over `values` = {town: {code: number | None}}."""
    scheme, _created = Scheme.objects.get_or_create(
        year=month.year, defaults={"name": f"{month.year}年度方案", "bottom_n": config.get("bottom_n", 3)}
    )
    now = timezone.now()
    run = RankingRun.objects.create(
        month=month,
        version=version,
        scheme=scheme,
        config=config,
        status=status,
        computed_at=now,
        published_at=None if status == RankingRun.Status.DRAFT else now,
    )
    by_id = {town.pk: town for town in values}
    plain = {
        t.pk: {c: None if n is None else Decimal(str(n)) for c, n in v.items()} for t, v in values.items()
    }
    results = score_towns(plain, config, vetoed=vetoed)
    for item in results:
        TownScore.objects.create(
            run=run,
            town=by_id[item["town_id"]],
            score=item["score"],
            rank=item["rank"],
            indicators={
                code: {**n, "detail": {"enterprises": 100}} for code, n in item["indicators"].items()
            },
            tie_note=item["tie_note"],
        )
    return run


def month(year, number):
    return datetime.date(year, number, 1)
