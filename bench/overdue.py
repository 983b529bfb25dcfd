"""Time the hazard reminders' sweep (issue 11): its candidate selection against the same selection in
raw SQL, and in-app notification throughput through the sweep's sending path.

Two lines, in the format of the others:

    overdue_select ratio 1.20 (app 40.0 ms, raw 33.0 ms)
    notify_inapp ratio 4.00 (notify 2000.0 ms, insert 500.0 ms) 5000 notifications/s

- `overdue_select`: what `anjian.hazards.reminders.sweep` reads to find the hazards owed a due-soon or
  an overdue reminder today — the deadline windows from the working-day table and the two indexed
  queries over the running hazards, rows read (`due_soon_candidates`, `overdue_candidates`,
  `rows_of`) — against the same two SELECTs written by hand, rows fetched, on the same windows.
  Before timing, both must return the same ids (`mismatches`; the test requires 0).
- `notify_inapp`: `reminders.send` of messages to five bench accounts, `NOTIFICATIONS` in all
  (env `ANJIAN_BENCH_NOTIFICATIONS`, default 10,000): what was already sent looked up, then
  `notify_many()` per batch of 500 messages, one transaction each, each with its dedup key — against one
  `executemany` INSERT of the same rows (the least any outbox does). In-app only: the data set has
  no channels, so no deliveries are planned. Each timed run is rolled back (median of three).

It adds, once, the holiday table (`seed_from_package`) and five accounts `bench_notify_0…4` (no
password, in bulk, one `bulk` change-log entry).
"""

import os

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.hazards import reminders
from anjian.hazards.models import RUNNING_STATES, Hazard
from anjian.notifications.models import Notification
from anjian.notifications.services import rule_for
from anjian.org.models import Person
from anjian.workdays import services as workdays
from anjian.workdays.models import Holiday

SELECT, NOTIFY = "overdue_select", "notify_inapp"
USER_PREFIX = "bench_notify_"
RECIPIENTS = 5
ACTOR = system_actor("bench")


def notification_count():
    return int(os.environ.get("ANJIAN_BENCH_NOTIFICATIONS", "10000"))


# ---- setup ---------------------------------------------------------------------------------------


def ensure_calendar():
    if not Holiday.objects.exists():
        workdays.seed_from_package(ACTOR)
    workdays.invalidate_cache()


def ensure_recipients():
    """The five accounts the throughput run tells, created once in bulk."""
    User = get_user_model()
    names = [f"{USER_PREFIX}{i}" for i in range(RECIPIENTS)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    fresh = [User(username=name) for name in names if name not in existing]
    for user in fresh:
        user.set_unusable_password()
    if fresh:
        with audit.bulk_load("bench notify users", actor=ACTOR, summary={"users": len(fresh)}):
            User.objects.bulk_create(fresh)
            created = User.objects.filter(username__in=[u.username for u in fresh])
            Person.objects.bulk_create(Person(name=f"提醒{u.username[-1]}", user=u) for u in created)
    return list(User.objects.filter(username__in=names).order_by("username"))


# ---- the selection -------------------------------------------------------------------------------


def app_select(today, lead_days):
    """The sweep's due-soon and overdue candidates, as it reads them."""
    due = reminders.rows_of(reminders.due_soon_candidates(today, lead_days))
    late = reminders.rows_of(reminders.overdue_candidates(today))
    return due, late


RAW_SQL = (
    "SELECT id, code, title, subject_id, deadline, supervising_unit_id, town_id FROM hazards_hazard"
    " WHERE status IN (%s, %s, %s) AND deadline >= %s AND deadline <= %s"
)


def raw_select(windows):
    ops = connection.ops
    out = []
    with connection.cursor() as cursor:
        for start, end in windows:
            params = [
                *map(str, RUNNING_STATES),
                ops.adapt_datefield_value(start),
                ops.adapt_datefield_value(end),
            ]
            cursor.execute(RAW_SQL, params)
            out.append(cursor.fetchall())
    return out


def windows(today, lead_days):
    return reminders.due_soon_window(today, lead_days), reminders.overdue_window(today)


def mismatches(app, raw):
    """Ids one side selects and the other does not."""
    wrong = 0
    for app_rows, raw_rows in zip(app, raw, strict=True):
        wrong += len({row.id for row in app_rows} ^ {row[0] for row in raw_rows})
    return wrong


# ---- notify throughput ---------------------------------------------------------------------------


def messages(users, total, hazard_ids):
    per = len(users)
    ids = [user.pk for user in users]
    return [
        reminders.Message(
            "hazard.overdue",
            f"bench:{n}:overdue",
            f"隐患整改已逾期：YH{hazard_ids[n % len(hazard_ids)]:011d} 消防通道堆放杂物（bench），请尽快整改。",
            hazard_ids[n % len(hazard_ids)],
            ids,
        )
        for n in range((total + per - 1) // per)
    ]


def app_notify(batch):
    with transaction.atomic():
        counts = reminders.send(batch)
        transaction.set_rollback(True)
    return counts["hazard.overdue"]


def raw_notify(batch, content_type_id):
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            user_id,
            m.kind,
            m.text,
            f"/hazards/{m.hazard_id}/",
            content_type_id,
            m.hazard_id,
            False,
            m.key,
            now,
            False,
        )
        for m in batch
        for user_id in m.user_ids
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO notifications_notification (recipient_id, kind, text, url, content_type_id,"
            " object_id, urgent, dedup_key, created_at, digest_pending) VALUES (%s, %s, %s, %s, %s, %s, %s,"
            " %s, %s, %s)",
            rows,
        )
        transaction.set_rollback(True)
    return len(rows)


# ---- the run -------------------------------------------------------------------------------------


def run(repeat, out=print, only="", notifications=None):
    from django.contrib.contenttypes.models import ContentType

    from .timing import format_line, log, median_pair

    results = {}
    if only in SELECT:
        ensure_calendar()
        today, lead_days = timezone.localdate(), rule_for("hazard.due_soon").lead_days
        wrong = mismatches(app_select(today, lead_days), raw_select(windows(today, lead_days)))
        due, late = app_select(today, lead_days)
        log(f"{SELECT}: {len(due):,} due soon, {len(late):,} overdue; {wrong} ids differ from the raw SQL")
        app_ms, raw_ms = median_pair(
            lambda: app_select(today, lead_days), lambda: raw_select(windows(today, lead_days)), repeat
        )
        out(format_line(SELECT, app_ms, raw_ms))
        results[SELECT] = {"app_ms": app_ms, "raw_ms": raw_ms, "ratio": app_ms / raw_ms, "mismatches": wrong}
    if only in NOTIFY:
        total = notifications or notification_count()
        users = ensure_recipients()
        # unscoped: the benchmark names some hazards for its messages to be about
        hazard_ids = list(Hazard.objects.order_by("id").values_list("id", flat=True)[:1000])
        batch = messages(users, total, hazard_ids)
        content_type = ContentType.objects.get_for_model(Hazard).pk
        created = app_notify(batch)
        log(f"{NOTIFY}: {created:,} notifications per run, {len(batch):,} messages")
        app_ms, raw_ms = median_pair(
            lambda: app_notify(batch), lambda: raw_notify(batch, content_type), min(repeat, 3)
        )
        rate = created / (app_ms / 1000)
        out(f"{format_line(NOTIFY, app_ms, raw_ms, ('notify', 'insert'))} {rate:.0f} notifications/s")
        results[NOTIFY] = {
            "app_ms": app_ms,
            "raw_ms": raw_ms,
            "ratio": app_ms / raw_ms,
            "notifications": created,
            "per_second": rate,
            "left_behind": Notification.objects.filter(dedup_key__startswith="bench:").count(),
        }
    return results
