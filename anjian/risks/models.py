"""Graded risk control (风险分级管控) and major hazard installations (GB 18218-2018).

The register follows the dual-prevention layout for chemical enterprises: a subject has risk analysis
units (风险分析单元: an installation, a facility, a place or an activity), each unit has risk events
(风险事件: what could happen, by GB 6441 accident type), each event has control measures (管控措施) of
five kinds with the person responsible at each level, and an event is graded by assessments (LEC or
the 5×5 LS matrix) whose inputs are kept, so every grade shows how it was computed.

Installations are the production and storage units (生产单元/储存单元) of GB 18218 with their inventory
of hazardous chemicals; one is a major hazard installation when S = Σ q/Q ≥ 1, and is then graded
一级–四级 from R = α·Σ β·q/Q. The evaluation's inputs and terms are stored with the installation.

Every model here reaches a subject, and scope follows the subject (SCOPE_FIELDS through `subject__`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.checklists.models import ChecklistItem
from anjian.hazards.models import Hazard
from anjian.org.scope import ScopedQuerySet
from anjian.registry.models import RiskGrade, Subject
from anjian.registry.vocab import AccidentType

SUBJECT_SCOPE = ("subject__territory_path", "subject__sector_id", "subject_id")

# Highest first: the order grades are compared in everywhere.
GRADE_ORDER = [RiskGrade.RED, RiskGrade.ORANGE, RiskGrade.YELLOW, RiskGrade.BLUE]


def grade_rank(grade):
    """0 for red … 3 for blue, 4 for no grade: smaller is more severe."""
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def default_bands():
    """The common Shandong-style bands (DB37/T 2882), the ones the standards notes call most used.

    LEC: D > 320 red, 160 < D ≤ 320 orange, 70 < D ≤ 160 yellow, else blue (open below, closed above).
    LS:  R ≥ 20 red, 15–16 orange, 9–12 yellow, else blue (lower bound included).
    """
    return {
        "lec": {"compare": "gt", "bands": [[320, "red"], [160, "orange"], [70, "yellow"]]},
        "ls": {"compare": "ge", "bands": [[20, "red"], [15, "orange"], [9, "yellow"]]},
    }


class RiskPolicy(models.Model):
    """The grading rules in force (one row, pk=1): assessment bands and how hazards raise a grade.
    Changing it re-grades every subject."""

    class Raise(models.TextChoices):
        NONE = "none", _("不调整")
        ONE = "one", _("上调一级")
        RED = "red", _("直接定为重大风险（红）")

    bands = models.JSONField(_("分级标准"), default=default_bands)
    open_major_hazard = models.CharField(
        _("存在未销号重大隐患时"), max_length=8, choices=Raise.choices, default=Raise.RED
    )
    overdue_hazard = models.CharField(
        _("存在逾期未整改隐患时"), max_length=8, choices=Raise.choices, default=Raise.ONE
    )
    accident = models.CharField(
        _("近一年发生生产安全事故时"), max_length=8, choices=Raise.choices, default=Raise.ONE
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("风险分级规则")
        verbose_name_plural = _("风险分级规则")

    @classmethod
    def current(cls):
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class RiskUnit(models.Model):
    """风险分析单元: an installation, facility, place or activity of a subject."""

    class Kind(models.TextChoices):
        INSTALLATION = "installation", _("装置")
        FACILITY = "facility", _("设施")
        PLACE = "place", _("场所")
        ACTIVITY = "activity", _("作业活动")

    SCOPE_FIELDS = SUBJECT_SCOPE

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="risk_units")
    name = models.CharField(_("单元名称"), max_length=100)
    kind = models.CharField(_("单元类型"), max_length=20, choices=Kind.choices, default=Kind.INSTALLATION)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    person_in_charge = models.CharField(_("责任人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["subject_id", "id"]
        verbose_name = _("风险分析单元")
        verbose_name_plural = _("风险分析单元")

    def __str__(self):
        return self.name


class RiskEvent(models.Model):
    """风险事件: what could go wrong at a unit. Its grade is that of its latest assessment."""

    SCOPE_FIELDS = SUBJECT_SCOPE

    unit = models.ForeignKey(RiskUnit, on_delete=models.CASCADE, related_name="events")
    # Copied from the unit on save so scope and statistics need no second join.
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="risk_events", editable=False)
    name = models.CharField(_("风险事件"), max_length=200)
    accident_type = models.CharField(_("事故类型"), max_length=20, choices=AccidentType.choices)
    consequence = models.TextField(_("可能后果"), blank=True)
    grade = models.CharField(
        _("风险等级"), max_length=10, choices=RiskGrade.choices, blank=True, editable=False
    )
    is_active = models.BooleanField(
        _("在管"), default=True, help_text=_("风险已消除（如装置拆除）时取消，不再计入对象的风险等级")
    )
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("风险事件")
        verbose_name_plural = _("风险事件")
        indexes = [models.Index(fields=["subject", "is_active", "grade"], name="riskevent_subject_grade")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.subject_id = self.unit.subject_id
        super().save(*args, **kwargs)


class RiskAssessment(models.Model):
    """One assessment of an event, with its inputs, the bands used and the result (a snapshot: a
    later change of bands does not rewrite it; re-grading writes a new grade on the event)."""

    class Method(models.TextChoices):
        LEC = "lec", _("作业条件危险性评价法（LEC）")
        LS = "ls", _("风险矩阵法（LS）")

    event = models.ForeignKey(RiskEvent, on_delete=models.CASCADE, related_name="assessments")
    method = models.CharField(_("评价方法"), max_length=4, choices=Method.choices)
    # LEC: likelihood, exposure, consequence; LS: likelihood (1–5) and severity (1–5) in l and c.
    l_value = models.DecimalField("L", max_digits=5, decimal_places=1)
    e_value = models.DecimalField("E", max_digits=5, decimal_places=1, null=True, blank=True)
    c_value = models.DecimalField("C / S", max_digits=5, decimal_places=1)
    score = models.DecimalField(_("风险值"), max_digits=9, decimal_places=2)
    grade = models.CharField(_("风险等级"), max_length=10, choices=RiskGrade.choices)
    bands = models.JSONField(_("所用分级标准"))
    explanation = models.TextField(_("计算过程"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("风险评价")
        verbose_name_plural = _("风险评价")


class ControlMeasure(models.Model):
    """管控措施 of a risk event. A measure may name the checklist item that checks it: a failed check
    of that item at this subject raises a hazard linked to this measure (and so to the risk)."""

    class Kind(models.TextChoices):
        ENGINEERING = "engineering", _("工程技术")
        MANAGEMENT = "management", _("管理措施")
        TRAINING = "training", _("培训教育")
        PROTECTION = "protection", _("个体防护")
        EMERGENCY = "emergency", _("应急处置")

    class Level(models.TextChoices):
        COMPANY = "company", _("公司级")
        WORKSHOP = "workshop", _("车间级")
        TEAM = "team", _("班组级")
        POST = "post", _("岗位级")

    SCOPE_FIELDS = SUBJECT_SCOPE

    event = models.ForeignKey(RiskEvent, on_delete=models.CASCADE, related_name="measures")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+", editable=False)
    kind = models.CharField(_("措施类别"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("管控措施"))
    level = models.CharField(_("管控层级"), max_length=10, choices=Level.choices, default=Level.WORKSHOP)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    checklist_item = models.ForeignKey(
        ChecklistItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_measures",
        verbose_name=_("对应检查条目"),
    )
    hazards = models.ManyToManyField(
        Hazard, blank=True, related_name="risk_measures", verbose_name=_("关联隐患")
    )
    is_synthetic = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["event_id", "kind", "id"]
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")

    def __str__(self):
        return self.text[:40]

    def save(self, *args, **kwargs):
        self.subject_id = self.event.subject_id
        super().save(*args, **kwargs)


class Installation(models.Model):
    """A production or storage unit holding hazardous chemicals (GB 18218-2018 §3.4–3.6). It is a major
    hazard installation when `is_major`; the evaluation fields are written by the services only."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", _("生产单元")
        STORAGE = "storage", _("储存单元")

    SCOPE_FIELDS = SUBJECT_SCOPE

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="installations")
    name = models.CharField(_("单元名称"), max_length=100)
    kind = models.CharField(_("单元类型"), max_length=12, choices=Kind.choices, default=Kind.STORAGE)
    exposed_people = models.PositiveIntegerField(
        _("厂外可能暴露人员数"), default=0, help_text=_("厂区边界外500米范围内常住人口数")
    )
    record_no = models.CharField(_("备案编号"), max_length=50, blank=True)
    # The evaluation (services.evaluate_installation writes these together).
    s_value = models.DecimalField("S", max_digits=12, decimal_places=4, default=0, editable=False)
    is_major = models.BooleanField(_("构成重大危险源"), default=False, editable=False)
    r_value = models.DecimalField("R", max_digits=12, decimal_places=4, null=True, editable=False)
    grade = models.PositiveSmallIntegerField(_("重大危险源级别"), null=True, editable=False)
    alpha = models.DecimalField("α", max_digits=4, decimal_places=1, null=True, editable=False)
    evaluated_at = models.DateTimeField(_("辨识时间"), null=True, editable=False)
    is_synthetic = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["subject_id", "id"]
        verbose_name = _("危险化学品单元")
        verbose_name_plural = _("危险化学品单元")
        indexes = [models.Index(fields=["is_major", "grade"], name="installation_major_grade")]

    def __str__(self):
        return f"{self.subject} · {self.name}"


class InventoryLine(models.Model):
    """One hazardous chemical of an installation with its design maximum quantity, as entered and as
    resolved against GB 18218 (Q from Table 1 or 2, β from Table 3 or 4)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="lines")
    substance = models.CharField(_("物质（名称、CAS号或类别代码）"), max_length=100)
    name_cn = models.CharField(_("品名"), max_length=100, blank=True, editable=False)
    cas = models.CharField(_("CAS号"), max_length=20, blank=True, editable=False)
    category = models.CharField(
        _("危险性类别"),
        max_length=8,
        blank=True,
        help_text=_("表1以外的物质按表2类别取临界量；表1物质不在表3时按此类别取校正系数β"),
    )
    quantity_t = models.DecimalField(_("最大存量（吨）"), max_digits=14, decimal_places=4)
    critical_t = models.DecimalField(_("临界量Q（吨）"), max_digits=10, decimal_places=2, editable=False)
    beta = models.DecimalField("β", max_digits=5, decimal_places=2, editable=False)
    basis = models.CharField(_("取值依据"), max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["installation_id", "id"]
        verbose_name = _("危险化学品存量")
        verbose_name_plural = _("危险化学品存量")


class Guarantor(models.Model):
    """包保责任人 of a major hazard installation: principal, technical and operational, each with the
    checks they must do at a set interval."""

    class Role(models.TextChoices):
        PRINCIPAL = "principal", _("主要负责人")
        TECHNICAL = "technical", _("技术负责人")
        OPERATIONAL = "operational", _("操作负责人")

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="guarantors")
    role = models.CharField(_("包保职责"), max_length=12, choices=Role.choices)
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    check_interval_days = models.PositiveSmallIntegerField(_("检查周期（天）"))

    class Meta:
        ordering = ["installation_id", "role"]
        verbose_name = _("包保责任人")
        verbose_name_plural = _("包保责任人")
        constraints = [models.UniqueConstraint(fields=["installation", "role"], name="guarantor_unique_role")]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class GuarantorCheck(models.Model):
    """A check a guarantor did of the installation (包保责任人履职检查)."""

    guarantor = models.ForeignKey(Guarantor, on_delete=models.CASCADE, related_name="checks")
    done_on = models.DateField(_("检查日期"))
    note = models.TextField(_("检查情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("包保检查记录")
        verbose_name_plural = _("包保检查记录")
