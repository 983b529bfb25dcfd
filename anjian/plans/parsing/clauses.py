"""Responsibility clauses: who leads, cooperates or shares a task.

Three forms are recognised in a node's text:
- a parenthesised clause anywhere: "(市应急管理局牵头，市安委会各成员单位配合)", "（…分工负责）";
- a line "责任单位：A、B，C按职责分工分别负责。" (also 牵头单位：/配合单位：);
- the same clause without parentheses as the last sentence (seed §13: "…五步法。市应急管理局牵头,
  各有关部门分工负责").
A parenthesis is a clause only when its words end with a role verb and every name in it looks like
a unit (ends in 局, 办, 部门, 单位 …): "(1处省级、2处市级、7处县级)" or "(深井铸造)" are not clauses.
"""

import re
from dataclasses import dataclass

LEAD, COOPERATE, SHARE = "lead", "cooperate", "share"
OPEN, CLOSE = "（(", "）)"
# Longest first: "分工负责" before "负责", "牵头负责" before "牵头".
VERBS = (
    ("按职责分工分别负责", SHARE),
    ("按职责分工负责", SHARE),
    ("按职责分别负责", SHARE),
    ("分工负责", SHARE),
    ("分别负责", SHARE),
    ("共同负责", SHARE),
    ("具体负责", SHARE),
    ("牵头负责", LEAD),
    ("负责", SHARE),
    ("牵头", LEAD),
    ("配合", COOPERATE),
    ("协助", COOPERATE),
    ("参与", COOPERATE),
)
LABELS = {"责任单位": SHARE, "责任部门": SHARE, "牵头单位": LEAD, "牵头部门": LEAD, "配合单位": COOPERATE}
LABEL_RE = re.compile(
    r"^[ \t\u3000]*(责任单位|责任部门|牵头单位|牵头部门|配合单位)[:：][ \t\u3000]*(.*)$", re.M
)
SEGMENT_SPLIT_RE = re.compile(r"[，,；;]")
UNIT_SUFFIX_RE = re.compile(
    r"(局|部|办|委|会|室|队|组|单位|部门|政府|府|街道|街|镇|乡|中心|院|所|公司|处|科|站|厅|署|团|社|馆|台"
    r"|机构|园区|区|小组)$"
)
PAREN_TAIL_RE = re.compile(r"[（(][^（）()]*[）)]$")
SENTENCE_END_RE = re.compile(r"[。；;！!？?]")
MAX_CLAUSE = 200


@dataclass
class Clause:
    """A clause found at [start, end) of the source, with its (name, role) pairs in written order."""

    start: int
    end: int
    units: list


def split_verb(segment):
    """(names part, role) when the segment ends with a role verb, else (segment, None)."""
    for verb, role in VERBS:
        if segment.endswith(verb):
            return segment[: -len(verb)], role
    return segment, None


def looks_like_unit(name):
    bare = PAREN_TAIL_RE.sub("", name)
    return 2 <= len(name) <= 40 and bool(UNIT_SUFFIX_RE.search(bare))


def split_names(part):
    """ "A、B等有关部门" → [A, B, 有关部门]; "A等" → [A]. Names are never split on 和 (市住房和城乡建设局)."""
    names = []
    for piece in part.split("、"):
        piece = piece.strip().removeprefix("由")
        if "等" in piece:
            head, _, tail = piece.partition("等")
            names += [head.strip(), tail.strip()]
        else:
            names.append(piece)
    return [name for name in names if name]


def parse_clause(words, default_role=None):
    """[(name, role)] of a clause's words, or None when they are not a clause.

    Each comma-separated segment ends with its verb ("A、B牵头", "C配合"); a segment without one takes
    the role of the next segment that has one (or `default_role`, for a 责任单位： line). "A会同B负责":
    A leads, B shares."""
    words = words.strip().rstrip("。.；;")
    if not words or len(words) > MAX_CLAUSE or "。" in words:
        return None
    segments = [s.strip() for s in SEGMENT_SPLIT_RE.split(words) if s.strip()]
    parsed = [split_verb(segment) for segment in segments]
    if default_role is None and parsed and parsed[-1][1] is None:
        return None  # a clause ends with its verb
    units, pending = [], []
    for part, role in parsed:
        pending.append(part)
        if role is None:
            continue
        for piece in pending:
            units += _segment_units(piece, role)
        pending = []
    for piece in pending:
        units += _segment_units(piece, default_role or SHARE)
    if not units or not all(looks_like_unit(name) for name, _role in units):
        return None
    return units


def _segment_units(part, role):
    if "会同" in part:
        head, _, tail = part.partition("会同")
        return [(n, LEAD) for n in split_names(head)] + [(n, role) for n in split_names(tail)]
    return [(name, role) for name in split_names(part)]


def parenthesised(text, offset=0):
    """(start, end) of the outermost balanced parentheses of `text` (offsets + `offset`). A line break
    or an overlong content abandons an open parenthesis, so a stray "(" swallows nothing."""
    pairs, stack = [], []
    for i, char in enumerate(text):
        if char == "\n" or (stack and i - stack[0] > MAX_CLAUSE):
            stack = []
        if char in OPEN:
            stack.append(i)
        elif char in CLOSE and stack:
            start = stack.pop()
            if not stack:
                pairs.append((start + offset, i + 1 + offset))
    return pairs


def find_clauses(source, start, end):
    """Every responsibility clause inside source[start:end], in order."""
    segment = source[start:end]
    clauses = []
    for a, b in parenthesised(segment, start):
        units = parse_clause(source[a + 1 : b - 1])
        if units:
            clauses.append(Clause(a, b, units))
    for match in LABEL_RE.finditer(segment):
        units = parse_clause(match.group(2), default_role=LABELS[match.group(1)])
        if units:
            clauses.append(Clause(start + match.start(1), start + match.end(2), units))
    bare = _bare_final_clause(source, start, end, clauses)
    if bare:
        clauses.append(bare)
    return sorted(clauses, key=lambda clause: clause.start)


def _bare_final_clause(source, start, end, clauses):
    """The clause without parentheses that closes the text (seed §13), if its last sentence is one."""
    text = source[start:end].rstrip()
    if not text or text[-1] in CLOSE:
        return None
    body = text.rstrip("。.；;")
    cut = max((m.end() for m in SENTENCE_END_RE.finditer(body)), default=0)
    cut = max(cut, body.rfind("\n") + 1)
    tail_start = start + cut + (len(body[cut:]) - len(body[cut:].lstrip()))
    if any(c.start <= tail_start < c.end for c in clauses):
        return None
    units = parse_clause(body[cut:])
    if not units or cut == 0:
        return None
    return Clause(tail_start, start + len(text), units)
