"""The one scope filter: what records a user may see.

A user's role assignments become a `Scope`, a list of grants. Each grant limits by territory subtree
(materialised-path prefixes), by sectors, or by particular subjects; limits within a grant combine
with AND, grants combine with OR. Every scoped model names the three columns the filter reads in
`SCOPE_FIELDS = (territory_path, sector, subject)` and gets `objects.visible_to(user)`.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, prefetch_related_objects

NOTHING = Q(pk__in=[])
# Roles whose scope is a set of sectors (optionally within a territory); values of org.Role.
SECTOR_ROLES = frozenset({"sector_office", "department", "inspector"})


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


@dataclass(frozen=True)
class Scope:
    unrestricted: bool
    grants: tuple
    roles: frozenset

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
        if self.unrestricted or any(g.paths is None for g in self.grants if g.subjects is None):
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


def _grant_for(assignment):
    from anjian.org.models import Role

    if assignment.role == Role.ENTERPRISE:
        if assignment.subject_id is None:
            return None
        from anjian.registry.models import Subject

        child_ids = Subject.objects.filter(parent_id=assignment.subject_id).values_list("id", flat=True)
        return Grant(subjects=(assignment.subject_id, *child_ids))
    paths = (assignment.territory.path,) if assignment.territory_id else None
    if assignment.role in (Role.TOWN, Role.GRID):
        # Territorial roles see everything in their territory, whatever the sector.
        return Grant(paths=paths) if paths else None
    if assignment.role not in SECTOR_ROLES:
        return None
    # The assignment's own sectors, else its unit's (both prefetched by scope_for).
    sectors = tuple(s.code for s in assignment.sectors.all())
    if not sectors and assignment.unit_id:
        sectors = tuple(s.code for s in assignment.unit.sectors.all())
    if not sectors and paths is None:
        return None  # a departmental role with no sector sees nothing, never everything
    return Grant(paths=paths, sectors=sectors or None)


def scope_for(user):
    """The user's scope, computed once per user object (i.e. once per request)."""
    cached = getattr(user, "_anjian_scope", None)
    if cached is not None:
        return cached
    from anjian.org.models import Role

    if not getattr(user, "is_authenticated", False):
        scope = Scope(False, (), frozenset())
    elif user.is_superuser:
        scope = Scope(True, (), frozenset({Role.CITY_OFFICE}))
    else:
        assignments = list(user.roles.select_related("territory", "unit"))
        roles = frozenset(a.role for a in assignments)
        if roles & SECTOR_ROLES:
            # Only sector-bound roles read sectors: a town or grid user's scope costs one query.
            prefetch_related_objects(assignments, "sectors", "unit__sectors")
        if Role.CITY_OFFICE in roles:
            scope = Scope(True, (), roles)
        else:
            grants = tuple(g for g in map(_grant_for, assignments) if g is not None)
            scope = Scope(False, grants, roles)
    user._anjian_scope = scope
    return scope


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).q_for(self.model))
