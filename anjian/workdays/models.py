"""The holiday table: the dates on which China's working calendar departs from Monday–Friday.

A row is either a listed day off (休息日: a public holiday, weekend days inside a holiday included) or
a make-up working day (调休上班日, usually a Saturday or Sunday). Every other date is a working day
on Monday–Friday and a day off on Saturday and Sunday. Rows come from the chinesecalendar package
(`source=package`, services.seed_from_package) or are entered by the city office
(`source=office`), which a later seeding never overwrites.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日")
        WORKDAY = "workday", _("调休上班日")

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar 数据")
        OFFICE = "office", _("市安委办维护")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.OFFICE)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
