"""Monthly runs: compute every town's indicators for a month, score and rank them, freeze the result,
publish it (docs/ranking.md).

    ensure_scheme(year) -> Scheme          the year's scheme, created with the default set if missing
    scheme_config(scheme) -> dict          the config JSON a run stores and scoring reads
    check_compute(actor, month, reason="") -> date       what compute_run would refuse, refused now
    compute_run(actor, month, reason="") -> RankingRun   a new draft version for the month
    publish(actor, run) -> RankingRun      draft → published; an earlier published version → superseded

Frozen: a run's `TownScore` rows are written once, when it is computed, and never updated; a later
edit of data changes nothing until the office re-runs the month, which makes version n+1 with its
reason. Only the committee office computes and publishes (`permissions.can_manage_ranking`); the
`anjian ranking` command acts with `actor=None`, i.e. as the system from the server's shell, and the
scheduler's monthly draft (schedule.py) with its system actor. Publishing tells each town's leaders
its rank in the same transaction (reminders.notify_published).
Every refusal raises RankingError with a Chinese message and saves nothing. The runs and the scheme
are audited models: each save is in the change log with its actor.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.context import SystemActor, acting_as
from anjian.core.errors import ServiceError
from anjian.org.models import Territory

from . import defaults
from .indicators import Month, compute_all, enterprise_counts, larger_accidents, month_bounds
from .models import RankingRun, Scheme, SchemeIndicator, TownScore
from .permissions import can_manage_ranking
from .reminders import notify_published
from .scoring import score_towns, validate_config


class RankingError(ServiceError):
    """A run that cannot happen. `status`: 422 bad input, 403 the role may not act, 409 state."""


def _require_manager(actor):
    # None (the server's shell) and a system actor (the scheduler's monthly draft) act as the system.
    if actor is not None and not isinstance(actor, SystemActor) and not can_manage_ranking(actor):
        raise RankingError(_("只有市安委办可以计算和发布月度晾晒"), 403)


def ensure_scheme(year):
    """The year's scheme; created with the default indicator set (defaults.py) when missing."""
    scheme = Scheme.objects.filter(year=year).first()
    if scheme is not None:
        return scheme
    with transaction.atomic():
        scheme = Scheme.objects.create(
            year=year,
            name=_("%(year)s年度镇街安全生产月度晾晒方案") % {"year": year},
            total_weight=defaults.TOTAL_WEIGHT,
            bottom_n=defaults.BOTTOM_N,
        )
        for order, (code, direction, normalisation, weight, target) in enumerate(defaults.DEFAULT_INDICATORS):
            SchemeIndicator.objects.create(
                scheme=scheme,
                code=code,
                weight=weight,
                direction=direction,
                normalisation=normalisation,
                target=target,
                order=order,
            )
    return scheme


def _text(number):
    return None if number is None else f"{number.normalize():f}"


def scheme_config(scheme):
    """The config JSON of `scheme` (layout in scoring's docstring); numbers as plain decimal strings.
    The scheme model has no field for vetoes: the default (a 较大 accident vetoes) always applies."""
    return {
        "total_weight": _text(scheme.total_weight),
        "indicators": [
            {
                "code": item.code,
                "weight": _text(item.weight),
                "direction": item.direction,
                "normalisation": item.normalisation,
                "target": _text(item.target),
            }
            for item in scheme.indicators.order_by("order", "id")
        ],
        "tie_rule": defaults.TIE_RULE,
        "vetoes": dict(defaults.VETOES),
        "bottom_n": scheme.bottom_n,
    }


def check_month(month, today=None):
    """The first day of the month of `month` (a date); refused unless the month has ended."""
    if not isinstance(month, datetime.date):
        raise RankingError(_("月份“%(m)s”无效，格式应为 YYYY-MM") % {"m": month})
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    if last >= today:
        raise RankingError(
            _("月份尚未结束：%(m)s 要到 %(d)s 之后才能计算") % {"m": f"{first:%Y-%m}", "d": last}
        )
    return first


def _towns():
    return list(Territory.objects.filter(level=Territory.Level.TOWN).order_by("path"))


def _json(value):
    """A detail value as JSON: Decimals become floats, everything else stays."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if hasattr(value, "as_integer_ratio") and not isinstance(value, int | float):
        return float(value)
    return value


def check_compute(actor, month, reason="", today=None):
    """Refuse (RankingError) what compute_run would refuse for its input, without computing: the page
    asks this before it queues the job, so bad input gets its message at once. Returns the month's
    first day."""
    _require_manager(actor)
    first = check_month(month, today)
    if not (reason or "").strip() and _has_published(RankingRun.objects.filter(month=first)):
        raise RankingError(_("%(m)s 已发布晾晒结果，重新计算须填写原因") % {"m": f"{first:%Y-%m}"})
    return first


def _has_published(runs):
    return runs.filter(status=RankingRun.Status.PUBLISHED).exists()


def compute_run(actor, month, reason="", today=None, progress=None):
    """Compute, score and rank every town for `month` (any day of it) under the year's scheme and
    store a new draft version. A month with a published run needs a reason. `progress(done, total,
    message)` is told of each indicator (the job's progress bar)."""
    _require_manager(actor)
    first = check_month(month, today)
    reason = (reason or "").strip()
    with acting_as(actor), transaction.atomic():
        scheme = ensure_scheme(first.year)
        config = scheme_config(scheme)
        errors = validate_config(config)
        if errors:
            raise RankingError(_("%(year)s年度晾晒方案有误：") % {"year": first.year} + "；".join(errors))
        runs = RankingRun.objects.select_for_update().filter(month=first)
        if not reason and _has_published(runs):
            raise RankingError(_("%(m)s 已发布晾晒结果，重新计算须填写原因") % {"m": f"{first:%Y-%m}"})
        version = (runs.aggregate(v=Max("version"))["v"] or 0) + 1
        return _store(actor, scheme, config, first, version, reason, progress)


def _store(actor, scheme, config, first, version, reason, progress=None):
    towns = _towns()
    last = month_bounds(first)[1]
    month = Month(first, last, towns)  # the indicators, the enterprises and the veto share its queries
    frozen = _first_enterprise_counts(first)
    if frozen is not None:
        # A re-run counts per 100 enterprises as the month's first run did, so a subject that moved
        # town since then does not change a past month (docs/adr/0002-subject-moves.md).
        month.once("enterprises", lambda _month: frozen)
    codes = [item["code"] for item in config["indicators"]]
    values = compute_all(first, last, towns, codes, month=month, progress=progress)
    vetoed = {}
    if config.get("vetoes", {}).get("larger_accident"):
        vetoed = {
            town: _("本月发生较大及以上生产安全事故%(n)s起") % {"n": n}
            for town, n in larger_accidents(first, last, towns, month=month).items()
        }
    plain = {town: {code: v.value for code, v in row.items()} for town, row in values.items()}
    results = score_towns(plain, config, vetoed=vetoed)
    run = RankingRun.objects.create(
        month=first,
        version=version,
        scheme=scheme,
        config=config,
        reason=reason,
        computed_at=timezone.now(),
        computed_by=actor if getattr(actor, "pk", None) else None,
    )
    enterprises = enterprise_counts(month)
    TownScore.objects.bulk_create(
        [_town_score(run, item, values[item["town_id"]], enterprises) for item in results],
    )
    return run


def _first_enterprise_counts(first):
    """{town_id: enterprises} as the month's first run stored them, or None for a month not yet run."""
    run = RankingRun.objects.filter(month=first).order_by("version").first()
    if run is None:
        return None
    return dict(run.scores.values_list("town_id", "enterprises"))


def _town_score(run, item, values, enterprises):
    indicators = {
        code: {**numbers, "detail": _json(values[code].detail)}
        for code, numbers in item["indicators"].items()
    }
    return TownScore(
        run=run,
        town_id=item["town_id"],
        score=item["score"],
        rank=item["rank"],
        enterprises=enterprises.get(item["town_id"], 0),
        indicators=indicators,
        tie_note=item["tie_note"][:200],
    )


def publish(actor, run):
    """Publish a draft run; the month's earlier published version becomes superseded. Each town's
    leaders are told its rank in the same transaction."""
    _require_manager(actor)
    with acting_as(actor), transaction.atomic():
        run = RankingRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RankingRun.Status.DRAFT:
            raise RankingError(_("只能发布草稿；该版本状态为“%(s)s”") % {"s": run.get_status_display()}, 409)
        others = RankingRun.objects.select_for_update().filter(month=run.month).exclude(pk=run.pk)
        if others.filter(status=RankingRun.Status.PUBLISHED, version__gt=run.version).exists():
            raise RankingError(_("该月已发布更新的版本，不能再发布旧版本"), 409)
        for older in others.filter(status=RankingRun.Status.PUBLISHED):
            older.status = RankingRun.Status.SUPERSEDED
            older.save(update_fields=["status"])
        run.status = RankingRun.Status.PUBLISHED
        run.published_at = timezone.now()
        run.published_by = actor
        run.save(update_fields=["status", "published_at", "published_by"])
        notify_published(run)
    return run
