"""The checklist library: versioned checklists of items, and the published major-hazard criteria
(重大事故隐患判定标准) that items point at when failing them makes a hazard major by rule."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.org.models import Sector


class Standard(models.Model):
    """A published criteria standard, e.g. 《工贸企业重大事故隐患判定标准》 (应急管理部令第10号)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    document = models.CharField(_("文号"), max_length=100, blank=True)
    effective = models.DateField(_("施行日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("判定标准")
        verbose_name_plural = _("判定标准")

    def __str__(self):
        return self.title


class Criterion(models.Model):
    """One item of a criteria standard, paraphrased, with its article and item number."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria")
    article = models.PositiveSmallIntegerField(pgettext_lazy("legal article", "条"))
    number = models.PositiveSmallIntegerField(_("项"))
    industry = models.CharField(_("适用行业"), max_length=50, blank=True)
    text = models.TextField(_("判定情形（释义）"))

    class Meta:
        ordering = ["standard", "article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "article", "number"], name="criterion_unique_number")
        ]
        verbose_name = _("重大隐患判定情形")
        verbose_name_plural = _("重大隐患判定情形")

    def __str__(self):
        return f"{self.standard.title} 第{self.article}条第{self.number}项"

    @property
    def citation(self):
        """The way a Chinese legal text cites an item: 《…》第三条第（一）项."""
        return f"《{self.standard.title}》第{chinese_number(self.article)}条第（{chinese_number(self.number)}）项"


DIGITS = "零一二三四五六七八九"


def chinese_number(n):
    """1–99 in Chinese numerals as legal texts write article numbers (十, 十三, 二十, 二十一)."""
    tens, ones = divmod(n, 10)
    if not 0 < n < 100:
        return str(n)
    if tens == 0:
        return DIGITS[ones]
    return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[ones] if ones else "")


class Checklist(models.Model):
    class Category(models.TextChoices):
        GENERIC = "generic", _("通用")
        SECTOR = "sector", _("行业领域")
        CROWDED_FIRE = "crowded_fire", _("人员密集场所消防")
        SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
        CUSTOM = "custom", _("自定义")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("行业领域")
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")

    def __str__(self):
        return self.name

    def current_version(self):
        """The newest published version (what new inspections use), or None."""
        return self.versions.filter(status=ChecklistVersion.Status.PUBLISHED).order_by("-number").first()


class ChecklistVersion(models.Model):
    """A frozen set of items once published: an inspection keeps the version it used, and an edit
    makes a new draft version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="checklist_version_unique")
        ]
        verbose_name = _("检查表版本")
        verbose_name_plural = _("检查表版本")

    def __str__(self):
        return f"{self.checklist.name} v{self.number}"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class ChecklistItem(models.Model):
    """One thing to check. `key` stays the same across versions, so "the same item" (举一反三,
    statistics) is found in any version."""

    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("条目编号"), max_length=20)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    section = models.CharField(_("分类"), max_length=50, blank=True)
    text = models.TextField(_("检查内容"))
    method = models.CharField(_("检查方法"), max_length=200, blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    major_by_rule = models.BooleanField(_("不符合即判定为重大隐患"), default=False)
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("重大隐患判定情形")
    )

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="checklist_item_unique_key")]
        verbose_name = _("检查条目")
        verbose_name_plural = _("检查条目")

    def __str__(self):
        return f"{self.key} {self.text[:40]}"
