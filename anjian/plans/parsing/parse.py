"""parse_plan: the text of a work plan → its task tree with units, targets and unplaced text.

Who is responsible for what (the seed's conventions, docs/plans.md):
- A clause inside an item's lead text is the item's; one inside a sub-point is the sub-point's.
- When not every sub-point has a clause, a clause closing the last sub-point closes the item
  (seed §2, §7, §8, §9: "…五是…。(市安委办牵头,…)").
- A paragraph after the last sub-point that follows its closing clause is the item's own closing
  text (seed §10 "同时,要强化…"): its text, units and targets go to the item. Its characters stay in
  the last sub-point's span, since a task keeps one contiguous span of the source.
- A sub-point without a clause inherits the item's units (marked `inherited`).
Node `text` is the text after the number: for an item, its lead text before the first sub-point
(plus the closing paragraph above, after a line break); the sub-points' text is theirs alone.
"""

import re

from .clauses import find_clauses
from .result import Node, ParseResult, UnitRef
from .structure import find_markers, find_points, heading, lead_sentence, levels, trim_end, unplaced_lines
from .targets import clean, extract

TITLE_RE = re.compile(r"(工作要点|要点|工作安排|工作计划|计划|实施方案|方案|任务清单|任务分解)$")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")


class PlanTextError(ValueError):
    """Text that cannot be read as a work plan; the message is Chinese and names the problem."""


def parse_plan(text, matcher=None):
    """The parse of `text` (pure: `matcher` only reads). Raises PlanTextError for an empty text or one
    with no chapter or item number."""
    if not text or not text.strip():
        raise PlanTextError("工作要点内容为空：请粘贴全文或上传 .txt / .docx 文件")
    markers = find_markers(text)
    chapter_kind, item_kind = levels(markers)
    if item_kind is None:
        raise PlanTextError("不是工作要点：未找到章节（“一、”）或条目（“1.”“（一）”）编号")
    heads = [marker for marker in markers if marker.kind in (chapter_kind, item_kind)]
    nodes, chapter, resolve = [], None, _resolver(matcher)
    for i, marker in enumerate(heads):
        region_end = heads[i + 1].start if i + 1 < len(heads) else len(text)
        if marker.kind == chapter_kind:
            chapter = _chapter(text, marker, region_end)
            nodes.append(chapter)
        else:
            (chapter.children if chapter else nodes).append(_item(text, marker, region_end, resolve))
    preamble = text[: heads[0].start]
    title = plan_title(preamble)
    return ParseResult(title, plan_year(title, preamble), nodes, unplaced_lines(text, 0, heads[0].start))


def plan_title(preamble):
    """The last short line before the body that reads like a plan's name (…工作要点, …工作安排), not
    the notice that issues it (关于印发…的通知)."""
    title = ""
    for line in preamble.splitlines():
        line = line.strip()
        if line and len(line) <= 60 and not line.startswith("关于") and TITLE_RE.search(line):
            title = line
    return title


def plan_year(title, preamble):
    """The year in the title, else the first year (not a date) before the body; None if none."""
    for text in (title, preamble):
        match = YEAR_RE.search(text or "")
        if match:
            return int(match.group(1))
    return None


def _chapter(text, marker, region_end):
    end = trim_end(text, marker.start, region_end)
    body = text[marker.body : end].strip()
    return Node(marker.number, "chapter", heading(body), body, marker.start, end)


def _item(text, marker, region_end, resolve):
    end = trim_end(text, marker.start, region_end)
    points = find_points(text, marker.body, end)
    lead_end = trim_end(text, marker.start, points[0].start) if points else end
    lead = text[marker.body : lead_end].strip()
    item = Node(marker.number, "item", lead_sentence(lead), lead, marker.start, lead_end)
    item_clauses = find_clauses(text, marker.body, lead_end)
    pieces = [(marker.body, lead_end, item_clauses)]  # the item's own text: lead (and closing paragraph)
    children = []
    for j, point in enumerate(points):
        span_end = trim_end(text, point.start, points[j + 1].start if j + 1 < len(points) else end)
        own_end = span_end
        if j == len(points) - 1:
            own_end, tail = _closing_paragraph(text, point.body, span_end)
            if tail:
                tail_clauses = find_clauses(text, *tail)
                pieces.append((*tail, tail_clauses))
                item.text = f"{item.text}\n{text[tail[0] : tail[1]]}"
        own = text[point.body : own_end].strip()
        child = Node(point.number, "point", lead_sentence(own), own, point.start, span_end)
        children.append((child, point.body, own_end, find_clauses(text, point.body, own_end)))
    cleaned = {id(child): list(clauses) for child, _a, _b, clauses in children}
    _close_with_last_clause(text, children, pieces)
    item.units = resolve([c for _a, _b, clauses in pieces for c in clauses])
    _set_targets(item, text, pieces)
    for child, start, own_end, clauses in children:
        child.units = resolve(clauses)
        _set_targets(child, text, [(start, own_end, cleaned[id(child)])])
        if not child.units:
            child.units = [_inherited(unit) for unit in item.units]
    item.children = [child for child, *_rest in children]
    return item


def _closing_paragraph(text, start, end):
    """(own end, tail span or None) of the last sub-point: when its first paragraph ends with a clause
    and more paragraphs follow, those are the item's closing paragraph (seed §10)."""
    newline = text.find("\n", start, end)
    if newline < 0:
        return end, None
    first_end = trim_end(text, start, newline)
    rest_start = newline + len(text[newline:end]) - len(text[newline:end].lstrip())
    if rest_start >= end or not _ends_with_clause(text, start, first_end):
        return end, None
    return first_end, (rest_start, end)


def _ends_with_clause(text, start, end):
    clauses = find_clauses(text, start, end)
    return bool(clauses) and not text[clauses[-1].end : end].strip(" \t。.；;")


def _close_with_last_clause(text, children, pieces):
    """Unless every sub-point names its units, a clause closing the last sub-point is the item's."""
    if not children or all(clauses for *_rest, clauses in children):
        return
    _child, _start, own_end, clauses = children[-1]
    if clauses and not text[clauses[-1].end : own_end].strip(" \t。.；;"):
        closing = clauses.pop()
        pieces.insert(1, (closing.start, closing.end, [closing]))


def _set_targets(node, text, pieces):
    for start, end, clauses in pieces:
        local = [(c.start - start, c.end - start) for c in clauses if start <= c.start and c.end <= end]
        targets, rules = extract(clean(text[start:end], local))
        node.targets += targets
        node.rules += rules


def _inherited(unit):
    return UnitRef(unit.name, unit.role, unit.unit_id, inherited=True, expanded=unit.expanded)


def _resolver(matcher):
    """clauses → UnitRefs: each written name matched (a group name to each of its units), the same
    unit listed once per node (a unit named on its own keeps its role over a group's)."""
    cache = {}

    def match(name):
        if name not in cache:
            cache[name] = matcher.match(name) if matcher is not None else ([None], False)
        return cache[name]

    def resolve(clauses):
        refs = []
        for clause in clauses:
            for name, role in clause.units:
                ids, expanded = match(name)
                refs += [UnitRef(name, role, unit_id, expanded=expanded) for unit_id in ids]
        named = {ref.unit_id for ref in refs if ref.unit_id is not None and not ref.expanded}
        kept, seen = [], set()
        for ref in refs:
            key = ("id", ref.unit_id) if ref.unit_id is not None else ("name", ref.name, ref.role)
            if key in seen or (ref.expanded and ref.unit_id in named):
                continue
            seen.add(key)
            kept.append(ref)
        return kept

    return resolve
