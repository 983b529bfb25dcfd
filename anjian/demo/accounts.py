"""The demo accounts: one per role, with readable usernames and one shared password.

`anjian logins` reads the accounts back from the database (their role assignments) and takes the
password from here, so what it prints is what the login page accepts after `anjian init-demo`.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from anjian.org.models import Person, Role, RoleAssignment, Territory, Unit
from anjian.registry.models import RiskGrade, Subject
from anjian.registry.validators import make_uscc

DEMO_PASSWORD = "anjian-demo-2023"

# The enterprise behind the enterprise account; its number keeps its USCC apart from the bulk ones.
DEMO_ENTERPRISE = {
    "name": "温岭市泽国恒通泵业有限公司",
    "uscc_n": 77_000_000,
    "sector": "industry_trade",
    "unit": "市应急管理局",
    "contact": "赵敏",
}
DEMO_EQUIPMENT = (("曳引式电梯（恒通泵业办公楼）", "SBD0000001"), ("叉车（恒通泵业仓库）", "SBD0000002"))


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    person: str
    title: str
    unit: str | None = None
    territory: str | None = None  # a town's name, or "grid" for the first grid of 泽国镇
    enterprise: bool = False


ACCOUNTS = (
    Account("city_office", Role.CITY_OFFICE, "张建国", "市安委办副主任", unit="市安委办"),
    Account(
        "gongkuang_office",
        Role.SECTOR_OFFICE,
        "林海涛",
        "工矿和危化品专委办科长",
        unit="市工矿和危化品专委办",
    ),
    Account("yjj_dept", Role.DEPARTMENT, "李志强", "市应急管理局安监科科长", unit="市应急管理局"),
    Account("zjj_dept", Role.DEPARTMENT, "周雪梅", "市住建局质安科科长", unit="市住房和城乡建设局"),
    Account("zeguo_town", Role.TOWN, "陈晓东", "泽国镇应急管理办主任", unit="泽国镇", territory="泽国镇"),
    Account("daxi_town", Role.TOWN, "黄海燕", "大溪镇应急管理办主任", unit="大溪镇", territory="大溪镇"),
    Account("zeguo_grid", Role.GRID, "王芳", "泽国镇专职网格员", territory="grid"),
    Account("yjj_inspector", Role.INSPECTOR, "陈刚", "市应急管理局执法检查员", unit="市应急管理局"),
    Account("zeguo_enterprise", Role.ENTERPRISE, "赵敏", "企业安全管理员", enterprise=True),
)
USERNAMES = tuple(a.username for a in ACCOUNTS)


def demo_grid():
    """The grid of the grid account and of the demo enterprise: the first grid of 泽国镇."""
    town = Territory.objects.get(name="泽国镇", level=Territory.Level.TOWN)
    return Territory.objects.filter(path__startswith=town.path, level=Territory.Level.GRID).order_by("path")[
        0
    ]


def ensure_demo_enterprise():
    grid = demo_grid()
    unit = Unit.objects.get(name=DEMO_ENTERPRISE["unit"])
    enterprise, _ = Subject.objects.get_or_create(
        kind=Subject.Kind.ENTERPRISE,
        code=make_uscc(DEMO_ENTERPRISE["uscc_n"]),
        defaults={
            "name": DEMO_ENTERPRISE["name"],
            "territory": grid.parent,
            "grid": grid,
            "sector_id": DEMO_ENTERPRISE["sector"],
            "address": f"{grid.parent.name}工业区8号",
            "lat": grid.lat,
            "lon": grid.lon,
            "risk_grade": RiskGrade.YELLOW,
            "supervising_unit": unit,
            "contact_name": DEMO_ENTERPRISE["contact"],
            "contact_phone": "13800000000",
            "is_synthetic": True,
        },
    )
    for name, code in DEMO_EQUIPMENT:
        Subject.objects.get_or_create(
            kind=Subject.Kind.EQUIPMENT,
            code=code,
            defaults={
                "name": name,
                "parent": enterprise,
                "territory": grid.parent,
                "grid": grid,
                "sector_id": "special_equipment",
                "lat": grid.lat,
                "lon": grid.lon,
                "supervising_unit": Unit.objects.get(name="市市场监管局"),
                "is_synthetic": True,
            },
        )
    return enterprise


def ensure_accounts():
    """Create the demo accounts that are missing (and reset a changed password); return them by
    username. Existing accounts keep their id, so running it twice changes nothing."""
    enterprise = ensure_demo_enterprise()
    users = {}
    for account in ACCOUNTS:
        users[account.username] = _ensure_account(account, enterprise)
    return users


def _ensure_account(account, enterprise):
    User = get_user_model()
    user = User.objects.filter(username=account.username).first()
    if user is None:
        user = User.objects.create_user(username=account.username, password=DEMO_PASSWORD)
    elif not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    unit = Unit.objects.get(name=account.unit) if account.unit else None
    if not Person.objects.filter(user=user).exists():
        Person.objects.create(name=account.person, title=account.title, unit=unit, user=user)
    if not RoleAssignment.objects.filter(user=user, role=account.role).exists():
        RoleAssignment.objects.create(
            user=user,
            role=account.role,
            unit=unit,
            territory=_territory(account),
            subject=enterprise if account.enterprise else None,
        )
    return user


def _territory(account):
    if account.territory is None:
        return None
    if account.territory == "grid":
        return demo_grid()
    return Territory.objects.get(name=account.territory, level=Territory.Level.TOWN)


def logins():
    """The demo accounts found in the database, as dicts for `anjian logins`."""
    by_name = {a.username: a for a in ACCOUNTS}
    users = get_user_model().objects.filter(username__in=USERNAMES).select_related("person")
    assignments = (
        RoleAssignment.objects.filter(user__in=users)
        .select_related("user", "unit", "territory", "subject")
        .prefetch_related("sectors", "unit__sectors")
    )
    rows = []
    for assignment in assignments:
        person = getattr(assignment.user, "person", None)
        rows.append(
            {
                "username": assignment.user.username,
                "password": DEMO_PASSWORD,
                "role": assignment.role,
                "scope": str(assignment.describe_scope()),
                "name": person.name if person else "",
                "unit": assignment.unit.name if assignment.unit else "",
            }
        )
    rows.sort(key=lambda row: USERNAMES.index(row["username"]) if row["username"] in by_name else 99)
    return rows
