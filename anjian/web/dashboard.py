"""The dashboard's figures for one user's scope, from a handful of aggregate queries.

Every figure is counted by the database over the denormalised columns of the hazard table (status,
level, deadline, town_id, sector_id), so the cost is a few scans of the user's rows, whatever their
number; Python only names the few groups that come back.
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.hazards.models import OPEN_STATES, Hazard, Level, Status
from anjian.org.models import Sector, Territory


def _headline(queryset, today):
    open_q = Q(status__in=OPEN_STATES)
    # Hazards handed in with a deadline: on_time is set at submission and cleared by a rejection.
    submitted_q = Q(on_time__isnull=False)
    counts = {f"status_{value}": Count("id", filter=Q(status=value)) for value in Status.values}
    return queryset.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Hazard.objects.overdue_q(today)),
        major_open=Count("id", filter=open_q & Q(level=Level.MAJOR)),
        supervised=Count("id", filter=open_q & ~Q(supervision_level="")),
        submitted=Count("id", filter=submitted_q),
        on_time=Count("id", filter=Q(on_time=True)),
        **counts,
    )


def _by_town(open_rows, today):
    rows = list(
        open_rows.values("town_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Hazard.objects.overdue_q(today)))
        .order_by()
    )
    ids = [row["town_id"] for row in rows if row["town_id"] is not None]
    towns = {t.pk: t for t in Territory.objects.filter(pk__in=ids).only("name", "path")}
    city_level = _("市本级")

    def sort_key(row):
        town = towns.get(row["town_id"])
        return town.path if town else ""

    return [
        {
            "name": towns[row["town_id"]].name if row["town_id"] in towns else city_level,
            "open": row["open"],
            "overdue": row["overdue"],
        }
        for row in sorted(rows, key=sort_key)
    ]


def _by_sector(open_rows):
    rows = open_rows.values("sector_id").annotate(open=Count("id")).order_by("-open")
    rows = list(rows)
    names = dict(Sector.objects.filter(pk__in=[r["sector_id"] for r in rows]).values_list("code", "name"))
    return [
        {"code": r["sector_id"], "name": names.get(r["sector_id"], r["sector_id"]), "open": r["open"]}
        for r in rows
    ]


def dashboard_figures(user, today=None):
    """Headline counts, the on-time rate and the charts' series for what `user` may see.

    Returns a dict: total, open, overdue, major_open, supervised, submitted, on_time, on_time_rate
    (percent with one decimal, None when nothing was submitted), by_status [{status, label, count}],
    by_town [{name, open, overdue}] (open hazards per town, in the tree's order) and by_sector
    [{code, name, open}] (open hazards per sector, largest first).
    """
    today = today or timezone.localdate()
    scoped = Hazard.objects.visible_to(user).order_by()
    head = _headline(scoped, today)
    open_rows = scoped.filter(status__in=OPEN_STATES)
    by_status = [
        {"status": value, "label": str(label), "count": head.pop(f"status_{value}")}
        for value, label in Status.choices
    ]
    figures = dict(head)
    figures["open"] = sum(row["count"] for row in by_status if row["status"] in OPEN_STATES)
    figures["on_time_rate"] = (
        round(100 * figures["on_time"] / figures["submitted"], 1) if figures["submitted"] else None
    )
    figures["by_status"] = by_status
    figures["by_town"] = _by_town(open_rows, today)
    figures["by_sector"] = _by_sector(open_rows)
    return figures
