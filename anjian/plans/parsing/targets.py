"""Quantitative targets (number + measure word + what) and frequency rules in a task's text.

Not targets: dates and years (年/月/日 are not measure words), document numbers, names of sets of
measures written in quotes (“15条”), numbers inside a parenthesised aside ("(1处省级、2处市级…)", a
breakdown of the figure before it), scope thresholds of people ("容纳30人以上的场所"), and frequency
rules ("每月至少带队检查1次", returned apart as rules).
"""

import re

from .clauses import parenthesised
from .result import RuleRef, TargetRef

MEASURES = (
    "个百分点 平方公里 平方米 立方米 公里 千米 万元 亿元 万吨 人次 课时 学时 "
    "艘 处 家 名 人 米 亩 元 项 条 次 所 座 台 辆 套 场 批 户 起 支 本 份 件 吨 站 间 只 张 栋 幢 篇 轮 万"
).split()
MEASURE = "|".join(MEASURES) + r"|个(?!月)|%|％"
TARGET_RE = re.compile(
    r"(?<![\d.．/+\-A-Za-z第])(\d+(?:\.\d+)?)[ \t]*(余|多)?[ \t]*("
    + MEASURE
    + r")[ \t]*(以上|以下|以内|左右)?"
)
CLAUSE_DELIMS = "，,；;。：:！!？?、\n"
SENTENCE_DELIMS = "。；;！!？?\n"
PREFIX_COMPARISONS = (
    ("不少于", "不少于"),
    ("不低于", "不低于"),
    ("不超过", "不超过"),
    ("不高于", "不高于"),
    ("超过", "超过"),
    ("达到", "达"),
    ("达", "达"),
)
DEADLINE_RE = re.compile(
    r"(\d{4}年底前|\d{1,2}月底前|\d{1,2}月\d{1,2}日前|\d{1,2}月前|年底前|年内|上半年|下半年|年中前|年中"
    r"|第[一二三四1-4]季度末?前?|汛期前|月底前)"
)
FREQUENCY_RE = re.compile(r"每(个)?(月|季度|季|半年|年|周|日|天|旬)")
QUOTES_OPEN, QUOTES_CLOSE = "“\"'‘「", "”\"'’」"
BEFORE_VERBS = ("达到", "达", "为", "至", "率", "是")


def _last_delim(text, before, delims):
    return max((text.rfind(d, 0, before) for d in delims), default=-1)


def _next_delim(text, after, delims):
    found = [i for i in (text.find(d, after) for d in delims) if i >= 0]
    return min(found) if found else len(text)


def clean(text, clauses):
    """The text without its responsibility clauses and without parenthesised asides that hold a
    number. `clauses`: (start, end) offsets within `text`."""
    cut = list(clauses)
    for a, b in parenthesised(text):
        if any(ch.isdigit() for ch in text[a:b]):
            cut.append((a, b))
    cut.sort()
    pieces, position = [], 0
    for a, b in cut:
        if a >= position:
            pieces.append(text[position:a])
            position = b
    pieces.append(text[position:])
    return "".join(pieces)


def quantity_of(digits):
    value = float(digits)
    return int(value) if value.is_integer() else value


def extract(text):
    """(targets, rules) of a cleaned text, in written order."""
    targets, rules = [], []
    for match in TARGET_RE.finditer(text):
        start, end = match.span()
        number, more, unit, suffix = match.groups()
        unit = "%" if unit in "%％" else unit
        if _quoted(text, start, match.end(3)):
            continue
        clause_start = _last_delim(text, start, CLAUSE_DELIMS) + 1
        clause_end = _next_delim(text, end, CLAUSE_DELIMS)
        before, after = text[clause_start:start].strip(), text[end:clause_end].strip()
        if unit != "%" and FREQUENCY_RE.search(before):
            rules.append(RuleRef(text[clause_start:clause_end].strip(), quantity_of(number), unit))
            continue
        if unit == "人" and suffix in ("以上", "以下"):
            continue  # a scope threshold: 容纳30人以上的人员密集场所
        comparison, before = _prefix_comparison(before)
        what = _what(before, after, reached=comparison == "达")
        comparison = suffix or ("余" if more else comparison)
        if not what:
            continue
        deadline = _deadline(text, start, clause_end)
        targets.append(TargetRef(quantity_of(number), unit, what, comparison, deadline))
    return targets, rules


def _quoted(text, start, end):
    """A number that names something (“15条”, 8条”) rather than counts it."""
    return (start > 0 and text[start - 1] in QUOTES_OPEN) or (end < len(text) and text[end] in QUOTES_CLOSE)


def _prefix_comparison(before):
    for word, comparison in PREFIX_COMPARISONS:
        if before.endswith(word):
            return comparison, before[: -len(word)].rstrip()
    return "", before


def _what(before, after, reached=False):
    """What is counted: the words after the number ("完成5.4公里城镇燃气老旧管道更新改造"), or those
    before it when nothing follows or the number is a level reached ("覆盖率达到100%")."""
    after = re.split(r"[和及与](?=\d)", after, maxsplit=1)[0].removeprefix("的").strip()
    if after and not reached and not before.endswith(BEFORE_VERBS):
        return after[:200]
    head = DEADLINE_RE.match(before)
    if head:
        before = before[head.end() :]
    return before.strip()[:200] or after[:200]


def _deadline(text, start, clause_end):
    """The deadline written earlier in the same sentence (it governs every target of the sentence),
    else one later in the target's own clause."""
    sentence_start = _last_delim(text, start, SENTENCE_DELIMS) + 1
    found = list(DEADLINE_RE.finditer(text, sentence_start, start))
    if found:
        return found[-1].group(1)
    later = DEADLINE_RE.search(text, start, clause_end)
    return later.group(1) if later else ""
