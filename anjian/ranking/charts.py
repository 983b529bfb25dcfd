"""Data the ranking pages show, built from frozen runs: the ranking table, one town's explanation,
the sensitivity of the ranks to one weight, the trend series and the heat map.

Everything here reads `RankingRun.config` and `TownScore.indicators` as they were frozen (layout in
docs/ranking.md), never today's data, so a published page stays what was published. Numbers in the
JSON are strings or floats; they become Decimals here before any arithmetic.
"""

import calendar
import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .indicators import REGISTRY
from .models import Normalisation, RankingRun, Scheme, TownScore
from .scoring import score_towns, total_from_points

# Ningbo's colour bands for a town's score (蓝≥90, 黄80–90, 橙60–80, 红<60): (lower bound, key, label).
BANDS = (
    (Decimal(90), "blue", gettext_lazy("蓝")),
    (Decimal(80), "yellow", gettext_lazy("黄")),
    (Decimal(60), "orange", gettext_lazy("橙")),
    (None, "red", gettext_lazy("红")),
)
BAND_COLOURS = {"blue": "#0d6efd", "yellow": "#ffc107", "orange": "#fd7e14", "red": "#dc3545"}
MISSING = gettext_lazy("—（无数据）")


def dec(value):
    """A JSON number or string as a Decimal; None (no data) stays None."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def band(score):
    score = dec(score) or Decimal(0)
    for low, key, label in BANDS:
        if low is None or score >= low:
            return {"key": key, "label": str(label), "colour": BAND_COLOURS[key]}


def month_bounds(month):
    """(first day, last day) of `month`'s month: what indicators.records() take."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def registry():
    return REGISTRY


def indicator_label(code):
    """(name, unit, description) of an indicator; a code the registry no longer knows (a frozen run
    of an older scheme) is shown by its code."""
    indicator = registry().get(code)
    if indicator is None:
        return code, "", ""
    return str(indicator.name), str(indicator.unit or ""), str(indicator.description or "")


def config_indicators(run):
    """The run's indicators in scheme order, each with its name and unit."""
    rows = []
    for item in run.config.get("indicators", []):
        name, unit, description = indicator_label(item["code"])
        rows.append({**item, "name": name, "unit": unit, "description": description})
    return rows


def bottom_n(run):
    total = run.config.get("bottom_n")
    if total is None:
        total = Scheme.objects.filter(pk=run.scheme_id).values_list("bottom_n", flat=True).first() or 0
    return int(total)


def previous_published(run):
    """The published run of the month before `run`'s month (None if that month has none)."""
    previous = (run.month - datetime.timedelta(days=1)).replace(day=1)
    return (
        RankingRun.objects.filter(month=previous, status=RankingRun.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def run_table(run):
    """The ranking table: one row per town in rank order."""
    scores = list(run.scores.select_related("town").order_by("rank", "town__path"))
    indicators = config_indicators(run)
    before = previous_published(run)
    old_ranks = dict(before.scores.values_list("town_id", "rank")) if before else {}
    # The bottom N: ranks below count − N (a tie across the line keeps its better rank, unmarked).
    cut = len(scores) - bottom_n(run)
    rows = []
    for score in scores:
        old = old_ranks.get(score.town_id)
        rows.append(
            {
                "score": score,
                "town": score.town,
                "band": band(score.score),
                "old_rank": old,
                # Positive: moved up (a smaller rank number).
                "change": None if old is None else old - score.rank,
                "bottom": score.rank > cut,
                "cells": [_points_cell(score.indicators.get(i["code"])) for i in indicators],
            }
        )
    return {"rows": rows, "indicators": indicators, "previous": before}


def _points_cell(entry):
    points = dec((entry or {}).get("points"))
    return {"missing": points is None, "points": points}


def _fmt(value, places=2):
    value = dec(value)
    if value is None:
        return None
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def normalisation_words(item, values):
    """How the normalised value was obtained, in words, with the numbers used."""
    method = item.get("normalisation")
    higher = item.get("direction") == "higher"
    present = [v for v in values if v is not None]
    if method == Normalisation.TARGET:
        target = item.get("target")
        if higher:
            return _("目标值法：min(1, 指标值 ÷ 目标值 %(t)s)") % {"t": target}
        return _("目标值法：min(1, 目标值 %(t)s ÷ 指标值)，指标值为 0 记 1") % {"t": target}
    if method == Normalisation.ZSCORE:
        return _("标准分法：(指标值 − 各镇平均)÷ 标准差，经正态分布函数换算到 0–1%(d)s") % {
            "d": "" if higher else _("，越低越好故取反")
        }
    low, high = (_fmt(min(present), 4), _fmt(max(present), 4)) if present else ("—", "—")
    if higher:
        return _("极差法：(指标值 − 最小值 %(lo)s)÷(最大值 %(hi)s − 最小值)；各镇相同时记 1") % {
            "lo": low,
            "hi": high,
        }
    return _("极差法（越低越好）：(最大值 %(hi)s − 指标值)÷(最大值 − 最小值 %(lo)s)；各镇相同时记 1") % {
        "lo": low,
        "hi": high,
    }


def explain(run, town_score):
    """Every indicator of one town: value, detail, normalised value, weight, points and how the
    normalisation was done; the sum of points, rescaled when some indicator has no data."""
    all_values = {}
    for other in run.scores.all():
        for code, entry in other.indicators.items():
            all_values.setdefault(code, []).append(dec((entry or {}).get("value")))
    total_weight = dec(run.config.get("total_weight")) or Decimal(100)
    rows, points_sum, weights_present = [], Decimal(0), Decimal(0)
    for item in config_indicators(run):
        entry = town_score.indicators.get(item["code"]) or {}
        weight = dec(item.get("weight")) or Decimal(0)
        points = dec(entry.get("points"))
        if points is not None:
            points_sum += points
            weights_present += weight
        rows.append(
            {
                **item,
                "weight": weight,
                "value": dec(entry.get("value")),
                "normalised": dec(entry.get("normalised")),
                "points": points,
                "detail": entry.get("detail") or {},
                "how": normalisation_words(item, all_values.get(item["code"], [])),
            }
        )

    points = {row["code"]: row["points"] for row in rows}
    # The same function that made the score: sum × total weight ÷ weights with data, 2 places.
    total = total_from_points(points, run.config)
    scaled = weights_present and weights_present != total_weight
    return {
        "rows": rows,
        "points_sum": points_sum,
        "weights_present": weights_present,
        "total_weight": total_weight,
        "scaled": bool(scaled),
        "total": total,
    }


class SensitivityError(ValueError):
    """A weight change that cannot be tried; the message says why."""


def changed_config(config, code, new_weight):
    """The config with `code`'s weight set to `new_weight` and the other weights scaled so that the
    total stays. Weights keep 4 decimals; the rounding rest goes to the largest other weight so the
    sum is exact (validate_config checks it)."""
    total = dec(config.get("total_weight")) or Decimal(100)
    items = [dict(i) for i in config.get("indicators", [])]
    target = next((i for i in items if i["code"] == code), None)
    if target is None:
        raise SensitivityError(_("本次晾晒没有该指标"))
    others = [i for i in items if i is not target]
    old = dec(target["weight"])
    if new_weight is None or new_weight <= 0:
        raise SensitivityError(_("新权重须大于 0"))
    if not others:
        raise SensitivityError(_("只有一个指标，改变权重不影响排名"))
    if new_weight >= total:
        raise SensitivityError(_("新权重须小于权重合计 %(t)s，其他指标才有权重") % {"t": total})
    factor = (total - new_weight) / (total - old)
    quantum = Decimal("0.0001")
    for item in others:
        item["weight"] = str((dec(item["weight"]) * factor).quantize(quantum))
    rest = total - new_weight - sum(dec(i["weight"]) for i in others)
    largest = max(others, key=lambda i: dec(i["weight"]))
    largest["weight"] = str(dec(largest["weight"]) + rest)
    target["weight"] = str(new_weight)
    return {**config, "indicators": items}


def frozen_values(run):
    """{town_id: {code: Decimal | None}} as frozen in the run: the input of scoring.score_towns."""
    codes = [i["code"] for i in run.config.get("indicators", [])]
    return {
        s.town_id: {code: dec((s.indicators.get(code) or {}).get("value")) for code in codes}
        for s in run.scores.all()
    }


VETO_PREFIX = "一票否决："


def frozen_vetoes(run):
    """{town_id: reason} of the towns the run put last by a veto. The run keeps them only in the
    tie note scoring wrote (scoring._tie_note: "一票否决：<reason>，排名列最后")."""
    vetoed = {}
    for town_id, note in run.scores.values_list("town_id", "tie_note"):
        if note.startswith(VETO_PREFIX):
            vetoed[town_id] = note[len(VETO_PREFIX) :].split("，")[0]
    return vetoed


def sensitivity(run, code, new_weight):
    """How every town's rank would move with `code` weighing `new_weight`; nothing is saved. Vetoed
    towns stay vetoed: a weight does not lift a veto."""
    config = changed_config(run.config, code, new_weight)
    results = score_towns(frozen_values(run), config, vetoed=frozen_vetoes(run))
    current = {s.town_id: s for s in run.scores.select_related("town")}
    rows = []
    for item in results:
        score = current[item["town_id"]]
        rows.append(
            {
                "town": score.town,
                "old_rank": score.rank,
                "new_rank": item["rank"],
                "old_score": score.score,
                "new_score": dec(item["score"]),
                "move": score.rank - item["rank"],  # positive: moves up
            }
        )
    weights = [
        {"code": i["code"], "name": indicator_label(i["code"])[0], "weight": i["weight"]}
        for i in config["indicators"]
    ]
    return {"rows": rows, "weights": weights}


def published_runs(year=None):
    """The published run of each month (the latest version if several were ever published),
    oldest month first. Superseded and draft versions never count."""
    runs = RankingRun.objects.filter(status=RankingRun.Status.PUBLISHED)
    if year:
        runs = runs.filter(month__year=year)
    latest = {}
    for run in runs.order_by("month", "version"):
        latest[run.month] = run
    return [latest[m] for m in sorted(latest)]


def trends(runs):
    """Each town's score and rank per month, for line charts and the table fallback."""
    months = [f"{r.month:%Y-%m}" for r in runs]
    index = {r.pk: i for i, r in enumerate(runs)}
    towns = {}
    scores = TownScore.objects.filter(run__in=runs).select_related("town").order_by("town__path")
    for score in scores:
        town = towns.setdefault(
            score.town_id,
            {
                "id": score.town_id,
                "name": score.town.name,
                "scores": [None] * len(runs),
                "ranks": [None] * len(runs),
            },
        )
        town["scores"][index[score.run_id]] = float(score.score)
        town["ranks"][index[score.run_id]] = score.rank
    return {"months": months, "towns": list(towns.values()), "count": len(towns)}


def heatmap(run):
    """Normalised indicator scores (0–100, 100 best) by town for one run; None where no data."""
    if run is None:
        return {"indicators": [], "towns": [], "cells": [], "rows": []}
    indicators = config_indicators(run)
    scores = list(run.scores.select_related("town").order_by("rank", "town__path"))
    cells, rows = [], []
    for y, score in enumerate(scores):
        values = []
        for x, item in enumerate(indicators):
            norm = dec((score.indicators.get(item["code"]) or {}).get("normalised"))
            shown = None if norm is None else float((norm * 100).quantize(Decimal("0.1")))
            values.append(shown)
            cells.append([x, y, shown if shown is not None else "-"])
        rows.append({"town": score.town.name, "rank": score.rank, "values": values})
    return {
        "indicators": [i["name"] for i in indicators],
        "towns": [s.town.name for s in scores],
        "cells": cells,
        "rows": rows,
    }
