"""The draw algorithm (anjian-draw-v1) alone: reproducible, hash-checked, weighted as configured,
never assigning a conflict, balanced, and refusing draws it cannot make."""

import hashlib
import json
from collections import Counter

import pytest

from anjian.inspections import draw
from anjian.inspections.errors import InspectionError

SEED = "5eed" * 16


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def make_pool(subjects=40, inspectors=10, conflicts=None, weight=1):
    return {
        "subjects": [[sid, weight] for sid in range(1, subjects + 1)],
        "inspectors": list(range(101, 101 + inspectors)),
        "conflicts": conflicts or {},
    }


def reference_draw(seed, pool, n, k):
    """An independent, naive reading of docs/inspections.md "The draw": every key computed and
    sorted, the queue walked by hand. It must agree with the module on every seed."""
    keys = []
    for sid, weight in pool["subjects"]:
        u = (int(sha(f"{seed}:subject:{sid}")[:13], 16) + 0.5) / 16**13
        keys.append((-(u ** (1 / weight)), sid))
    targets = [sid for _key, sid in sorted(keys)[:n]]
    queue = sorted(pool["inspectors"], key=lambda uid: sha(f"{seed}:inspector:{uid}"))
    result = []
    for target in targets:
        blocked = set(pool["conflicts"].get(str(target), []))
        chosen = [uid for uid in queue if uid not in blocked][:k]
        queue = [uid for uid in queue if uid not in chosen] + chosen
        result.append({"subject": target, "inspectors": chosen})
    return result


def test_hashes_are_sha256_of_the_seed_and_of_canonical_json():
    assert draw.seed_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    pool = {"subjects": [[2, 1.5], [7, 4]], "inspectors": [9, 3], "conflicts": {"7": [3]}}
    text = '{"conflicts":{"7":[3]},"inspectors":[9,3],"subjects":[[2,1.5],[7,4]]}'
    assert draw.pool_hash(pool) == hashlib.sha256(text.encode()).hexdigest()
    assert draw.pool_hash({**pool, "inspectors": [9, 4]}) != draw.pool_hash(pool)


def test_the_same_seed_and_pool_give_the_same_draw_and_another_seed_another():
    pool = make_pool(subjects=200, inspectors=12, conflicts={"5": [101, 102]})
    first = draw.run_draw(SEED, json.loads(json.dumps(pool)), 20, 2)
    assert first == draw.run_draw(SEED, pool, 20, 2)
    assert len({row["subject"] for row in first}) == 20
    others = [draw.run_draw(sha(str(i)), pool, 20, 2) for i in range(5)]
    assert all(other != first for other in others)


def test_an_independent_implementation_of_the_spec_agrees():
    pool = make_pool(
        subjects=300, inspectors=9, conflicts={str(s): [101 + s % 9, 101 + s % 4] for s in range(1, 300, 3)}
    )
    pool["subjects"] = [[sid, 1 + sid % 4] for sid, _w in pool["subjects"]]
    for i in range(30):
        seed = sha(f"reference-{i}")
        assert draw.run_draw(seed, pool, 25, 3) == reference_draw(seed, pool, 25, 3)


def test_selection_frequency_follows_the_weights():
    """4,000 single-target draws from weights 1, 2, 3, 4 (seeds sha256(master + i)): the first
    pick of Efraimidis–Spirakis sampling is subject s with probability w_s / Σw = 0.1 … 0.4.
    Tolerance ±0.03: one standard deviation of a frequency is sqrt(p(1-p)/4000) = 0.0047 (p=0.1)
    to 0.0077 (p=0.4), so 0.03 is 3.9 to 6.3 sigma (about 5): a correct draw stays inside (the seed
    is fixed, so the test is deterministic), while a uniform draw (0.25 each) or a draw that
    ignored or inverted the weights is off by 0.05 or more and fails."""
    pool = {"subjects": [[1, 1], [2, 2], [3, 3], [4, 4]], "inspectors": [11, 12], "conflicts": {}}
    master = "anjian-statistical-test"
    counts = Counter(draw.run_draw(sha(f"{master}{i}"), pool, 1, 2)[0]["subject"] for i in range(4000))
    for sid, weight in pool["subjects"]:
        assert abs(counts[sid] / 4000 - weight / 10) <= 0.03, (sid, counts)


def test_conflicts_are_never_assigned():
    conflicts = {str(sid): [101 + (sid * 7 + j) % 8 for j in range(5)] for sid in range(1, 61)}
    pool = make_pool(subjects=60, inspectors=8, conflicts=conflicts)
    assigned = 0
    for i in range(200):
        for row in draw.run_draw(sha(f"conflicts-{i}"), pool, 30, 2):
            assert not set(row["inspectors"]) & set(conflicts[str(row["subject"])])
            assert len(set(row["inspectors"])) == 2
            assigned += 1
    assert assigned == 6000


def test_loads_differ_by_at_most_one_without_conflicts():
    pool = make_pool(subjects=500, inspectors=13)
    for i in range(20):
        result = draw.run_draw(sha(f"balance-{i}"), pool, 101, 2)
        loads = Counter(uid for row in result for uid in row["inspectors"])
        assert set(loads) == set(pool["inspectors"])
        assert max(loads.values()) - min(loads.values()) <= 1


def test_an_inspector_passed_over_for_a_conflict_keeps_its_place():
    # Inspector 101 may not check subject 1: when 1 is drawn first and 101 was due, 101 is taken
    # for the very next target instead of waiting a whole round.
    pool = make_pool(subjects=2, inspectors=6, conflicts={"1": [101]})
    cases = 0
    for i in range(60):
        seed = sha(f"place-{i}")
        result = draw.run_draw(seed, pool, 2, 2)
        assert 101 not in next(row for row in result if row["subject"] == 1)["inspectors"]
        if result[0]["subject"] == 1 and 101 in draw.inspector_order(seed, pool["inspectors"])[:2]:
            assert 101 in result[1]["inspectors"]
            cases += 1
    assert cases >= 3


@pytest.mark.parametrize(
    ("pool", "n", "k", "message"),
    [
        (make_pool(subjects=3), 4, 2, "对象库只有 3 个对象，少于要抽取的 4 个"),
        (make_pool(), 0, 2, "抽取对象数须为正整数"),
        (make_pool(), 2, 1, "至少须由 2 名检查人员"),
        (make_pool(inspectors=2), 2, 3, "检查人员库只有 2 名，少于每个对象 3 名"),
        (
            make_pool(subjects=1, inspectors=3, conflicts={"1": [101, 102]}),
            1,
            2,
            "对象 1 排除回避后只有 1 名",
        ),
        ({**make_pool(), "subjects": [[1, 0], [2, 1]]}, 1, 2, "对象 1 的权重 0 不是正数"),
    ],
)
def test_draws_that_cannot_be_made_are_refused_with_a_reason(pool, n, k, message):
    with pytest.raises(InspectionError, match=message):
        draw.run_draw(SEED, pool, n, k)
