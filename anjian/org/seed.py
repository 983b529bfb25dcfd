"""Build the real organisation of the demo city from data/wenling.yaml (idempotent).

Towns, units and committees are real (named in the seed plan); villages and grids below the towns
are synthetic and marked so.
"""

from pathlib import Path

import yaml
from django.db import transaction

from .models import Sector, SectorCommittee, Territory, Unit

DATA_FILE = Path(__file__).parent / "data" / "wenling.yaml"

SECTOR_NAMES = {
    "hazardous_chemicals": ("危险化学品", True),
    "mining": ("矿山", True),
    "fireworks": ("烟花爆竹", True),
    "civil_explosives": ("民用爆炸物品", True),
    "construction": ("建筑施工", True),
    "transport": ("交通运输", True),
    "fishery": ("渔业生产", True),
    "metallurgy": ("金属冶炼", True),
    "industry_trade": ("工贸", False),
    "road_traffic": ("道路交通", False),
    "maritime": ("水上交通", False),
    "fire": ("消防", False),
    "gas": ("城镇燃气", False),
    "urban_operation": ("城市运行", False),
    "special_equipment": ("特种设备", False),
    "tourism": ("旅游", False),
    "culture": ("文化体育", False),
    "commerce": ("商贸", False),
    "energy": ("能源", False),
    "industry": ("工业", False),
    "railway": ("铁路沿线", False),
}

VILLAGES_PER_TOWN = 3
GRIDS_PER_VILLAGE = 2


def load_data():
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def build_organisation(villages_per_town=VILLAGES_PER_TOWN, grids_per_village=GRIDS_PER_VILLAGE):
    data = load_data()
    for order, (code, (name, high_risk)) in enumerate(SECTOR_NAMES.items()):
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "high_risk": high_risk, "order": order}
        )
    city_data = data["city"]
    city, _ = Territory.objects.get_or_create(
        parent=None,
        name=city_data["name"],
        defaults={
            "level": Territory.Level.CITY,
            "code": city_data["code"],
            "lat": city_data["center"][0],
            "lon": city_data["center"][1],
        },
    )
    for order, item in enumerate(data["territories"], start=1):
        town, _ = Territory.objects.get_or_create(
            parent=city,
            name=item["name"],
            defaults={
                "level": Territory.Level.TOWN,
                "kind": item["kind"],
                "order": order,
                "lat": item["center"][0],
                "lon": item["center"][1],
            },
        )
        Unit.objects.get_or_create(
            name=f"{item['name']}", defaults={"kind": Unit.Kind.TOWN, "territory": town}
        )
        _build_villages(town, villages_per_town, grids_per_village)
    for item in data["units"]:
        unit, _ = Unit.objects.update_or_create(
            name=item["name"], defaults={"kind": item["kind"], "aliases": item.get("aliases", [])}
        )
        unit.sectors.set(item.get("sectors", []))
    for item in data["sector_committees"]:
        office, _ = Unit.objects.update_or_create(
            name=item["office"],
            defaults={"kind": Unit.Kind.SECTOR_OFFICE, "aliases": item.get("aliases", [])},
        )
        office.sectors.set(item["sectors"])
        committee, _ = SectorCommittee.objects.update_or_create(
            name=item["name"], defaults={"office": office}
        )
        committee.sectors.set(item["sectors"])
        committee.members.set(
            Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, sectors__in=item["sectors"]).distinct()
        )
    return city


def _build_villages(town, villages, grids):
    # Synthetic: real village names are not part of the project's data.
    for v in range(1, villages + 1):
        village, _ = Territory.objects.get_or_create(
            parent=town,
            name=f"{town.name}第{v}村（社区）",
            defaults={
                "level": Territory.Level.VILLAGE,
                "is_synthetic": True,
                "lat": (town.lat or 0) + 0.01 * (v - 2),
                "lon": (town.lon or 0) + 0.008 * (v - 2),
            },
        )
        for g in range(1, grids + 1):
            Territory.objects.get_or_create(
                parent=village,
                name=f"{village.name}{g}号网格",
                defaults={
                    "level": Territory.Level.GRID,
                    "is_synthetic": True,
                    "lat": village.lat + 0.003 * g,
                    "lon": village.lon,
                },
            )


def town_names():
    return [item["name"] for item in load_data()["territories"]]
