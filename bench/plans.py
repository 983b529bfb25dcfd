"""Time the plan parser on a 200-item plan: the seed's sixteen items repeated and renumbered 1..200
under one chapter (about 87,000 characters, 350 sub-points, every clause and target of the seed).

One line, in the format of the others:

    plan_parse_200 ratio 40.12 (parse 160.3 ms, split 4.0 ms)

`parse`: `parse_plan(text, matcher=UnitMatcher())` as `services.import_plan` calls it — the matcher
reads the organisation (one query for units, one for committees), then the tree, spans, clauses,
unit matching and expansion, targets and rules. `split`: the baseline, one regular expression that
cuts the same text into its 200 items at the line-start numbers (`re.split(r"(?m)^\\d{1,3}[.．、]")`),
the least any parser must do. Nothing is written to the database.
"""

import re
from pathlib import Path

import anjian.plans
from anjian.plans.parsing import parse_plan
from anjian.plans.units import UnitMatcher

SEED_PATH = Path(anjian.plans.__file__).parent / "data" / "2023-wenling-work-safety-priorities.txt"

ITEMS = 200
NAME = f"plan_parse_{ITEMS}"
SPLIT_RE = re.compile(r"(?m)^\d{1,3}[.．、]")


def seed_items():
    """The text of each of the seed's items after its number, sub-points and closing text included."""
    seed = SEED_PATH.read_text(encoding="utf-8")
    result = parse_plan(seed)
    items = [node for node in result.walk() if node.level == "item"]
    bodies = []
    for item in items:
        end = max([item.end] + [child.end for child in item.children])
        bodies.append(seed[item.start : end].split(".", 1)[1])
    return bodies


def big_plan(items=ITEMS):
    bodies = seed_items()
    lines = ["2023年某市安全生产工作要点（基准测试）", "一、重点任务"]
    lines += [f"{n}.{bodies[(n - 1) % len(bodies)]}" for n in range(1, items + 1)]
    return "\n".join(lines) + "\n"


def split_items(text):
    return SPLIT_RE.split(text)[1:]


def run(repeat, out=print, only=""):
    """Time the parse against the split; print one line; return {name: {...}} like bench.run.run."""
    from .timing import format_line, median_pair

    if only not in NAME:
        return {}
    text = big_plan()
    parsed = parse_plan(text)
    count = sum(1 for node in parsed.walk() if node.level == "item")
    if count != ITEMS or len(split_items(text)) != ITEMS:
        raise RuntimeError(f"the benchmark plan should have {ITEMS} items, the parser found {count}")
    app_ms, raw_ms = median_pair(
        lambda: parse_plan(text, matcher=UnitMatcher()), lambda: split_items(text), repeat
    )
    out(format_line(NAME, app_ms, raw_ms, ("parse", "split")))
    return {NAME: {"app_ms": app_ms, "raw_ms": raw_ms, "ratio": app_ms / raw_ms}}
