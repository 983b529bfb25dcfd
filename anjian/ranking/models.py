"""The monthly ranking of towns (月晾晒).

A `Scheme` is the office's configuration for a year: which indicators of the registry
(`anjian.ranking.indicators.REGISTRY`) count, each with its weight, direction, normalisation and
target. A `RankingRun` is one computation of one month under a scheme; its `TownScore` rows hold every
town's indicator values, normalised values and points as computed then, so a published run never
changes when data is edited later. A re-run is a new version with its reason; the older version is
marked superseded, never deleted. The bottom towns of a published run may be summoned (`Interview`,
约谈) and their `Commitment`s followed up.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.org.models import Territory


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Normalisation(models.TextChoices):
    MINMAX = "minmax", _("极差标准化（min-max）")
    ZSCORE = "zscore", _("标准分（z-score）")
    TARGET = "target", _("目标值法")


class Scheme(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("方案名称"), max_length=100)
    total_weight = models.DecimalField(_("权重合计"), max_digits=6, decimal_places=2, default=100)
    bottom_n = models.PositiveSmallIntegerField(_("排名靠后约谈数"), default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("晾晒方案")
        verbose_name_plural = _("晾晒方案")

    def __str__(self):
        return self.name


class SchemeIndicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("指标代码"), max_length=40)  # a key of indicators.REGISTRY
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices)
    normalisation = models.CharField(_("标准化方法"), max_length=8, choices=Normalisation.choices)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=4, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("晾晒指标")
        verbose_name_plural = _("晾晒指标")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="scheme_indicator_unique")]


class RankingRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本取代")

    month = models.DateField(_("月份"))  # the first day of the month ranked
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs")
    # The scheme as it was used (indicators, weights, directions, normalisations, targets, tie rule).
    config = models.JSONField(_("计算配置"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    reason = models.TextField(_("重新计算原因"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-month", "-version"]
        verbose_name = _("月度晾晒")
        verbose_name_plural = _("月度晾晒")
        constraints = [models.UniqueConstraint(fields=["month", "version"], name="run_month_version")]

    def __str__(self):
        return f"{self.month:%Y-%m} v{self.version}"


class TownScore(models.Model):
    """One town's result in a run. `indicators` maps each indicator code to
    {"value": number|null, "normalised": number|null, "points": number|null, "detail": {...}}
    (null: no data for this town this month — shown as missing, never as zero)."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="scores")
    town = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("排名"))
    enterprises = models.PositiveIntegerField(_("企业数"), default=0)
    indicators = models.JSONField(_("指标明细"))
    tie_note = models.CharField(_("并列处理"), max_length=200, blank=True)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("镇街得分")
        verbose_name_plural = _("镇街得分")
        constraints = [models.UniqueConstraint(fields=["run", "town"], name="score_run_town")]


class Interview(models.Model):
    """警示约谈 of a town after a published ranking."""

    run = models.ForeignKey(RankingRun, on_delete=models.PROTECT, related_name="interviews")
    town = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("被约谈镇街")
    )
    held_on = models.DateField(_("约谈日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    attendees = models.TextField(_("参加人员"))
    problems = models.TextField(_("指出的问题"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("约谈记录")
        verbose_name_plural = _("约谈记录")


class Commitment(models.Model):
    """A commitment the summoned town made, followed up to its deadline."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="commitments")
    text = models.TextField(_("整改承诺"))
    due_on = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.TextField(_("完成情况"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["interview", "due_on", "id"]
        verbose_name = _("整改承诺")
        verbose_name_plural = _("整改承诺")
