"""Demo risk registers: risk units, events, assessments and control measures for the synthetic subjects
of the high-risk sectors, so the register, the map and every town's 一级一册 manual have content.

Per town, up to `PER_TOWN` subjects (hazardous chemicals, metallurgy and fireworks first, then
construction and industry and trade) get two or three units from their sector's templates below, each
unit its events (GB 6441 accident types) with measures of all five kinds, the engineering and
management ones linked to the items of the published sector checklist that check them. Grades come
from real assessments (`methods.assess` under `RiskPolicy.current().bands`): most events are yellow or
blue, and the first subjects of every town carry a red and an orange risk, so every manual has pages.

Deterministic (one seeded generator per subject) and idempotent: a subject that already has synthetic
risk units is skipped. Rows go in with bulk_create; the subjects are re-graded once at the end.
"""

import random
from collections import defaultdict

from anjian.checklists.models import Checklist
from anjian.core import audit
from anjian.core.context import system_actor
from anjian.hazards.models import Hazard
from anjian.risks.grading import regrade_subjects
from anjian.risks.methods import assess
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskEvent, RiskPolicy, RiskUnit

from .names import GIVEN, SURNAMES
from .subjects import demo_subjects

SEED = 2023
PER_TOWN = 8
# Sector order decides which subjects of a town get a register first.
SECTORS = ("hazardous_chemicals", "metallurgy", "fireworks", "construction", "industry_trade")
CHECKLISTS = {
    "hazardous_chemicals": "hazardous-chemicals",
    "metallurgy": "metallurgy",
    "fireworks": "fireworks",
    "construction": "construction",
    "industry_trade": "industry-trade",
}
# Tiers of assessment inputs: (method, L, C or S, E). What grade each earns is for the bands to say;
# under the default bands they are red, orange, yellow and blue.
INPUTS = {
    "red": [("ls", 5, 4, None), ("ls", 4, 5, None), ("lec", 3, 40, 6), ("lec", 6, 15, 6)],
    "orange": [("ls", 4, 4, None), ("ls", 3, 5, None), ("lec", 3, 15, 6), ("lec", 1, 40, 6)],
    "yellow": [
        ("ls", 3, 3, None),
        ("ls", 3, 4, None),
        ("ls", 2, 5, None),
        ("lec", 3, 7, 6),
        ("lec", 1, 15, 6),
    ],
    "blue": [("ls", 2, 2, None), ("ls", 2, 4, None), ("ls", 1, 3, None), ("lec", 1, 7, 6), ("lec", 1, 7, 3)],
}
TIER_WEIGHTS = {"red": 2, "orange": 8, "yellow": 48, "blue": 42}
# The first subjects of each town: the tier of their first event, so every town has red and orange.
FORCED = ("red", "orange", "orange")

# Event templates: (name, GB 6441 type, consequence, [(kind, measure, checklist item key or None)]).
# Training, personal protection and emergency measures come from COMMON by accident type.
LEAK_FIRE = (
    "储罐泄漏引发火灾爆炸",
    "other_explosion",
    "易燃液体泄漏遇点火源引发池火或蒸气云爆炸，造成人员伤亡和周边设施损毁",
    [
        ("engineering", "储罐设置高低液位报警和紧急切断阀，与DCS联锁", "HC-05"),
        ("engineering", "罐区设置可燃气体检测报警装置并接入控制室", "HC-12"),
        ("management", "严格执行动火、受限空间等特殊作业审批，作业前检测分析", "HC-18"),
    ],
)
TANK_PRESSURE = (
    "储罐呼吸阀堵塞导致超压破裂",
    "vessel",
    "储罐超压或抽瘪破裂，物料外泄",
    [
        ("engineering", "呼吸阀、阻火器每月检查，安全阀按期校验", "HC-15"),
        ("management", "落实巡回检查制度，每班记录罐区压力、液位", "HC-17"),
    ],
)
RUNAWAY = (
    "反应失控超温超压爆炸",
    "vessel",
    "反应釜内放热反应失控，超温超压导致容器爆炸",
    [
        ("engineering", "反应釜设置温度、压力联锁和紧急停车系统并正常投用", "HC-04"),
        ("management", "严格执行操作规程和工艺控制指标，交接班核对工艺参数", "HC-17"),
        ("management", "危险化工工艺操作人员持证上岗", "HC-02"),
    ],
)
REACTOR_TOXIC = (
    "釜内有毒物料泄漏中毒",
    "poisoning",
    "投料或出料时有毒物料泄漏，作业人员吸入中毒",
    [
        ("engineering", "投料口设置局部排风和有毒气体检测报警", "HC-12"),
        ("management", "密闭投料，执行双人操作确认制度", None),
    ],
)
LOADING = (
    "槽车装卸泄漏引发火灾",
    "fire",
    "装卸过程中管线脱落或静电积聚引燃泄漏物料",
    [
        ("engineering", "装卸区设置静电接地报警仪，液化气体使用万向管道充装系统", "HC-07"),
        ("management", "装卸作业全程专人监护，核验车辆和驾驶员资质", None),
    ],
)
WAREHOUSE = (
    "危化品仓库混存引发火灾",
    "fire",
    "禁配物质混存发生反应或遇火源燃烧，火势蔓延",
    [
        ("engineering", "仓库设置防爆电气、通风和温湿度监测", "HC-12"),
        ("management", "分区分类储存，禁止超量、超品种储存和禁配物质混存", "HC-20"),
        ("management", "专库储存、双人收发、双人保管，出入库核查登记", "HC-23"),
    ],
)
CONFINED = (
    "有限空间作业中毒窒息",
    "poisoning",
    "进入储罐、地沟、污水池等有限空间作业时缺氧或有毒气体中毒，盲目施救致伤亡扩大",
    [
        ("engineering", "配备便携式气体检测报警仪和强制通风设备", None),
        ("management", "有限空间作业审批，执行先通风、再检测、后作业，现场设监护人", "GM-17"),
    ],
)
DUST = (
    "粉尘爆炸",
    "other_explosion",
    "除尘系统或作业场所积尘遇点火源引发粉尘爆炸",
    [
        ("engineering", "干式除尘系统设置泄爆、隔爆装置", "GM-06"),
        ("engineering", "粉尘爆炸危险场所使用防爆电气设备", "GM-10"),
        ("management", "落实粉尘清扫制度，每班清扫并记录", "GM-13"),
    ],
)
PRESS = (
    "冲压设备机械伤害",
    "machinery",
    "冲床、剪板机作业时手部进入危险区域被挤压、剪切",
    [
        ("engineering", "冲床设置双手操作按钮和光电保护装置", None),
        ("management", "设备维修执行停机、断电、挂牌上锁", None),
    ],
)
FORKLIFT = (
    "厂内叉车伤害",
    "vehicle",
    "叉车在厂内行驶、装卸时撞击或碾压人员",
    [
        ("engineering", "叉车通道划线分隔，交叉路口设置凸面镜和限速标志", None),
        ("management", "叉车司机持证上岗，执行班前点检", "GM-02"),
    ],
)
SWITCHROOM = (
    "配电设施触电",
    "electric",
    "配电柜检修或线路老化漏电造成触电",
    [
        ("engineering", "配电线路设置漏电保护，配电房设置绝缘垫和防小动物挡板", None),
        ("management", "电工持证上岗，停送电执行工作票制度", "GM-02"),
    ],
)
MOLTEN = (
    "熔融金属喷溅灼烫",
    "scald",
    "熔炼、浇注时熔融金属遇水或潮湿物料喷溅灼伤人员",
    [
        ("engineering", "熔炼炉设置应急冷却水源和水冷元件监测报警", "MET-11"),
        ("management", "浇注区、渣坑生产期间保持干燥无积水", "MET-05"),
    ],
)
LADLE = (
    "熔融金属吊运倾翻",
    "lifting",
    "吊运熔融金属的起重机故障或钢包耳轴断裂导致倾翻",
    [
        ("engineering", "吊运熔融金属使用冶金起重机，按期检测检验", "MET-08"),
        ("management", "人员聚集场所不得设在熔融金属吊运跨区域", "MET-04"),
    ],
)
GAS = (
    "煤气泄漏中毒",
    "poisoning",
    "煤气管道、设施泄漏造成一氧化碳中毒",
    [
        ("engineering", "煤气区域设置固定式一氧化碳检测报警，数据接入值班室", "MET-09"),
        ("engineering", "煤气管道设置可靠隔断和吹扫装置", "MET-10"),
    ],
)
FIREWORKS_STORE = (
    "成品仓库火药爆炸",
    "explosive",
    "超量储存或静电、雷击引燃烟花爆竹成品发生爆炸",
    [
        ("engineering", "仓库防雷、防静电设施完好并按期检测", "FW-05"),
        ("management", "严格按核定药量和人数储存、作业", "FW-03"),
        ("management", "成品按危险等级分库存放，出入库登记", "FW-08"),
    ],
)
FIREWORKS_SHOP = (
    "零售点超量储存引发火灾爆炸",
    "explosive",
    "零售点超量储存或与居住场所混设，遇火源燃烧爆炸",
    [
        ("management", "零售点不得与居住场所设在同一建筑物内，限量存放", "FW-09"),
    ],
)
PIT = (
    "深基坑坍塌",
    "collapse",
    "基坑支护失稳或降水失效导致坍塌，掩埋作业人员",
    [
        ("engineering", "基坑支护按专项方案施工，设置位移、沉降监测点", "CON-04"),
        ("management", "超过一定规模的深基坑专项方案经专家论证", "CON-04"),
    ],
)
FALL = (
    "高处坠落",
    "fall",
    "脚手架、临边洞口作业时人员坠落",
    [
        ("engineering", "临边、洞口设置防护栏杆和安全网", "CON-06"),
        ("engineering", "脚手架按方案搭设，连墙件、剪刀撑齐全，验收挂牌", "CON-07"),
    ],
)
CRANE = (
    "塔式起重机倾覆",
    "lifting",
    "塔吊安装拆卸违规或超载作业导致倾覆",
    [
        ("engineering", "塔吊经检验合格并办理使用登记，力矩限制器等安全装置齐全有效", "CON-05"),
        ("management", "司机、信号工、安拆工持证上岗", "CON-03"),
    ],
)
SITE_POWER = (
    "施工临时用电触电",
    "electric",
    "临时用电线路破损或未做漏电保护造成触电",
    [("engineering", "临时用电采用TN-S系统，三级配电两级保护，一机一闸一漏", "CON-08")],
)

# Unit templates per sector: (unit name, RiskUnit.Kind, responsible department, events).
UNITS = {
    "hazardous_chemicals": [
        ("储罐区", "facility", "储运部", [LEAK_FIRE, TANK_PRESSURE]),
        ("反应釜", "installation", "生产部", [RUNAWAY, REACTOR_TOXIC]),
        ("装卸作业", "activity", "储运部", [LOADING]),
        ("危化品仓库", "place", "仓储部", [WAREHOUSE]),
        ("有限空间作业", "activity", "安全环保部", [CONFINED]),
    ],
    "industry_trade": [
        ("粉尘涉爆区域", "place", "生产部", [DUST]),
        ("冲压车间", "place", "生产部", [PRESS]),
        ("叉车作业", "activity", "物流部", [FORKLIFT]),
        ("配电房", "facility", "设备部", [SWITCHROOM]),
        ("有限空间作业", "activity", "安全部", [CONFINED]),
    ],
    "metallurgy": [
        ("熔炼炉", "installation", "熔炼车间", [MOLTEN]),
        ("熔融金属吊运区", "place", "铸造车间", [LADLE]),
        ("煤气站", "facility", "动力部", [GAS]),
        ("有限空间作业", "activity", "安全部", [CONFINED]),
    ],
    "fireworks": [
        ("成品仓库", "place", "仓储部", [FIREWORKS_STORE]),
        ("零售点", "place", "经营部", [FIREWORKS_SHOP]),
    ],
    "construction": [
        ("深基坑工程", "activity", "项目部", [PIT]),
        ("脚手架及临边作业", "activity", "项目部", [FALL]),
        ("塔式起重机", "installation", "设备科", [CRANE]),
        ("施工临时用电", "facility", "项目部", [SITE_POWER]),
    ],
}
# Training, protection and emergency measures by accident type (the default for types not listed).
COMMON = {
    "poisoning": (
        "作业人员每年接受有毒气体防护和有限空间救援培训",
        "配备正压式空气呼吸器、防毒面具，作业时佩戴",
        "现场配备救援三脚架、呼吸器，严禁盲目施救，每半年演练一次",
    ),
    "scald": (
        "熔炼岗位人员上岗前接受熔融金属作业安全培训",
        "穿戴隔热服、防护面罩和防护靴",
        "配备烫伤急救箱，制定熔融金属泄漏现场处置方案并演练",
    ),
    "fall": (
        "高处作业人员安全技术交底并签字",
        "正确佩戴安全帽，系挂安全带",
        "制定高处坠落现场处置方案，配备急救担架",
    ),
    "electric": (
        "电工每年复训，普及触电急救知识",
        "使用绝缘手套、绝缘鞋等防护用品",
        "制定触电事故现场处置方案，定期开展心肺复苏演练",
    ),
    None: (
        "岗位人员每季度开展岗位风险和应急处置培训",
        "作业人员按岗位配备并正确佩戴劳动防护用品",
        "制定现场处置方案，配备应急物资，每半年组织一次应急演练",
    ),
}
KIND_LEVELS = {
    "engineering": ("company", "workshop"),
    "management": ("company", "workshop"),
    "training": ("workshop", "team"),
    "protection": ("team", "post"),
    "emergency": ("company", "team"),
}


def _checklist_items():
    """{(sector, item key): ChecklistItem} of the current published versions of the sector checklists."""
    items = {}
    for sector, code in CHECKLISTS.items():
        checklist = Checklist.objects.filter(code=code).first()
        version = checklist.current_version() if checklist else None
        if version is None:
            continue
        for item in version.items.all():
            items[(sector, item.key)] = item
            if sector == "industry_trade":
                items[("*", item.key)] = item  # 有限空间 and 特种作业 items serve every sector
    return items


def _found_keys():
    """{subject id: checklist item keys} of the open hazards demo inspections raised from failed items."""
    found = defaultdict(set)
    rows = Hazard.objects.open().filter(inspection_result__isnull=False, subject__is_synthetic=True)
    for subject_id, key in rows.values_list("subject_id", "inspection_result__item__key"):
        found[subject_id].add(key)
    return found


def _targets(found):
    """The subjects to give a register, by town: those with open inspection hazards first (their
    register then covers what the inspection found), then in sector order; up to PER_TOWN each."""
    rows = demo_subjects().filter(sector_id__in=SECTORS).only("id", "town_id", "sector_id", "attributes")
    by_town = defaultdict(list)
    for subject in rows:
        by_town[subject.town_id].append(subject)
    chosen = []
    for subjects in by_town.values():
        subjects.sort(
            key=lambda s: (s.pk not in found, SECTORS.index(s.sector_id), s.attributes.get("demo_no", 0))
        )
        chosen.extend((rank, s) for rank, s in enumerate(subjects[:PER_TOWN]))
    return chosen


def _template_keys(template):
    _name, _kind, _department, events = template
    return {key for _event, _type, _consequence, measures in events for _k, _text, key in measures if key}


def _pick_units(rng, templates, keys):
    """Two or three unit templates; those whose measures an open inspection hazard concerns come first."""
    checked = [t for t in templates if _template_keys(t) & keys]
    rest = [t for t in templates if t not in checked]
    k = max(len(checked), min(len(templates), rng.choice((2, 3))))
    return (checked + rng.sample(rest, k=len(rest)))[:k]


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _tier(rng, rank, n):
    if n == 0 and rank < len(FORCED):
        return FORCED[rank]
    return rng.choices(list(TIER_WEIGHTS), list(TIER_WEIGHTS.values()))[0]


def _plan_subject(subject, rank, items, bands, keys=frozenset()):
    """The rows of one subject's register as (unit, [(event, assessment, [measures])])."""
    rng = random.Random(f"{SEED}:risks:{subject.attributes.get('demo_no', subject.pk)}")
    templates = UNITS[subject.sector_id]
    picked = _pick_units(rng, templates, keys)
    plan, n = [], 0
    for name, kind, department, events in picked:
        unit = RiskUnit(
            subject_id=subject.pk,
            name=name,
            kind=kind,
            department=department,
            person_in_charge=_person(rng),
            phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
            is_synthetic=True,
        )
        rows = []
        for event_name, accident, consequence, specific in events:
            method, l_value, c_value, e_value = rng.choice(INPUTS[_tier(rng, rank, n)])
            n += 1
            result = assess(method, bands, l_value, c_value, e_value)
            event = RiskEvent(
                subject_id=subject.pk,
                name=event_name,
                accident_type=accident,
                consequence=consequence,
                grade=result.grade,
                is_synthetic=True,
            )
            assessment = RiskAssessment(
                method=method,
                l_value=l_value,
                e_value=e_value,
                c_value=c_value,
                score=result.score,
                grade=result.grade,
                bands=bands,
                explanation=result.explanation,
                note="演示数据",
            )
            rows.append((event, assessment, _measures(rng, subject, accident, specific, items)))
        plan.append((unit, rows))
    return plan


def _measures(rng, subject, accident, specific, items):
    training, protection, emergency = COMMON.get(accident, COMMON[None])
    wanted = [*specific, ("training", training, None), ("protection", protection, None)]
    wanted.append(("emergency", emergency, None))
    people = {}
    measures = []
    for kind, text, key in wanted:
        level = rng.choice(KIND_LEVELS[kind])
        person = people.setdefault(level, _person(rng))
        item = (items.get((subject.sector_id, key)) or items.get(("*", key))) if key else None
        measures.append(
            ControlMeasure(
                subject_id=subject.pk,
                kind=kind,
                text=text,
                level=level,
                responsible_person=person,
                checklist_item=item,
                is_synthetic=True,
            )
        )
    return measures


def _link_open_hazards(measures):
    """Link the new measures to the open hazards the demo inspections already raised against the same
    subject from the same checklist item (same checklist, same key: the design's rule), so those
    measures show as failed. Returns the number of measures linked."""
    by_item = defaultdict(list)
    for measure in measures:
        if measure.checklist_item_id:
            item = measure.checklist_item
            by_item[(measure.subject_id, item.version.checklist_id, item.key)].append(measure.pk)
    if not by_item:
        return 0
    hazards = Hazard.objects.open().filter(
        subject_id__in={key[0] for key in by_item}, inspection_result__isnull=False
    )
    links = []
    Through = ControlMeasure.hazards.through
    for hazard_id, subject_id, checklist_id, key in hazards.values_list(
        "id",
        "subject_id",
        "inspection_result__item__version__checklist_id",
        "inspection_result__item__key",
    ):
        for measure_id in by_item.get((subject_id, checklist_id, key), ()):
            links.append(Through(controlmeasure_id=measure_id, hazard_id=hazard_id))
    Through.objects.bulk_create(links, ignore_conflicts=True)
    return len({link.controlmeasure_id for link in links})


def build_risk_registers(progress=print):
    """Give the chosen demo subjects that have none a synthetic risk register. Returns the counts."""
    done = set(RiskUnit.objects.filter(is_synthetic=True).values_list("subject_id", flat=True))
    found = _found_keys()
    targets = [(rank, s) for rank, s in _targets(found) if s.pk not in done]
    if not targets:
        progress("风险清单：已就绪")
        return {"units": 0, "events": 0, "measures": 0}
    bands = RiskPolicy.current().bands
    items = _checklist_items()
    plans = [_plan_subject(s, rank, items, bands, found.get(s.pk, set())) for rank, s in targets]
    # Seeding: one `bulk` entry for the registers instead of one per unit, event, assessment, measure.
    with audit.bulk_load("demo.risks", actor=system_actor("init-demo")) as summary:
        units = RiskUnit.objects.bulk_create(
            [unit for plan in plans for unit, _rows in plan], batch_size=1000
        )
        events, assessments, measures = [], [], []
        for plan in plans:
            for unit, rows in plan:
                for event, _assessment, _measures in rows:
                    event.unit_id = unit.pk
                    events.append(event)
        RiskEvent.objects.bulk_create(events, batch_size=1000)
        for plan in plans:
            for _unit, rows in plan:
                for event, assessment, event_measures in rows:
                    assessment.event_id = event.pk
                    assessments.append(assessment)
                    for measure in event_measures:
                        measure.event_id = event.pk
                        measures.append(measure)
        RiskAssessment.objects.bulk_create(assessments, batch_size=1000)
        ControlMeasure.objects.bulk_create(measures, batch_size=1000)
        summary.update(units=len(units), events=len(events), measures=len(measures))
    linked = _link_open_hazards(measures)
    regrade_subjects(actor=system_actor("init-demo"))
    grades = defaultdict(int)
    for event in events:
        grades[event.grade] += 1
    progress(
        f"风险清单：{len(targets)} 家监管对象，风险单元 {len(units)}，风险事件 {len(events)}"
        f"（红 {grades['red']}、橙 {grades['orange']}、黄 {grades['yellow']}、蓝 {grades['blue']}），"
        f"管控措施 {len(measures)}（因未销号隐患失效 {linked}）"
    )
    return {"units": len(units), "events": len(events), "measures": len(measures)}
