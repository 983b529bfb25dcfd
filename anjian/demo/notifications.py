"""The demo's messages: addresses for the accounts, a mail channel, the holiday table, and a fortnight
of the scheduler's work replayed so every role's inbox holds what the platform would have told it.

The story the issue asks for: a major hazard of the demo enterprise (泽国恒通泵业, in 泽国镇) was handed
over with a deadline nine working days ago and nobody has acted since. Replaying the reminder jobs at
the moments they would have run sends, in order: "due in 3 working days" to the enterprise, "overdue"
to the enterprise and the supervising bureau, the escalation to 泽国镇's leader after 3 working days of
overdue, and to the city office after 3 more; each by e-mail too, every try in the delivery log.

Idempotent: the hazard is found again by its subject and title, and every reminder carries its dedup
key, so a second run tells nobody anything new. The holiday table is seeded first, by build.py. Mail goes to the file backend (var/mail/) unless
EMAIL_HOST is set.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import acting_as, system_actor
from anjian.hazards import services as hazard_services
from anjian.hazards.models import Hazard, Level
from anjian.jobs.registry import autodiscover
from anjian.notifications.models import Channel, ChannelKind, Notification
from anjian.org.models import Person, Unit
from anjian.ranking.models import RankingRun
from anjian.workdays.services import add_working_days

ACTOR = system_actor("init-demo")
STORY_TITLE = "液氨储罐区安全阀超期未校验，紧急切断装置失效"
STORY_PLAN = "更换并送检安全阀2只，修复紧急切断装置；资金1.8万元；责任人赵敏；整改期间储罐区停用，落实专人值守和应急处置预案。"
# Working days between the deadline and today: past the second escalation step (the 7th working day
# after the deadline with the default 3 escalation days).
STORY_OVERDUE_WORKING_DAYS = 9
# The jobs a day of the scheduler runs that tell people (the re-grade, the audit check and the draft
# ranking are left to the real scheduler).
TELLING_JOBS = (
    "hazards.reminders",
    "plans.reminders",
    "ranking.reminders",
    "risks.reminders",
    "notifications.digest",
    "notifications.send_due",
)
# Who the grid worker is matters: she has neither e-mail nor phone, so the office's "cannot be
# reached" list is not empty in the demo.
UNREACHABLE = {"zeguo_grid"}
PHONES = {
    "city_office": "13905760001",
    "gongkuang_office": "13905760002",
    "yjj_dept": "13905760003",
    "zjj_dept": "13905760004",
    "zeguo_town": "13905760005",
    "daxi_town": "13905760006",
    "yjj_inspector": "13905760008",
    "zeguo_enterprise": "13800000000",
}


def build_notifications(users, progress=print):
    with acting_as(ACTOR):
        _addresses(users)
        _channels()
    hazard = _story_hazard(users)
    before = Notification.objects.count()
    for moment in story_moments(hazard.deadline):
        run_telling_jobs(moment)
    run_telling_jobs(timezone.now())
    _date_ranking_messages()
    progress(f"站内消息：新增 {Notification.objects.count() - before}，共 {Notification.objects.count()}")


def _addresses(users):
    """Every demo account gets an e-mail address (the named ones a phone too), but the grid worker."""
    for username, user in users.items():
        phone = PHONES.get(username, "")
        audit.update(Person.objects.filter(user=user).exclude(phone=phone), phone=phone, actor=ACTOR)
    User = get_user_model()
    for user in User.objects.filter(is_active=True, email="").exclude(username__in=UNREACHABLE):
        user.email = f"{user.username}@wenling-anjian.example"
        user.save(update_fields=["email"])


def _channels():
    Channel.objects.get_or_create(
        code="mail",
        defaults={"name": "电子邮件", "kind": ChannelKind.EMAIL, "config": {}},
    )
    # How a town's work group would be connected; off until a real robot's address and secret are in.
    Channel.objects.get_or_create(
        code="zeguo-dingtalk",
        defaults={
            "name": "泽国镇安全生产工作群（钉钉机器人）",
            "kind": ChannelKind.DINGTALK_ROBOT,
            "unit": Unit.objects.get(name="泽国镇"),
            "enabled": False,
            "config": {
                "webhook": "https://oapi.dingtalk.com/robot/send?access_token=（机器人令牌）",
                "secret": "",
            },
        },
    )


def _story_hazard(users):
    enterprise = users["zeguo_enterprise"].roles.get().subject
    found = Hazard.objects.filter(subject=enterprise, title=STORY_TITLE).first()
    if found is not None:
        return found
    today = timezone.localdate()
    deadline = add_working_days(today, -STORY_OVERDUE_WORKING_DAYS)
    hazard = hazard_services.report_hazard(
        users["yjj_inspector"],
        enterprise.pk,
        STORY_TITLE,
        level=Level.MAJOR,
        description="检查发现液氨储罐区2只安全阀校验有效期已过，紧急切断装置无法联动关闭。",
        location="储罐区",
    )
    hazard_services.transition(
        users["yjj_dept"],
        hazard.pk,
        "assign",
        deadline=today,
        responsible_person="赵敏",
        rectification_plan=STORY_PLAN,
        comment="限期整改，逾期将挂牌督办。",
    )
    _backdate(hazard, deadline)
    return Hazard.objects.get(pk=hazard.pk)


def _backdate(hazard, deadline):
    """Move the story's report and hand-over to three weeks before the deadline, as if they had
    happened then (the services stamp them now, and a deadline cannot be set in the past)."""
    reported = _at(deadline - datetime.timedelta(days=21), 10)
    assigned = _at(deadline - datetime.timedelta(days=20), 15)
    audit.update(Hazard.objects.filter(pk=hazard.pk), deadline=deadline, found_at=reported, actor=ACTOR)
    audit.update(hazard.events.filter(action="report"), at=reported, actor=ACTOR)
    audit.update(hazard.events.filter(action="assign"), at=assigned, actor=ACTOR)
    told = Notification.objects.filter(object_id=hazard.pk, kind="hazard.assigned")
    for note in told:
        note.deliveries.update(created_at=assigned, next_attempt_at=assigned)
    told.update(created_at=assigned)


def story_moments(deadline):
    """When the scheduler would have told someone about the story's hazard, at 09:00 each day: the
    due-soon reminder, the first day overdue, and the two escalation steps."""
    days = (
        add_working_days(deadline, -3),
        deadline + datetime.timedelta(days=1),
        add_working_days(deadline, 4),
        add_working_days(deadline, 7),
    )
    return [_at(day, 9) for day in days if day < timezone.localdate()]


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def run_telling_jobs(moment):
    """The scheduler's telling jobs, as it would have run them at `moment`."""
    jobs = autodiscover()
    for name in TELLING_JOBS:
        spec = jobs.get(name)
        if spec is None:
            continue
        with acting_as(system_actor("scheduler:" + name)):
            spec.func(moment)


def _date_ranking_messages():
    """A ranking published by the demo months ago was told then, not today."""
    published = dict(RankingRun.objects.filter(published_at__isnull=False).values_list("pk", "published_at"))
    for note in Notification.objects.filter(kind="ranking.published"):
        when = published.get(note.object_id)
        if when and note.created_at != when:
            Notification.objects.filter(pk=note.pk).update(created_at=when)
            note.deliveries.update(created_at=when)
