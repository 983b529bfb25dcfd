"""The parser on the 2023 seed and the two shared plans: structure, units with roles, targets, rules,
and that no character is lost or doubled."""

import json

import pytest

from anjian.plans.parsing import PlanTextError, parse_plan

from .parsing_helpers import FIXTURES, SEED, coverage_problems, node, own_units, target_keys, written_units


@pytest.fixture(scope="module")
def seed():
    return parse_plan(SEED)


def test_seed_structure(seed):
    assert seed.title == "2023年温岭市安全生产工作要点" and seed.year == 2023
    assert [c.number for c in seed.nodes] == ["一", "二", "三", "四", "五"]
    assert all(c.level == "chapter" for c in seed.nodes)
    assert seed.nodes[0].title == "学深悟透、真信笃行,牢固树立安全发展理念"
    items = [n for n in seed.walk() if n.level == "item"]
    assert [n.number for n in items] == [str(i) for i in range(1, 17)]
    assert [len(c.children) for c in seed.nodes] == [1, 2, 3, 4, 6]
    points = {n.number: [p.number for p in n.children] for n in items if n.children}
    assert {k: len(v) for k, v in points.items()} == {"2": 5, "3": 3, "7": 4, "8": 4, "9": 3, "10": 9}
    assert points["10"] == [f"{c}是" for c in "一二三四五六七八九"]
    assert node(seed, "2").title == "完善安全生产服务保障。"
    assert node(seed, "2").text == "完善安全生产服务保障。"
    assert node(seed, "10").children[1].title == "涉海涉渔领域。"


def test_seed_nothing_lost_nothing_doubled(seed):
    assert coverage_problems(SEED, seed) == []
    unplaced = "".join(piece.text for piece in seed.unplaced)
    assert "关于印发2023年温岭市安全生产工作要点的通知" in unplaced and "主要任务是" in unplaced


def test_seed_units_and_roles(seed):
    assert own_units(node(seed, "1")) == [
        ("市委组织部", "lead"),
        ("市委宣传部", "lead"),
        ("市应急管理局", "lead"),
        ("市安委会各成员单位", "cooperate"),
    ]
    # "市安委办会同有关部门负责": the unit before 会同 leads.
    assert own_units(node(seed, "5")) == [("市安委办", "lead"), ("有关部门", "share")]
    assert own_units(node(seed, "14")) == []


def test_section_13_clause_without_parentheses(seed):
    assert own_units(node(seed, "13")) == [("市应急管理局", "lead"), ("各有关部门", "share")]


def test_section_10_nine_fields_each_with_its_clause(seed):
    fields = node(seed, "10").children
    assert len(fields) == 9
    assert all(own_units(field) for field in fields)
    assert written_units(fields[8]) == [("市特种设备专委办", "lead"), ("市特安委各成员单位", "share")]
    # The closing paragraph after 九是 speaks for the item.
    assert ("市铁路沿线外部环境安全隐患综合治理领导小组", "share") in own_units(node(seed, "10"))
    assert "同时,要强化公共场所人员聚集安全管理" in node(seed, "10").text
    assert "同时" not in fields[8].text


def test_sub_points_without_a_clause_inherit_the_items_units(seed):
    item = node(seed, "2")
    for point in item.children:
        assert point.units and all(u.inherited for u in point.units)
        assert [(u.name, u.role) for u in point.units] == [(u.name, u.role) for u in item.units]
    # §7: 一是 names its own units (mid-text); the clause after 四是 closes the item.
    seven = node(seed, "7")
    assert own_units(seven) == [("市安委会各专委办", "share")]
    assert len(own_units(seven.children[0])) == 6
    assert all(u.inherited for u in seven.children[3].units)


def test_fishery_targets(seed):
    fishery = node(seed, "10").children[1]
    assert [(t.quantity, t.unit) for t in fishery.targets] == [
        (95, "艘"),
        (502, "艘"),
        (38, "艘"),
        (18, "艘"),
        (227, "艘"),
        (148, "艘"),
        (1209, "艘"),
    ]
    assert "安全示范渔船" in fishery.targets[0].what and fishery.targets[6].what.startswith("问题捕捞渔船")


def test_gas_pipes_and_standardisation(seed):
    city = node(seed, "10").children[6]
    assert [(t.quantity, t.unit, t.what) for t in city.targets] == [(5.4, "公里", "城镇燃气老旧管道更新改造")]
    mining = node(seed, "10").children[4]
    keys = target_keys(mining)
    assert (90, "%", "以上", "年底前") in keys
    assert (100, "家", "不少于", "年底前") in keys  # the sentence's 年底前 governs both
    assert (2, "家", "以上", "") in keys


def test_not_targets_dates_names_thresholds_and_rules(seed):
    quantities = {t.quantity for n in seed.walk() for t in n.targets}
    assert not quantities & {2023, 15, 25, 30, 8, 141, 1030}
    assert node(seed, "6").targets == []
    assert [r.text for r in node(seed, "6").rules] == [
        "推动高危企业主要负责人每月至少带队检查1次",
        "每半年至少组织1次生产安全事故应急救援演练",
    ]
    # Percentages are never frequency rules, even after 每月.
    assert (100, "%", "", "") in target_keys(node(seed, "16"))


def test_to_json_is_the_documented_shape(seed):
    data = json.loads(json.dumps(seed.to_json(), ensure_ascii=False))
    assert set(data) == {"title", "year", "nodes", "unplaced"}
    first = data["nodes"][0]
    assert {"number", "level", "title", "text", "units", "targets", "start", "end", "children"} <= set(first)
    unit = first["children"][0]["units"][0]
    assert {"name", "role", "unit_id"} <= set(unit) and unit["unit_id"] is None
    target = node(seed, "10").children[1].targets[0].to_json()
    assert set(target) == {"quantity", "unit", "what", "comparison", "deadline"}
    assert set(data["unplaced"][0]) == {"text", "start", "end"}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_shared_plans_cut_off_mid_text_parse_without_loss(path):
    text = path.read_text(encoding="utf-8")
    result = parse_plan(text)
    assert coverage_problems(text, result) == []
    assert result.year in (2020, 2022)
    assert [n.level for n in result.nodes][:1] == ["chapter"] and result.nodes[0].children
    last = list(result.walk())[-1]
    assert "TRUNCATED" in last.text  # the cut-off end is kept in the last task, not dropped


def test_xiping_items_numbered_paren_and_responsibility_lines():
    text = next(p for p in FIXTURES if "xiping" in p.name).read_text(encoding="utf-8")
    result = parse_plan(text)
    assert result.title == "西平县2020年度法治政府建设工作安排"
    chapter = result.nodes[0]
    assert chapter.number == "一" and chapter.title == "依法全面履行政府职能"
    assert [item.number for item in chapter.children] == ["一", "二"]
    assert written_units(chapter.children[0]) == [
        ("县政府办公室", "share"),
        ("县司法局", "share"),
        ("各有关部门", "share"),
        ("乡镇人民政府", "share"),
    ]


@pytest.mark.parametrize("text", ["", "  \n\u3000\n", "会议纪要\n会议要求各单位抓好落实。"])
def test_not_a_plan(text):
    with pytest.raises(PlanTextError) as caught:
        parse_plan(text)
    assert isinstance(caught.value, ValueError) and (
        "为空" in str(caught.value) or "不是工作要点" in str(caught.value)
    )
