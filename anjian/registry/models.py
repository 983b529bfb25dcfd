"""Supervised subjects: one table for enterprises, places, equipment, vessels and the rest."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.org.models import Person, Sector, Territory, Unit
from anjian.org.scope import ScopedQuerySet, scope_for

from .validators import uscc_problem


class RiskGrade(models.TextChoices):
    RED = "red", _("重大风险（红）")
    ORANGE = "orange", _("较大风险（橙）")
    YELLOW = "yellow", _("一般风险（黄）")
    BLUE = "blue", _("低风险（蓝）")


class SubjectQuerySet(ScopedQuerySet):
    def own_subjects(self, user):
        """An enterprise account's own subjects (its enterprise and what belongs to it); none for
        other accounts."""
        return self.visible_to(user).filter(pk__in=scope_for(user).subject_ids)

    def own_subject(self, user):
        """An enterprise account's own enterprise — the entry point of its register, inventory and
        self-inspections — or None for anyone else (see Scope.own_subject_id)."""
        pk = scope_for(user).own_subject_id()
        return self.visible_to(user).filter(pk=pk).first() if pk is not None else None


class Subject(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        PLACE = "place", _("场所")
        EQUIPMENT = "equipment", _("特种设备")
        VESSEL = "vessel", _("船舶")
        ROAD_SPOT = "road_spot", _("道路点位")
        PIPELINE = "pipeline", _("管线")
        PROJECT = "project", _("工程项目")

    SCOPE_FIELDS = ("territory_path", "sector_id", "id")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    name = models.CharField(_("名称"), max_length=200)
    code = models.CharField(
        _("编码"),
        max_length=40,
        blank=True,
        help_text=_("企业填统一社会信用代码；设备填设备代码；船舶填船名号"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("所属企业"),
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在辖区")
    )
    grid = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    # Derived on save from territory/grid so scope and town statistics are single-column lookups.
    town = models.ForeignKey(Territory, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    territory_path = models.CharField(max_length=100, editable=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("行业领域"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    risk_grade = models.CharField(_("风险等级"), max_length=10, choices=RiskGrade.choices, blank=True)
    # Written by anjian.risks.grading: the grade after open major hazards, overdue hazards and accidents
    # have raised it, and why (a list of {"code", "text"}), so the map and lists read one column.
    dynamic_grade = models.CharField(
        _("动态风险等级"), max_length=10, choices=RiskGrade.choices, blank=True, editable=False
    )
    grade_reasons = models.JSONField(_("定级依据"), default=list, blank=True, editable=False)
    supervising_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("监管单位")
    )
    supervisor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("监管责任人")
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    attributes = models.JSONField(_("其他属性"), default=dict, blank=True)
    is_synthetic = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("监管对象")
        verbose_name_plural = _("监管对象")
        indexes = [
            models.Index(fields=["town", "sector"], name="subject_town_sector"),
            # varchar_pattern_ops: `LIKE 'prefix%'` is an index range on PostgreSQL (ignored elsewhere).
            models.Index(
                fields=["territory_path", "sector"],
                name="subject_path_sector",
                opclasses=["varchar_pattern_ops", ""],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~models.Q(code=""), name="subject_unique_kind_code"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.ENTERPRISE:
            if not self.code:
                raise ValidationError({"code": _("企业必须填写统一社会信用代码")})
            problem = uscc_problem(self.code)
            if problem:
                raise ValidationError({"code": problem})
        if self.grid_id and self.territory_id and not self.grid.path.startswith(self.territory.path):
            raise ValidationError({"grid": _("网格不在所选辖区内")})

    def place_in_tree(self):
        node = self.grid or self.territory
        self.territory_path = node.path
        self.town_id = node.town().pk if node.level != Territory.Level.CITY else None

    def save(self, *args, **kwargs):
        self.place_in_tree()
        super().save(*args, **kwargs)
