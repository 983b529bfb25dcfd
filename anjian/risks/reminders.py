"""Guarantor checks overdue (issue 11, rules): a 包保责任人 whose last check is older than the interval
(90/30/7 days by role, or shorter) — or who has never recorded one — by the page's own rule,
`services_installations.guarantor_statuses`.

Who is told: the enterprise's accounts (the installation's subject, or its parent company's), and the
guarantor in person when a user's `Person.phone` is the guarantor's phone: a guarantor is a name and a
phone on the installation, not a user, so the phone is the only link the data model has.

    guarantor_sweep(now)    risks.guarantor_overdue   dedup guarantor:<installation>:<guarantor>:<due date|never>

A new check moves the due date, so the next lapse is told again. Runs as the scheduler's system
actor over the whole city.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.notifications.services import notify
from anjian.org.models import Role, RoleAssignment

from .models import Guarantor
from .services_installations import guarantor_statuses


def enterprise_users(subjects):
    """{subject id: [users]} of the enterprise accounts of each subject or of its parent company."""
    wanted = {s.pk for s in subjects} | {s.parent_id for s in subjects if s.parent_id}
    by_subject = defaultdict(list)
    for assignment in (
        RoleAssignment.objects.filter(role=Role.ENTERPRISE, subject_id__in=wanted, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ):
        by_subject[assignment.subject_id].append(assignment.user)
    return {s.pk: by_subject.get(s.pk, []) + by_subject.get(s.parent_id, []) for s in subjects}


def users_by_phone(phones):
    """{phone: [users]} of the active users whose person record carries one of `phones`."""
    found = defaultdict(list)
    phones = {p for p in phones if p}
    if not phones:
        return found
    users = get_user_model().objects.filter(is_active=True, person__phone__in=phones)
    for user in users.select_related("person").order_by("pk"):
        found[user.person.phone].append(user)
    return found


def _text(status):
    guarantor = status.guarantor
    installation = guarantor.installation
    if status.last_check is None:
        when = _("尚无检查记录")
    else:
        when = _("上次检查%(last)s，应于%(due)s前再次检查") % {
            "last": f"{status.last_check:%Y-%m-%d}",
            "due": f"{status.due_on:%Y-%m-%d}",
        }
    return _(
        "包保责任人检查逾期：%(subject)s「%(unit)s」%(role)s%(name)s应每%(days)s天检查一次，%(when)s。"
    ) % {
        "subject": installation.subject.name,
        "unit": installation.name,
        "role": guarantor.get_role_display(),
        "name": guarantor.name,
        "days": guarantor.check_interval_days,
        "when": when,
    }


def guarantor_sweep(now):
    """Tell each overdue guarantor and the enterprise. Returns the messages created."""
    today = timezone.localdate(now)
    # unscoped: the scheduler's sweep covers every installation of the city
    guarantors = Guarantor.objects.select_related("installation__subject").order_by("pk")
    overdue = [s for s in guarantor_statuses(guarantors, today) if s.is_overdue]
    subjects = {s.guarantor.installation.subject_id: s.guarantor.installation.subject for s in overdue}
    accounts = enterprise_users(list(subjects.values()))
    in_person = users_by_phone(s.guarantor.phone for s in overdue)
    sent = []
    for status in overdue:
        guarantor = status.guarantor
        installation = guarantor.installation
        due = f"{status.due_on:%Y-%m-%d}" if status.due_on else "never"
        sent += notify(
            in_person.get(guarantor.phone, []) + accounts[installation.subject_id],
            kind="risks.guarantor_overdue",
            text=_text(status),
            about=guarantor,
            url=reverse("risks:installation_detail", args=[installation.pk]),
            dedup_key=f"guarantor:{installation.pk}:{guarantor.pk}:{due}",
            now=now,
        )
    return sent
