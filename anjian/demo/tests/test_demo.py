"""The demo data set: complete, consistent with the models and the workflow, idempotent, and
walkable with the demo accounts through the real services."""

import datetime
import json
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from anjian.core.audit import verify_chain
from anjian.core.models import AuditEntry
from anjian.demo.accounts import DEMO_PASSWORD, USERNAMES
from anjian.demo.build import counts, demo_hazards
from anjian.hazards import services
from anjian.hazards.models import Hazard, HazardEvent, Level, Status, SupervisionLevel
from anjian.hazards.workflows import ACTIONS
from anjian.org.models import Role, RoleAssignment
from anjian.registry.models import Subject
from anjian.registry.validators import uscc_problem

SMALL = {"enterprises": 80, "hazards": 500}


def init_demo(**options):
    out = StringIO()
    call_command("init_demo", **(SMALL | options), stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return init_demo()


def user(username):
    return get_user_model().objects.get(username=username)


def test_builds_what_was_asked_and_prints_the_logins(demo):
    assert Subject.objects.filter(is_synthetic=True, attributes__has_key="demo_no").count() == 80
    assert demo_hazards().count() == 500
    assert "city_office" in demo and DEMO_PASSWORD in demo and "zeguo_enterprise" in demo


def test_every_role_has_a_demo_account_with_a_person(demo):
    roles = dict(
        RoleAssignment.objects.filter(user__username__in=USERNAMES).values_list("user__username", "role")
    )
    assert set(roles) == set(USERNAMES)
    assert set(roles.values()) == set(Role.values)
    for username in USERNAMES:
        account = user(username)
        assert account.check_password(DEMO_PASSWORD)
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", account.person.name)


def test_running_twice_changes_nothing(demo):
    before = counts()
    log_before = AuditEntry.objects.count()
    output = init_demo()
    assert counts() == before
    assert AuditEntry.objects.count() == log_before  # nothing written, not even a bulk entry
    assert "未重复创建" in output
    assert AuditEntry.objects.filter(action="bulk", model="demo").count() == 1
    assert verify_chain() == log_before


def test_a_larger_run_tops_up_without_duplicating(demo):
    init_demo(enterprises=100, hazards=650)
    assert Subject.objects.filter(is_synthetic=True, attributes__has_key="demo_no").count() == 100
    assert demo_hazards().count() == 650
    codes = Subject.objects.exclude(code="").values_list("kind", "code")
    assert len(codes) == len(set(codes))
    assert AuditEntry.objects.filter(action="bulk", model="demo").count() == 2
    verify_chain()


def test_the_bulk_entry_states_what_was_loaded(demo):
    entry = AuditEntry.objects.get(action="bulk", model="demo")
    assert entry.after["hazards_added"] == 500 and entry.after["subjects_added"] == 80
    # Hazards found by the demo inspections, and the notifications story's hazard, went through the
    # services, outside the bulk load.
    bulk_events = HazardEvent.objects.filter(
        hazard__inspection_result__isnull=True, hazard__is_synthetic=True
    )
    assert entry.after["events_added"] == bulk_events.count()
    assert verify_chain() == AuditEntry.objects.count()


def test_subjects_are_valid_synthetic_and_placed_in_their_tree(demo):
    subjects = Subject.objects.select_related("territory", "grid", "town")
    for subject in subjects:
        assert subject.is_synthetic
        node = subject.grid or subject.territory
        assert subject.territory_path == node.path
        assert subject.town.path == node.path[:10]
        if subject.grid:
            assert subject.grid.path.startswith(subject.territory.path)
        if subject.kind == Subject.Kind.ENTERPRISE:
            assert uscc_problem(subject.code) is None, subject.code
        assert abs(subject.lat - subject.town.lat) < 0.1 and abs(subject.lon - subject.town.lon) < 0.1
        assert subject.supervising_unit_id is not None


def test_hazards_copy_their_subjects_place_and_sector(demo):
    assert not Hazard.objects.exclude(territory_path=F("subject__territory_path")).exists()
    assert not Hazard.objects.exclude(town_id=F("subject__town_id")).exists()
    assert not Hazard.objects.exclude(sector_id=F("subject__sector_id")).exists()
    assert not Hazard.objects.exclude(supervising_unit_id=F("subject__supervising_unit_id")).exists()


def test_hazards_cover_all_states_levels_and_supervision(demo):
    assert set(Hazard.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Hazard.objects.values_list("level", flat=True)) == set(Level.values)
    assert set(Hazard.objects.values_list("supervision_level", flat=True)) == set(SupervisionLevel.values)
    assert Hazard.objects.overdue().exists()
    assert Hazard.objects.filter(deadline__gte=timezone.localdate(), status=Status.RECTIFYING).exists()
    major = Hazard.objects.filter(level=Level.MAJOR)
    assert not major.exclude(status=Status.REPORTED).filter(rectification_plan="").exists()
    # Found within the last 400 days: the twelve demo rankings (the last twelve months ended) all
    # have hazards behind them, and nothing older.
    earliest = timezone.now() - datetime.timedelta(days=401)
    assert not Hazard.objects.filter(found_at__lt=earliest).exists()
    last_year = timezone.now() - datetime.timedelta(days=365)
    assert Hazard.objects.filter(found_at__lt=last_year).exists()
    assert not Hazard.objects.filter(found_at__gt=timezone.now()).exists()


def test_codes_look_like_the_services_make_them(demo):
    for hazard in Hazard.objects.all():
        assert hazard.code == f"YH{timezone.localtime(hazard.found_at):%Y}{hazard.pk:07d}"


def test_timelines_are_ordered_and_consistent_with_each_hazard(demo):
    events = defaultdict(list)
    for event in HazardEvent.objects.order_by("at", "id"):
        events[event.hazard_id].append(event)
    now = timezone.now()
    for hazard in Hazard.objects.all():
        timeline = events[hazard.pk]
        assert timeline[0].action == "report" and timeline[0].at == hazard.found_at
        assert [e.id for e in timeline] == sorted(e.id for e in timeline)
        status = ""
        for event in timeline:
            assert event.from_status == status, (hazard.code, event.action)
            if event.action != "report":
                assert status in ACTIONS[event.action].sources
            status = event.to_status
            assert event.at <= now and event.actor_name
            if ACTIONS.get(event.action) and ACTIONS[event.action].needs_comment:
                assert event.comment
        assert status == hazard.status
        stamps = {e.action: e.at for e in timeline}
        last_submit = [e.at for e in timeline if e.action == "submit"][-1:] or [None]
        if hazard.status in (Status.SUBMITTED, Status.VERIFIED, Status.CLOSED):
            assert hazard.submitted_at == last_submit[0]
        else:
            assert hazard.submitted_at is None
        assert hazard.verified_at == stamps.get("verify")
        assert hazard.closed_at == stamps.get("close")
        assert bool(hazard.supervision_level) == ("supervise" in stamps)
        if hazard.status != Status.REPORTED:
            assert hazard.deadline and hazard.responsible_person


def test_demo_accounts_act_only_within_their_scope_and_role(demo):
    for username in USERNAMES:
        account = user(username)
        role = account.roles.get().role
        acted = HazardEvent.objects.filter(actor=account)
        visible = set(Hazard.objects.visible_to(account).values_list("id", flat=True))
        assert set(acted.values_list("hazard_id", flat=True)) <= visible, username
        for event in acted.exclude(action="report").select_related("hazard"):
            assert role in ACTIONS[event.action].roles_for(event.hazard), (username, event.action)
    assert HazardEvent.objects.filter(actor__username="yjj_inspector").exists()
    assert HazardEvent.objects.filter(actor__username="zeguo_grid").exists()


def test_the_enterprise_account_has_hazards_in_every_state(demo):
    account = user("zeguo_enterprise")
    own = Hazard.objects.visible_to(account)
    per_state = Counter(own.values_list("status", flat=True))
    assert set(per_state) == set(Status.values)
    assert min(per_state.values()) >= 2
    assert own.filter(level=Level.MAJOR).exists() and own.overdue().exists()


def test_the_loop_can_be_walked_with_the_demo_accounts(demo):
    inspector, enterprise = user("yjj_inspector"), user("zeguo_enterprise")
    company = enterprise.roles.get().subject
    hazard = Hazard.objects.filter(subject=company, status=Status.REPORTED, level=Level.GENERAL).first()
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    services.transition(inspector, hazard.pk, "assign", deadline=deadline, responsible_person="赵敏")
    services.transition(enterprise, hazard.pk, "accept")
    services.transition(enterprise, hazard.pk, "submit", comment="已整改")
    services.transition(inspector, hazard.pk, "verify")
    assert services.transition(inspector, hazard.pk, "close").status == Status.CLOSED
    # A new report gets the next id and a fresh code (the bulk ids left the sequence behind them).
    new = services.report_hazard(inspector, company.pk, "新发现的隐患")
    assert new.pk > Hazard.objects.exclude(pk=new.pk).order_by("-pk").first().pk
    verify_chain()


def test_logins_json_lists_every_role(demo):
    out = StringIO()
    call_command("logins", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {row["role"] for row in rows} == set(Role.values)
    by_user = {row["username"]: row for row in rows}
    assert by_user["zeguo_town"]["scope"] == "泽国镇"
    assert by_user["yjj_dept"]["scope"] == "危险化学品, 矿山, 烟花爆竹, 金属冶炼, 工贸"
    assert by_user["zeguo_enterprise"]["scope"] == user("zeguo_enterprise").roles.get().subject.name
    assert all(row["password"] == DEMO_PASSWORD and row["scope"] for row in rows)


def test_logins_table_is_readable(demo):
    out = StringIO()
    call_command("logins", stdout=out)
    lines = out.getvalue().splitlines()
    assert any("zeguo_grid" in line and "网格" in line for line in lines)
    assert len(lines) == 2 + len(USERNAMES)


def test_logins_without_a_demo_says_what_to_do(db):
    with pytest.raises(CommandError, match="init-demo"):
        call_command("logins", "--json", stdout=StringIO())


def test_bad_sizes_are_refused(db):
    with pytest.raises(CommandError, match="--enterprises"):
        call_command("init_demo", enterprises=0, hazards=10, stdout=StringIO())
