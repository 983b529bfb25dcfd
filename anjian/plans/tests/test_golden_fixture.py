"""Self-check of the hand-written golden fixture of the 2023 seed (issue #4, "Golden fixture").

These tests check the fixture against the seed text only — its shape, that everything it quotes is
really in the document, inside the right item, and that no number of the plan body is left unaccounted
for. They do not use the parser: the fixture is the independent reading the parser is tested against.
"""

import re
from pathlib import Path

import pytest
import yaml

PLANS = Path(__file__).resolve().parents[1]
SEED = (PLANS / "data" / "2023-wenling-work-safety-priorities.txt").read_text(encoding="utf-8")
GOLDEN = yaml.safe_load((Path(__file__).parent / "fixtures" / "seed_2023_golden.yaml").read_text("utf-8"))

CHAPTER_NUMBERS = ["一", "二", "三", "四", "五"]
POINT_NUMBERS = [f"{n}是" for n in "一二三四五六七八九"]
ROLES = {"lead", "cooperate", "share"}
COMPARISONS = {"", "以上", "不少于", "以内", "以下", "余", "达"}
DEADLINES = {"", "年底前"}
TARGET_KEYS = {"quantity", "unit", "what", "comparison", "deadline", "source"}


def items():
    return [item for chapter in GOLDEN["chapters"] for item in chapter["items"]]


def points():
    return [(item, point) for item in items() for point in item["points"]]


def item_spans():
    """Item number → its slice of the seed, from its heading to the next item or chapter heading."""
    starts = [(SEED.index(f"{item['number']}.{item['title']}"), item["number"]) for item in items()]
    chapter_starts = [SEED.index(f"{c['number']}、{c['title']}") for c in GOLDEN["chapters"]]
    spans = {}
    for i, (start, number) in enumerate(starts):
        ends = [s for s in chapter_starts if s > start] + [s for s, _ in starts[i + 1 :]] + [len(SEED)]
        spans[number] = SEED[start : min(ends)]
    return spans


def all_targets():
    for item in items():
        for target in item["targets"]:
            yield item, target
        for point in item["points"]:
            for target in point["targets"]:
                yield item, target


def test_header():
    assert GOLDEN["title"] == "2023年温岭市安全生产工作要点"
    assert GOLDEN["title"] in SEED
    assert GOLDEN["year"] == 2023
    assert GOLDEN["issuer"] in SEED


def test_five_chapters_in_order_with_verbatim_headings():
    assert [c["number"] for c in GOLDEN["chapters"]] == CHAPTER_NUMBERS
    for chapter in GOLDEN["chapters"]:
        assert f"\n{chapter['number']}、{chapter['title']}\n" in SEED


def test_sixteen_items_numbered_in_order_with_verbatim_lead_sentences():
    assert [item["number"] for item in items()] == [str(n) for n in range(1, 17)]
    positions = []
    for item in items():
        title = item["title"]
        assert title.endswith("。") and title.count("。") == 1, title
        heading = f"\n{item['number']}.{title}"
        assert SEED.count(heading) == 1, heading
        positions.append(SEED.index(heading))
    assert positions == sorted(positions)


def test_items_belong_to_the_right_chapters():
    per_chapter = [[item["number"] for item in c["items"]] for c in GOLDEN["chapters"]]
    assert per_chapter == [
        ["1"],
        ["2", "3"],
        ["4", "5", "6"],
        ["7", "8", "9", "10"],
        [str(n) for n in range(11, 17)],
    ]


def test_sub_points_numbered_in_order_and_section_10_has_nine():
    by_item = {item["number"]: [p["number"] for p in item["points"]] for item in items()}
    assert len(by_item["10"]) == 9
    for number, numbers in by_item.items():
        assert numbers == POINT_NUMBERS[: len(numbers)], number
    counts = {number: len(numbers) for number, numbers in by_item.items() if numbers}
    assert counts == {"2": 5, "3": 3, "7": 4, "8": 4, "9": 3, "10": 9}


def test_every_sub_point_marker_of_the_seed_is_in_the_fixture():
    spans = item_spans()
    for item in items():
        markers = re.findall(r"[一二三四五六七八九十]是", spans[item["number"]])
        assert markers == [p["number"] for p in item["points"]], item["number"]
    assert len(points()) == len(re.findall(r"[一二三四五六七八九十]是", SEED)) == 28


def test_point_titles_are_verbatim_lead_phrases_inside_their_item():
    spans = item_spans()
    for item, point in points():
        title = point["title"]
        assert title.endswith("。") and title.count("。") == 1, title
        assert f"{point['number']}{title}" in spans[item["number"]], title


def unit_lists():
    for item in items():
        yield item, item["units"]
        for point in item["points"]:
            yield item, point["units"]


def test_units_are_verbatim_in_their_item_with_valid_roles():
    spans = item_spans()
    for item, units in unit_lists():
        for unit in units:
            assert set(unit) == {"name", "role"}, unit
            assert unit["role"] in ROLES, unit
            assert unit["name"] in spans[item["number"]], (item["number"], unit["name"])
        names = [unit["name"] for unit in units]
        assert len(names) == len(set(names)), names


def test_every_item_has_units_except_section_14():
    assert [item["number"] for item in items() if not item["units"]] == ["14"]


def test_lead_and_cooperate_roles_match_the_words_of_the_clause():
    spans = item_spans()
    for item, units in unit_lists():
        span = spans[item["number"]]
        for unit in units:
            name = re.escape(unit["name"])
            if unit["role"] == "lead":
                assert re.search(name + r"(、[^,()]+)*(牵头|会同)", span), unit
            if unit["role"] == "cooperate":
                assert re.search(name + r"(、[^,()]+)*配合", span), unit


def test_section_13_clause_is_outside_parentheses():
    item13 = items()[12]
    assert item13["units"] == [
        {"name": "市应急管理局", "role": "lead"},
        {"name": "各有关部门", "role": "share"},
    ]
    assert item_spans()["13"].rstrip().endswith("五步法。市应急管理局牵头,各有关部门分工负责")


def test_targets_are_complete_records_quoting_the_seed():
    spans = item_spans()
    for item, target in all_targets():
        assert TARGET_KEYS <= set(target) <= TARGET_KEYS | {"unsure"}, target
        assert isinstance(target["quantity"], (int, float)) and target["quantity"] > 0, target
        assert target["unit"], target
        assert target["comparison"] in COMPARISONS, target
        assert target["deadline"] in DEADLINES, target
        assert target["source"] in spans[item["number"]], target["source"]
        assert f"{target['quantity']:g}" in target["source"], target
        assert target["unit"] in target["source"], target
        assert target["what"] in SEED, target["what"]
        if target["comparison"] not in ("", "达"):
            assert target["comparison"] in target["source"], target


def test_issue_examples_are_in_the_fixture():
    targets = [t for _, t in all_targets()]
    keys = [(t["quantity"], t["unit"], t["what"], t["comparison"], t["deadline"]) for t in targets]
    assert (95, "艘", "安全示范渔船", "", "") in keys
    assert (5.4, "公里", "城镇燃气老旧管道更新改造", "", "") in keys
    assert (90, "%", "规上企业开展标准化建设", "以上", "年底前") in keys


def number_covered(start, end, quoted):
    return any(a <= start and end <= b for a, b in quoted)


def test_every_number_in_the_plan_body_is_a_target_a_rule_or_a_listed_non_target():
    body_start = SEED.index("\n一、")
    snippets = [t["source"] for _, t in all_targets()]
    snippets += [r for item in items() for r in item.get("rules", [])]
    snippets += [r for _, p in points() for r in p.get("rules", [])]
    snippets += [n["text"] for n in GOLDEN["non_targets"]]
    quoted = []
    for snippet in snippets:
        assert snippet in SEED, snippet
        quoted += [(m.start(), m.end()) for m in re.finditer(re.escape(snippet), SEED)]
    for match in re.finditer(r"\d+(\.\d+)?", SEED[body_start:]):
        start, end = match.start() + body_start, match.end() + body_start
        is_item_number = SEED[start - 1] == "\n" and SEED[end] == "."
        is_year = SEED[end] == "年"
        assert is_item_number or is_year or number_covered(start, end, quoted), SEED[start - 10 : end + 10]


@pytest.mark.parametrize("rule_holder", ["4", "5", "6"])
def test_frequency_rules_are_not_targets(rule_holder):
    item = next(i for i in items() if i["number"] == rule_holder)
    assert item["rules"] and item["targets"] == []
