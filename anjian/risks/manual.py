"""一级一册: the manual of a town's or a department's major (red) and high (orange) risks, each with
its measures, the people responsible and the closed-loop status (一点一策 for every point listed).

An owner is a town (Territory of level town: 镇, 街道 or the development zone) or a department (Unit
of kind department). A town's manual holds the risks of subjects in that town; a department's, the
risks of subjects in the sectors it supervises (`Unit.sectors`). Both are always cut down to what
the reader may see (`visible_to`), so a manual never shows more than the register does.

Closed loop: a measure is 失效 while a hazard linked to it (raised by a failed check of the measure's
checklist item) is still open; an event is 闭环 when none of its measures is 失效.

Who may pick which owner (`owners_for`), all on the government side (permissions.can_read_manuals):
- the committee office (unrestricted): every town and every department;
- a town user: the towns within their territory (their own);
- department, sector office and inspector users: every town (their scope is sectors, city-wide, and
  the manual is cut to those sectors) and the departments they belong to — their own unit, or for a
  sector office the departments supervising any of its sectors;
- a grid user: no town (a grid is smaller than a town, so a town manual would be a misleading part).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from anjian.hazards.models import Hazard
from anjian.org.models import Role, Territory, Unit
from anjian.org.scope import SECTOR_ROLES, scope_for
from anjian.registry.models import RiskGrade

from .methods import GRADE_LABELS
from .models import ControlMeasure, RiskAssessment, RiskEvent, grade_rank
from .permissions import can_read_manuals

MANUAL_GRADES = (RiskGrade.RED, RiskGrade.ORANGE)
KIND_ORDER = list(ControlMeasure.Kind.values)
TOWN, UNIT = "town", "unit"


@dataclass
class Owner:
    """Whose manual: a town or a department."""

    kind: str  # TOWN or UNIT
    obj: object  # Territory or Unit
    sector_ids: tuple = ()
    red: int = 0
    orange: int = 0

    @property
    def pk(self):
        return self.obj.pk

    @property
    def name(self):
        return self.obj.name

    @property
    def title(self):
        return _("%(owner)s重大（较大）安全风险管控手册（一级一册）") % {"owner": self.name}

    def event_q(self):
        if self.kind == TOWN:
            return Q(subject__town_id=self.obj.pk)
        return Q(subject__sector_id__in=self.sector_ids)


@dataclass
class MeasureRow:
    measure: ControlMeasure
    open_hazards: list

    @property
    def failed(self):
        return bool(self.open_hazards)


@dataclass
class EventEntry:
    event: RiskEvent
    explanation: str
    kinds: list  # [(kind label, [MeasureRow])] in the order of ControlMeasure.Kind
    measures: list  # every MeasureRow, flat

    @property
    def grade_label(self):
        return GRADE_LABELS.get(self.event.grade, "")

    @property
    def failed_measures(self):
        return [m for m in self.measures if m.failed]

    @property
    def closed(self):
        return not self.failed_measures


@dataclass
class SubjectEntry:
    subject: object
    events: list = field(default_factory=list)


@dataclass
class Manual:
    owner: Owner
    subjects: list
    red: int
    orange: int
    unclosed: int  # events with at least one failed measure
    failed_measures: int

    @property
    def total(self):
        return self.red + self.orange


# --- owners ----------------------------------------------------------------------------------------


def _department_ids(scope):
    """The departments a non-unrestricted government user may take a manual of (see module doc): the
    user's own department units, and the departments sharing a sector office's sectors."""
    kinds = dict(Unit.objects.filter(pk__in=scope.unit_ids(SECTOR_ROLES)).values_list("pk", "kind"))
    ids = {pk for pk, kind in kinds.items() if kind == Unit.Kind.DEPARTMENT}
    office_sectors = {
        code
        for a in scope.assignments
        if a.role == Role.SECTOR_OFFICE and kinds.get(a.unit_id, Unit.Kind.DEPARTMENT) != Unit.Kind.DEPARTMENT
        for code in a.sectors
    }
    if office_sectors:
        departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, sectors__in=office_sectors)
        ids.update(departments.values_list("pk", flat=True))
    return ids


def owners_for(user, with_counts=False):
    """(towns, departments) the user may open a manual of, as Owner lists; with `with_counts`, each
    carries the red and orange active events the user can see (two grouped queries)."""
    if not can_read_manuals(user):
        return [], []
    scope = scope_for(user)
    # A grid user's territory is below town level: it then sees no town's manual.
    towns = Territory.objects.visible_to(user).filter(level=Territory.Level.TOWN).order_by("order", "path")
    units = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).prefetch_related("sectors").order_by("name")
    if not scope.unrestricted:
        units = units.filter(pk__in=_department_ids(scope))
    town_owners = [Owner(TOWN, t) for t in towns]
    unit_owners = [Owner(UNIT, u, tuple(s.code for s in u.sectors.all())) for u in units]
    if with_counts:
        _count(user, town_owners, unit_owners)
    return town_owners, unit_owners


def _count(user, town_owners, unit_owners):
    events = _manual_events(user).order_by()
    by_town = defaultdict(lambda: defaultdict(int))
    for town_id, grade, n in events.values_list("subject__town_id", "grade").annotate(n=Count("id")):
        by_town[town_id][grade] += n
    by_sector = defaultdict(lambda: defaultdict(int))
    for sector_id, grade, n in events.values_list("subject__sector_id", "grade").annotate(n=Count("id")):
        by_sector[sector_id][grade] += n
    for owner in town_owners:
        owner.red, owner.orange = by_town[owner.pk][RiskGrade.RED], by_town[owner.pk][RiskGrade.ORANGE]
    for owner in unit_owners:
        # A subject has one sector, so summing over the department's sectors counts nothing twice.
        owner.red = sum(by_sector[s][RiskGrade.RED] for s in owner.sector_ids)
        owner.orange = sum(by_sector[s][RiskGrade.ORANGE] for s in owner.sector_ids)


def find_owner(user, kind, pk):
    """The owner the user may open, or None (the caller answers 404: out of scope or no such one)."""
    towns, units = owners_for(user)
    return next((o for o in (towns if kind == TOWN else units if kind == UNIT else []) if o.pk == pk), None)


# --- the manual ------------------------------------------------------------------------------------


def _manual_events(user):
    return RiskEvent.objects.visible_to(user).filter(is_active=True, grade__in=MANUAL_GRADES)


def build_manual(user, owner):
    """The manual of `owner` as the user may see it: subjects with their red and orange active events,
    measures and closed-loop status. Four queries whatever the size (events, measures, open hazards,
    and the latest assessment as a subquery)."""
    latest = RiskAssessment.objects.filter(event=OuterRef("pk")).order_by("-assessed_at", "-id")
    open_hazards = (
        Hazard.objects.open().only("id", "code", "deadline", "status", "title").order_by("deadline")
    )
    measures = ControlMeasure.objects.prefetch_related(
        Prefetch("hazards", queryset=open_hazards, to_attr="open_hazards")
    )
    events = (
        _manual_events(user)
        .filter(owner.event_q())
        .annotate(explanation=Subquery(latest.values("explanation")[:1]))
        .select_related(
            "unit", "subject__sector", "subject__town", "subject__supervising_unit", "subject__supervisor"
        )
        .prefetch_related(Prefetch("measures", queryset=measures))
    )
    by_subject = {}
    for event in sorted(
        events, key=lambda e: (e.subject.name, e.subject_id, grade_rank(e.grade), e.unit_id, e.id)
    ):
        entry = by_subject.setdefault(event.subject_id, SubjectEntry(event.subject))
        entry.events.append(_event_entry(event))
    subjects = list(by_subject.values())
    # Subjects with a red risk first, then by name: the most severe pages lead the manual.
    subjects.sort(key=lambda s: (min(grade_rank(e.event.grade) for e in s.events), s.subject.name))
    entries = [e for s in subjects for e in s.events]
    return Manual(
        owner=owner,
        subjects=subjects,
        red=sum(e.event.grade == RiskGrade.RED for e in entries),
        orange=sum(e.event.grade == RiskGrade.ORANGE for e in entries),
        unclosed=sum(not e.closed for e in entries),
        failed_measures=sum(len(e.failed_measures) for e in entries),
    )


def _event_entry(event):
    rows = [MeasureRow(m, list(m.open_hazards)) for m in event.measures.all()]
    rows.sort(key=lambda r: (KIND_ORDER.index(r.measure.kind), r.measure.id))
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.measure.kind].append(row)
    labels = dict(ControlMeasure.Kind.choices)
    kinds = [(labels[kind], grouped[kind]) for kind in KIND_ORDER if grouped[kind]]
    return EventEntry(event=event, explanation=event.explanation or "", kinds=kinds, measures=rows)


def hazard_note(row):
    """ "HZ-2024-0001（整改期限 2024-05-01）；…": the open hazards that make a measure fail."""
    parts = []
    for hazard in row.open_hazards:
        deadline = hazard.deadline.isoformat() if hazard.deadline else _("未定")
        parts.append(_("%(code)s（整改期限 %(deadline)s）") % {"code": hazard.code, "deadline": deadline})
    return "；".join(parts)
