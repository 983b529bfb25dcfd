"""Build a synthetic city-scale data set for the benchmark, fast.

Rows go in through multi-row `executemany` on the Django connection (SQLite and PostgreSQL alike):
building a million model instances and firing the audit signals for each would take far longer than
the benchmark itself. One `bulk` change-log entry records what was loaded, as the architecture page
says bulk loads do. Everything is marked synthetic and generated from a fixed seed, so two builds of
the same scale hold the same data (apart from dates, which are relative to the day of the build).
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.demo.subjects import PLACE_SECTORS, SECTOR_KINDS  # what kind of subject each sector holds
from anjian.hazards.models import Hazard, Level, Source, Status, SupervisionLevel, on_time_for
from anjian.org.models import Person, Role, RoleAssignment, Territory, Unit
from anjian.org.seed import build_organisation
from anjian.registry.models import RiskGrade, Subject
from anjian.registry.validators import make_uscc

# Who the change log names for the benchmark's own data.
ACTOR = system_actor("bench")


@dataclass(frozen=True)
class Scale:
    name: str
    subjects: int
    hazards: int


SCALES = {
    "small": Scale("small", 2_000, 10_000),
    "city": Scale("city", 40_000, 1_000_000),
}

BATCH = 20_000
SEED = 20230
PASSWORD = "anjian-bench-pw-1"

# The benchmark's personas: (username, role, unit name, territory name). The town is the largest
# industrial town, i.e. the heaviest town-scoped list.
PERSONAS = {
    "city": ("bench_city", Role.CITY_OFFICE, "市安委办", None),
    "town": ("bench_town", Role.TOWN, "大溪镇", "大溪镇"),
    "dept": ("bench_dept", Role.DEPARTMENT, "市应急管理局", None),
}

# Wenling's industry is concentrated: pumps and motors in 大溪 and 泽国, shoes and machinery in the
# eastern subdistricts and the development zone. Unlisted towns weigh 1.
TOWN_WEIGHTS = {
    "大溪镇": 9,
    "泽国镇": 8,
    "城东街道": 6,
    "温岭经济开发区": 5,
    "横峰街道": 4,
    "新河镇": 4,
    "温峤镇": 3,
    "太平街道": 2,
    "城西街道": 2,
    "箬横镇": 2,
    "松门镇": 1.5,
}

SECTOR_WEIGHTS = {
    "industry_trade": 30,
    "fire": 18,
    "construction": 8,
    "commerce": 8,
    "special_equipment": 8,
    "fishery": 4,
    "hazardous_chemicals": 3,
    "road_traffic": 3,
    "transport": 3,
    "gas": 3,
    "urban_operation": 3,
    "industry": 3,
    "maritime": 2,
    "tourism": 1,
    "culture": 1,
    "energy": 1,
    "metallurgy": 1,
    "fireworks": 0.5,
    "railway": 0.5,
    "mining": 0.3,
    "civil_explosives": 0.2,
}
HIGH_ACTIVITY_SECTORS = {"industry_trade", "hazardous_chemicals", "fire", "construction", "metallurgy"}


# Share of all hazards in each state: most are long closed; about a fifth are still open.
STATUS_WEIGHTS = {
    Status.CLOSED: 0.80,
    Status.VERIFIED: 0.02,
    Status.SUBMITTED: 0.03,
    Status.RECTIFYING: 0.08,
    Status.ASSIGNED: 0.03,
    Status.REPORTED: 0.04,
}
MAJOR_SHARE = 0.03
OVERDUE_SHARE_OF_RUNNING = 0.35
SOURCE_WEIGHTS = {
    Source.INSPECTION: 40,
    Source.GRID_PATROL: 25,
    Source.SELF_CHECK: 25,
    Source.PUBLIC_REPORT: 5,
    Source.ALARM: 3,
    Source.OTHER: 2,
}
TITLES = (
    "消防通道堆放杂物",
    "灭火器压力不足",
    "配电箱未接地",
    "安全出口指示灯损坏",
    "危化品未分类存放",
    "机械防护罩缺失",
    "特种作业人员无证上岗",
    "脚手架连墙件缺失",
    "燃气管道无防护",
    "船舶救生设备不全",
    "应急照明失效",
    "有限空间未设警示标志",
)

HAZARD_FIELDS = (
    "id",
    "code",
    "subject_id",
    "title",
    "description",
    "location",
    "level",
    "status",
    "source",
    "found_at",
    "found_by_id",
    "deadline",
    "responsible_person",
    "rectification_plan",
    "funds",
    "supervising_unit_id",
    "supervision_level",
    "supervision_deadline",
    "submitted_at",
    "verified_at",
    "closed_at",
    "on_time",
    "territory_path",
    "town_id",
    "sector_id",
    "is_synthetic",
    "updated_at",
)
SUBJECT_FIELDS = (
    "id",
    "kind",
    "name",
    "code",
    "parent_id",
    "territory_id",
    "grid_id",
    "town_id",
    "territory_path",
    "sector_id",
    "address",
    "lat",
    "lon",
    "risk_grade",
    "dynamic_grade",
    "grade_reasons",
    "supervising_unit_id",
    "supervisor_id",
    "contact_name",
    "contact_phone",
    "attributes",
    "is_synthetic",
    "created_at",
)


def counts():
    return {"subjects": Subject.objects.count(), "hazards": Hazard.objects.count()}


def is_built(scale):
    return counts() == {"subjects": scale.subjects, "hazards": scale.hazards} and all(
        get_user_model().objects.filter(username=p[0]).exists() for p in PERSONAS.values()
    )


def build(scale, progress=print):
    """Fill an empty database with the organisation, the personas, subjects and hazards."""
    existing = counts()
    if any(existing.values()):
        raise RuntimeError(
            f"the database already holds {existing}; the benchmark needs an empty one of its own "
            "(remove the bench SQLite file or point --database-url at an empty database)"
        )
    rng = random.Random(SEED)
    _fast_writes()
    # One transaction: an interrupted build leaves an empty database, which the next run rebuilds.
    summary = {"synthetic": True, "subjects": scale.subjects, "hazards": scale.hazards}
    with audit.bulk_load(f"bench {scale.name}", actor=ACTOR, summary=summary):
        build_organisation()
        users = make_personas()
        subjects = insert_subjects(rng, scale.subjects, progress)
        insert_hazards(rng, scale.hazards, subjects, users["city"], progress)
    analyse()
    return counts()


def _fast_writes():
    """SQLite only: a bench file can be rebuilt, so trade durability for speed while loading."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB: keeps the indexes in memory


def make_personas():
    users = {}
    for key, (username, role, unit_name, territory_name) in PERSONAS.items():
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        unit = Unit.objects.get(name=unit_name)
        territory = Territory.objects.get(name=territory_name) if territory_name else None
        Person.objects.create(name=username, unit=unit, user=user)
        RoleAssignment.objects.create(user=user, role=role, unit=unit, territory=territory)
        users[key] = user
    return users


def _placements():
    """Every village with its grids and town, and the weight of its town shared among its villages."""
    villages = list(Territory.objects.filter(level=Territory.Level.VILLAGE).select_related("parent"))
    grids = {}
    for grid in Territory.objects.filter(level=Territory.Level.GRID):
        grids.setdefault(grid.parent_id, []).append(grid)
    per_town = {}
    for village in villages:
        per_town[village.parent_id] = per_town.get(village.parent_id, 0) + 1
    weights = [TOWN_WEIGHTS.get(v.parent.name, 1) / per_town[v.parent_id] for v in villages]
    return villages, grids, weights


def _sector_units():
    units = {}
    for unit in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).prefetch_related("sectors").order_by("name"):
        for sector in unit.sectors.all():
            units.setdefault(sector.code, unit.pk)
    return units


@dataclass
class SubjectRow:
    id: int
    territory_path: str
    town_id: int
    sector_id: str
    supervising_unit_id: int | None
    weight: float


def insert_subjects(rng, total, progress):
    villages, grids, village_weights = _placements()
    sector_units = _sector_units()
    sectors, sector_weights = list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values())
    now = _db_datetime(timezone.now())
    first_id = _next_id(Subject)
    rows, subjects = [], []
    for i in range(total):
        pk = first_id + i
        village = rng.choices(villages, village_weights)[0]
        grid = rng.choice(grids[village.pk]) if village.pk in grids and rng.random() < 0.8 else None
        sector = rng.choices(sectors, sector_weights)[0]
        kind = _kind_for(rng, sector)
        path = (grid or village).path
        unit_id = sector_units.get(sector)
        rows.append(
            (
                pk,
                str(kind),
                f"{village.parent.name}合成{Subject.Kind(kind).label}{pk:06d}",
                _subject_code(kind, pk),
                None,
                village.pk,
                grid.pk if grid else None,
                village.parent_id,
                path,
                sector,
                f"{village.name}{rng.randint(1, 300)}号",
                (village.lat or 0) + rng.uniform(-0.004, 0.004),
                (village.lon or 0) + rng.uniform(-0.004, 0.004),
                rng.choices(RiskGrade.values, (2, 8, 40, 50))[0],
                "",  # dynamic grade and reasons: written by the first re-grading (anjian risks regrade)
                "[]",
                unit_id,
                None,
                "",
                "",
                "{}",
                True,
                now,
            )
        )
        # A few subjects account for many hazards: a heavy-tailed activity per subject.
        weight = min(rng.paretovariate(1.6), 40) * (2 if sector in HIGH_ACTIVITY_SECTORS else 1)
        subjects.append(SubjectRow(pk, path, village.parent_id, sector, unit_id, weight))
    _insert(Subject, SUBJECT_FIELDS, rows, progress)
    return subjects


def _kind_for(rng, sector):
    if sector in SECTOR_KINDS:
        return SECTOR_KINDS[sector]
    if sector in PLACE_SECTORS and rng.random() < 0.5:
        return Subject.Kind.PLACE
    return Subject.Kind.ENTERPRISE


def _subject_code(kind, pk):
    if kind == Subject.Kind.ENTERPRISE:
        return make_uscc(10**9 + pk)
    if kind == Subject.Kind.EQUIPMENT:
        return f"SB{pk:08d}"
    if kind == Subject.Kind.VESSEL:
        return f"浙温渔{pk:06d}"
    return ""


def insert_hazards(rng, total, subjects, reporter, progress):
    today = timezone.localdate()
    now = timezone.now()
    statuses, status_weights = [str(s) for s in STATUS_WEIGHTS], list(STATUS_WEIGHTS.values())
    sources, source_weights = [str(s) for s in SOURCE_WEIGHTS], list(SOURCE_WEIGHTS.values())
    owners = rng.choices(subjects, [s.weight for s in subjects], k=total)
    first_id = _next_id(Hazard)
    updated = _db_datetime(now)
    batch = []
    for i, subject in enumerate(owners):
        pk = first_id + i
        status = rng.choices(statuses, status_weights)[0]
        major = rng.random() < MAJOR_SHARE
        times = _timeline(rng, status, major, today, now)
        supervision, supervision_deadline = _supervision(rng, major, times["deadline"])
        row = (
            pk,
            f"YH{timezone.localtime(times['found_at']):%Y}{pk:07d}",
            subject.id,
            rng.choice(TITLES),
            "",
            "",
            str(Level.MAJOR if major else Level.GENERAL),
            status,
            rng.choices(sources, source_weights)[0],
            _db_datetime(times["found_at"]),
            reporter.pk,
            _db_date(times["deadline"]),
            "合成责任人" if major or status != Status.REPORTED else "",
            "按期整改" if major else "",
            None,
            subject.supervising_unit_id,
            str(supervision),
            _db_date(supervision_deadline),
            _db_datetime(times.get("submitted_at")),
            _db_datetime(times.get("verified_at")),
            _db_datetime(times.get("closed_at")),
            on_time_for(times.get("submitted_at"), times["deadline"]),
            subject.territory_path,
            subject.town_id,
            subject.sector_id,
            True,
            updated,
        )
        batch.append(row)
        if len(batch) >= BATCH:
            _insert(Hazard, HAZARD_FIELDS, batch, progress, done=i + 1, total=total)
            batch = []
    if batch:
        _insert(Hazard, HAZARD_FIELDS, batch, progress, done=total, total=total)
    _reset_sequences()


def _timeline(rng, status, major, today, now):
    """found_at, deadline and the status timestamps, consistent with the status and with each other."""
    days_to_fix = rng.randint(30, 180) if major else rng.randint(7, 60)
    if status in (Status.REPORTED, Status.ASSIGNED, Status.RECTIFYING):
        if rng.random() < OVERDUE_SHARE_OF_RUNNING:
            found = _moment(rng, today - datetime.timedelta(days=days_to_fix + rng.randint(1, 300)))
            deadline = found.date() + datetime.timedelta(days=days_to_fix)  # already passed
        else:
            found = _moment(rng, today - datetime.timedelta(days=rng.randint(0, days_to_fix - 1)))
            deadline = max(found.date() + datetime.timedelta(days=days_to_fix), today)
        found = min(found, now)
        return {"found_at": found, "deadline": deadline}
    if status == Status.CLOSED:
        found = _moment(rng, today - datetime.timedelta(days=rng.randint(20, 3 * 365)))
    else:
        found = _moment(rng, today - datetime.timedelta(days=rng.randint(3, 120)))
    deadline = found.date() + datetime.timedelta(days=days_to_fix)
    # Most are rectified on time; some a little late.
    late = rng.random() < 0.12
    fix_days = days_to_fix + rng.randint(1, 20) if late else rng.randint(1, days_to_fix)
    submitted = min(found + datetime.timedelta(days=fix_days, hours=rng.randint(0, 8)), now)
    times = {"found_at": found, "deadline": deadline, "submitted_at": submitted}
    if status in (Status.VERIFIED, Status.CLOSED):
        times["verified_at"] = min(submitted + datetime.timedelta(days=rng.randint(0, 7), hours=2), now)
    if status == Status.CLOSED:
        times["closed_at"] = min(
            times["verified_at"] + datetime.timedelta(days=rng.randint(0, 5), hours=1), now
        )
    return times


def _moment(rng, day):
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)


def _supervision(rng, major, deadline):
    """Most major hazards and a few general ones are listed for supervision (挂牌督办)."""
    share = 0.6 if major else 0.01
    if rng.random() >= share:
        return SupervisionLevel.NONE, None
    level = SupervisionLevel.CITY if major and rng.random() < 0.4 else SupervisionLevel.TOWN
    return level, deadline


def _db_datetime(value):
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def _db_date(value):
    return None if value is None else connection.ops.adapt_datefield_value(value)


def _next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _insert(model, fields, rows, progress, done=None, total=None):
    opts = model._meta
    columns = ", ".join(connection.ops.quote_name(opts.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({columns}) VALUES ({marks})"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    if done is not None and (done == total or done % (BATCH * 10) == 0):
        progress(f"  {opts.verbose_name_plural}: {done:,} / {total:,}")


def _reset_sequences():
    """Explicit ids leave PostgreSQL's sequences behind; move them past the rows we wrote."""
    statements = connection.ops.sequence_reset_sql(_NoStyle(), [Subject, Hazard])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def has_statistics():
    """Whether every index of the hazard table has planner statistics (SQLite only; PostgreSQL
    keeps its own up to date)."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'hazards_hazard'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'hazards_hazard'")
        analysed = {row[0] for row in cursor.fetchall()}
    return indexes <= analysed


def analyse():
    """Give the query planner statistics, and PostgreSQL the visibility map its index-only scans
    need: autovacuum would do both, but only some minutes after the load."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
