"""The organisation: territories, sectors, units, sector committees, people and their roles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scope import ancestor_paths, scope_for


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Territory nodes the user may choose in filters and forms (org.scope decides)."""
        return self.filter(scope_for(user).territory_q())


class Territory(models.Model):
    """A node of the territory tree: city → town/subdistrict → village/community → grid.

    `path` is a materialised path ("0001.0003.0012.") so a whole subtree is one indexed
    `startswith` query.
    """

    class Level(models.TextChoices):
        CITY = "city", _("市")
        TOWN = "town", _("镇（街道）")
        VILLAGE = "village", _("村（社区）")
        GRID = "grid", _("网格")

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=20, blank=True)  # town / subdistrict / development_zone
    code = models.CharField(_("代码"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=100, unique=True, editable=False)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # GeoJSON geometry (Polygon or MultiPolygon, WGS 84) drawn on the risk map when known.
    boundary = models.JSONField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_synthetic = models.BooleanField(default=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("辖区")
        verbose_name_plural = _("辖区")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.path:
            prefix = self.parent.path if self.parent_id else ""
            siblings = Territory.objects.filter(parent_id=self.parent_id).count()
            segment = siblings + 1
            while Territory.objects.filter(path=f"{prefix}{segment:04d}.").exists():
                segment += 1
            self.path = f"{prefix}{segment:04d}."
        super().save(*args, **kwargs)

    @property
    def depth(self):
        return self.path.count(".")

    def town(self):
        """The town/subdistrict this node lies in (itself if it is one); None for the city."""
        if self.level == self.Level.CITY:
            return None
        if self.level == self.Level.TOWN:
            return self
        # The town is the ancestor at town level, however deep the tree above it is.
        return Territory.objects.get(path__in=ancestor_paths(self.path), level=self.Level.TOWN)


class Sector(models.Model):
    """A supervised field (行业领域), keyed by a stable English code."""

    code = models.CharField(max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    high_risk = models.BooleanField(_("八大高危行业"), default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")

    def __str__(self):
        return self.name


def sector_names():
    """{code: name} of all sectors: a couple of dozen rows, read once instead of joined per hazard."""
    return dict(Sector.objects.values_list("code", "name"))


class Unit(models.Model):
    """A government unit: the committee office, a member department, a sector committee office,
    a town government."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("安委办")
        SECTOR_OFFICE = "sector_office", _("专委办")
        DEPARTMENT = "department", _("成员单位")
        PARTY = "party", _("党委部门")
        GROUP = "group", _("领导小组")
        TOWN = "town", _("镇（街道）")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    aliases = models.JSONField(_("简称"), default=list, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="units", verbose_name=_("监管领域"))
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self):
        return self.name


class SectorCommittee(models.Model):
    """One of the eight specialised committees of the "1+8" structure."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    office = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="committee")
    sectors = models.ManyToManyField(Sector, related_name="committees")
    members = models.ManyToManyField(Unit, blank=True, related_name="member_of")

    class Meta:
        ordering = ["id"]
        verbose_name = _("专委会")
        verbose_name_plural = _("专委会")

    def __str__(self):
        return self.name


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CITY_OFFICE = "city_office", _("市安委办")
    SECTOR_OFFICE = "sector_office", _("专委办")
    DEPARTMENT = "department", _("行业部门")
    TOWN = "town", _("镇（街道）")
    GRID = "grid", _("网格员")
    INSPECTOR = "inspector", _("检查员")
    ENTERPRISE = "enterprise", _("企业")


# Every role on the government side (all but the enterprise account): who reads manuals, accidents
# and rankings.
GOVERNMENT_ROLES = frozenset(
    {Role.CITY_OFFICE, Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.TOWN, Role.GRID, Role.INSPECTOR}
)


class RoleAssignment(models.Model):
    """A role a user holds, with its scope. Within one assignment the limits combine (AND); a user
    with several assignments sees the union (OR)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, help_text=_("辖区范围（含下级）")
    )
    sectors = models.ManyToManyField(Sector, blank=True)
    subject = models.ForeignKey(
        "registry.Subject", null=True, blank=True, on_delete=models.CASCADE, help_text=_("企业账号对应的企业")
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    def describe_scope(self):
        """A short human description of what this assignment lets its holder see."""
        if self.role == Role.CITY_OFFICE:
            return _("全市")
        if self.role == Role.ENTERPRISE:
            return self.subject.name if self.subject else _("（未关联企业）")
        parts = []
        if self.territory:
            parts.append(self.territory.name)
        if self.role in (Role.SECTOR_OFFICE, Role.DEPARTMENT, Role.INSPECTOR):
            sectors = list(self.sectors.all()) or (list(self.unit.sectors.all()) if self.unit else [])
            parts.append(", ".join(s.name for s in sectors))
        return " · ".join(str(p) for p in parts if p) or _("（无）")
