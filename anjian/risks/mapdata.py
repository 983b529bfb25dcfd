"""What the four-colour map and its town chart show: the subjects within the user's scope and the
page's filters, their major hazard installations, and the count of subjects per town and grade.

A subject is drawn in its dynamic grade (`Subject.dynamic_grade`, written by grading.py); one that
has not been graded since the field arrived falls back to its assessed grade. The city holds about
40,000 subjects, so rows are read with `values_list` in one query each, names of sectors and towns
and the words of the grade reasons travel once per answer (features carry keys into them), and no
row costs a query of its own.
"""

import json

from django.db.models import Case, Count, F, TextField, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from anjian.core.filtering import FilterError, parse_choice_param, parse_int_param
from anjian.org.models import Sector, Territory
from anjian.registry.models import RiskGrade, Subject

from . import display
from .grading import describe
from .models import Installation

GRADE_CHOICES = [*RiskGrade.values, display.NO_GRADE]
SHOWN_GRADE = Case(When(dynamic_grade="", then=F("risk_grade")), default=F("dynamic_grade"))


def town_choices(user):
    """The towns (镇/街道) the user may filter by: those within the user's territory scope."""
    return Territory.objects.visible_to(user).filter(level=Territory.Level.TOWN).order_by("path")


def parse_filters(params, user):
    """{"sector": code, "town": Territory, "grade": key} from the query string, each None when not
    asked for; FilterError with a message naming the parameter for a value that means nothing."""
    sector = (params.get("sector") or "").strip() or None
    if sector and not Sector.objects.filter(pk=sector).exists():
        raise FilterError(_("参数“行业领域”（sector）的值“%(v)s”无效") % {"v": sector})
    town = None
    town_id = parse_int_param(params, "town", _("镇（街道）"))
    if town_id is not None:
        town = town_choices(user).filter(pk=town_id).first()
        if town is None:
            raise FilterError(
                _("参数“镇（街道）”（town）：辖区 %(id)s 不存在或不在您的管辖范围内") % {"id": town_id}
            )
    grade = parse_choice_param(params, "grade", _("风险等级"), GRADE_CHOICES)
    return {"sector": sector, "town": town, "grade": grade}


def subjects(user, filters):
    """The visible subjects passing the filters, annotated with `shown_grade` (dynamic, else assessed)."""
    queryset = Subject.objects.visible_to(user).annotate(shown_grade=SHOWN_GRADE)
    if filters.get("sector"):
        queryset = queryset.filter(sector_id=filters["sector"])
    if filters.get("town"):
        queryset = queryset.filter(town_id=filters["town"].pk)
    grade = filters.get("grade")
    if grade:
        queryset = queryset.filter(shown_grade="" if grade == display.NO_GRADE else grade)
    return queryset


def feature_collection(user, filters):
    """A GeoJSON FeatureCollection of the subjects (points, kind "subject") and their major hazard
    installations (kind "installation", drawn at the subject's point). Foreign members carry what the
    features refer to: `sectors` {code: name}, `towns` {id: name}, `reasons` [text] (a subject's
    `reasons` are indexes into it), and `missing_coordinates`, the subjects that have no point."""
    chosen = subjects(user, filters)
    placed = chosen.filter(lat__isnull=False, lon__isnull=False)
    # The reasons as stored text: subjects share a few dozen distinct lists, each decoded once.
    rows = placed.annotate(reasons_text=Cast("grade_reasons", TextField())).values_list(
        "id", "name", "sector_id", "town_id", "shown_grade", "risk_grade", "reasons_text", "lat", "lon"
    )
    reasons = _ReasonTexts()
    features, sector_ids, town_ids = [], set(), set()
    for pk, name, sector_id, town_id, shown, assessed, grade_reasons, lat, lon in rows.iterator(
        chunk_size=2000
    ):
        sector_ids.add(sector_id)
        town_ids.add(town_id)
        features.append(
            _point(
                lon,
                lat,
                {
                    "kind": "subject",
                    "id": pk,
                    "name": name,
                    "sector": sector_id,
                    "town": town_id,
                    "grade": display.grade_key(shown),
                    "assessed": display.grade_key(assessed),
                    "reasons": reasons.indexes(grade_reasons),
                },
            )
        )
    placed_count = len(features)
    features.extend(_installation_features(user, placed))
    return {
        "type": "FeatureCollection",
        "features": features,
        "sectors": dict(Sector.objects.filter(pk__in=sector_ids).values_list("code", "name")),
        "towns": {
            str(pk): name for pk, name in Territory.objects.filter(pk__in=town_ids).values_list("id", "name")
        },
        "reasons": reasons.texts,
        "missing_coordinates": chosen.count() - placed_count,
    }


def _installation_features(user, placed_subjects):
    rows = (
        Installation.objects.visible_to(user)
        .filter(is_major=True, subject_id__in=placed_subjects.values("id"))
        .values_list(
            "id",
            "name",
            "grade",
            "r_value",
            "s_value",
            "subject_id",
            "subject__name",
            "subject__lat",
            "subject__lon",
        )
    )
    return [
        _point(
            lon,
            lat,
            {
                "kind": "installation",
                "id": pk,
                "name": name,
                "grade": grade,
                "grade_label": str(display.INSTALLATION_GRADE_LABELS.get(grade, display.NO_GRADE_LABEL)),
                "r": float(r_value) if r_value is not None else None,
                "s": float(s_value),
                "subject_id": subject_id,
                "subject": subject_name,
            },
        )
        for pk, name, grade, r_value, s_value, subject_id, subject_name, lat, lon in rows
    ]


def _point(lon, lat, properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


class _ReasonTexts:
    """Each distinct reason put into words once, each distinct stored list decoded once."""

    def __init__(self):
        self.texts, self._seen, self._lists = [], {}, {}

    def indexes(self, stored):
        if stored not in self._lists:
            reasons = json.loads(stored) if stored else []
            self._lists[stored] = [self._index(reason) for reason in reasons or ()]
        return self._lists[stored]

    def _index(self, reason):
        key = json.dumps(reason, sort_keys=True)
        if key not in self._seen:
            self._seen[key] = len(self.texts)
            self.texts.append(str(describe(reason)))
        return self._seen[key]


def town_summary(user, filters):
    """Subjects per town and shown grade, within scope and filters (one grouped query). Towns are
    those the user may pick (or the one filtered on) plus any holding a counted subject; subjects
    directly under the city count as 市本级."""
    counts = {}
    rows = subjects(user, filters).values_list("town_id", "shown_grade").annotate(n=Count("id")).order_by()
    for town_id, shown, n in rows:
        counts.setdefault(town_id, {})
        key = display.grade_key(shown)
        counts[town_id][key] = counts[town_id].get(key, 0) + n
    towns = [filters["town"]] if filters.get("town") else list(town_choices(user))
    known = {t.pk for t in towns}
    towns += list(Territory.objects.filter(pk__in=[pk for pk in counts if pk and pk not in known]))
    towns.sort(key=lambda t: t.path)
    legend = display.grade_legend()
    entries = [(town.pk, town.name) for town in towns]
    if None in counts:
        entries.append((None, _("市本级")))
    result = []
    for pk, name in entries:
        by_grade = counts.get(pk, {})
        cells = [by_grade.get(key, 0) for key, _label, _colour in legend]
        result.append({"id": pk, "name": name, "counts": cells, "total": sum(cells)})
    return {
        "grades": [{"key": key, "label": label, "color": colour} for key, label, colour in legend],
        "towns": result,
        "total": sum(row["total"] for row in result),
    }


def territory_layer():
    """Every town's outline (GeoJSON geometry, or null) and centre, for drawing on the map: the
    towns are public geography, drawn whatever the user's scope, so the map always has a frame."""
    return [
        {"id": pk, "name": name, "lat": lat, "lon": lon, "boundary": boundary}
        for pk, name, lat, lon, boundary in Territory.objects.filter(level=Territory.Level.TOWN)
        .order_by("path")
        .values_list("id", "name", "lat", "lon", "boundary")
    ]
