"""The tables of GB 18218-2018, read once from the CSV files in `data/` and indexed for lookup.

Table 1 names are indexed with their aliases and with the parts of a name outside and inside
parentheses (环氧氯丙烷 for "环氧氯丙烷(3-氯-1,2-环氧丙烷)"), except where the parenthesis is a
condition: 甲醛 alone is not "甲醛(含量>90%)", so such bare names are kept apart (`conditional`).
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
GRADE_NUMBERS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
# A parenthesis holding a condition (含量>90%, 含水≥25%): the bare name is not that entry.
CONDITION_RE = re.compile(r"[<>≤≥%]")
# Names the table writes as one entry for several (甲烷,天然气) or whose common forms differ.
EXTRA_KEYS = {49: ("甲烷", "天然气"), 52: ("LPG",), 66: ("乙醇汽油", "甲醇汽油")}


def norm(text):
    """Comparable form of a name or code: full-width to half-width, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def strip_parentheses(text):
    return re.sub(r"\([^()]*\)|\[[^\[\]]*\]", "", text).strip()


@dataclass(frozen=True)
class Substance:
    """A Table 1 entry."""

    seq: int
    name: str
    aliases: tuple
    cas: tuple
    critical: Decimal


@dataclass(frozen=True)
class Category:
    """A Table 2 category with its Table 4 β."""

    code: str
    name: str
    hazard_class: str
    critical: Decimal
    beta: Decimal


@dataclass
class Tables:
    substances: dict = field(default_factory=dict)  # seq -> Substance
    by_name: dict = field(default_factory=dict)  # norm(name or alias) -> [seq]
    conditional: dict = field(default_factory=dict)  # norm(bare name) -> [seq] of conditional entries
    by_cas: dict = field(default_factory=dict)  # CAS -> [seq]
    categories: dict = field(default_factory=dict)  # code -> Category
    toxic_by_name: dict = field(default_factory=dict)  # norm(name) -> (name, CAS, β) of Table 3
    toxic_by_cas: dict = field(default_factory=dict)
    alpha: list = field(default_factory=list)  # (min, max or None, α)
    grades: list = field(default_factory=list)  # (number, label, min or None, max or None, text)


def _rows(name):
    with open(DATA / f"gb18218_{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _cas_numbers(text):
    return tuple(re.findall(r"\d{2,7}-\d{2}-\d", text or ""))


def _add(index, key, seq):
    seqs = index.setdefault(norm(key), [])
    if seq not in seqs:
        seqs.append(seq)


def _name_keys(tables, seq, text):
    """Index a name or alias, its parts outside and inside parentheses; a bare name whose
    parenthesis is a condition goes to `conditional` (甲醛 is not 甲醛(含量>90%))."""
    _add(tables.by_name, text, seq)
    bare = strip_parentheses(text)
    if bare and bare != text:
        _add(tables.conditional if CONDITION_RE.search(text) else tables.by_name, bare, seq)
    for inner in re.findall(r"\(([^()]*)\)", text):
        if not CONDITION_RE.search(inner) and "," not in inner and "、" not in inner:
            _add(tables.by_name, inner, seq)


def _load_substances(tables):
    for row in _rows("table1"):
        seq = int(row["seq"])
        aliases = tuple(a.strip() for a in row["alias_cn"].split(";") if a.strip())
        substance = Substance(
            seq, row["name_cn"], aliases, _cas_numbers(row["cas"]), Decimal(row["critical_quantity_t"])
        )
        tables.substances[seq] = substance
        for text in (substance.name, *aliases):
            _name_keys(tables, seq, text)
        for extra in EXTRA_KEYS.get(seq, ()):
            _add(tables.by_name, extra, seq)
        for cas in substance.cas:
            tables.by_cas.setdefault(cas, []).append(seq)


def _load_categories_and_beta(tables):
    beta = {}
    for row in _rows("beta"):
        if row["source_table"] == "表3":
            entry = (row["name_cn"], row["cas_added_for_matching"], Decimal(row["beta"]))
            tables.toxic_by_name[norm(row["match_key"])] = entry
            if entry[1]:
                tables.toxic_by_cas[entry[1]] = entry
        else:
            beta[row["match_key"]] = Decimal(row["beta"])
    for row in _rows("table2"):
        code = row["category_code"]
        tables.categories[code] = Category(
            code, row["category_cn"], row["hazard_class_cn"], Decimal(row["critical_quantity_t"]), beta[code]
        )


def _bound(text):
    return Decimal(text) if text.strip() else None


@cache
def tables():
    """The standard's tables, read once."""
    result = Tables()
    _load_substances(result)
    _load_categories_and_beta(result)
    for row in _rows("alpha"):
        result.alpha.append(
            (int(row["population_min"]), _bound(row["population_max"]), Decimal(row["alpha"]))
        )
    for row in _rows("grades"):
        low, high = _bound(row["r_min_inclusive"]), _bound(row["r_max_exclusive"])
        result.grades.append(
            (GRADE_NUMBERS[row["grade_cn"]], row["grade_cn"], low, high, row["r_expression"])
        )
    return result
