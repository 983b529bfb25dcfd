"""Identification and grading of major hazard installations by GB 18218-2018.

The standard's tables ship as CSV in `data/` (Table 1: 85 named substances with their critical
quantity Q; Table 2: Q by hazard category; Tables 3 and 4: the correction factor β; Table 5: α by the
people exposed outside the plant; Table 6: the grades) and are read once per process.

    S = Σ qᵢ/Qᵢ            a major hazard installation when S ≥ 1
    R = α · Σ βᵢ·qᵢ/Qᵢ      一级 R ≥ 100, 二级 50 ≤ R < 100, 三级 10 ≤ R < 50, 四级 R < 10

A line names its substance by Chinese name or alias, CAS number, or Table 2 category code. Q comes from
Table 1 when the substance is named there, else from Table 2 by its category; β from Table 3 for the
named toxic gases, else from Table 4 by category (the standard maps no Table 1 substance to a
category, so a Table 1 substance outside Table 3 needs one). All arithmetic is Decimal.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .gb18218_tables import Category, Substance, norm, strip_parentheses, tables

__all__ = ["Category", "Substance", "tables", "resolve", "evaluate", "EvaluationError", "SubstanceError"]

MAX_QUANTITY = Decimal("1000000")  # t; more is a unit mistake (kg entered as t), not a plant
QUANTITY_PLACES = 4  # InventoryLine.quantity_t keeps four decimals
SHOWN = Decimal("0.0001")  # S, R and the terms as stored and answered
# S and R are rationals whose denominators are small (q has four decimals, Q at most two), so a true
# value differs from a band edge by far more than 1e-10; rounding there undoes 28-digit division
# error (three lines of 1/3 must give exactly 1, not 0.999…).
DECIDE = Decimal("1E-10")
CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
CATEGORY_RE = re.compile(r"^[JW]\d+(\.\d+)?$")


# --- resolving what a line names -----------------------------------------------------------------


class SubstanceError(ValueError):
    """What a line names cannot be resolved; the message says why."""


@dataclass(frozen=True)
class Resolved:
    """What a line's substance turned out to be. `kind`: "table1" (a Table 1 entry), "category" (a
    Table 2 code on its own) or "unlisted" (a name or CAS not in Table 1: Q needs a category)."""

    kind: str
    entered: str
    name: str = ""
    cas: str = ""
    substance: Substance | None = None
    category: Category | None = None
    toxic_beta: Decimal | None = None  # Table 3 β when the substance is one of its toxic gases

    @property
    def identity(self):
        """Two lines with the same identity name the same substance."""
        if self.kind == "table1":
            return ("table1", self.substance.seq)
        if self.kind == "category":
            return ("category", self.category.code)
        return ("cas", self.cas) if self.cas else ("name", norm(self.entered))


def cas_check_digit(cas):
    """The check digit a CAS number's other digits call for (weights 1, 2, 3 … from the right)."""
    digits = cas.replace("-", "")[:-1]
    return sum(weight * int(d) for weight, d in enumerate(reversed(digits), start=1)) % 10


def validate_cas(text):
    """The CAS number in canonical form; SubstanceError for a bad format or check digit."""
    match = CAS_RE.match(text)
    if not match:
        raise SubstanceError(
            _("CAS号“%(v)s”格式不正确：应为“2–7位数字-2位数字-1位校验位”，如 67-56-1") % {"v": text}
        )
    expected = cas_check_digit(text)
    if int(match.group(3)) != expected:
        raise SubstanceError(
            _("CAS号“%(v)s”校验位错误：按前面的数字，校验位应为 %(d)s") % {"v": text, "d": expected}
        )
    return text


def _entries(seqs):
    found = tables().substances
    return "、".join(_("第%(n)s项“%(name)s”") % {"n": s, "name": found[s].name} for s in seqs)


def _toxic_of(names, cas_numbers):
    t = tables()
    for name in names:
        for key in (norm(name), norm(strip_parentheses(name))):
            if key in t.toxic_by_name:
                return t.toxic_by_name[key]
    for cas in cas_numbers:
        if cas in t.toxic_by_cas:
            return t.toxic_by_cas[cas]
    return None


def _table1(entered, seq):
    substance = tables().substances[seq]
    toxic = _toxic_of((substance.name,), substance.cas)
    return Resolved(
        "table1",
        entered,
        name=substance.name,
        cas=";".join(substance.cas),
        substance=substance,
        toxic_beta=toxic[2] if toxic else None,
    )


def _resolve_cas(entered, cas):
    seqs = tables().by_cas.get(validate_cas(cas), [])
    if len(seqs) > 1:
        raise SubstanceError(
            _("CAS号“%(v)s”在表1中对应多项：%(e)s，请填写完整品名") % {"v": cas, "e": _entries(seqs)}
        )
    if seqs:
        return _table1(entered, seqs[0])
    toxic = _toxic_of((), (cas,))
    name, beta = (toxic[0], toxic[2]) if toxic else ("", None)
    return Resolved("unlisted", entered, name=name, cas=cas, toxic_beta=beta)


def resolve(substance, has_category=False):
    """What `substance` (a name or alias, a CAS number or a Table 2 code) is. Raises SubstanceError
    for an empty entry, a malformed CAS number or wrong check digit, an unknown category code, or a
    name or CAS that stands for several Table 1 entries. An unlisted name or CAS resolves as
    "unlisted": the caller decides (it needs a category). A bare name of a conditional entry
    (甲醛 for 甲醛(含量>90%)) is unlisted when the line has a category (37% 甲醛 goes by Table 2),
    else an error asking which it is."""
    entered = str(substance or "").strip()
    key = norm(entered)
    if not key:
        raise SubstanceError(_("请填写物质名称、CAS号或危险性类别代码"))
    t = tables()
    if CATEGORY_RE.match(key.upper()):
        return Resolved("category", entered, category=category(key))
    if re.fullmatch(r"[\d-]+", key):
        return _resolve_cas(entered, key)
    seqs = t.by_name.get(key)
    if seqs:
        return _table1(entered, seqs[0])
    if key in t.conditional and not has_category:
        raise SubstanceError(
            _("“%(v)s”在表1中只以%(e)s列出：符合该条件请填写完整品名，否则请选择表2危险性类别")
            % {"v": entered, "e": _entries(t.conditional[key])}
        )
    toxic = _toxic_of((entered,), ())
    return Resolved(
        "unlisted",
        entered,
        name=toxic[0] if toxic else entered,
        cas=toxic[1] if toxic else "",
        toxic_beta=toxic[2] if toxic else None,
    )


def category(code):
    """The Table 2 category of `code` (case-insensitive); SubstanceError when there is none."""
    key = norm(code).upper()
    found = tables().categories.get(key)
    if found is None:
        raise SubstanceError(
            _(
                "危险性类别代码“%(v)s”不存在：表2的代码为 J1–J5、W1.1–W1.3、W2–W4、W5.1–W5.4、W6.1–W7.2、W8–W11"
            )
            % {"v": code}
        )
    return found


# --- evaluation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: the line number (None for the whole), the field, the message."""

    number: int | None
    field: str | None
    message: str


class EvaluationError(ValueError):
    """The input cannot be evaluated; `problems` lists everything wrong, each with a message."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("；".join(p.message for p in self.problems))


@dataclass(frozen=True)
class LineResult:
    number: int
    substance: str  # as entered
    name: str
    cas: str
    category: str  # the Table 2 code used, or ""
    quantity: Decimal
    critical: Decimal
    beta: Decimal
    term: Decimal  # q/Q
    weighted: Decimal  # β·q/Q
    q_basis: str
    beta_basis: str

    @property
    def basis(self):
        return _("Q：%(q)s；β：%(b)s") % {"q": self.q_basis, "b": self.beta_basis}


@dataclass(frozen=True)
class Evaluation:
    lines: list
    exposed_people: int
    s: Decimal
    is_major: bool
    alpha: Decimal
    weighted_sum: Decimal  # Σ β·q/Q
    r: Decimal | None
    grade: int | None
    band: str = ""  # the grade's expression in Table 6, e.g. 100>R≥50

    @property
    def grade_label(self):
        return {number: label for number, label, *_rest in tables().grades}.get(self.grade, "")

    @property
    def explanation(self):
        """One sentence: how S decided, and for a major installation how R and the grade came out."""
        if not self.is_major:
            return _("S = Σq/Q = %(s)s < 1，不构成重大危险源。") % {"s": self.s}
        return _(
            "S = Σq/Q = %(s)s ≥ 1，构成重大危险源；厂外暴露人员 %(n)s 人，α = %(a)s；"
            "R = α·Σβq/Q = %(a)s × %(w)s = %(r)s（%(band)s），为%(g)s重大危险源。"
        ) % {
            "s": self.s,
            "n": self.exposed_people,
            "a": self.alpha,
            "w": _shown(self.weighted_sum),
            "r": self.r,
            "band": self.band,
            "g": self.grade_label,
        }


def _shown(value):
    return value.quantize(SHOWN, rounding=ROUND_HALF_UP)


def _line_label(number):
    return _("第%(n)s行") % {"n": number}


def parse_quantity(value, number):
    """(quantity in t, problem or None)."""
    where = _line_label(number)
    text = "" if value is None else str(value).strip()
    if not text:
        return None, _("%(w)s：请填写最大存量（吨）") % {"w": where}
    try:
        quantity = (
            None if isinstance(value, bool) else Decimal(repr(value) if isinstance(value, float) else text)
        )
    except InvalidOperation:
        quantity = None
    if quantity is None or not quantity.is_finite():
        return None, _("%(w)s：最大存量“%(v)s”不是数字") % {"w": where, "v": text}
    if quantity <= 0:
        return None, _("%(w)s：最大存量须大于0吨（填写的是 %(v)s）") % {"w": where, "v": text}
    if quantity > MAX_QUANTITY:
        return None, _("%(w)s：最大存量 %(v)s 吨超出合理范围（不超过 %(m)s 吨），请核对单位是否为吨") % {
            "w": where,
            "v": text,
            "m": MAX_QUANTITY,
        }
    if quantity != quantity.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)):
        return None, _("%(w)s：最大存量“%(v)s”最多保留%(p)s位小数") % {
            "w": where,
            "v": text,
            "p": QUANTITY_PLACES,
        }
    return quantity, None


def parse_people(value):
    """(exposed people, problem or None)."""
    text = "" if value is None else str(value).strip()
    if text == "":
        return 0, None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        people = int(value) if isinstance(value, (int, float)) else int(text)
    except ValueError:
        return None, _("厂外暴露人员数“%(v)s”应为整数") % {"v": text}
    if people < 0:
        return None, _("厂外暴露人员数不能为负数（填写的是 %(v)s）") % {"v": text}
    return people, None


def alpha_for(people):
    """Table 5: α by the people within 500 m outside the boundary; each band includes its ends."""
    for low, high, alpha in tables().alpha:
        if people >= low and (high is None or people <= high):
            return alpha
    raise ValueError(people)  # the bands cover every count ≥ 0; a gap is a data error


def grade_for(r):
    """Table 6: (grade number, band expression); each band includes its lower bound."""
    for number, _label, low, high, expression in tables().grades:
        if (low is None or r >= low) and (high is None or r < high):
            return number, expression
    raise ValueError(r)


def _fields(line):
    """(substance, quantity, category) of a tuple or a dict line."""
    if isinstance(line, dict):
        return line.get("substance"), line.get("quantity_t"), line.get("category")
    line = tuple(line) + (None,) * 3
    return line[0], line[1], line[2]


def _resolve_line(number, substance, category_code):
    """(Resolved or None, Category or None, problems) of one line's substance and category."""
    where, problems, chosen = _line_label(number), [], None
    code = str(category_code or "").strip()
    if code:
        try:
            chosen = category(code)
        except SubstanceError as error:
            problems.append(Problem(number, "category", f"{where}：{error}"))
    try:
        resolved = resolve(substance, has_category=bool(code))
    except SubstanceError as error:
        problems.append(Problem(number, "substance", f"{where}：{error}"))
        return None, chosen, problems
    if resolved.kind == "category":
        if chosen is not None and chosen.code != resolved.category.code:
            message = _("%(w)s：物质填的是类别代码 %(a)s，与所选危险性类别 %(b)s 不一致") % {
                "w": where,
                "a": resolved.category.code,
                "b": chosen.code,
            }
            problems.append(Problem(number, "category", message))
        chosen = resolved.category
    return resolved, chosen, problems


def _critical(number, resolved, chosen, code_given):
    """(Q, basis) or (None, problem message or None when the category's own error already says)."""
    if resolved.kind == "table1":
        return resolved.substance.critical, _("表1第%(n)s项") % {"n": resolved.substance.seq}
    if chosen is not None:
        return chosen.critical, _("表2 %(c)s") % {"c": chosen.code}
    if code_given:
        return None, None
    where = _line_label(number)
    if resolved.cas:
        message = _("%(w)s：CAS号“%(v)s”的物质未列入表1，请选择其危险性类别（表2）") % {
            "w": where,
            "v": resolved.cas,
        }
    else:
        message = _(
            "%(w)s：表1中没有“%(v)s”（品名或别名）；请核对名称，表1以外的危险化学品请选择其危险性类别（表2）"
        ) % {
            "w": where,
            "v": resolved.entered,
        }
    return None, message


def _beta(number, resolved, chosen, code_given):
    """(β, basis) or (None, problem message or None)."""
    if resolved.toxic_beta is not None:
        return resolved.toxic_beta, _("表3")
    if chosen is not None:
        return chosen.beta, _("表4 %(c)s") % {"c": chosen.code}
    if resolved.kind != "table1" or code_given:
        return None, None  # the Q problem (or the category's) already says what is missing
    message = _("%(w)s：“%(v)s”不在表3中，须选择其危险性类别（表2）以按表4取校正系数β") % {
        "w": _line_label(number),
        "v": resolved.name,
    }
    return None, message


def _evaluate_line(number, line):
    """(LineResult or None, identity or None, problems)."""
    substance, quantity_value, category_code = _fields(line)
    quantity, quantity_problem = parse_quantity(quantity_value, number)
    problems = [Problem(number, "quantity_t", quantity_problem)] if quantity_problem else []
    resolved, chosen, more = _resolve_line(number, substance, category_code)
    problems.extend(more)
    if resolved is None:
        return None, None, problems
    code_given = bool(str(category_code or "").strip())
    critical, q_basis = _critical(number, resolved, chosen, code_given)
    beta, beta_basis = _beta(number, resolved, chosen, code_given)
    # An unlisted substance without a category is a problem of what was entered; a missing β one of
    # the category left blank.
    for value, text, where in ((critical, q_basis, "substance"), (beta, beta_basis, "category")):
        if value is None and text:
            problems.append(Problem(number, where, text))
    if problems or critical is None or beta is None:
        return None, resolved.identity, problems
    term = quantity / critical
    result = LineResult(
        number,
        resolved.entered,
        resolved.name,
        resolved.cas,
        chosen.code if chosen else "",
        quantity,
        critical,
        beta,
        term,
        beta * term,
        q_basis,
        beta_basis,
    )
    return result, resolved.identity, []


def _duplicates(identities):
    problems, first = [], {}
    for number, identity, name in identities:
        if identity in first:
            message = _("%(w)s：“%(v)s”与第%(n)s行是同一物质，请合并为一行（填写合计最大存量）") % {
                "w": _line_label(number),
                "v": name,
                "n": first[identity],
            }
            problems.append(Problem(number, "substance", message))
        else:
            first[identity] = number
    return problems


def evaluate(lines, exposed_people, numbers=None):
    """Identify and grade one unit. `lines`: (substance, quantity in t, category code or None) tuples
    or dicts with those keys; `numbers`: the line numbers to name in messages (default 1, 2, …).
    Returns an Evaluation; raises EvaluationError listing every problem."""
    lines = list(lines or ())
    numbers = list(numbers) if numbers is not None else list(range(1, len(lines) + 1))
    people, people_problem = parse_people(exposed_people)
    problems = [Problem(None, "exposed_people", people_problem)] if people_problem else []
    if not lines:
        problems.append(Problem(None, None, _("请至少填写一种危险化学品及其最大存量")))
    results, identities = [], []
    for number, line in zip(numbers, lines, strict=True):
        result, identity, line_problems = _evaluate_line(number, line)
        problems.extend(line_problems)
        if identity is not None:
            identities.append((number, identity, str(_fields(line)[0] or "").strip()))
        if result is not None:
            results.append(result)
    problems.extend(_duplicates(identities))
    if problems:
        raise EvaluationError(sorted(problems, key=lambda p: p.number or 0))
    return _grade(results, people)


def _grade(results, people):
    s = sum((line.term for line in results), Decimal(0)).quantize(DECIDE)
    weighted = sum((line.weighted for line in results), Decimal(0)).quantize(DECIDE)
    is_major = s >= 1
    alpha = alpha_for(people)
    r = grade = None
    band = ""
    if is_major:
        r = (alpha * weighted).quantize(DECIDE)
        grade, band = grade_for(r)
        r = _shown(r)
    shown = [
        LineResult(**{**line.__dict__, "term": _shown(line.term), "weighted": _shown(line.weighted)})
        for line in results
    ]
    return Evaluation(shown, people, _shown(s), is_major, alpha, weighted, r, grade, band)
