"""Synthetic accidents over the 24 months before today, and the key periods of those years.

A Wenling-like picture: about fifty accidents a year, mostly 一般 with none or one death, spread over
the towns by their industry and over road transport, construction, industry and trade, fishing and
the rest. The earlier twelve months hold two 较大 accidents (three deaths each); the later twelve
months repeat most of the earlier ones a year on, with fewer deaths and no 较大, so this year's page
shows 双下降 met for deaths and "no 较大" (counts fall too, though one month may rise).

Deterministic (seeded) and built once: a database that already holds synthetic accidents is left as
it is. Rows are bulk-created with the level and reason from `accidents.grading.grade`.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.accidents import grading
from anjian.accidents.models import Accident, KeyPeriod
from anjian.accidents.services import next_code
from anjian.core import audit
from anjian.core.context import system_actor
from anjian.org.models import Territory
from anjian.registry.models import Subject
from anjian.risks.grading import regrade_subjects

from .subjects import FISHING_TOWNS, TOWN_WEIGHTS

SEED = 6493  # 国务院令第493号
EARLIER_COUNT = 54
DROP_EVERY = 7  # of the earlier accidents, one in seven does not recur a year on
# sector: (weight, accident types, linked to a subject?)
SECTORS = {
    "road_traffic": (30, ["vehicle"], False),
    "construction": (18, ["fall", "struck", "collapse", "lifting", "electric"], True),
    "industry_trade": (22, ["machinery", "struck", "lifting", "electric", "poisoning"], True),
    "fishery": (9, ["drowning", "other"], True),
    "transport": (6, ["vehicle"], True),
    "special_equipment": (5, ["lifting", "vessel", "boiler"], True),
    "fire": (4, ["fire"], True),
    "hazardous_chemicals": (2, ["poisoning", "fire", "other_explosion"], True),
    "gas": (2, ["gas_explosion", "poisoning"], False),
    "urban_operation": (2, ["fall", "electric"], False),
}
PLACES = {
    "road_traffic": ["国道G228线{n}公里处", "省道S325线与{t}路口", "{t}东环路", "甬台温高速{n}公里处"],
    "fishery": ["{t}以东海域{n}海里", "{t}渔港码头"],
}
SPRING_FESTIVAL = {
    2023: datetime.date(2023, 1, 22),
    2024: datetime.date(2024, 2, 10),
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26),
    2029: datetime.date(2029, 2, 13),
    2030: datetime.date(2030, 2, 3),
}
# Major events by year (the office adds its own on /accidents/periods/); 两会 every year.
MAJOR_EVENTS = {
    2023: [("杭州亚运会", datetime.date(2023, 9, 23), datetime.date(2023, 10, 8), "重大活动安保")],
}


def key_periods_of(year):
    """[(name, starts_on, ends_on, note)] of a year: 春节, 全国两会, 五一, 国庆 and any major event."""
    rows = []
    if year in SPRING_FESTIVAL:
        day = SPRING_FESTIVAL[year]
        rows.append(("春节", day - datetime.timedelta(days=1), day + datetime.timedelta(days=6), "节日期间"))
    rows.append(("全国两会", datetime.date(year, 3, 4), datetime.date(year, 3, 11), "重大活动"))
    rows.append(("五一", datetime.date(year, 5, 1), datetime.date(year, 5, 5), "节日期间"))
    rows.append(("国庆", datetime.date(year, 10, 1), datetime.date(year, 10, 7), "节日期间"))
    rows.extend(MAJOR_EVENTS.get(year, []))
    return rows


def build_key_periods(years):
    added = 0
    for year in years:
        for name, starts_on, ends_on, note in key_periods_of(year):
            _period, created = KeyPeriod.objects.get_or_create(
                name=name, starts_on=starts_on, defaults={"ends_on": ends_on, "note": note}
            )
            added += created
    return added


def _pick(rng, weights):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _earlier(rng, start, towns, subjects):
    """The earlier year's accidents as dicts (not yet graded): two of them 较大."""
    sector_weights = {code: spec[0] for code, spec in SECTORS.items()}
    town_weights = {town.pk: TOWN_WEIGHTS.get(town.name, 1.5) for town in towns}
    larger = set(rng.sample(range(EARLIER_COUNT), 2))
    rows = []
    for index in range(EARLIER_COUNT):
        sector = _pick(rng, sector_weights)
        town_id = _pick(rng, town_weights)
        if sector == "fishery":
            town_id = rng.choice([t.pk for t in towns if t.name in FISHING_TOWNS] or [town_id])
        deaths = 3 if index in larger else rng.choices([0, 1, 2], weights=[28, 66, 6])[0]
        rows.append(
            {
                "day": start + datetime.timedelta(days=rng.randrange(365)),
                "hour": rng.randrange(6, 23),
                "sector": sector,
                "town_id": town_id,
                "subject": _subject_for(rng, sector, town_id, subjects),
                "accident_type": rng.choice(SECTORS[sector][1]),
                "deaths": deaths,
                "serious_injuries": rng.choices([0, 1, 2, 3], weights=[55, 30, 10, 5])[0],
                "loss": Decimal(rng.randrange(30, 3000) * 1000),
            }
        )
    return rows


def _later(rng, earlier):
    """The same accidents a year on, one in DROP_EVERY fewer (spread over the year, so counts fall
    in most months), with fewer deaths and no 较大."""
    rows = []
    for index, row in enumerate(sorted(earlier, key=lambda r: r["day"])):
        if index % DROP_EVERY == DROP_EVERY // 2:
            continue
        deaths = row["deaths"]
        if deaths >= 3 or (deaths and rng.random() < 0.15):
            deaths = 1 if deaths >= 3 else deaths - 1
        shift = datetime.timedelta(days=365 + rng.randrange(-4, 5))
        rows.append({**row, "day": row["day"] + shift, "deaths": deaths})
    return rows


def _subject_for(rng, sector, town_id, subjects):
    if not SECTORS[sector][2] or rng.random() < 0.2:
        return None
    pool = subjects.get((sector, town_id)) or subjects.get(sector)
    return rng.choice(pool) if pool else None


def _subjects():
    """{(sector, town_id): [subject], sector: [subject]} of a sample of the synthetic subjects."""
    pools = {}
    rows = Subject.objects.filter(is_synthetic=True, sector_id__in=list(SECTORS)).select_related(
        "territory", "grid"
    )
    for subject in rows.order_by("id")[:20000]:
        pools.setdefault((subject.sector_id, subject.town_id), []).append(subject)
        pools.setdefault(subject.sector_id, []).append(subject)
    return pools


def _accident(row, towns_by_id, today, codes):
    occurred = timezone.make_aware(datetime.datetime.combine(row["day"], datetime.time(row["hour"], 10)))
    subject = row["subject"]
    town = towns_by_id[row["town_id"]]
    level, reason = grading.grade(row["deaths"], row["serious_injuries"], row["loss"])
    year = row["day"].year
    codes[year] = codes.get(year) or int(next_code(year)[6:])
    accident = Accident(
        code=f"SG{year}{codes[year]:06d}",
        occurred_at=occurred,
        reported_at=occurred + datetime.timedelta(minutes=40),
        place=_place(row, subject, town),
        subject=subject,
        territory=(subject.grid or subject.territory) if subject else town,
        sector_id=subject.sector_id if subject else row["sector"],
        accident_type=row["accident_type"],
        deaths=row["deaths"],
        serious_injuries=row["serious_injuries"],
        direct_loss_yuan=row["loss"],
        description="（演示数据）",
        level=level,
        level_reason=reason,
        is_synthetic=True,
    )
    codes[year] += 1
    accident.territory_path = accident.territory.path
    accident.town_id = town.pk if not subject else subject.town_id
    return accident


def _place(row, subject, town):
    if subject is not None:
        return subject.address or f"{subject.name}厂区"
    patterns = PLACES.get(row["sector"], ["{t}{n}号附近"])
    return patterns[row["hour"] % len(patterns)].format(t=town.name, n=row["hour"] * 7 % 90 + 3)


def build_accidents(progress=print, today=None):
    """Add the synthetic accidents and key periods once; returns the number of accidents added."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=730)
    with transaction.atomic():
        periods = build_key_periods(range(start.year, today.year + 1))
        if Accident.objects.filter(is_synthetic=True).exists():
            progress(f"合成事故：已存在，未重复生成（重点时段新增 {periods}）")
            return 0
        rng = random.Random(SEED)
        towns = list(Territory.objects.filter(level=Territory.Level.TOWN).order_by("path"))
        if not towns:
            progress("合成事故：没有镇（街道），跳过")
            return 0
        earlier = _earlier(rng, start, towns, _subjects())
        rows = [row for row in earlier + _later(rng, earlier) if row["day"] < today]
        rows.sort(key=lambda row: (row["day"], row["hour"]))
        towns_by_id = {town.pk: town for town in towns}
        codes = {}
        accidents = [_accident(row, towns_by_id, today, codes) for row in rows]
        with audit.bulk_load(
            "demo.accidents", actor=system_actor("init-demo"), summary={"added": len(accidents)}
        ):
            Accident.objects.bulk_create(accidents, batch_size=500)
        regrade_subjects({a.subject_id for a in accidents if a.subject_id}, actor=system_actor("init-demo"))
    deaths = sum(a.deaths for a in accidents)
    progress(f"合成事故：新增 {len(accidents)} 起（死亡 {deaths} 人），重点时段新增 {periods}")
    return len(accidents)
