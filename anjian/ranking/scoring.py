"""Scoring and ranking of towns: pure functions over indicator values and a config (docs/ranking.md).

    score_towns(values, config, vetoed=None) -> [ {"town_id", "score", "rank", "indicators", "tie_note",
                                                   "vetoed"}, … ] ordered by rank
    validate_config(config) -> [message, …]   (empty: valid)

`values = {town_id: {code: Decimal | None}}` (None: no data, shown as missing, never as zero) and
`config` is the JSON stored on `RankingRun.config`:
`{"total_weight": "100", "indicators": [{"code", "weight", "direction", "normalisation", "target"}],
"tie_rule": "weights", "vetoes": {"larger_accident": true}, "bottom_n": 3}`; weights and targets may
be strings, ints, floats or Decimals.

Numbers out are JSON floats, always: `value`, `normalised` and `points` rounded to 4 places, `score`
to 2 (ROUND_HALF_UP). The arithmetic is Decimal, on those rounded figures, so the explanation adds up
exactly: `total_from_points(points, config)` — the sum of a town's points scaled up by total weight /
weights it has data for, rounded to 2 places — is its score. Normalisation (0–1, 1 best, direction
applied):

- min-max over the towns with data; all equal → 1 for everyone;
- z-score through the normal CDF, Φ((v − mean) / population sd), negated for lower-is-better; all
  equal (sd 0) → 1 for everyone, as min-max (nobody is worse than the rest);
- target: higher-is-better min(1, v / target) (negative → 0); lower-is-better min(1, target / v),
  v ≤ 0 → 1 and v > 0 with target 0 → 0.

Ranking: by score, highest first; equal scores are ordered by the points of the heaviest indicator,
then the next heaviest, … (equal weights in config order; a missing indicator counts below any
points); towns still equal share the rank (competition ranking 1, 2, 2, 4). `tie_note` says which
rule decided. A vetoed town (`vetoed = {town_id: reason}`, e.g. a 较大 accident under
`vetoes.larger_accident`) keeps its score but ranks after every town that is not vetoed.
"""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .indicators import REGISTRY

Q4 = Decimal("0.0001")
Q2 = Decimal("0.01")
DIRECTIONS = ("higher", "lower")
NORMALISATIONS = ("minmax", "zscore", "target")
TIE_RULES = ("weights",)


def dec(value):
    """A JSON number or string as a Decimal; None and "" stay None; anything else raises ValueError."""
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(value) from None
    if not result.is_finite():
        raise ValueError(value)
    return result


def _q4(value):
    return value.quantize(Q4, rounding=ROUND_HALF_UP)


def _number(value):
    return None if value is None else float(value)


# --- the config ----------------------------------------------------------------------------------


def _registry():
    return REGISTRY


def _name(code):
    indicator = _registry().get(code)
    return str(indicator.name) if indicator else code


def validate_config(config):
    """Every problem of `config`, each a Chinese message naming what is wrong; [] when it is valid."""
    errors = []
    try:
        total = dec(config.get("total_weight"))
    except ValueError:
        total = None
    if total is None or total <= 0:
        errors.append(_("权重合计须为大于 0 的数"))
    items = config.get("indicators") or []
    if not items:
        errors.append(_("方案中没有任何指标"))
    registry, seen, weights = _registry(), set(), Decimal(0)
    for item in items:
        code = item.get("code")
        label = _name(code) if code in registry else code
        if code not in registry:
            errors.append(_("指标代码“%(code)s”不存在") % {"code": code})
        if code in seen:
            errors.append(_("指标“%(name)s”重复") % {"name": label})
        seen.add(code)
        errors += _item_errors(item, label)
        try:
            weights += dec(item.get("weight")) or 0
        except ValueError:
            pass
    if total is not None and total > 0 and items and weights != total:
        errors.append(
            _("各指标权重之和为 %(found)s，应等于权重合计 %(total)s")
            % {"found": f"{weights.normalize():f}", "total": f"{total.normalize():f}"}
        )
    if config.get("tie_rule", "weights") not in TIE_RULES:
        errors.append(_("并列处理规则“%(rule)s”无效") % {"rule": config.get("tie_rule")})
    return errors


def _item_errors(item, label):
    errors = []
    try:
        weight = dec(item.get("weight"))
    except ValueError:
        weight = None
    if weight is None or weight <= 0:
        errors.append(_("指标“%(name)s”的权重须为大于 0 的数") % {"name": label})
    if item.get("direction") not in DIRECTIONS:
        errors.append(_("指标“%(name)s”的方向须为“越高越好”或“越低越好”") % {"name": label})
    normalisation = item.get("normalisation")
    if normalisation not in NORMALISATIONS:
        errors.append(_("指标“%(name)s”的标准化方法须为极差、标准分或目标值法") % {"name": label})
    if normalisation == "target":
        try:
            target = dec(item.get("target"))
        except ValueError:
            target = None
        if target is None:
            errors.append(_("指标“%(name)s”采用目标值法，须填写目标值") % {"name": label})
        elif target < 0 or (target == 0 and item.get("direction") == "higher"):
            errors.append(_("指标“%(name)s”的目标值须大于 0") % {"name": label})
    return errors


# --- normalisation -------------------------------------------------------------------------------


def normalise(values, direction, normalisation, target=None):
    """{town_id: Decimal | None} → {town_id: Decimal (4 places) | None}, 1 best."""
    present = {town: v for town, v in values.items() if v is not None}
    result = dict.fromkeys(values)
    if not present:
        return result
    if normalisation == "minmax":
        scores = _minmax(present, direction)
    elif normalisation == "zscore":
        scores = _zscore(present, direction)
    else:
        scores = {town: _target(v, direction, dec(target)) for town, v in present.items()}
    result.update({town: _q4(max(Decimal(0), min(Decimal(1), s))) for town, s in scores.items()})
    return result


def _minmax(present, direction):
    low, high = min(present.values()), max(present.values())
    if low == high:
        return dict.fromkeys(present, Decimal(1))
    span = high - low
    if direction == "higher":
        return {town: (v - low) / span for town, v in present.items()}
    return {town: (high - v) / span for town, v in present.items()}


def _zscore(present, direction):
    numbers = {town: float(v) for town, v in present.items()}
    mean = sum(numbers.values()) / len(numbers)
    sd = math.sqrt(sum((x - mean) ** 2 for x in numbers.values()) / len(numbers))
    if sd == 0:
        return dict.fromkeys(present, Decimal(1))
    sign = 1 if direction == "higher" else -1
    return {
        town: Decimal(repr(0.5 * (1 + math.erf(sign * (x - mean) / sd / math.sqrt(2)))))
        for town, x in numbers.items()
    }


def _target(value, direction, target):
    if direction == "higher":
        return value / target if value > 0 else Decimal(0)
    if value <= 0:
        return Decimal(1)
    return target / value


# --- scores and ranks ----------------------------------------------------------------------------


def total_from_points(points, config):
    """The score a town's points give: their sum scaled up by total weight / the weights of the
    indicators it has data for, rounded to 2 places. `points = {code: number | None}`; a town with
    no data at all scores 0. The explanation page adds up with this, so it equals the score."""
    total = dec(config["total_weight"])
    have, summed = Decimal(0), Decimal(0)
    for item in config["indicators"]:
        got = points.get(item["code"])
        if got is not None:
            have += dec(item["weight"])
            summed += dec(got)
    if have == 0:
        return Decimal("0.00")
    return (summed * total / have).quantize(Q2, rounding=ROUND_HALF_UP)


def score_towns(values, config, vetoed=None):
    """Score and rank every town of `values` under `config` (see the module's docstring)."""
    vetoed = vetoed or {}
    items = config["indicators"]
    values = {town: {code: dec(v) for code, v in row.items()} for town, row in values.items()}
    normalised = {
        item["code"]: normalise(
            {town: row.get(item["code"]) for town, row in values.items()},
            item["direction"],
            item["normalisation"],
            item.get("target"),
        )
        for item in items
    }
    rows = []
    for town, row in values.items():
        indicators, points = {}, {}
        for item in items:
            code = item["code"]
            norm = normalised[code][town]
            points[code] = None if norm is None else _q4(norm * dec(item["weight"]))
            value = row.get(code)
            indicators[code] = {
                "value": _number(None if value is None else _q4(dec(value))),
                "normalised": _number(norm),
                "points": _number(points[code]),
            }
        rows.append(
            {
                "town_id": town,
                "score": total_from_points(points, config),
                "_points": points,
                "indicators": indicators,
            }
        )
    return _rank(rows, items, vetoed)


def _heaviest_first(items):
    order = sorted(enumerate(items), key=lambda pair: (-dec(pair[1]["weight"]), pair[0]))
    return [item["code"] for _, item in order]


def _rank(rows, items, vetoed):
    codes = _heaviest_first(items)

    def key(row):
        tie = tuple(-row["_points"][c] if row["_points"][c] is not None else Decimal(1) for c in codes)
        return (row["town_id"] in vetoed, -row["score"], tie)

    rows.sort(key=lambda row: (*key(row), row["town_id"]))
    for index, row in enumerate(rows):
        same = [
            r
            for r in rows
            if r["score"] == row["score"] and (r["town_id"] in vetoed) == (row["town_id"] in vetoed)
        ]
        previous = rows[index - 1] if index else None
        row["rank"] = previous["rank"] if previous and key(previous) == key(row) else index + 1
        row["tie_note"] = _tie_note(row, same, key, codes, vetoed)
    return [
        {
            "town_id": r["town_id"],
            "score": float(r["score"]),
            "rank": r["rank"],
            "indicators": r["indicators"],
            "tie_note": r["tie_note"],
            "vetoed": r["town_id"] in vetoed,
        }
        for r in rows
    ]


def _tie_note(row, same, key, codes, vetoed):
    notes = []
    if row["town_id"] in vetoed:
        notes.append(_("一票否决：%(reason)s，排名列最后") % {"reason": vetoed[row["town_id"]]})
    others = [r for r in same if r is not row]
    if not others:
        return "；".join(notes)
    if any(key(r) == key(row) for r in others):
        notes.append(_("与其他镇街得分及各指标得分均相同，并列第%(rank)s名") % {"rank": row["rank"]})
    else:
        decider = next(c for c in codes if len({_tie_value(r, c) for r in same}) > 1)
        notes.append(
            _("与其他 %(n)s 个镇街同分（%(score)s），按权重最大的指标依次比较，由“%(name)s”得分决定先后")
            % {"n": len(others), "score": row["score"], "name": _name(decider)}
        )
    return "；".join(notes)


def _tie_value(row, code):
    return row["_points"][code]
