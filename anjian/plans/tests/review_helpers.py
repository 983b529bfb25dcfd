"""A small hand-made parse (the JSON of docs/plans.md) for review tests that must not depend on how
the parser reads a text: one chapter, three items, one unmatched unit, two targets in item 1."""

from anjian.org.models import Unit
from anjian.plans import services

ITEM1 = "开展燃气整治。完成5.4公里城镇燃气老旧管道更新改造。高质量培育建设安全示范渔船95艘。"
ITEM2 = "加强教育培训。组织安全生产月活动。"
ITEM3 = "完善应急救援体系。"
TEXT = (
    "2023年某市安全生产工作要点\n\n一、夯实基础\n\n"
    f"1.{ITEM1}（市应急管理局牵头，市某某局配合）\n\n"
    f"2.{ITEM2}（市应急管理局、各镇（街道）分工负责）\n\n"
    f"3.{ITEM3}（市安委办负责）\n\n附件：联系人名单\n"
)


def _span(fragment):
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def _node(number, level, title, text, units=(), targets=(), children=(), span_of=None):
    start, end = _span(span_of or text)
    return {
        "number": number,
        "level": level,
        "title": title,
        "text": text,
        "units": list(units),
        "targets": list(targets),
        "start": start,
        "end": end,
        "children": list(children),
    }


def small_parse():
    bureau = Unit.objects.get(name="市应急管理局").pk
    office = Unit.objects.get(name="市安委办").pk
    town = Unit.objects.get(name="泽国镇").pk
    item1 = _node(
        "1",
        "item",
        "开展燃气整治。",
        ITEM1,
        units=[
            {"name": "市应急管理局", "role": "lead", "unit_id": bureau},
            {"name": "市某某局", "role": "cooperate", "unit_id": None},
        ],
        targets=[
            {
                "quantity": 5.4,
                "unit": "公里",
                "what": "城镇燃气老旧管道更新改造",
                "comparison": "",
                "deadline": "",
            },
            {"quantity": 95, "unit": "艘", "what": "安全示范渔船", "comparison": "", "deadline": ""},
        ],
        span_of=f"1.{ITEM1}（市应急管理局牵头，市某某局配合）",
    )
    item2 = _node(
        "2",
        "item",
        "加强教育培训。",
        ITEM2,
        units=[
            {"name": "市应急管理局", "role": "share", "unit_id": bureau},
            {"name": "泽国镇", "role": "share", "unit_id": town},
        ],
    )
    item3 = _node(
        "3",
        "item",
        "完善应急救援体系。",
        ITEM3,
        units=[{"name": "市安委办", "role": "share", "unit_id": office}],
    )
    chapter = _node(
        "一", "chapter", "夯实基础", "夯实基础", children=[item1, item2, item3], span_of="一、夯实基础"
    )
    start, end = _span("附件：联系人名单")
    return {
        "title": "2023年某市安全生产工作要点",
        "year": 2023,
        "nodes": [chapter],
        "unplaced": [{"text": "附件：联系人名单", "start": start, "end": end}],
    }


def small_plan(actor):
    return services.create_plan(actor, TEXT, small_parse(), source_name="test.txt")
