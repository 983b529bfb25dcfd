"""The double-random draw, algorithm anjian-draw-v1: pure functions of the frozen inputs, no Django.

Anyone holding the revealed seed and the frozen pool can re-run a draw with this module alone (or a
re-implementation of docs/inspections.md "The draw"), so it uses only SHA-256, integer arithmetic
and one floating-point power per subject.

    pool = {"subjects": [[id, weight], …] sorted by id,
            "inspectors": [user id, …] sorted,
            "conflicts": {"<subject id>": [user id, …], …}}
"""

import hashlib
import heapq
import json

from .errors import InspectionError

ALGORITHM = "anjian-draw-v1"
MIN_PER_TARGET = 2  # the double-random rule: every target is checked by at least two inspectors
_SCALE = 16**13  # 13 hex digits = 52 bits, exactly what a double's mantissa holds


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_hash(seed):
    return sha256_hex(seed)


def pool_hash(pool):
    return sha256_hex(canonical_json(pool))


def subject_key(seed, subject_id, weight):
    """The Efraimidis–Spirakis key u^(1/w), u uniform in (0, 1) from SHA-256."""
    digest = sha256_hex(f"{seed}:subject:{subject_id}")
    u = (int(digest[:13], 16) + 0.5) / _SCALE
    return u ** (1.0 / weight)


def draw_targets(seed, subjects, count):
    """The `count` subjects with the largest keys, largest first; equal keys by smaller id first.
    This is weighted sampling without replacement: a subject of weight w is drawn first with
    probability w / Σw, and so on for the rest."""
    keyed = ((subject_key(seed, sid, weight), -sid) for sid, weight in subjects)
    return [-negative_id for _key, negative_id in heapq.nlargest(count, keyed)]


def inspector_order(seed, inspectors):
    """The inspectors in a random order: ascending sha256(f"{seed}:inspector:{id}")."""
    return sorted(inspectors, key=lambda uid: (sha256_hex(f"{seed}:inspector:{uid}"), uid))


def assign_inspectors(seed, targets, inspectors, conflicts, per_target):
    """For each target in draw order, the first `per_target` inspectors of a queue (initially the
    random order) not in conflict with it; those taken move, in the order taken, to the back of
    the queue. Without conflicts this is plain round-robin (loads differ by at most one); an
    inspector passed over for a conflict keeps its place at the front and is taken for the next target
    it may check."""
    queue = inspector_order(seed, inspectors)
    assignments = []
    for target in targets:
        blocked = conflicts.get(str(target), ())
        taken = []
        for position, uid in enumerate(queue):
            if uid not in blocked:
                taken.append(position)
                if len(taken) == per_target:
                    break
        if len(taken) < per_target:
            raise InspectionError(
                f"对象 {target} 排除回避后只有 {len(taken)} 名可选检查人员，少于每个对象 {per_target} 名"
            )
        chosen = [queue[position] for position in taken]
        for position in reversed(taken):
            del queue[position]
        queue.extend(chosen)
        assignments.append({"subject": target, "inspectors": chosen})
    return assignments


def check_inputs(pool, target_count, per_target):
    """Raise InspectionError when the draw cannot be made as asked."""
    if not isinstance(target_count, int) or isinstance(target_count, bool) or target_count < 1:
        raise InspectionError(f"抽取对象数须为正整数（收到 {target_count!r}）")
    if not isinstance(per_target, int) or isinstance(per_target, bool) or per_target < MIN_PER_TARGET:
        raise InspectionError(f"每个对象至少须由 {MIN_PER_TARGET} 名检查人员检查（收到 {per_target!r}）")
    subjects = pool.get("subjects", [])
    if len(subjects) < target_count:
        raise InspectionError(f"对象库只有 {len(subjects)} 个对象，少于要抽取的 {target_count} 个")
    for sid, weight in subjects:
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
            raise InspectionError(f"对象 {sid} 的权重 {weight!r} 不是正数")
    inspectors = pool.get("inspectors", [])
    if len(inspectors) < per_target:
        raise InspectionError(f"检查人员库只有 {len(inspectors)} 名，少于每个对象 {per_target} 名")


def run_draw(seed, pool, target_count, per_target):
    """The draw: [{"subject": id, "inspectors": [user ids]}, …] in draw order."""
    check_inputs(pool, target_count, per_target)
    targets = draw_targets(seed, pool["subjects"], target_count)
    conflicts = {key: frozenset(users) for key, users in pool.get("conflicts", {}).items()}
    return assign_inspectors(seed, targets, pool["inspectors"], conflicts, per_target)
