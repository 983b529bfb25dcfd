"""Synthetic hazards with a consistent timeline of events, inserted with bulk_create.

Each hazard is planned first (state, level, supervision, whether it was rejected once), then its
events are laid out in time from the moment it was found, each by a plausible actor: the demo
account when one fits (the 泽国镇 office for a 泽国镇 hazard, the bureau's inspector for its sectors,
the enterprise account for its own enterprise), otherwise a synthetic person named in the event.
Hazard number j uses its own seeded generator, so builds are deterministic and can be topped up.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.hazards.models import (
    RUNNING_STATES,
    Hazard,
    HazardEvent,
    Level,
    Source,
    Status,
    SupervisionLevel,
    on_time_for,
)

from .names import GENERIC_TITLES, GIVEN, HAZARD_TITLES, LOCATIONS, SURNAMES

SEED = 2023
STATUS_WEIGHTS = {
    Status.CLOSED: 55,
    Status.VERIFIED: 5,
    Status.SUBMITTED: 8,
    Status.RECTIFYING: 17,
    Status.ASSIGNED: 7,
    Status.REPORTED: 8,
}
SOURCE_WEIGHTS = {
    Source.INSPECTION: 40,
    Source.GRID_PATROL: 25,
    Source.SELF_CHECK: 20,
    Source.PUBLIC_REPORT: 6,
    Source.ALARM: 4,
    Source.OTHER: 5,
}
MAJOR_SHARE = 0.03
OVERDUE_SHARE = 0.3  # of hazards whose deadline still runs
REJECT_SHARE = 0.12
COMMENTS = {
    "report": "",
    "assign": "请按期完成整改并上传整改照片",
    "accept": "已接收，立即组织整改",
    "submit": "已按要求整改完毕，附整改前后照片",
    "resubmit": "已按复查意见重新整改",
    "reject": "整改不彻底，请按复查意见重新整改",
    "verify": "现场复查，整改到位",
    "close": "",
    "supervise": "列入挂牌督办，限期整改到位",
}


@dataclass(frozen=True)
class Plan:
    status: str
    major: bool = False
    overdue: bool = False
    supervision: str = SupervisionLevel.NONE
    rejected: bool = False
    source: str | None = None


# The demo enterprise's own hazards: a few in every state, so each step of the loop can be walked.
SHOWCASE = (
    Plan(Status.REPORTED, source=Source.SELF_CHECK),
    Plan(Status.REPORTED, source=Source.INSPECTION),
    Plan(Status.REPORTED, source=Source.GRID_PATROL),
    Plan(Status.ASSIGNED, source=Source.INSPECTION),
    Plan(Status.ASSIGNED, overdue=True, source=Source.GRID_PATROL),
    Plan(Status.ASSIGNED, source=Source.SELF_CHECK),
    Plan(Status.RECTIFYING, major=True, supervision=SupervisionLevel.CITY, source=Source.INSPECTION),
    Plan(Status.RECTIFYING, overdue=True, supervision=SupervisionLevel.TOWN, source=Source.GRID_PATROL),
    Plan(Status.RECTIFYING, rejected=True, source=Source.INSPECTION),
    Plan(Status.SUBMITTED, source=Source.INSPECTION),
    Plan(Status.SUBMITTED, major=True, source=Source.INSPECTION),
    Plan(Status.SUBMITTED, rejected=True, source=Source.GRID_PATROL),
    Plan(Status.VERIFIED, source=Source.INSPECTION),
    Plan(Status.VERIFIED, source=Source.SELF_CHECK),
    Plan(Status.VERIFIED, source=Source.GRID_PATROL),
    Plan(Status.CLOSED, source=Source.INSPECTION),
    Plan(Status.CLOSED, major=True, supervision=SupervisionLevel.TOWN, source=Source.INSPECTION),
    Plan(Status.CLOSED, rejected=True, source=Source.SELF_CHECK),
)


@dataclass
class Target:
    """What the generator needs of a subject."""

    id: int
    name: str
    town_id: int
    town_name: str
    grid_id: int | None
    territory_path: str
    sector_id: str
    unit_id: int | None
    unit_name: str
    contact: str
    weight: float = 1.0


@dataclass
class Actor:
    user_id: int | None
    name: str


@dataclass
class Cast:
    """The demo accounts that act in the timelines, and what each one covers."""

    users: dict  # username -> User
    enterprise_id: int
    grid_id: int
    unit_sectors: dict  # unit name -> sector codes, for the units of the demo accounts
    names: dict = field(default_factory=dict)

    def covers(self, unit_name, target):
        return target.sector_id in self.unit_sectors.get(unit_name, ())

    def user(self, username):
        user = self.users[username]
        return Actor(user.pk, user.person.name)


def plan_for(j, rng):
    if j < len(SHOWCASE):
        return SHOWCASE[j]
    status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    major = rng.random() < MAJOR_SHARE
    overdue = status in RUNNING_STATES and rng.random() < OVERDUE_SHARE
    if major:
        roll = rng.random()
        supervision = (
            SupervisionLevel.CITY
            if roll < 0.25
            else SupervisionLevel.TOWN
            if roll < 0.6
            else SupervisionLevel.NONE
        )
    else:
        roll = rng.random()
        supervision = (
            SupervisionLevel.CITY
            if roll < 0.004
            else SupervisionLevel.TOWN
            if roll < 0.02
            else SupervisionLevel.NONE
        )
    rejected = status not in (Status.REPORTED, Status.ASSIGNED) and rng.random() < REJECT_SHARE
    return Plan(status, major, overdue, supervision, rejected)


def build_hazards(first_no, count, targets, showcase_target, cast, first_id):
    """Return (hazards, events) for hazard numbers first_no .. first_no+count-1, ids from first_id."""
    cumulative, total = [], 0.0
    for target in targets:
        total += target.weight
        cumulative.append(total)
    today, now = timezone.localdate(), timezone.now()
    hazards, events = [], []
    for offset in range(count):
        j = first_no + offset
        rng = random.Random(f"{SEED}:hazard:{j}")
        plan = plan_for(j, rng)
        target = showcase_target if j < len(SHOWCASE) else rng.choices(targets, cum_weights=cumulative)[0]
        hazard, timeline = _one(rng, plan, target, cast, first_id + offset, today, now)
        hazards.append(hazard)
        events.extend(timeline)
    return hazards, events


def _one(rng, plan, target, cast, pk, today, now):
    days_to_fix = rng.randint(30, 90) if plan.major else rng.randint(7, 30)
    found_day = _found_day(rng, plan, days_to_fix, today)
    found_at = _moment(rng, found_day, now)
    deadline = found_day + datetime.timedelta(days=days_to_fix)
    if plan.status == Status.REPORTED and not plan.overdue and rng.random() < 0.6:
        deadline = None  # most reporters leave the deadline to whoever assigns the hazard
    source = plan.source or rng.choices(list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values()))[0]
    steps = _steps(rng, plan, days_to_fix)
    actors = _actors(rng, plan, source, target, cast)
    timeline, stamps = _timeline(pk, steps, _place_in_time(found_at, steps, now), actors)
    if timeline[-1].to_status != plan.status:
        raise AssertionError(f"timeline of {plan} ends in {timeline[-1].to_status}")
    title = rng.choice(HAZARD_TITLES.get(target.sector_id, []) + GENERIC_TITLES)
    hazard = Hazard(
        id=pk,
        code=f"YH{timezone.localtime(found_at):%Y}{pk:07d}",
        subject_id=target.id,
        title=title,
        description=f"{'重大事故隐患：' if plan.major else ''}{title}，需按期整改。",
        location=rng.choice(LOCATIONS),
        level=Level.MAJOR if plan.major else Level.GENERAL,
        status=plan.status,
        source=source,
        found_at=found_at,
        found_by_id=actors["report"].user_id,
        deadline=deadline,
        responsible_person=target.contact if plan.status != Status.REPORTED else "",
        supervising_unit_id=target.unit_id,
        supervision_level=plan.supervision,
        supervision_deadline=(deadline or found_day + datetime.timedelta(days=days_to_fix))
        if plan.supervision
        else None,
        submitted_at=stamps.get("submit"),
        on_time=on_time_for(stamps.get("submit"), deadline),
        verified_at=stamps.get("verify"),
        closed_at=stamps.get("close"),
        territory_path=target.territory_path,
        town_id=target.town_id,
        sector_id=target.sector_id,
        is_synthetic=True,
    )
    if plan.major:
        hazard.rectification_plan = "制定专项整改方案：落实措施、资金、时限、责任人和应急预案"
        hazard.funds = Decimal(rng.randrange(5_000, 500_000, 500))
    return hazard, timeline


def _timeline(pk, steps, times, actors):
    """The events for the steps, and the time of the last submit/verify/close still in force."""
    status, events, stamps = "", [], {}
    for (action, _gap), at in zip(steps, times, strict=True):
        from_status, status = status, _next_status(action, status)
        resubmit = action == "submit" and "reject" in stamps
        events.append(
            HazardEvent(
                hazard_id=pk,
                action=action,
                from_status=from_status,
                to_status=status,
                actor_id=actors[action].user_id,
                actor_name=actors[action].name,
                at=at,
                comment=COMMENTS["resubmit" if resubmit else action],
            )
        )
        stamps[action] = at
        if action == "reject":
            stamps.pop("submit")  # a rejection hands the rectification back, as the service does
    return events, stamps


def _found_day(rng, plan, days_to_fix, today):
    if plan.status in RUNNING_STATES:
        if plan.overdue:
            return today - datetime.timedelta(days=days_to_fix + rng.randint(1, 60))
        return today - datetime.timedelta(days=rng.randint(0, days_to_fix - 1))
    # Over 13 months or so: the demo's twelve monthly rankings (the last twelve months ended) all
    # have closed hazards behind them.
    return today - datetime.timedelta(days=rng.randint(5, 400))


def _moment(rng, day, now):
    tz = timezone.get_current_timezone()
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)
    # Found today, later than now: move it into the past hours.
    return min(moment, now - datetime.timedelta(minutes=rng.randint(30, 240)))


def _steps(rng, plan, days_to_fix):
    """The actions from report to the planned state, each with the hours since the step before."""
    hours = rng.uniform
    steps = [("report", 0.0)]
    if plan.supervision and plan.status == Status.REPORTED:
        steps.append(("supervise", hours(2, 48)))
    if plan.status == Status.REPORTED:
        return steps
    steps.append(("assign", hours(1, 48)))
    if plan.supervision:
        steps.append(("supervise", hours(2, 72)))
    if plan.status == Status.ASSIGNED:
        return steps
    steps.append(("accept", hours(1, 48)))
    fix_days = rng.randint(1, days_to_fix) if rng.random() > 0.1 else days_to_fix + rng.randint(1, 15)
    if plan.rejected:
        steps += [("submit", 24.0 * fix_days * 0.6), ("reject", hours(4, 72))]
    if plan.status == Status.RECTIFYING:
        return steps
    steps.append(("submit", 24.0 * fix_days * (0.4 if plan.rejected else 1.0)))
    if plan.status == Status.SUBMITTED:
        return steps
    steps.append(("verify", hours(4, 120)))
    if plan.status == Status.CLOSED:
        steps.append(("close", hours(1, 72)))
    return steps


def _place_in_time(found_at, steps, now):
    """Absolute times for the steps; squeezed proportionally when they would run past now."""
    total = sum(gap for _, gap in steps)
    room = (now - found_at).total_seconds() / 3600 - 0.05
    scale = min(1.0, room / total) if total > 0 else 1.0
    times, at = [], found_at
    for _, gap in steps:
        at = at + datetime.timedelta(hours=gap * scale)
        times.append(at)
    return times


TARGETS = {
    "report": Status.REPORTED,
    "assign": Status.ASSIGNED,
    "accept": Status.RECTIFYING,
    "submit": Status.SUBMITTED,
    "reject": Status.RECTIFYING,
    "verify": Status.VERIFIED,
    "close": Status.CLOSED,
}


def _next_status(action, current):
    return current if action == "supervise" else TARGETS[action]


def _actors(rng, plan, source, target, cast):
    town_office = _town_office(rng, target, cast)
    reporter = _reporter(rng, source, target, cast, town_office)
    assigner = reporter if source in (Source.INSPECTION, Source.GRID_PATROL) else town_office
    if plan.major:
        verifier = _unit_person(rng, target, cast) if target.unit_id else town_office
    else:
        verifier = assigner
    rectifier = (
        cast.user("zeguo_enterprise") if target.id == cast.enterprise_id else Actor(None, target.contact)
    )
    supervisor = cast.user("city_office") if plan.supervision == SupervisionLevel.CITY else town_office
    return {
        "report": reporter,
        "assign": assigner,
        "accept": rectifier,
        "submit": rectifier,
        "reject": verifier,
        "verify": verifier,
        "close": verifier,
        "supervise": supervisor,
    }


def _person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _town_office(rng, target, cast):
    if target.town_name == "泽国镇":
        return cast.user("zeguo_town")
    if target.town_name == "大溪镇":
        return cast.user("daxi_town")
    return Actor(None, f"{_person(rng)}（{target.town_name}应急管理办）")


def _reporter(rng, source, target, cast, town_office):
    if source == Source.INSPECTION:
        if target.unit_name == "市应急管理局" and cast.covers("市应急管理局", target):
            return cast.user("yjj_inspector")
        return Actor(None, f"{_person(rng)}（{target.unit_name or target.town_name}）")
    if source == Source.GRID_PATROL:
        if target.grid_id == cast.grid_id:
            return cast.user("zeguo_grid")
        return Actor(None, f"{_person(rng)}（网格员）")
    if source == Source.SELF_CHECK:
        if target.id == cast.enterprise_id:
            return cast.user("zeguo_enterprise")
        return Actor(None, target.contact)
    return town_office


def _unit_person(rng, target, cast):
    # A demo account acts only where its scope reaches (the unit's sectors), whoever supervises.
    if target.unit_name == "市应急管理局" and cast.covers("市应急管理局", target):
        return cast.user("yjj_dept")
    if target.unit_name == "市住房和城乡建设局" and cast.covers("市住房和城乡建设局", target):
        return cast.user("zjj_dept")
    return Actor(None, f"{_person(rng)}（{target.unit_name}）")


def insert(hazards, events, batch_size=2000):
    summary = {"hazards": len(hazards), "events": len(events)}
    # Seeding: one `bulk` entry for the lot instead of one per synthetic hazard and event.
    with audit.bulk_load("demo.hazards", actor=system_actor("init-demo"), summary=summary):
        Hazard.objects.bulk_create(hazards, batch_size=batch_size)
        HazardEvent.objects.bulk_create(events, batch_size=batch_size)
    _reset_sequences()


def _reset_sequences():
    """Explicit ids leave PostgreSQL's sequence behind; move it past the rows just written."""
    statements = connection.ops.sequence_reset_sql(_NoStyle(), [Hazard])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text
