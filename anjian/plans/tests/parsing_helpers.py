"""Shared by the parser tests: the seed, the fixture plans, and the coverage check."""

from pathlib import Path

PLANS = Path(__file__).resolve().parents[1]
SEED = (PLANS / "data" / "2023-wenling-work-safety-priorities.txt").read_text(encoding="utf-8")
FIXTURES = sorted((PLANS / "tests" / "fixtures").glob("*.txt"))


def coverage_problems(text, result):
    """Non-blank positions of `text` held by no span or by more than one (node spans and unplaced
    pieces), and spans that reach outside the text; [] when the parse loses and doubles nothing."""
    counts = [0] * len(text)
    spans = [(node.start, node.end) for node in result.walk()]
    spans += [(piece.start, piece.end) for piece in result.unplaced]
    problems = [("outside", span) for span in spans if not 0 <= span[0] <= span[1] <= len(text)]
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(text))):
            counts[i] += 1
    for i, char in enumerate(text):
        if not char.isspace() and counts[i] != 1:
            problems.append((i, char, counts[i]))
    return problems


def node(result, number, level="item"):
    return next(n for n in result.walk() if n.level == level and n.number == number)


def own_units(node):
    return [(u.name, u.role) for u in node.units if not u.inherited]


def written_units(node):
    """(name, role) as written, a group name once however many units it stands for."""
    seen = []
    for pair in own_units(node):
        if pair not in seen:
            seen.append(pair)
    return seen


def target_keys(node):
    return [(t.quantity, t.unit, t.comparison, t.deadline) for t in node.targets]
