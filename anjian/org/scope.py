"""The one place that decides what a user may see.

A user's role assignments become a `Scope`: a list of grants plus what the grants were made of (the
roles, units, territories and own subjects of the assignments). Each grant limits by territory
subtree (materialised-path prefixes), by sectors, or by particular subjects; limits within a grant
combine with AND, grants combine with OR.

Every scoped model names the three columns the filter reads in
`SCOPE_FIELDS = (territory_path, sector, subject)` and gets `objects.visible_to(user)` from
`ScopedQuerySet`. A model whose rule is more than its three columns overrides one of two declared
hooks on its queryset, never the walk over grants itself:

- `grant_q(grant)`: how one grant reads on this model; return None to skip the grant (plans skip
  an enterprise's grant: a plan may be unannounced);
- `extra_q(user, scope)`: rows visible beyond the grants (the plans of the user's units, the
  inspections the user is named on).

Nothing else in the project reads `user.roles` to decide visibility; the helpers below (`towns`,
`sector_codes`, `unit_ids`, `own_subject_id`, `covers`, `reaches_territory`) answer the questions pages and
services used to work out for themselves. See docs/adr/0001-one-scope.md.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q, prefetch_related_objects

NOTHING = Q(pk__in=[])
# Roles whose scope is a set of sectors (optionally within a territory); values of org.Role.
# Role values (org.models.Role, which imports this module, so the strings are written here).
CITY_OFFICE, ENTERPRISE = "city_office", "enterprise"
SECTOR_ROLES = frozenset({"sector_office", "department", "inspector"})
TERRITORIAL_ROLES = frozenset({"town", "grid"})


@dataclass(frozen=True)
class Grant:
    paths: tuple | None = None
    sectors: tuple | None = None
    subjects: tuple | None = None

    def q(self, path_field, sector_field, subject_field):
        q = Q()
        if self.paths is not None:
            paths_q = NOTHING
            for path in self.paths:
                paths_q |= Q(**{f"{path_field}__pathprefix": path})
            q &= paths_q
        if self.sectors is not None:
            q &= Q(**{f"{sector_field}__in": self.sectors})
        if self.subjects is not None:
            q &= Q(**{f"{subject_field}__in": self.subjects})
        return q

    @property
    def is_enterprise(self):
        return self.subjects is not None


@dataclass(frozen=True)
class Assignment:
    """What scope needs of one RoleAssignment, read once per request."""

    role: str
    unit_id: int | None
    territory_id: int | None
    territory_path: str | None
    subject_id: int | None
    sectors: tuple = ()  # a sector-bound role's sectors: its own, else its unit's


def ancestor_paths(path):
    """Every path from the root down to `path` itself: "0001.0003." → ("0001.", "0001.0003.")."""
    segments = [s for s in path.split(".") if s]
    return tuple(".".join(segments[: i + 1]) + "." for i in range(len(segments)))


@dataclass(frozen=True)
class Scope:
    unrestricted: bool
    grants: tuple
    roles: frozenset
    assignments: tuple = ()

    def q(self, path_field, sector_field, subject_field):
        if self.unrestricted:
            return Q()
        q = NOTHING
        for grant in self.grants:
            q |= grant.q(path_field, sector_field, subject_field)
        return q

    def q_for(self, model):
        return self.q(*model.SCOPE_FIELDS)

    def territory_q(self):
        """Which territory nodes the user may pick (filters, forms)."""
        if self.unrestricted or any(g.paths is None for g in self.grants if not g.is_enterprise):
            return Q()
        q = NOTHING
        for grant in self.grants:
            for path in grant.paths or ():
                q |= Q(path__pathprefix=path)
        return q

    @property
    def subject_ids(self):
        ids = set()
        for grant in self.grants:
            ids.update(grant.subjects or ())
        return ids

    @property
    def limited_by_territory(self):
        """Whether the territory nodes the user may pick are fewer than all of them."""
        return self.territory_q() != Q()

    def has_role(self, *roles):
        return bool(self.roles & set(roles))

    def unit_ids(self, roles=None):
        """Ids of the units the user's assignments (with one of `roles`, or any) act for."""
        return {
            a.unit_id
            for a in self.assignments
            if a.unit_id is not None and (roles is None or a.role in roles)
        }

    def own_subject_id(self):
        """An enterprise account's own subject id; None for every other account."""
        if self.roles != {ENTERPRISE}:
            return None
        return next((a.subject_id for a in self.assignments if a.subject_id is not None), None)

    def sector_codes(self):
        """The sectors the user is limited to, or None when some grant is not limited by sector
        (the whole scope, a town, a grid): what a subject may be filed under."""
        grants = [g for g in self.grants if not g.is_enterprise]
        if self.unrestricted or any(g.sectors is None for g in grants):
            return None
        return {code for g in grants for code in g.sectors}

    def _assignment_ancestor_paths(self, roles=None):
        """Every path from the root down to each assignment's territory (with one of `roles`)."""
        paths = set()
        for a in self.assignments:
            if a.territory_path and (roles is None or a.role in roles):
                paths.update(ancestor_paths(a.territory_path))
        return paths

    def towns(self, roles=None):
        """The town nodes (Territory) that the user's assignments with one of `roles` lie in."""
        # Through the app registry: org.models imports this module, so this module never imports it.
        Territory = apps.get_model("org", "Territory")
        paths = self._assignment_ancestor_paths(roles)
        return Territory.objects.filter(path__in=paths, level=Territory.Level.TOWN)

    def covers(self, path, sector_code):
        """Whether a row at `path` in `sector_code` (one not saved yet: an imported subject, a subject
        being moved) would be visible: the same grants as the filter, read for one row. Grants to
        particular subjects never cover a new one."""
        if self.unrestricted:
            return True
        for grant in self.grants:
            if grant.is_enterprise:
                continue
            if grant.paths is not None and not any(path.startswith(p) for p in grant.paths):
                continue
            if grant.sectors is not None and sector_code not in grant.sectors:
                continue
            return True
        return False

    def reaches_territory(self, territory):
        """Whether any of the user's records can lie in `territory`: a grant's territory is the node,
        inside it or around it, or a grant is by sector only (a department sees its sectors
        everywhere). Enterprise grants do not count."""
        if self.unrestricted:
            return True
        for grant in self.grants:
            if grant.is_enterprise:
                continue
            if grant.paths is None:
                return True
            if any(territory.path.startswith(p) or p.startswith(territory.path) for p in grant.paths):
                return True
        return False


def _grant_for(assignment):
    if assignment.role == ENTERPRISE:
        if assignment.subject_id is None:
            return None
        # Through the relation: org sits below registry and never imports it.
        child_ids = assignment.subject.children.values_list("id", flat=True)
        return Grant(subjects=(assignment.subject_id, *child_ids))
    paths = (assignment.territory.path,) if assignment.territory_id else None
    if assignment.role in TERRITORIAL_ROLES:
        # Territorial roles see everything in their territory, whatever the sector.
        return Grant(paths=paths) if paths else None
    if assignment.role not in SECTOR_ROLES:
        return None
    sectors = _sectors_of(assignment)
    if not sectors and paths is None:
        return None  # a departmental role with no sector sees nothing, never everything
    return Grant(paths=paths, sectors=sectors or None)


def _sectors_of(assignment):
    """The assignment's own sectors, else its unit's (both prefetched by scope_for)."""
    if assignment.role not in SECTOR_ROLES:
        return ()
    sectors = tuple(s.code for s in assignment.sectors.all())
    if not sectors and assignment.unit_id:
        sectors = tuple(s.code for s in assignment.unit.sectors.all())
    return sectors


def _assignment_of(a):
    return Assignment(
        role=a.role,
        unit_id=a.unit_id,
        territory_id=a.territory_id,
        territory_path=a.territory.path if a.territory_id else None,
        subject_id=a.subject_id,
        sectors=_sectors_of(a),
    )


def scope_for(user):
    """The user's scope, computed once per user object (i.e. once per request)."""
    cached = getattr(user, "_anjian_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        scope = Scope(False, (), frozenset())
    elif user.is_superuser:
        scope = Scope(True, (), frozenset({CITY_OFFICE}))
    else:
        rows = list(user.roles.select_related("territory", "unit"))
        roles = frozenset(a.role for a in rows)
        if roles & SECTOR_ROLES:
            # Only sector-bound roles read sectors: a town or grid user's scope costs one query.
            prefetch_related_objects(rows, "sectors", "unit__sectors")
        assignments = tuple(map(_assignment_of, rows))
        if CITY_OFFICE in roles:
            scope = Scope(True, (), roles, assignments)
        else:
            grants = tuple(g for g in map(_grant_for, rows) if g is not None)
            scope = Scope(False, grants, roles, assignments)
    user._anjian_scope = scope
    return scope


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)`: the rows of this model the user may see. Subclasses override the hooks
    `grant_q` and `extra_q`, never `visible_to`."""

    def grant_q(self, grant):
        """How one grant reads on this model (None: the grant shows nothing here)."""
        return grant.q(*self.model.SCOPE_FIELDS)

    def extra_q(self, user, scope):
        """Rows the user sees beyond the grants."""
        return NOTHING

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.unrestricted:
            return self
        q = NOTHING
        for grant in scope.grants:
            grant_q = self.grant_q(grant)
            if grant_q is not None:
                q |= grant_q
        if getattr(user, "is_authenticated", False) and user.pk is not None:
            q |= self.extra_q(user, scope)
        return self.filter(q)
