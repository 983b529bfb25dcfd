"""Numbering and punctuation variants, 责任单位 lines, and a property: on a few hundred generated plans
(random chapters, items, sub-points, clauses and noise, fixed seeds) every non-blank character lies
in exactly one node span or unplaced piece, and the tree is the one generated."""

import random

import pytest

from anjian.plans.parsing import parse_plan

from .parsing_helpers import coverage_problems, own_units

HALF = "某市2024年安全生产工作要点\n一、强化责任\n1.压实企业主体责任。完成整治50家。(市应急管理局牵头,市公安局配合)\n"
FULL = "某市2024年安全生产工作要点\n一、强化责任\n1．压实企业主体责任。完成整治50家。（市应急管理局牵头，市公安局配合）\n"


@pytest.mark.parametrize("text", [HALF, FULL], ids=["half-width", "full-width"])
def test_full_and_half_width_read_alike(text):
    result = parse_plan(text)
    item = result.nodes[0].children[0]
    assert (result.year, item.number, item.title) == (2024, "1", "压实企业主体责任。")
    assert own_units(item) == [("市应急管理局", "lead"), ("市公安局", "cooperate")]
    assert [(t.quantity, t.unit) for t in item.targets] == [(50, "家")]


def test_paren_chapters_with_numbered_items_and_deeper_numbers_kept_in_text():
    text = (
        "2025年工作安排\n（一）总体要求\n1、健全责任体系。\n（1）明确分工。\n（2）压实责任。\n"
        "责任单位：县应急管理局、县公安局\n2、开展隐患排查。（县应急管理局负责）\n（二）保障措施\n1、加强督查。\n"
    )
    result = parse_plan(text)
    assert [(c.number, c.title) for c in result.nodes] == [("一", "总体要求"), ("二", "保障措施")]
    assert [i.number for i in result.nodes[0].children] == ["1", "2"]
    first = result.nodes[0].children[0]
    assert "（1）明确分工。" in first.text and not first.children
    assert own_units(first) == [("县应急管理局", "share"), ("县公安局", "share")]
    assert own_units(result.nodes[0].children[1]) == [("县应急管理局", "share")]
    assert coverage_problems(text, result) == []


def test_items_only_and_paren_arabic_items():
    text = "2022年要点\n(1)加强培训。(市应急局牵头)\n(2)开展演练。(市消防救援大队负责)\n"
    result = parse_plan(text)
    assert [(n.level, n.number) for n in result.nodes] == [("item", "1"), ("item", "2")]
    assert own_units(result.nodes[0]) == [("市应急局", "lead")]


def test_responsibility_line_labels_give_roles():
    text = "2024年要点\n一、任务\n1.开展整治。\n牵头单位：市应急管理局\n配合单位：市公安局、市交通运输局\n"
    item = parse_plan(text).nodes[0].children[0]
    assert own_units(item) == [
        ("市应急管理局", "lead"),
        ("市公安局", "cooperate"),
        ("市交通运输局", "cooperate"),
    ]


def test_parentheses_that_are_not_clauses():
    text = "2024年要点\n一、任务\n1.整治10处点段(1处省级、9处县级)。深化钢铁、铝加工(深井铸造)整治。\n"
    item = parse_plan(text).nodes[0].children[0]
    assert item.units == [] and [(t.quantity, t.unit) for t in item.targets] == [(10, "处")]


def test_out_of_sequence_numbers_are_text():
    text = "2024年要点\n一、任务\n1.开展整治。\n2023.年度回顾不是条目\n3.不是第二条。\n2.开展检查。\n"
    result = parse_plan(text)
    assert [i.number for i in result.nodes[0].children] == ["1", "2"]
    assert "3.不是第二条。" in result.nodes[0].children[0].text


# --- generated plans ------------------------------------------------------------------------------

CN = "一二三四五六七八九十"
UNITS = ["市应急管理局", "市公安局", "市住建局", "市安委会各成员单位", "各镇（街道）", "市交通运输局"]
SENTENCES = [
    "持续深化隐患排查治理。",
    "完成老旧管道改造12公里，",
    "年底前覆盖率达到95%以上。",
    "每月至少开展1次检查。",
    "落实“15条”硬措施。",
    "加强宣传教育，提升全民安全意识；",
    "深化钢铁、铝加工(深井铸造)等重点行业整治。",
]
NOISE = ["当前位置：首页 > 通知", "发布日期：2023-06-13", "各有关单位：", "  ", "\u3000", "2023年4月28日"]


def _clause(rng):
    names = "、".join(rng.sample(UNITS, rng.randint(1, 3)))
    verb = rng.choice(["牵头", "负责", "分工负责", "配合"])
    form = rng.choice(["paren", "full", "line"])
    if form == "line":
        return f"\n责任单位{rng.choice(':：')}{names}"
    return f"({names}{verb})" if form == "paren" else f"（{names}{verb}）"


def _body(rng):
    return "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4))).rstrip("，；") + "。"


def generate(seed):
    """(text, expected tree [(chapter, [(item, points)])]) of a random plan."""
    rng = random.Random(seed)
    out = [rng.choice(NOISE) for _ in range(rng.randint(0, 3))] + ["2024年某县安全生产工作要点"]
    tree, item_no = [], 0
    for c in range(rng.randint(1, 4)):
        out.append(f"{CN[c]}{rng.choice('、．.')}{rng.choice(['强化责任', '夯实基础', '攻坚整治'])}")
        items = []
        for _ in range(rng.randint(1, 4)):
            item_no += 1
            sep = rng.choice([".", "．", "、"])
            line = f"{item_no}{sep}{rng.choice(['压实责任', '开展整治', '加强监管'])}。{_body(rng)}"
            points = rng.randint(0, 4)
            for p in range(points):
                joiner = rng.choice(["", "\n"])
                line += f"{joiner}{CN[p]}是{rng.choice(['抓重点', '补短板'])}。{_body(rng)}"
            if rng.random() < 0.8:
                line += _clause(rng)
            out.append(line + rng.choice(["", "\n", "  "]))
            items.append((str(item_no), points))
        tree.append((CN[c], items))
    return "\n".join(out) + rng.choice(["", "\n\n", "\u3000"]), tree


@pytest.mark.parametrize("seed", range(300))
def test_generated_plans_keep_every_character_once(seed):
    text, tree = generate(seed)
    result = parse_plan(text)
    assert coverage_problems(text, result) == [], text
    got = [(c.number, [(i.number, len(i.children)) for i in c.children]) for c in result.nodes]
    assert got == tree, text
    assert result.year == 2024 and result.title == "2024年某县安全生产工作要点"
