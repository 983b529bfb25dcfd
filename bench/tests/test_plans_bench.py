"""The plan parser benchmark prints its line in the agreed format. Nothing is timed here."""

import re

import pytest

from bench import plans

LINE = re.compile(r"^plan_parse_200 ratio \d+\.\d\d \(parse \d+\.\d ms, split \d+\.\d ms\)$")


@pytest.mark.django_db
def test_prints_one_line(world):
    lines = []
    results = plans.run(repeat=1, out=lines.append)
    assert len(lines) == 1 and LINE.match(lines[0]), lines
    assert set(results) == {"plan_parse_200"} and results["plan_parse_200"]["app_ms"] > 0


def test_the_plan_has_200_items_cut_alike_by_both():
    text = plans.big_plan()
    assert len(plans.split_items(text)) == 200
    assert re.search(r"(?m)^200\.", text) and not re.search(r"(?m)^201\.", text)


@pytest.mark.django_db
def test_only_selects(world):
    assert plans.run(repeat=1, out=lambda line: None, only="hazard_list") == {}
