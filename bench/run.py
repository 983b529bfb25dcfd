"""Time the application against the same queries written by hand in SQL, side by side.

Run in a process whose DATABASE_URL is the benchmark's own database (`anjian bench` starts it so):

    DATABASE_URL=sqlite:///var/bench-small.sqlite3 python -m bench.run --scale small

For each persona (a town, the city office, a department) it times the scoped, filtered, paged
hazard list through the API and through the page, and the dashboard figures, each against raw SQL
with the same WHERE clauses, and prints one line per pair on stdout:

    hazard_list_api_town ratio 1.84 (app 12.3 ms, raw 6.7 ms)

Progress goes to stderr so stdout holds only those lines. The timings are also written to
bench/out/<scale>.json, where `anjian bench --scale city` finds the small run's to compare.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

from .timing import format_line, log, median_pair

OUT_DIR = Path(__file__).parent / "out"
LIST_STATUS = "rectifying"
PAGE_SIZE = 50


# --- the personas and their scope, written out by hand for the raw queries -----------------------


class Persona:
    """A benchmark user, with the WHERE clause of its scope as the raw SQL spells it."""

    def __init__(self, key, user, where, params):
        self.key, self.user, self.where, self.params = key, user, where, params

    def fresh_user(self):
        # A request starts with a user object that has no scope computed yet.
        self.user.__dict__.pop("_anjian_scope", None)
        return self.user


def load_personas():
    from django.contrib.auth import get_user_model

    from anjian.org.models import RoleAssignment

    from .generate import PERSONAS

    personas = []
    for key, (username, *_rest) in PERSONAS.items():
        user = get_user_model().objects.get(username=username)
        assignment = RoleAssignment.objects.select_related("territory", "unit").get(user=user)
        if key == "town":
            # The best hand-written prefix test per engine: SQLite's LIKE is case-insensitive and
            # cannot use the index, GLOB can; PostgreSQL's LIKE uses the pattern-ops index.
            where, params = path_prefix_sql(assignment.territory.path)
        elif key == "dept":
            sectors = sorted(assignment.unit.sectors.values_list("code", flat=True))
            where, params = [f"h.sector_id IN ({', '.join(['%s'] * len(sectors))})"], sectors
        else:
            where, params = [], []
        personas.append(Persona(key, user, where, params))
    return personas


# --- raw SQL -------------------------------------------------------------------------------------


def path_prefix_sql(path):
    from django.db import connection

    if connection.vendor == "sqlite":
        return ["h.territory_path GLOB %s"], [path + "*"]
    return ["h.territory_path LIKE %s"], [path + "%"]


def _where(persona, extra=(), extra_params=()):
    clauses = [*persona.where, *extra]
    sql = " WHERE " + " AND ".join(clauses) if clauses else ""
    return sql, [*persona.params, *extra_params]


def raw_hazard_list(persona, status=LIST_STATUS, limit=PAGE_SIZE):
    """The page of hazards a list shows (with sector, subject, territory and town names) and the count."""
    from django.db import connection

    where, params = _where(persona, ["h.status = %s"], [status])
    page_sql = (
        "SELECT h.id, h.code, h.title, h.level, h.status, h.source, h.found_at, h.deadline,"
        " h.supervision_level, h.sector_id, s.id, s.name, t.id, t.name, tw.id, tw.name"
        " FROM hazards_hazard h"
        " JOIN registry_subject s ON s.id = h.subject_id"
        " JOIN org_territory t ON t.id = s.territory_id"
        " LEFT JOIN org_territory tw ON tw.id = h.town_id"
        " WHERE h.id IN ({ids}) ORDER BY h.found_at DESC, h.id DESC"
    )
    # The page's ids first, from an index alone, then their rows with the joins: SQLite would
    # otherwise join every matching hazard before sorting (the application pages the same way).
    ids_sql = (
        f"SELECT h.id FROM hazards_hazard h{where} ORDER BY h.found_at DESC, h.id DESC LIMIT {int(limit)}"
    )
    # Sector names by a separate tiny query, as the application does: joining the sector table lets
    # SQLite's planner start from it and sort every matching hazard.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM hazards_hazard h{where}", params)
        count = cursor.fetchone()[0]
        cursor.execute(ids_sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(page_sql.format(ids=", ".join(str(int(i)) for i in ids) or "NULL"))
        rows = cursor.fetchall()
        cursor.execute("SELECT code, name FROM org_sector")
        sectors = dict(cursor.fetchall())
        rows = [(*row[:9], row[9], sectors[row[9]], *row[10:]) for row in rows]
    return count, rows


def raw_dashboard(persona, today=None):
    """The dashboard's figures as hand-written SQL: the same numbers `dashboard_figures` shows
    (headline counts, per-status counts, on-time rate, open and overdue by town, open by sector)."""
    from django.db import connection
    from django.utils import timezone

    today = today or timezone.localdate()
    where, params = _where(persona)
    running = "h.status IN ('reported', 'assigned', 'rectifying')"
    open_ = "h.status IN ('reported', 'assigned', 'rectifying', 'submitted')"
    overdue = f"{running} AND h.deadline < %s"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*),"
            f" SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {open_} AND h.level = 'major' THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {open_} AND h.supervision_level <> '' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN h.on_time IS NOT NULL THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN h.on_time THEN 1 ELSE 0 END)"
            f" FROM hazards_hazard h{where}",
            [today, *params],
        )
        headline = cursor.fetchone()
        cursor.execute(f"SELECT h.status, COUNT(*) FROM hazards_hazard h{where} GROUP BY h.status", params)
        by_status = dict(cursor.fetchall())
        open_where, open_params = _where(persona, [open_])
        # Aggregate first, then name the few groups: the join never touches the big table's rows.
        cursor.execute(
            "SELECT tw.name, x.n, x.late FROM (SELECT h.town_id, COUNT(*) AS n,"
            f" SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS late FROM hazards_hazard h"
            f"{open_where} GROUP BY h.town_id) x LEFT JOIN org_territory tw ON tw.id = x.town_id"
            " ORDER BY tw.path",
            [today, *open_params],
        )
        by_town = cursor.fetchall()
        cursor.execute(
            "SELECT sc.name, x.n FROM (SELECT h.sector_id, COUNT(*) AS n FROM hazards_hazard h"
            f"{open_where} GROUP BY h.sector_id) x JOIN org_sector sc ON sc.code = x.sector_id"
            " ORDER BY x.n DESC",
            open_params,
        )
        by_sector = cursor.fetchall()
    return headline, by_status, by_town, by_sector


# --- the application -----------------------------------------------------------------------------


class App:
    """Requests through Django's test client (the whole middleware stack, no network)."""

    def __init__(self, personas):
        from datetime import timedelta

        from django.test import Client
        from django.utils import timezone

        from anjian.api.models import ApiToken

        self.api_clients, self.page_clients = {}, {}
        for persona in personas:
            token = ApiToken.issue(persona.user, timezone.now() + timedelta(hours=2))
            self.api_clients[persona.key] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            page_client = Client()
            page_client.force_login(persona.user)
            self.page_clients[persona.key] = page_client

    def orm_list(self, persona):
        """The list's queries alone, as the views build them: scope, filters, count and one page.
        Set beside the API and page figures, it tells the database's share from the HTTP stack's."""
        from anjian.core.paging import in_order, page_ids
        from anjian.hazards.filters import filter_hazards
        from anjian.hazards.models import Hazard

        user = persona.fresh_user()
        queryset = filter_hazards(Hazard.objects.visible_to(user), {"status": LIST_STATUS}, user)
        ids = page_ids(queryset, 0, PAGE_SIZE)
        page = in_order(queryset.filter(pk__in=ids).select_related("subject__territory", "town"), ids)
        return queryset.count(), page

    def api_list(self, persona):
        response = self.api_clients[persona.key].get(
            "/api/v1/hazards", {"status": LIST_STATUS, "limit": PAGE_SIZE}
        )
        _expect_ok(response, "API hazard list")
        return response

    def page_list(self, persona):
        from django.urls import reverse

        response = self.page_clients[persona.key].get(reverse("hazards:list"), {"status": LIST_STATUS})
        _expect_ok(response, "hazard list page")
        return response

    def dashboard(self, persona):
        from anjian.web.dashboard import dashboard_figures

        return dashboard_figures(persona.fresh_user())


def _expect_ok(response, what):
    if response.status_code != 200:
        raise RuntimeError(f"{what} answered {response.status_code}: {response.content[:300]!r}")


# --- the run -------------------------------------------------------------------------------------


def measurements(personas, app):
    """(name, app callable, raw callable) for every pair the benchmark times."""
    for persona in personas:
        yield (
            f"hazard_list_orm_{persona.key}",
            lambda p=persona: app.orm_list(p),
            lambda p=persona: raw_hazard_list(p),
        )
        yield (
            f"hazard_list_api_{persona.key}",
            lambda p=persona: app.api_list(p),
            lambda p=persona: raw_hazard_list(p),
        )
        yield (
            f"hazard_list_page_{persona.key}",
            lambda p=persona: app.page_list(p),
            lambda p=persona: raw_hazard_list(p),
        )
    for persona in personas:
        yield (
            f"dashboard_{persona.key}",
            lambda p=persona: app.dashboard(p),
            lambda p=persona: raw_dashboard(p),
        )


def run(repeat, out=print, only=""):
    """Time every pair (or those whose name contains `only`); print one line each; return
    {name: {"app_ms", "raw_ms", "ratio"}}."""
    personas = load_personas()
    app = App(personas)
    results = {}
    for name, app_fn, raw_fn in measurements(personas, app):
        if only not in name:
            continue
        app_ms, raw_ms = median_pair(app_fn, raw_fn, repeat)
        results[name] = {"app_ms": app_ms, "raw_ms": raw_ms, "ratio": app_ms / raw_ms}
        out(format_line(name, app_ms, raw_ms))
    return results


def save(scale, results, counts, out_dir=OUT_DIR):
    from django.db import connection

    out_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "scale": scale,
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "database": connection.vendor,
        "counts": counts,
        "results": results,
    }
    path = out_dir / f"{scale}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def scaling_lines(big, small):
    """Compare each list's app time at the big scale with its time at the small one."""
    lines, worst = [], None
    for name, result in big["results"].items():
        if not name.startswith("hazard_list_") or name not in small["results"]:
            continue
        big_ms, small_ms = result["app_ms"], small["results"][name]["app_ms"]
        short = name.removeprefix("hazard_list_")
        lines.append(
            format_line(f"hazard_list_scaling_{short}", big_ms, small_ms, (big["scale"], small["scale"]))
        )
        if worst is None or big_ms / small_ms > worst[0] / worst[1]:
            worst = (big_ms, small_ms)
    if worst:
        lines.append(format_line("hazard_list_scaling", *worst, (big["scale"], small["scale"])))
    return lines


def ensure_dataset(scale_name):
    """Migrate, then build the data set unless the database already holds it. Exit 3 when the
    database holds something else, so the caller can replace its own bench file."""
    from django.core.management import call_command

    from . import generate

    scale = generate.SCALES[scale_name]
    call_command("migrate", verbosity=0, interactive=False)
    if generate.is_built(scale):
        log(
            f"bench {scale.name}: reusing the data set ({scale.subjects:,} subjects, {scale.hazards:,} hazards)"
        )
        if not generate.has_statistics():
            # A migration added indexes after the last load: the planner needs their statistics
            # (PostgreSQL's autovacuum would gather them; SQLite never does by itself).
            generate.analyse()
        return generate.counts()
    if any(generate.counts().values()):
        log(f"bench {scale.name}: the database holds other data {generate.counts()}")
        sys.exit(3)
    log(f"bench {scale.name}: building {scale.subjects:,} subjects and {scale.hazards:,} hazards")
    start = time.perf_counter()
    counts = generate.build(scale, progress=log)
    log(f"bench {scale.name}: built in {time.perf_counter() - start:.0f} s")
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--only", default="", help="time only the measurements whose name contains this")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    # The test client does not serve static files; a bench checkout need not have collected them.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    counts = ensure_dataset(args.scale)
    results = run(args.repeat, out=lambda line: print(line, flush=True), only=args.only)
    from . import draw  # the double-random draw (issue 3): its own lines after the hazard ones

    results.update(draw.run(args.repeat, out=lambda line: print(line, flush=True), only=args.only))
    from . import plans  # the work-plan parser (issue 4): one line after the draw's

    results.update(plans.run(args.repeat, out=lambda line: print(line, flush=True), only=args.only))
    from . import risks  # re-grading every subject after a rule change (issue 5): one line after the plan's

    results.update(risks.run(args.repeat, out=lambda line: print(line, flush=True), only=args.only))
    from . import ranking  # one month's ranking of the towns (issue 6): one line after the re-grading

    results.update(ranking.run(args.repeat, out=lambda line: print(line, flush=True), only=args.only))
    from . import overdue  # the reminders' sweep and in-app notify throughput (issue 11): after the ranking

    results.update(overdue.run(args.repeat, out=lambda line: print(line, flush=True), only=args.only))
    if not args.only:  # a partial run would leave an incomplete file to compare against
        log(f"bench {args.scale}: timings saved to {save(args.scale, results, counts)}")


if __name__ == "__main__":
    main()
