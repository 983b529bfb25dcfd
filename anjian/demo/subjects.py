"""Synthetic supervised subjects spread over the 17 towns, inserted with bulk_create.

Subject number i is drawn from its own seeded random generator, so a build is deterministic and a
larger build tops up a smaller one (numbers already present are skipped, never duplicated).
"""

import random
from dataclasses import dataclass

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.org.models import Territory, Unit
from anjian.registry.models import RiskGrade, Subject
from anjian.registry.validators import make_uscc

from .names import FIRM_WORDS, GIVEN, SECTOR_TRADES, SURNAMES

SEED = 2023
USCC_BASE = 70_000_000  # keeps demo codes apart from the test suite's small numbers

# Industry is concentrated in the pump, motor and shoe towns; unlisted towns weigh 1.5.
TOWN_WEIGHTS = {
    "泽国镇": 12,
    "大溪镇": 12,
    "温峤镇": 7,
    "新河镇": 7,
    "城东街道": 5,
    "温岭经济开发区": 5,
    "横峰街道": 4,
    "箬横镇": 4,
    "松门镇": 4,
    "石塘镇": 3.5,
    "太平街道": 2,
}
FISHING_TOWNS = {"松门镇", "石塘镇", "箬横镇"}

SECTOR_WEIGHTS = {
    "industry_trade": 34,
    "fire": 16,
    "special_equipment": 9,
    "construction": 7,
    "commerce": 6,
    "hazardous_chemicals": 3,
    "gas": 2,
    "road_traffic": 2,
    "transport": 2,
    "urban_operation": 2,
    "industry": 3,
    "metallurgy": 1,
    "tourism": 1,
    "culture": 1,
    "energy": 0.5,
    "fireworks": 0.5,
    "mining": 0.3,
    "civil_explosives": 0.2,
    "railway": 0.3,
}
# In the fishing towns a good share of what is supervised is boats.
FISHING_SECTOR_WEIGHTS = SECTOR_WEIGHTS | {"fishery": 60, "maritime": 10, "industry_trade": 18}

SECTOR_KINDS = {
    "special_equipment": Subject.Kind.EQUIPMENT,
    "fishery": Subject.Kind.VESSEL,
    "maritime": Subject.Kind.VESSEL,
    "road_traffic": Subject.Kind.ROAD_SPOT,
    "railway": Subject.Kind.ROAD_SPOT,
    "gas": Subject.Kind.PIPELINE,
    "construction": Subject.Kind.PROJECT,
}
PLACE_SECTORS = {"fire", "commerce", "tourism", "culture"}
# Risk grades, red to blue; hazardous fields are graded higher.
GRADE_WEIGHTS = (3, 12, 40, 45)
HIGH_GRADE_WEIGHTS = (15, 35, 40, 10)
HIGH_GRADE_SECTORS = {"hazardous_chemicals", "fireworks", "mining", "metallurgy", "civil_explosives"}
# Where a sector has several departments, the one that supervises it in the demo.
PREFERRED_UNITS = {"civil_explosives": "市公安局", "metallurgy": "市应急管理局"}


@dataclass
class Place:
    """A village with its grids and the weight it carries in the draw."""

    town: Territory
    village: Territory
    grids: list
    weight: float


def placements():
    towns = {t.pk: t for t in Territory.objects.filter(level=Territory.Level.TOWN)}
    grids = {}
    for grid in Territory.objects.filter(level=Territory.Level.GRID).order_by("path"):
        grids.setdefault(grid.parent_id, []).append(grid)
    villages = list(Territory.objects.filter(level=Territory.Level.VILLAGE).order_by("path"))
    per_town = {}
    for village in villages:
        per_town[village.parent_id] = per_town.get(village.parent_id, 0) + 1
    return [
        Place(
            towns[v.parent_id],
            v,
            grids.get(v.pk, []),
            TOWN_WEIGHTS.get(towns[v.parent_id].name, 1.5) / per_town[v.parent_id],
        )
        for v in villages
    ]


def sector_units():
    units = {}
    for unit in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).prefetch_related("sectors").order_by("name"):
        for sector in unit.sectors.all():
            units.setdefault(sector.code, unit)
    for sector, name in PREFERRED_UNITS.items():
        units[sector] = Unit.objects.get(name=name)
    railway = Unit.objects.filter(sectors="railway").first()
    if railway:
        units["railway"] = railway
    return units


def demo_subjects():
    """The bulk-made demo subjects (the demo enterprise and its equipment are made one by one)."""
    return Subject.objects.filter(is_synthetic=True, attributes__has_key="demo_no")


def insert_subjects(total, batch_size=1000):
    """Make subjects numbered 0..total-1 that are not there yet. Returns how many were added."""
    have = set(demo_subjects().values_list("attributes__demo_no", flat=True))
    wanted = [i for i in range(total) if i not in have]
    if not wanted:
        return 0
    places = placements()
    weights = [p.weight for p in places]
    units = sector_units()
    objects = [make_subject(i, places, weights, units) for i in wanted]
    # Seeding: one `bulk` entry for the lot instead of one per synthetic subject.
    with audit.bulk_load("demo.subjects", actor=system_actor("init-demo"), summary={"added": len(objects)}):
        Subject.objects.bulk_create(objects, batch_size=batch_size)
    return len(objects)


def make_subject(i, places, weights, units):
    rng = random.Random(f"{SEED}:subject:{i}")
    place = rng.choices(places, weights)[0]
    fishing = place.town.name in FISHING_TOWNS
    table = FISHING_SECTOR_WEIGHTS if fishing else SECTOR_WEIGHTS
    sector = rng.choices(list(table), list(table.values()))[0]
    kind = _kind(rng, sector)
    grid = rng.choice(place.grids) if place.grids and rng.random() < 0.85 else None
    node = grid or place.village
    unit = units.get(sector)
    grades = HIGH_GRADE_WEIGHTS if sector in HIGH_GRADE_SECTORS else GRADE_WEIGHTS
    return Subject(
        kind=kind,
        name=_name(rng, place.town, sector, i),
        code=_code(kind, i),
        territory=place.village,
        grid=grid,
        town=place.town,
        territory_path=node.path,
        sector_id=sector,
        address=f"{place.village.name}{rng.randint(1, 300)}号",
        lat=round((place.village.lat or place.town.lat) + rng.uniform(-0.006, 0.006), 6),
        lon=round((place.village.lon or place.town.lon) + rng.uniform(-0.006, 0.006), 6),
        risk_grade=rng.choices(RiskGrade.values, grades)[0],
        supervising_unit=unit,
        contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        contact_phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
        attributes=_attributes(rng, kind, i),
        is_synthetic=True,
    )


def _kind(rng, sector):
    if sector in SECTOR_KINDS:
        return SECTOR_KINDS[sector]
    if sector in PLACE_SECTORS and rng.random() < 0.6:
        return Subject.Kind.PLACE
    return Subject.Kind.ENTERPRISE


def _name(rng, town, sector, i):
    trade, suffix = rng.choice(SECTOR_TRADES.get(sector, [("综合", "有限公司")]))
    short = town.name.removesuffix("街道").removesuffix("镇").removeprefix("温岭")
    if sector in ("fishery", "maritime"):
        return f"浙温{trade}{i:05d}{suffix}"
    if sector == "special_equipment":
        return f"{trade}（{short}{rng.choice(FIRM_WORDS)}）"
    return f"温岭市{short}{rng.choice(FIRM_WORDS)}{trade}{suffix}"


def _code(kind, i):
    if kind == Subject.Kind.ENTERPRISE:
        return make_uscc(USCC_BASE + i)
    if kind == Subject.Kind.EQUIPMENT:
        return f"SB{i:08d}"
    if kind == Subject.Kind.VESSEL:
        return f"浙温渔{i:05d}"
    return ""


def _attributes(rng, kind, i):
    attributes = {"demo_no": i}
    if kind == Subject.Kind.VESSEL:
        attributes |= {"length_m": round(rng.uniform(12, 45), 1), "crew": rng.randint(3, 18)}
    elif kind == Subject.Kind.ENTERPRISE:
        attributes |= {"employees": int(rng.paretovariate(1.2) * 10), "above_scale": rng.random() < 0.3}
    elif kind == Subject.Kind.PLACE:
        attributes |= {"crowded": rng.random() < 0.5}
    return attributes
