"""Production safety accidents (生产安全事故) and the key periods tracked for "no fatal accident".

The level (一般 / 较大 / 重大 / 特别重大) is computed from 国务院令第493号 Article 3 by `grading.grade`
and stored with its reason; the services write it, never a form.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Attachment
from anjian.org.models import Sector, Territory
from anjian.org.scope import ScopedQuerySet
from anjian.registry.models import Subject
from anjian.registry.vocab import AccidentType


class AccidentLevel(models.TextChoices):
    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    EXTRAORDINARY = "extraordinary", _("特别重大事故")


class Accident(models.Model):
    SCOPE_FIELDS = ("territory_path", "sector_id", "subject_id")

    code = models.CharField(_("编号"), max_length=24, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=200)
    subject = models.ForeignKey(
        Subject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accidents",
        verbose_name=_("事故单位"),
    )
    # Where it happened: the subject's place when there is a subject, else chosen (a road accident).
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在辖区")
    )
    town = models.ForeignKey(Territory, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    territory_path = models.CharField(max_length=100, editable=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("行业领域"))
    accident_type = models.CharField(_("事故类型"), max_length=20, choices=AccidentType.choices)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数"), default=0, help_text=_("含急性工业中毒"))
    direct_loss_yuan = models.DecimalField(
        _("直接经济损失（元）"), max_digits=14, decimal_places=2, default=0
    )
    description = models.TextField(_("事故经过"), blank=True)
    level = models.CharField(_("事故等级"), max_length=16, choices=AccidentLevel.choices, editable=False)
    level_reason = models.TextField(_("定级依据"), editable=False)
    attachments = models.ManyToManyField(Attachment, blank=True, verbose_name=_("附件"))
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        indexes = [
            models.Index(fields=["town", "occurred_at"], name="accident_town_time"),
            models.Index(fields=["occurred_at"], name="accident_time"),
        ]

    def __str__(self):
        return self.code

    def place_in_tree(self):
        self.territory_path = self.territory.path
        self.town_id = self.territory.town().pk if self.territory.level != Territory.Level.CITY else None

    def save(self, *args, **kwargs):
        self.place_in_tree()
        super().save(*args, **kwargs)


class KeyPeriod(models.Model):
    """A period watched for "no fatal accident" (holidays, major events), set by the office."""

    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("重点时段")
        verbose_name_plural = _("重点时段")

    def __str__(self):
        return self.name


class YearTarget(models.Model):
    """The year's accident target ("双下降": accidents and deaths both below last year's; no 较大 or
    worse). Stored per year so a changed target does not rewrite past years."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    max_accidents = models.PositiveIntegerField(_("事故起数控制数"), null=True, blank=True)
    max_deaths = models.PositiveIntegerField(_("死亡人数控制数"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度控制目标")
        verbose_name_plural = _("年度控制目标")
