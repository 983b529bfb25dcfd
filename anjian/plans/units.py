"""UnitMatcher: a responsible unit as a plan writes it → the units of the organisation it names.

A name matches a Unit by its name or one of its aliases (Unit.aliases, plus the short forms of the
built-in table below), compared after NFKC (full-width brackets = half-width) without spaces, with
the city's name in front or not ("温岭市应急管理局" = "市应急管理局").

Group names stand for several units (each keeps the written name; `expanded` is True):
- 市安委会各成员单位 (安委会各成员单位, 市安委会成员单位): the committee's member units, i.e. the units
  of kind department, party and group. The committee office and the sector offices run the
  committee rather than belong to it, and towns are not members. (The sector committees' members are
  departments, so they are among these.)
- 各镇（街道）/ 各镇街 / 各乡镇（街道）: the town units except the development zone, which the seed
  names apart ("16个镇(街道)和经济开发区"); 各镇 / 各镇人民政府: the towns; 各街道 / 各街道办事处:
  the subdistricts.
- 市安委会各专委办 / 各专委办 / 市各专委办: the sector offices.
- 负有安全（生产）监管职责的（各有关）部门: departments that supervise at least one sector.
- 市X专委会各成员单位 (also via an office's alias: 市特安委各成员单位): that committee's members.
Anything else unmatched (各有关部门, 有关部门, 各相关成员单位) gives [None]: the office picks on review.
"""

import re
import unicodedata

from anjian.org.models import SectorCommittee, Territory, Unit

# Short forms in the seed and in common use → the unit's full name (used when that unit exists).
BUILT_IN_ALIASES = {
    "市应急局": "市应急管理局",
    "市住建局": "市住房和城乡建设局",
    "市交通局": "市交通运输局",
    "市港航渔业局": "市港航口岸和渔业管理局",
    "市文广旅体局": "市文化和广电旅游体育局",
    "市市场监督管理局": "市市场监管局",
    "市发展和改革局": "市发改局",
    "市经济和信息化局": "市经信局",
    "市综合执法局": "市综合行政执法局",
    "市消防救援大队": "市消防救援支队",
    "市特安委": "市特种设备专委办",
    "安委办": "市安委办",
    "市安全生产委员会办公室": "市安委办",
}
MEMBERS_RE = re.compile(r"^市?安委会各?成员单位$")
ALL_TOWNS_RE = re.compile(r"^各乡?镇(\(街道\)|\(街\)|街道|街)$")
TOWNS_RE = re.compile(r"^各乡?镇(人民政府)?$")
SUBDISTRICTS_RE = re.compile(r"^各街道(办事处)?$")
SECTOR_OFFICES_RE = re.compile(r"^(市?安委会)?(市)?各专委(办|会办公室)$")
SUPERVISORS_RE = re.compile(r"^负有(安全生产|安全)?监管职责的(各)?(有关)?(部门|成员单位)$")
COMMITTEE_MEMBERS_RE = re.compile(r"^(.+?)各?成员单位$")
MEMBER_KINDS = {Unit.Kind.DEPARTMENT, Unit.Kind.PARTY, Unit.Kind.GROUP}


def normalise(name):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


class UnitMatcher:
    """Reads the organisation once (units, aliases, committees); `match` then needs no query."""

    def __init__(self):
        self.units = list(Unit.objects.select_related("territory").prefetch_related("sectors").order_by("pk"))
        self.index = {}
        for unit in self.units:
            for name in [unit.name, *(unit.aliases or [])]:
                self.index.setdefault(normalise(name), unit.pk)
        by_name = {unit.name: unit.pk for unit in self.units}
        for alias, full in BUILT_IN_ALIASES.items():
            if full in by_name:
                self.index.setdefault(normalise(alias), by_name[full])
        self.committees = {}
        for committee in SectorCommittee.objects.prefetch_related("members"):
            members = sorted(member.pk for member in committee.members.all())
            self.committees[normalise(committee.name)] = (committee.office_id, members)
        self.city_names = [
            normalise(name).removesuffix("市")
            for name in Territory.objects.filter(level=Territory.Level.CITY).values_list("name", flat=True)
        ]

    def match(self, name):
        """(unit ids, expanded): [id] for a unit, several for a group name, [None] if nothing."""
        key = self._key(normalise(name).removeprefix("由"))
        if key in self.index:
            return [self.index[key]], False
        ids = self._group(key)
        if ids:
            return ids, True
        return [None], False

    def _key(self, key):
        for city in self.city_names:
            if city and key.startswith(city + "市"):
                return key[len(city) :]
        return key

    def _group(self, key):
        if MEMBERS_RE.match(key):
            return [u.pk for u in self.units if u.kind in MEMBER_KINDS]
        if ALL_TOWNS_RE.match(key):
            return self._towns(("town", "subdistrict"))
        if TOWNS_RE.match(key):
            return self._towns(("town",))
        if SUBDISTRICTS_RE.match(key):
            return self._towns(("subdistrict",))
        if SECTOR_OFFICES_RE.match(key):
            return [u.pk for u in self.units if u.kind == Unit.Kind.SECTOR_OFFICE]
        if SUPERVISORS_RE.match(key):
            return [u.pk for u in self.units if u.kind == Unit.Kind.DEPARTMENT and u.sectors.all()]
        members = COMMITTEE_MEMBERS_RE.match(key)
        return self._committee_members(members.group(1)) if members else []

    def _towns(self, kinds):
        return [
            u.pk
            for u in self.units
            if u.kind == Unit.Kind.TOWN and (u.territory is None or (u.territory.kind or "town") in kinds)
        ]

    def _committee_members(self, prefix):
        """Members of the committee named by `prefix`: 市道路交通专委会, 道路交通专委会, 市道路交通专委办,
        or an alias of its office (市特安委)."""
        bare = prefix.removeprefix("市")
        for name in (bare, bare.removesuffix("办") + "会", bare + "专委会"):
            if name in self.committees:
                return self.committees[name][1]
        office = self.index.get(prefix) or self.index.get("市" + bare)
        for office_id, members in self.committees.values():
            if office is not None and office_id == office:
                return members
        return []
