"""The parse of the 2023 seed against the hand-written golden fixture (seed_2023_golden.yaml): the
tree, every unit with its role (own clauses; group names once, as written), every target and rule.

`what` is compared loosely (one contains the other): the fixture keeps a short noun phrase
("安全示范渔船"), the parser the words of the clause ("高质量培育建设安全示范渔船"). Targets the fixture
marks `unsure` may be found or not; the parser leaves out the breakdown "(1处省级、2处市级、7处县级)".
"""

from pathlib import Path

import pytest
import yaml

from anjian.plans.parsing import parse_plan

from .parsing_helpers import SEED, written_units

GOLDEN = yaml.safe_load((Path(__file__).parent / "fixtures" / "seed_2023_golden.yaml").read_text("utf-8"))
PARSED = parse_plan(SEED)


def pairs():
    """(golden item or point, parsed node) for every item and sub-point, after checking the tree."""
    for chapter, node in zip(GOLDEN["chapters"], PARSED.nodes, strict=True):
        for item, parsed_item in zip(chapter["items"], node.children, strict=True):
            yield item, parsed_item
            yield from zip(item["points"], parsed_item.children, strict=True)


def label(golden):
    return golden["number"]


def test_header():
    assert (PARSED.title, PARSED.year) == (GOLDEN["title"], GOLDEN["year"])


def test_tree():
    assert [(c.number, c.title) for c in PARSED.nodes] == [
        (c["number"], c["title"]) for c in GOLDEN["chapters"]
    ]
    for golden, node in pairs():
        assert node.number == golden["number"]
        assert node.title == golden["title"]
        assert len(node.children) == len(golden.get("points", []))


@pytest.mark.parametrize("golden,node", list(pairs()), ids=lambda x: label(x) if isinstance(x, dict) else "")
def test_units(golden, node):
    assert written_units(node) == [(u["name"], u["role"]) for u in golden["units"]]


def same_target(golden, target):
    keys = ("quantity", "unit", "comparison", "deadline")
    return all(golden[k] == getattr(target, k) for k in keys) and (
        golden["what"] in target.what or target.what in golden["what"]
    )


@pytest.mark.parametrize("golden,node", list(pairs()), ids=lambda x: label(x) if isinstance(x, dict) else "")
def test_targets(golden, node):
    for expected in golden["targets"]:
        if not expected.get("unsure"):
            assert any(same_target(expected, t) for t in node.targets), expected
    for target in node.targets:
        assert any(same_target(expected, target) for expected in golden["targets"]), target


@pytest.mark.parametrize("golden,node", list(pairs()), ids=lambda x: label(x) if isinstance(x, dict) else "")
def test_rules(golden, node):
    expected = golden.get("rules", [])
    assert len(node.rules) == len(expected)
    for text, rule in zip(expected, node.rules, strict=True):
        assert text in rule.text


def test_non_targets_give_no_target():
    figures = {f"{t.quantity:g}{t.unit}" for n in PARSED.walk() for t in n.targets}
    for entry in GOLDEN["non_targets"]:
        assert not any(figure in entry["text"] for figure in figures), entry
