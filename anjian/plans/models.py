"""Annual work plans (工作要点): the document, its task tree (chapter → item → sub-point), the units
responsible for each task and its quantitative targets; the reporting periods and the progress each
unit reports. See docs/plans.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.models import Attachment
from anjian.org.models import Unit


class WorkPlan(models.Model):
    class Status(models.TextChoices):
        REVIEW = "review", _("待审核")
        ACCEPTED = "accepted", _("已确认")

    title = models.CharField(_("标题"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    issuer = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("印发单位")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REVIEW)
    source_name = models.CharField(_("来源文件"), max_length=200, blank=True)
    source_text = models.TextField(_("原文"))
    # Text the parser could not place in any task: shown on review, never silently dropped.
    unplaced = models.JSONField(_("未归入任务的文字"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("年度工作要点")
        verbose_name_plural = _("年度工作要点")

    def __str__(self):
        return self.title


class Task(models.Model):
    """A node of the plan: a chapter (一、), an item (1.) or a sub-point (一是)."""

    class Level(models.TextChoices):
        CHAPTER = "chapter", _("章")
        ITEM = "item", pgettext_lazy("plan level", "条")
        POINT = "point", _("分项")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    number = models.CharField(_("序号"), max_length=20)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    text = models.TextField(_("内容"), blank=True)
    order = models.PositiveIntegerField(default=0)
    # Where the node's text lies in plan.source_text (review shows the two side by side).
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        indexes = [models.Index(fields=["plan", "parent", "order"], name="task_plan_parent")]

    def __str__(self):
        return f"{self.number} {self.title or self.text[:30]}"


class UnitRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    COOPERATE = "cooperate", _("配合")
    SHARE = "share", _("分工负责")


class TaskUnit(models.Model):
    """A unit named as responsible for a task, as written (`name`) and as matched (`unit`)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("原文名称"), max_length=100)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_tasks")
    role = models.CharField(_("职责"), max_length=10, choices=UnitRole.choices)

    class Meta:
        ordering = ["task", "id"]
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class Target(models.Model):
    """A quantitative target of a task: 高质量培育建设安全示范渔船95艘 → 95 艘 安全示范渔船."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    what = models.CharField(_("指标内容"), max_length=200)
    comparison = models.CharField(_("比较"), max_length=20, blank=True)  # 以上 / 不少于 / 以内 …
    deadline = models.CharField(_("时限"), max_length=50, blank=True)  # 年底前 / 6月底前 …
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task", "order", "id"]
        verbose_name = _("量化指标")
        verbose_name_plural = _("量化指标")

    def __str__(self):
        return f"{self.what} {self.quantity}{self.unit}"


class ReportingPeriod(models.Model):
    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", _("半年度")
        FULL_YEAR = "full_year", _("全年")
        OTHER = "other", _("其他")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50)
    deadline = models.DateField(_("报送截止"))

    class Meta:
        ordering = ["plan", "deadline"]
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")

    def __str__(self):
        return self.name


class ProgressReport(models.Model):
    """What a unit reports on a task for a period; the lead unit's consolidated report combines its
    cooperating units' ones."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("按计划推进")
        AT_RISK = "at_risk", _("存在风险")
        DONE = "done", _("已完成")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plan_reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(_("进展"), max_length=10, choices=Status.choices)
    text = models.TextField(_("完成情况"))
    consolidated = models.BooleanField(_("牵头单位汇总"), default=False)
    evidence = models.ManyToManyField(Attachment, blank=True, related_name="+", verbose_name=_("佐证材料"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["period", "task", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period"], name="report_unique_unit_period")
        ]
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")

    def __str__(self):
        return f"{self.task} · {self.unit} · {self.period}"


class TargetProgress(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="figures")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress")
    value = models.DecimalField(_("完成数"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="target_progress_unique")]


class ReminderLetter(models.Model):
    """A 提示函 from the committee office to a unit whose report is due or late."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="letters")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="letters")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("文号"), max_length=50)
    body = models.TextField(_("正文"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("发出时间"))

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("提示函")
        verbose_name_plural = _("提示函")
