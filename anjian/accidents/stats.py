"""Accident statistics for the stats page: by month, town and sector; year on year against the same
period of the previous year; 双下降 and the year's control figures; key periods.

Every function takes an already scoped queryset (`services.visible_accidents(user)`), so the numbers
are the reader's scope. Each table is one grouped query. "The same period" of a year not yet over is
1 January up to today's date, compared with 1 January up to the same date a year earlier.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from anjian.org.models import Sector, Territory

from .grading import SERIOUS_LEVELS
from .models import KeyPeriod, YearTarget


def day_start(day):
    """The aware start of a local calendar day (accident times are stored aware)."""
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def between(queryset, start, end):
    """Accidents on the days start … end, both included."""
    return queryset.filter(
        occurred_at__gte=day_start(start), occurred_at__lt=day_start(end + datetime.timedelta(days=1))
    )


def totals(queryset):
    """(count, deaths) of a queryset."""
    row = queryset.order_by().aggregate(n=Count("id"), d=Sum("deaths"))
    return row["n"], row["d"] or 0


def monthly_counts(queryset, start, end):
    """{month number: (count, deaths)} of the accidents on the days start … end (within one year)."""
    tz = timezone.get_current_timezone()
    rows = (
        between(queryset, start, end)
        .order_by()
        .annotate(m=ExtractMonth("occurred_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("id"), d=Sum("deaths"))
    )
    return {row["m"]: (row["n"], row["d"] or 0) for row in rows}


def _grouped(queryset, key):
    rows = queryset.order_by().values(key).annotate(n=Count("id"), d=Sum("deaths"))
    return {row[key]: (row["n"], row["d"] or 0) for row in rows}


def same_day_last_year(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_of(year, today):
    """(start, end) of the year's statistics: the whole year once it is over, else up to today."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return start, min(end, today) if year == today.year else end


@dataclass
class Comparison:
    count: int
    deaths: int
    last_count: int
    last_deaths: int

    @property
    def count_change(self):
        return _change(self.count, self.last_count)

    @property
    def deaths_change(self):
        return _change(self.deaths, self.last_deaths)


def _change(now, before):
    """Percent change, None when last year had none (no percentage of zero)."""
    if not before:
        return None
    return round((now - before) * 100 / before, 1)


@dataclass
class YearStats:
    year: int
    start: datetime.date
    end: datetime.date
    last_start: datetime.date
    last_end: datetime.date
    total: Comparison
    months: list = field(default_factory=list)  # [(month, Comparison)], months up to `end`
    towns: list = field(default_factory=list)  # [(name, Comparison)]
    sectors: list = field(default_factory=list)  # [(name, Comparison)]
    serious: list = field(default_factory=list)  # accidents of 较大 or worse in the period
    target: YearTarget | None = None
    periods: list = field(default_factory=list)  # [PeriodStats]

    @property
    def fewer_accidents(self):
        return self.total.count < self.total.last_count

    @property
    def fewer_deaths(self):
        return self.total.deaths < self.total.last_deaths

    @property
    def double_decline(self):
        """双下降: accidents and deaths both below last year's same period, and no 较大 or worse."""
        return self.fewer_accidents and self.fewer_deaths and not self.serious

    @property
    def within_target(self):
        """(accidents within the control figure, deaths within it); None where no figure is set."""
        if self.target is None:
            return None, None
        count_ok = (
            None if self.target.max_accidents is None else self.total.count <= self.target.max_accidents
        )
        deaths_ok = None if self.target.max_deaths is None else self.total.deaths <= self.target.max_deaths
        return count_ok, deaths_ok


@dataclass
class PeriodStats:
    period: KeyPeriod
    count: int
    deaths: int
    state: str  # "future", "running", "over"

    @property
    def no_fatal(self):
        return self.deaths == 0


def year_stats(queryset, year, today=None):
    today = today or timezone.localdate()
    start, end = period_of(year, today)
    last_start, last_end = datetime.date(year - 1, 1, 1), same_day_last_year(end)
    now_rows, last_rows = between(queryset, start, end), between(queryset, last_start, last_end)
    stats = YearStats(
        year, start, end, last_start, last_end, Comparison(*totals(now_rows), *totals(last_rows))
    )
    now_months, last_months = (
        monthly_counts(queryset, start, end),
        monthly_counts(queryset, last_start, last_end),
    )
    stats.months = [
        (m, Comparison(*now_months.get(m, (0, 0)), *last_months.get(m, (0, 0))))
        for m in range(1, end.month + 1)
    ]
    stats.towns = _by(now_rows, last_rows, "town_id", _town_names())
    stats.sectors = _by(now_rows, last_rows, "sector_id", dict(Sector.objects.values_list("code", "name")))
    stats.serious = list(now_rows.filter(level__in=SERIOUS_LEVELS).order_by("occurred_at"))
    stats.target = YearTarget.objects.filter(year=year).first()
    stats.periods = key_periods(queryset, year, today)
    return stats


def _town_names():
    return dict(Territory.objects.filter(level=Territory.Level.TOWN).values_list("pk", "name"))


def _by(now_rows, last_rows, key, names):
    """[(name, Comparison)] for every key with an accident in either period, most accidents first."""
    now, last = _grouped(now_rows, key), _grouped(last_rows, key)
    rows = [
        (names.get(k, "—") if k else "—", Comparison(*now.get(k, (0, 0)), *last.get(k, (0, 0))))
        for k in {*now, *last}
    ]
    return sorted(rows, key=lambda row: (-row[1].count, -row[1].deaths, row[0]))


def key_periods(queryset, year, today=None):
    """The key periods starting or ending in `year`, each with its accidents and deaths. One query:
    conditional aggregates, one pair per period."""
    today = today or timezone.localdate()
    periods = list(
        KeyPeriod.objects.filter(Q(starts_on__year=year) | Q(ends_on__year=year)).order_by("starts_on", "id")
    )
    if not periods:
        return []
    aggregates = {}
    for period in periods:
        window = Q(
            occurred_at__gte=day_start(period.starts_on),
            occurred_at__lt=day_start(period.ends_on + datetime.timedelta(days=1)),
        )
        aggregates[f"n{period.pk}"] = Count("id", filter=window)
        aggregates[f"d{period.pk}"] = Sum("deaths", filter=window)
    row = queryset.order_by().aggregate(**aggregates)
    result = []
    for period in periods:
        if period.starts_on > today:
            state = "future"
        elif period.ends_on >= today:
            state = "running"
        else:
            state = "over"
        result.append(PeriodStats(period, row[f"n{period.pk}"] or 0, row[f"d{period.pk}"] or 0, state))
    return result


def chart_data(stats):
    """The JSON the stats page's charts draw from (the tables beside them carry the same numbers)."""
    return {
        "year": stats.year,
        "months": [m for m, _c in stats.months],
        "count": [c.count for _m, c in stats.months],
        "deaths": [c.deaths for _m, c in stats.months],
        "last_count": [c.last_count for _m, c in stats.months],
        "last_deaths": [c.last_deaths for _m, c in stats.months],
        "towns": [name for name, _c in stats.towns],
        "town_count": [c.count for _n, c in stats.towns],
        "town_deaths": [c.deaths for _n, c in stats.towns],
    }
