"""Inspection plans, the double-random draw (双随机), inspections item by item, and avoidance rules.

Scope: an inspection is scoped like a hazard (territory, sector, subject copied from its subject),
plus the inspections a user is named on. An enterprise sees its own self-inspections and finished
inspections of itself, never a planned (possibly unannounced) one. A plan is seen by its organising
and participating units and by users whose territory or sectors it falls in.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.checklists.models import ChecklistItem, ChecklistVersion
from anjian.core.models import Attachment
from anjian.hazards.models import Hazard
from anjian.org.models import Sector, Territory, Unit
from anjian.org.scope import ScopedQuerySet
from anjian.registry.models import RiskGrade, Subject

PATTERN = "varchar_pattern_ops"


class Kind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合检查")
    THEMATIC = "thematic", _("专项检查")
    JOINT = "joint", _("联合检查")
    PATROL = "patrol", _("巡查")
    UNANNOUNCED = "unannounced", _("暗查暗访")


class TargetMode(models.TextChoices):
    HAND = "hand", _("逐个指定")
    RULE = "rule", _("按条件筛选")
    DRAW = "draw", _("双随机抽取")


class PlanQuerySet(ScopedQuerySet):
    def grant_q(self, grant):
        if grant.is_enterprise:
            return None  # enterprises never see plans: a plan may be unannounced
        return grant.q("territory_path", "sector_id", "id")

    def extra_q(self, user, scope):
        units = scope.unit_ids()
        return Q(organiser_id__in=units) | Q(
            pk__in=PlanUnit.objects.filter(unit_id__in=units).values("plan_id")
        )


class InspectionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已下达")
        CLOSED = "closed", _("已结束")

    name = models.CharField(_("计划名称"), max_length=200)
    kind = models.CharField(_("检查类型"), max_length=20, choices=Kind.choices, default=Kind.COMPREHENSIVE)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    organiser = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    units = models.ManyToManyField(
        Unit, through="PlanUnit", related_name="inspection_plans", verbose_name=_("参加单位")
    )
    # Where the organiser sits (its town, else the city) and its main sector: what scope reads.
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织层级")
    )
    territory_path = models.CharField(max_length=100, editable=False)
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("主管领域")
    )
    checklist_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查表")
    )
    # 举一反三: a thematic plan may check only some items of the checklist.
    focus_items = models.ManyToManyField(
        ChecklistItem, blank=True, related_name="+", verbose_name=_("重点条目")
    )
    target_mode = models.CharField(
        _("检查对象"), max_length=10, choices=TargetMode.choices, default=TargetMode.RULE
    )
    # The pool rule (also the draw's pool): subjects in these sectors and territories, of these risk
    # grades, not inspected for N months. Empty means no limit on that field.
    target_sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("行业领域"))
    target_territories = models.ManyToManyField(
        Territory, blank=True, related_name="+", verbose_name=_("辖区")
    )
    target_risk_grades = models.JSONField(_("风险等级"), default=list, blank=True)
    not_inspected_months = models.PositiveSmallIntegerField(_("超过N个月未检查"), null=True, blank=True)
    target_subjects = models.ManyToManyField(
        Subject, blank=True, related_name="+", verbose_name=_("指定对象")
    )
    source_hazard = models.ForeignKey(
        Hazard,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("举一反三来源"),
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.territory_path = self.territory.path
        super().save(*args, **kwargs)


class PlanUnit(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="plan_unit_unique")]


class AvoidanceRule(models.Model):
    """An inspector who must not inspect a subject (or any subject of a territory): kin, former
    employer, a stake. The draw never assigns such a pair."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="avoidances",
        verbose_name=_("检查人员"),
    )
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("回避对象")
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("回避辖区"),
    )
    reason = models.CharField(_("回避理由"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避名单")
        verbose_name_plural = _("回避名单")
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__isnull=False) | Q(territory__isnull=False), name="avoidance_has_target"
            )
        ]


DEFAULT_WEIGHTS = {RiskGrade.RED: 4, RiskGrade.ORANGE: 3, RiskGrade.YELLOW: 2, RiskGrade.BLUE: 1, "": 1}


class Draw(models.Model):
    """One double-random draw of a plan. Committed first (the seed's hash and the pool's hash are
    published), then drawn (the seed is revealed and the result stored). Anyone can re-run it."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已公示种子摘要")
        DRAWN = "drawn", _("已抽取")

    ALGORITHM = "anjian-draw-v1"

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="draws")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.COMMITTED)
    algorithm = models.CharField(max_length=30, default=ALGORITHM)
    target_count = models.PositiveIntegerField(_("抽取对象数"))
    inspectors_per_target = models.PositiveSmallIntegerField(_("每个对象检查人员数"), default=2)
    weights = models.JSONField(_("风险等级权重"), default=dict)
    # The frozen inputs: {"subjects": [[id, weight], …], "inspectors": [user ids],
    # "conflicts": {subject id: [user ids]}} — canonical JSON, its sha256 in pool_hash.
    pool = models.JSONField(default=dict)
    pool_hash = models.CharField(_("对象库摘要"), max_length=64)
    seed_hash = models.CharField(_("随机种子摘要"), max_length=64)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    # [{"subject": id, "inspectors": [user ids]}, …] in draw order.
    result = models.JSONField(default=list, blank=True)
    committed_at = models.DateTimeField(_("公示时间"), default=timezone.now)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-committed_at", "-id"]
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")

    def __str__(self):
        return f"{self.plan.name} · {self.get_status_display()}"


class InspectionQuerySet(ScopedQuerySet):
    def grant_q(self, grant):
        grant_q = grant.q(*self.model.SCOPE_FIELDS)
        if grant.is_enterprise:
            # An enterprise learns of an inspection when it is done, unless it is its own.
            grant_q &= Q(status=Inspection.Status.DONE) | Q(is_self=True)
        return grant_q

    def extra_q(self, user, scope):
        # The inspectors named on an inspection (a joint inspection may name them outside their sectors).
        return Q(pk__in=Inspection.inspectors.through.objects.filter(user_id=user.pk).values("inspection_id"))


class Inspection(models.Model):
    """One check of one subject, item by item; a self-inspection when the enterprise checks itself."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待检查")
        IN_PROGRESS = "in_progress", _("检查中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    SCOPE_FIELDS = ("territory_path", "sector_id", "subject_id")

    code = models.CharField(_("编号"), max_length=24, unique=True, editable=False)
    plan = models.ForeignKey(
        InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    draw = models.ForeignKey(
        Draw, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查对象")
    )
    kind = models.CharField(_("检查类型"), max_length=20, choices=Kind.choices, default=Kind.COMPREHENSIVE)
    is_self = models.BooleanField(_("企业自查"), default=False)
    led_by_head = models.BooleanField(_("主要负责人带队"), default=False)
    head_name = models.CharField(_("带队负责人"), max_length=50, blank=True)
    checklist_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="inspections"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("检查单位")
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="inspections", verbose_name=_("检查人员")
    )
    scheduled_for = models.DateField(_("计划检查日期"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    location_accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    contact_name = models.CharField(_("企业陪同人员"), max_length=50, blank=True)
    inspector_signature = models.ForeignKey(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("检查人员签名"),
    )
    contact_signature = models.ForeignKey(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("企业人员签名"),
    )
    summary = models.TextField(_("检查情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Copied from the subject on save, as on Hazard.
    territory_path = models.CharField(max_length=100, editable=False)
    town = models.ForeignKey(Territory, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", editable=False)
    is_synthetic = models.BooleanField(default=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        indexes = [
            models.Index(
                fields=["territory_path", "created_at"], name="insp_path_created", opclasses=[PATTERN, ""]
            ),
            models.Index(fields=["subject", "status", "finished_at"], name="insp_subject_status"),
            models.Index(fields=["is_self", "led_by_head", "finished_at"], name="insp_self_head"),
        ]

    def __str__(self):
        return f"{self.code} {self.subject}"

    def save(self, *args, **kwargs):
        self.territory_path = self.subject.territory_path
        self.town_id = self.subject.town_id
        self.sector_id = self.subject.sector_id
        if not self.code:
            self.code = _next_code("JC" if not self.is_self else "ZC")
        super().save(*args, **kwargs)

    def items(self):
        """The items this inspection checks: the plan's focus items, else the whole version."""
        if self.plan_id and self.plan.focus_items.exists():
            return self.plan.focus_items.order_by("order", "id")
        return self.checklist_version.items.order_by("order", "id")


def _next_code(prefix):
    # 32 random bits a day: a collision needs ~65,000 codes in one day for even odds of one.
    return f"{prefix}{timezone.localdate():%Y%m%d}{uuid.uuid4().hex[:8].upper()}"


class ItemResult(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", _("符合")
        FAIL = "fail", _("不符合")
        NOT_APPLICABLE = "na", _("不适用")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(_("结果"), max_length=4, choices=Outcome.choices, blank=True)
    note = models.TextField(_("情况说明"), blank=True)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+")
    hazard = models.OneToOneField(
        Hazard, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspection_result"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="result_unique_item")]

    def __str__(self):
        return f"{self.inspection.code} {self.item.key} {self.outcome}"
