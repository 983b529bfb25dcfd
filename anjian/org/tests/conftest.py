from dataclasses import dataclass, field

import pytest

from anjian.hazards.services import report_hazard
from anjian.org.models import Role, Sector, Territory, Unit
from anjian.testing import make_subject, make_user

Level = Territory.Level


@dataclass
class Org:
    """A small tree of our own: city → towns a, b → villages → grids; six subjects, one hazard each."""

    t: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    subjects: dict = field(default_factory=dict)
    hazards: dict = field(default_factory=dict)
    city_user: object = None


def territory(name, parent, level):
    return Territory.objects.create(name=name, parent=parent, level=level)


@pytest.fixture
def org(db):
    o = Org()
    for order, code in enumerate(("industry_trade", "construction", "fire", "gas")):
        Sector.objects.create(code=code, name=f"sector {code}", order=order)
    t = o.t
    t["city"] = territory("city", None, Level.CITY)
    t["town_a"] = territory("town a", t["city"], Level.TOWN)
    t["town_b"] = territory("town b", t["city"], Level.TOWN)
    t["village_a1"] = territory("village a1", t["town_a"], Level.VILLAGE)
    t["village_a2"] = territory("village a2", t["town_a"], Level.VILLAGE)
    t["village_b1"] = territory("village b1", t["town_b"], Level.VILLAGE)
    t["grid_a1"] = territory("grid a1", t["village_a1"], Level.GRID)
    t["grid_a1_2"] = territory("grid a1-2", t["village_a1"], Level.GRID)
    o.units["works"] = Unit.objects.create(name="works department", kind=Unit.Kind.DEPARTMENT)
    o.units["works"].sectors.set(["industry_trade", "construction"])
    o.units["fire_office"] = Unit.objects.create(name="fire office", kind=Unit.Kind.SECTOR_OFFICE)
    o.units["fire_office"].sectors.set(["fire"])
    o.units["empty"] = Unit.objects.create(name="unit without sectors", kind=Unit.Kind.DEPARTMENT)
    o.units["city"] = Unit.objects.create(name="city office", kind=Unit.Kind.OFFICE)
    o.units["town_a"] = Unit.objects.create(name="town a", kind=Unit.Kind.TOWN, territory=t["town_a"])
    s = o.subjects
    # s1 in grid a1 (industry_trade); s2 in village a2 (fire); s3 in village b1 (construction);
    # s4 at town b itself (industry_trade); s5 a child of s1 lying in village b1 (gas); s6 city-wide (fire).
    s["s1"] = make_subject("s1", t["village_a1"], "industry_trade", n=101, grid=t["grid_a1"])
    s["s2"] = make_subject("s2", t["village_a2"], "fire", n=102)
    s["s3"] = make_subject("s3", t["village_b1"], "construction", n=103)
    s["s4"] = make_subject("s4", t["town_b"], "industry_trade", n=104)
    s["s5"] = make_subject("s5", t["village_b1"], "gas", n=105, parent=s["s1"])
    s["s6"] = make_subject("s6", t["city"], "fire", n=106)
    o.city_user = make_user("city-setup", Role.CITY_OFFICE, unit=o.units["city"])
    for name, subject in s.items():
        o.hazards[name] = report_hazard(o.city_user, subject.pk, f"hazard of {name}")
    return o
