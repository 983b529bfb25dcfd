"""Committing, making and verifying a plan's draw: the pool, conflicts, refusals that leave nothing
behind, the inspections a draw creates, and `anjian draw verify`."""

import json

import pytest
from django.db import connections

from anjian import cli
from anjian.core import audit
from anjian.core.audit import verify_chain
from anjian.core.models import AuditEntry
from anjian.inspections import draw as algorithm
from anjian.inspections import services_draw as sd
from anjian.inspections.errors import InspectionError
from anjian.inspections.models import AvoidanceRule, Draw, Inspection, PlanUnit
from anjian.org.models import Role, RoleAssignment, Unit
from anjian.testing import make_user

from .draw_setup import make_inspectors, make_plan, make_subjects


@pytest.fixture
def plan(world):
    return make_plan(world)


def nothing_made():
    return not Draw.objects.exists() and not Inspection.objects.exists()


def test_pool_holds_the_plans_subjects_weighted_by_grade_and_its_units_inspectors(world, plan):
    red = make_subjects(world, 1, grade="red")[0]
    own = make_inspectors(2)
    guest_unit = Unit.objects.get(name="市消防救援支队")
    guest = make_inspectors(1, unit=guest_unit, prefix="guest")
    outsider = make_inspectors(1, unit=Unit.objects.get(name="市住房和城乡建设局"), prefix="out")
    PlanUnit.objects.create(plan=plan, unit=guest_unit)
    pool, weights = sd.build_pool(plan, {"red": 10, "blue": "2.5"})
    subjects = dict(map(tuple, pool["subjects"]))
    assert subjects[red.pk] == 10 and weights["red"] == 10 and weights["blue"] == 2.5
    assert subjects[world.subjects["ent_a"].pk] == 1  # ungraded: the default weight
    ids = {u.pk for u in [world.users["inspector"], *own, *guest]}
    assert set(pool["inspectors"]) == ids and outsider[0].pk not in pool["inspectors"]
    assert world.users["dept"].pk not in pool["inspectors"]  # a department role is not an inspector
    assert pool["subjects"] == sorted(pool["subjects"]) and pool["inspectors"] == sorted(ids)


def test_conflicts_from_avoidance_enterprise_accounts_and_grids(world, plan, django_assert_max_num_queries):
    ent_a, ent_b, ent_c = (world.subjects[k] for k in ("ent_a", "ent_b", "ent_c"))
    by_subject, by_town, account, grid_man, free = make_inspectors(5)
    AvoidanceRule.objects.create(inspector=by_subject, subject=ent_b, reason="亲属")
    AvoidanceRule.objects.create(inspector=by_town, territory=world.town_a, reason="曾任职")
    RoleAssignment.objects.create(user=account, role=Role.ENTERPRISE, subject=ent_c)
    RoleAssignment.objects.create(user=grid_man, role=Role.GRID, territory=world.grid)
    make_subjects(world, 30)
    with django_assert_max_num_queries(12):  # a fixed number of queries, whatever the pool's size
        pool, _weights = sd.build_pool(plan)
    conflicts = pool["conflicts"]
    assert set(conflicts[str(ent_b.pk)]) == {by_subject.pk}
    assert set(conflicts[str(ent_c.pk)]) == {by_town.pk, account.pk}
    assert set(conflicts[str(ent_a.pk)]) == {by_town.pk, grid_man.pk}  # ent_a lies in world.grid
    assert free.pk not in {uid for users in conflicts.values() for uid in users}


def test_commit_publishes_hashes_and_keeps_the_seed_back(world, plan):
    make_inspectors(3)
    draw = sd.commit_draw(world.users["dept"], plan, 2)
    assert draw.status == Draw.Status.COMMITTED and not draw.result and not Inspection.objects.exists()
    assert draw.pool_hash == algorithm.pool_hash(draw.pool)
    assert draw.seed_hash == algorithm.seed_hash(draw.seed) and len(draw.seed) == 64
    assert sd.public_seed(draw) == ""
    assert not any(draw.seed in json.dumps([e.before, e.after]) for e in AuditEntry.objects.all())
    assert AuditEntry.objects.filter(model="inspections.draw", object_id=str(draw.pk)).exists()
    assert sd.verify_draw(draw)[0] is True


def test_perform_reveals_the_seed_and_creates_one_inspection_per_target(world, plan):
    make_inspectors(3)
    draw = sd.perform_draw(world.users["dept"], sd.commit_draw(world.users["dept"], plan, 2, 3))
    draw.refresh_from_db()
    assert draw.status == Draw.Status.DRAWN and draw.drawn_at and sd.public_seed(draw) == draw.seed
    assert draw.result == algorithm.run_draw(draw.seed, draw.pool, 2, 3)
    inspections = Inspection.objects.filter(draw=draw)
    assert sorted(i.subject_id for i in inspections) == sorted(r["subject"] for r in draw.result)
    by_subject = {row["subject"]: set(row["inspectors"]) for row in draw.result}
    for inspection in inspections:
        assert set(inspection.inspectors.values_list("pk", flat=True)) == by_subject[inspection.subject_id]
        assert (inspection.plan, inspection.kind, inspection.status) == (plan, plan.kind, "planned")
        assert inspection.checklist_version == plan.checklist_version and inspection.scheduled_for is None
        assert inspection.unit == plan.organiser and inspection.code.startswith("JC")
        assert inspection.territory_path == inspection.subject.territory_path
        assert (inspection.town_id, inspection.sector_id) == (
            inspection.subject.town_id,
            inspection.subject.sector_id,
        )
    assert sd.verify_draw(draw) == (True, sd.verify_draw(draw)[1]) and sd.verify_draw(draw)[0]
    verify_chain()  # the bulk entry keeps the audit chain whole
    with pytest.raises(InspectionError) as error:
        sd.perform_draw(world.users["dept"], draw)
    assert error.value.status == 409 and Inspection.objects.count() == 2


@pytest.mark.parametrize(
    ("setup", "count", "k", "weights", "message"),
    [
        ("none", 4, 2, None, "对象库只有 3 个对象，少于要抽取的 4 个"),
        ("one", 1, 2, None, "检查人员只有 2 名，少于每个对象所需的 3 名"),
        ("none", 1, 1, None, "每个对象至少须由 2 名检查人员检查"),
        ("none", 0, 2, None, "抽取对象数须为正整数"),
        ("none", 1, 2, {"red": 0}, "“重大风险（红）”的权重须为正数"),
        ("none", 1, 2, {"orange": "很多"}, "“较大风险（橙）”的权重须为正数"),
        ("none", 1, 2, {"purple": 1}, "风险等级“purple”不存在"),
        ("avoid", 1, 2, None, "1 个对象排除回避后可选检查人员少于 2 名：大溪商贸城"),
    ],
)
def test_bad_input_says_what_is_wrong_and_makes_nothing(world, plan, setup, count, k, weights, message):
    if setup == "one":
        make_inspectors(1)
        k = 3
    elif setup == "avoid":
        (other,) = make_inspectors(1)
        AvoidanceRule.objects.create(inspector=other, subject=world.subjects["ent_b"], reason="亲属")
    else:
        make_inspectors(2)
    with pytest.raises(InspectionError, match=message) as error:
        sd.commit_draw(world.users["dept"], plan, count, k, weights)
    assert error.value.status == 422 and nothing_made()


def test_only_planners_who_see_a_draw_plan_may_commit_once(world, plan):
    make_inspectors(2)
    with pytest.raises(InspectionError) as error:
        sd.commit_draw(world.users["inspector"], plan, 1)
    assert error.value.status == 403
    with pytest.raises(InspectionError) as error:
        sd.commit_draw(world.users["town_b"], plan, 1)  # a bureau plan is not the town's
    assert error.value.status == 404 and nothing_made()
    hand = make_plan(world, name="逐个指定", target_mode="hand")
    with pytest.raises(InspectionError, match="不是双随机抽取"):
        sd.commit_draw(world.users["dept"], hand, 1)
    sd.commit_draw(world.users["city"], plan, 1)
    with pytest.raises(InspectionError, match="已有随机抽取") as error:
        sd.commit_draw(world.users["dept"], plan, 1)
    assert error.value.status == 409 and Draw.objects.count() == 1


def run_cli(*args):
    """`anjian draw …` as from a shell: the exit status (0 when it returns normally). A command run
    from the command line closes the database connections when it ends; inside a test that would
    end the test's transaction (PostgreSQL), so the closing is held back while it runs."""
    close_all = connections.close_all
    connections.close_all = lambda: None
    try:
        cli.main(["draw", *args])
    except SystemExit as exit_:
        return exit_.code
    finally:
        connections.close_all = close_all
    return 0


def test_verify_command_exit_status(world, plan, capsys):
    make_inspectors(3)
    dept = world.users["dept"]
    drawn = sd.perform_draw(dept, sd.commit_draw(dept, plan, 2))
    pending = sd.commit_draw(dept, make_plan(world, name="待抽取计划"), 1)
    assert run_cli("verify", "--all") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{drawn.pk} 双随机抽查计划 OK 种子、对象库摘要一致，重新抽取的结果与保存的结果一致",
        f"{pending.pk} 待抽取计划 PENDING 尚未抽取（种子未公开），对象库与摘要一致",
    ]
    tampered = [{**drawn.result[0], "inspectors": drawn.result[0]["inspectors"][::-1]}, *drawn.result[1:]]
    audit.update(Draw.objects.filter(pk=drawn.pk), result=tampered)
    assert run_cli("verify", str(drawn.pk)) == 1
    assert "MISMATCH 重新抽取的结果与保存的结果不一致（1 处不同）" in capsys.readouterr().out
    assert run_cli("verify", str(pending.pk)) == 0
    audit.update(Draw.objects.filter(pk=drawn.pk), result=drawn.result, seed="0" * 64)
    assert run_cli("verify", "--all") == 1
    assert "MISMATCH 公开的种子与事先公示的摘要不一致" in capsys.readouterr().out
    audit.update(Draw.objects.filter(pk=pending.pk), pool={**pending.pool, "inspectors": [1]})
    assert run_cli("verify", str(pending.pk)) == 1
    assert "MISMATCH 对象库与公示的摘要不一致" in capsys.readouterr().out


def test_verify_command_needs_ids_or_all(world, capsys):
    assert run_cli("verify") == 1
    assert run_cli("verify", "999") == 1
    assert "no draw with id 999" in capsys.readouterr().err


def test_an_inspector_with_a_grid_role_is_never_drawn_for_its_grid(world, plan):
    (grid_man,) = make_inspectors(1)
    RoleAssignment.objects.create(user=grid_man, role=Role.GRID, territory=world.grid)
    make_user("second", Role.INSPECTOR, unit=plan.organiser, name="第二检查员")
    make_user("third", Role.INSPECTOR, unit=plan.organiser, name="第三检查员")
    for _ in range(8):
        Inspection.objects.all().delete()
        Draw.objects.all().delete()
        draw = sd.perform_draw(world.users["dept"], sd.commit_draw(world.users["dept"], plan, 3))
        row = next(r for r in draw.result if r["subject"] == world.subjects["ent_a"].pk)
        assert grid_man.pk not in row["inspectors"]
