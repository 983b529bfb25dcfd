"""Hazards (隐患) and the events of their closed loop."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Attachment
from anjian.org.models import Sector, Territory, Unit
from anjian.org.scope import ScopedQuerySet
from anjian.registry.models import Subject

PATTERN = "varchar_pattern_ops"


class Status(models.TextChoices):
    REPORTED = "reported", _("已上报")
    ASSIGNED = "assigned", _("已交办")
    RECTIFYING = "rectifying", _("整改中")
    SUBMITTED = "submitted", _("待复查")
    VERIFIED = "verified", _("已复查")
    CLOSED = "closed", _("已销号")


# Until rectification is handed in, the deadline runs; these are the states that can go overdue.
RUNNING_STATES = (Status.REPORTED, Status.ASSIGNED, Status.RECTIFYING)
OPEN_STATES = (Status.REPORTED, Status.ASSIGNED, Status.RECTIFYING, Status.SUBMITTED)


class Level(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class Source(models.TextChoices):
    INSPECTION = "inspection", _("监督检查")
    GRID_PATROL = "grid_patrol", _("网格巡查")
    SELF_CHECK = "self_check", _("企业自查")
    PUBLIC_REPORT = "public_report", _("群众举报")
    ALARM = "alarm", _("监测预警")
    OTHER = "other", _("其他")


class SupervisionLevel(models.TextChoices):
    NONE = "", _("未督办")
    TOWN = "town", _("镇级挂牌督办")
    CITY = "city", _("市级挂牌督办")


def is_overdue(deadline, status, today=None):
    """Whether a hazard is overdue today: its deadline has passed while it is still reported,
    assigned or being rectified. The same test as `HazardQuerySet.overdue_q`, for a row already read."""
    return bool(deadline and status in RUNNING_STATES and deadline < (today or timezone.localdate()))


class HazardQuerySet(ScopedQuerySet):
    def overdue_q(self, today=None):
        """The hazards overdue today (see `is_overdue`)."""
        today = today or timezone.localdate()
        return Q(deadline__lt=today, status__in=RUNNING_STATES)

    def overdue_at_q(self, end_at, last_day, found="found_at", deadline="deadline"):
        """The hazards that were overdue when the day `last_day` ended (at `end_at`, the next day's
        start): found by then, due on or before that day, and not handed in by then. A past day's
        answer cannot read today's status, so the hand-in time stands in for it (a hazard is running
        until it is handed in). `found` and `deadline` may name aliases of those columns."""
        return Q(**{f"{found}__lt": end_at, f"{deadline}__lte": last_day}) & (
            Q(submitted_at__isnull=True) | Q(submitted_at__gte=end_at)
        )

    def overdue(self, today=None):
        return self.filter(self.overdue_q(today))

    def open(self):
        return self.filter(status__in=OPEN_STATES)


class Hazard(models.Model):
    SCOPE_FIELDS = ("territory_path", "sector_id", "subject_id")

    code = models.CharField(_("编号"), max_length=24, unique=True, editable=False)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("监管对象")
    )
    title = models.CharField(_("隐患描述"), max_length=200)
    description = models.TextField(_("详细情况"), blank=True)
    location = models.CharField(_("具体部位"), max_length=200, blank=True)
    level = models.CharField(_("隐患等级"), max_length=10, choices=Level.choices, default=Level.GENERAL)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.INSPECTION)
    found_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发现人"),
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    responsible_person = models.CharField(_("整改责任人"), max_length=50, blank=True)
    rectification_plan = models.TextField(_("整改方案"), blank=True)
    funds = models.DecimalField(_("整改资金（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    supervising_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("监管单位")
    )
    supervision_level = models.CharField(
        _("挂牌督办"), max_length=10, choices=SupervisionLevel.choices, blank=True, default=""
    )
    supervision_deadline = models.DateField(_("督办期限"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    # Fixed when rectification is handed in (and cleared by a rejection), so the on-time rate is a
    # plain count instead of a per-row time-zone conversion over every hazard.
    on_time = models.BooleanField(_("按期整改"), null=True, editable=False)
    # Copied from the subject on save: scope and statistics read one row, no joins.
    territory_path = models.CharField(max_length=100, editable=False)
    town = models.ForeignKey(
        Territory, null=True, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, editable=False, db_index=False)
    is_synthetic = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        # Chosen with bench/: every scoped count or group-by is answered from an index. Paths get
        # varchar_pattern_ops on PostgreSQL so `LIKE 'prefix%'` is an index range (ignored elsewhere).
        indexes = [
            models.Index(
                fields=["territory_path", "found_at"], name="hz_path_found", opclasses=[PATTERN, ""]
            ),
            # The reminder sweep's 督办 rule reads the hazards whose 督办 deadline falls in a window.
            models.Index(fields=["supervision_deadline"], name="hz_supervision_due"),
            # Covers a scoped, status-filtered page: ids sorted by found_at without touching the table.
            # With the deadline included, the overdue filter and count are answered from the index.
            models.Index(
                fields=["status", "territory_path", "sector", "found_at", "id", "deadline"],
                name="hz_status_path",
                opclasses=["", PATTERN, "", "", "", ""],
            ),
            models.Index(
                fields=["sector", "status", "deadline", "territory_path", "found_at"],
                name="hz_sector_status",
                opclasses=["", "", "", PATTERN, ""],
            ),
            models.Index(
                fields=["town", "status", "territory_path"],
                name="hz_town_status",
                opclasses=["", "", PATTERN],
            ),
            models.Index(fields=["subject", "found_at"], name="hz_subject_found"),
            models.Index(fields=["status", "deadline", "found_at", "id"], name="hz_status_deadline"),
            models.Index(fields=["status", "found_at", "id"], name="hz_status_found"),
            models.Index(fields=["found_at", "id"], name="hz_found_id"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def copy_from_subject(self):
        self.territory_path = self.subject.territory_path
        self.town_id = self.subject.town_id
        self.sector_id = self.subject.sector_id

    @property
    def is_overdue(self):
        return is_overdue(self.deadline, self.status)

    @property
    def is_open(self):
        return self.status in OPEN_STATES


def on_time_for(submitted_at, deadline):
    """Whether rectification handed in at `submitted_at` met `deadline` (a local calendar day);
    None when either is missing."""
    if submitted_at is None or deadline is None:
        return None
    return timezone.localtime(submitted_at).date() <= deadline


class HazardEvent(models.Model):
    """One step of the timeline a user reads: who did what, when, with which comment and photos."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    attachments = models.ManyToManyField(Attachment, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.hazard.code} {self.action}"
