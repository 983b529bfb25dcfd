"""The page shell's context: who is logged in, in which roles, and the navigation they may use."""

from django.utils import translation
from django.utils.translation import pgettext_lazy

from anjian.accidents.permissions import can_view_accidents
from anjian.hazards.services import can_report
from anjian.inspections.permissions import can_plan
from anjian.notifications.models import Channel
from anjian.notifications.permissions import can_manage_notifications
from anjian.notifications.services import unread_count
from anjian.org.models import Role
from anjian.org.scope import scope_for
from anjian.plans.permissions import can_view_plans
from anjian.ranking.permissions import can_view_ranking
from anjian.registry.permissions import can_edit_subjects
from anjian.risks.permissions import can_read_manuals


def _items(user):
    items = [
        ("dashboard", "", pgettext_lazy("nav", "首页"), "speedometer2"),
        ("hazards:list", "hazards", pgettext_lazy("nav", "隐患"), "exclamation-triangle"),
        ("registry:list", "registry", pgettext_lazy("nav", "监管对象"), "building"),
    ]
    roles = scope_for(user).roles
    if Role.ENTERPRISE in roles:
        items.append(
            (
                "inspections:self_log",
                "inspections:self_log",
                pgettext_lazy("nav", "自查日志"),
                "journal-check",
            )
        )
    items.append(("inspections:list", "inspections", pgettext_lazy("nav", "检查"), "clipboard-check"))
    if can_plan(user):
        items.append(
            (
                "inspections:plan_list",
                "inspections:plan_list",
                pgettext_lazy("nav", "检查计划"),
                "calendar-check",
            )
        )
    items.append(("checklists:list", "checklists", pgettext_lazy("nav", "检查表"), "list-check"))
    items.append(("risks:list", "risks", pgettext_lazy("nav", "风险"), "shield-exclamation"))
    if can_view_plans(user):
        items.append(("plans:list", "plans", pgettext_lazy("nav", "工作要点"), "journal-text"))
    if can_view_accidents(user):
        items.append(("accidents:list", "accidents", pgettext_lazy("nav", "事故"), "activity"))
    if can_view_ranking(user):
        items.append(("ranking:index", "ranking", pgettext_lazy("nav", "月晾晒"), "bar-chart-line"))
    if can_report(user):
        items.append(("hazards:new", "hazards:new", pgettext_lazy("nav", "上报隐患"), "plus-circle"))
    return items


# Pages with their own entry (by view-name prefix); their section's entry is not lit on them.
OWN_ENTRIES = ("hazards:new", "inspections:plan", "inspections:self")


def _is_active(match, key):
    if match is None:
        return False
    if key == "":
        return match.view_name == "dashboard"
    if ":" in key:
        return match.view_name.startswith(key)
    # A section is active on its pages, except on a page that has its own entry (上报隐患, 检查计划).
    return match.namespace == key and not match.view_name.startswith(OWN_ENTRIES)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    nav = [
        {"url_name": name, "label": label, "icon": icon, "active": _is_active(match, key)}
        for name, key, label, icon in _items(user)
    ]
    person = getattr(user, "person", None)
    roles = sorted(scope_for(user).roles)
    english = translation.get_language() == "en"
    return {
        "nav_items": nav,
        "nav_user_name": person.name if person else user.get_username(),
        "nav_roles": [Role(role).label for role in roles],
        "nav_admin": user.is_staff,
        # With every entry the menu is wide. Chinese lays it on one line from 1200 px (xl), where
        # the icons give way, and up to 1400 px the brand text, role badges and button labels too;
        # English labels are longer, so its menu opens from a button below 1400 px (xxl) and lies
        # compact above. tests/browser/test_menu.py measures it.
        "nav_bp": "xxl" if english else "xl",
        "nav_compact": "d-xxl-none" if english else "d-xl-none d-xxl-inline",
        "nav_icon": "d-xxl-none" if english else "d-xl-none",
        "nav_form_class": f"d-inline-block my-1 my-{'xxl' if english else 'xl'}-0",
        "nav_can_report": can_report(user),
        "nav_can_edit_subjects": can_edit_subjects(user),
        "risk_tabs_government": can_read_manuals(user),
        "nav_unread": unread_count(user),
        "nav_channels_failing": _failing_channels(user),
    }


def _failing_channels(user):
    """For the office, the enabled channels whose last try failed (the banner on every page)."""
    if not can_manage_notifications(user):
        return []
    candidates = Channel.objects.filter(enabled=True, last_error_at__isnull=False)
    return [channel for channel in candidates if channel.failing]
