"""The plan's tree: chapters, items and sub-points, each with its span of the source.

Numbering at the start of a line: `一、` (A), `（一）` (B), `1.` / `1．` / `1、` (C), `（1）` (D), full- or
half-width alike, each kind counting up from 1 (a number out of sequence is ordinary text). The two
highest kinds a document uses are its chapters and items (一、/1. in the seed; 一、/（一） in a plan
that numbers items （一）); with one kind only, its numbers are items. Deeper kinds stay in the item's
text. Sub-points `一是`, `二是` … start a line or follow a sentence end inside an item.

Spans cut the source without overlap: a chapter runs from its number to its first item; an item
from its number to its first sub-point (its lead text); a sub-point to the next one or the item's
end. What lies before the first number (the notice, dates, the 主要任务 paragraph) is `unplaced`,
one piece per line. So every non-blank character is in exactly one node or unplaced piece.
"""

import re
from dataclasses import dataclass

from .result import Unplaced

CN_DIGITS = "一二三四五六七八九十"
SPACE = r"[ \t\u3000]*"
KINDS = (
    ("A", re.compile(rf"^{SPACE}([{CN_DIGITS}]{{1,3}}){SPACE}[、.．]{SPACE}", re.M)),
    ("B", re.compile(rf"^{SPACE}[（(]([{CN_DIGITS}]{{1,3}})[）)]{SPACE}", re.M)),
    ("C", re.compile(rf"^{SPACE}(\d{{1,3}}){SPACE}[.．、](?!\d){SPACE}", re.M)),
    ("D", re.compile(rf"^{SPACE}[（(](\d{{1,3}})[）)]{SPACE}", re.M)),
)
POINT_RE = re.compile(rf"(?:^|(?<=[。；;：:！!？?]))[ \t\u3000]*([{CN_DIGITS}]{{1,3}})是", re.M)


@dataclass
class Marker:
    kind: str
    number: str  # as written: "一", "10"
    value: int
    start: int  # the number's first character
    body: int  # the first character after the number and its punctuation


def cn_value(numeral):
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23; 0 when it is not a numeral of that form."""
    if not numeral or any(ch not in CN_DIGITS for ch in numeral):
        return 0
    if "十" not in numeral:
        return CN_DIGITS.index(numeral) + 1 if len(numeral) == 1 else 0
    tens, _, units = numeral.partition("十")
    tens_value = CN_DIGITS.index(tens) + 1 if tens else 1
    units_value = CN_DIGITS.index(units) + 1 if units else 0
    return tens_value * 10 + units_value if len(tens) <= 1 and len(units) <= 1 else 0


def _value(kind, number):
    return cn_value(number) if kind in "AB" else int(number)


def find_markers(text):
    """Chapter and item markers in order, each kind counting up (1 again starts a new run)."""
    markers = []
    for kind, pattern in KINDS:
        last = 0
        for match in pattern.finditer(text):
            value = _value(kind, match.group(1))
            if value and value in (last + 1, 1):
                # The marker starts at its first character: "（" of "（一）", the digit of "1."
                first = match.start() + len(match.group()) - len(match.group().lstrip(" \t\u3000"))
                markers.append(Marker(kind, match.group(1), value, first, match.end()))
                last = value
    return sorted(markers, key=lambda marker: marker.start)


def levels(markers):
    """(chapter kind or None, item kind) from the kinds used, highest first; (None, None) if none."""
    used = [kind for kind, _ in KINDS if any(marker.kind == kind for marker in markers)]
    if not used:
        return None, None
    if len(used) == 1:
        return None, used[0]
    return used[0], used[1]


def find_points(text, start, end):
    """Sub-point markers (一是, 二是 …) in text[start:end], counting up from 一是."""
    points, expected = [], 1
    for match in POINT_RE.finditer(text, start, end):
        if cn_value(match.group(1)) == expected:
            points.append(Marker("P", match.group(1) + "是", expected, match.start(1), match.end()))
            expected += 1
    return points


def trim_end(text, start, end):
    """The end of text[start:end] without trailing whitespace."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def unplaced_lines(text, start, end):
    """Each non-blank line of text[start:end] as an unplaced piece (stripped)."""
    pieces = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        line = match.group()
        stripped = line.strip()
        if stripped:
            a = start + match.start() + (len(line) - len(line.lstrip()))
            pieces.append(Unplaced(stripped, a, a + len(stripped)))
    return pieces


def lead_sentence(text):
    """A title: the first sentence of the first line, with its 。 (the seed's items and sub-points)."""
    line = text.strip().split("\n", 1)[0]
    match = re.search(r"[。！!？?]", line)
    return (line[: match.end()] if match else line).strip()[:300]


def heading(text):
    """A chapter title: the heading line without a final full stop."""
    line = text.strip().split("\n", 1)[0]
    return re.split(r"[。]", line, maxsplit=1)[0].strip()[:300]
