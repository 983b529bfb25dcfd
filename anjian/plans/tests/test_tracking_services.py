"""Tracking services: who answers for which task, reporting (replace, late, figures, evidence,
refusals), the lead unit's consolidation and the permissions behind them."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anjian.org.models import Role, RoleAssignment
from anjian.plans import services_tracking as st
from anjian.plans.models import ProgressReport, TargetProgress, UnitRole, WorkPlan
from anjian.plans.services import PlanError

from .tracking_helpers import build_tiny_plan, unit_user

ON, RISK, DONE = "on_track", "at_risk", "done"


@pytest.fixture
def tiny(world):
    return build_tiny_plan()


def png(name="site.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def figures_of(report):
    return {tp.target_id: tp.value for tp in TargetProgress.objects.filter(report=report)}


# --- responsibility -------------------------------------------------------------------------------


def test_responsible_tasks_with_roles_and_no_sub_point_without_units(tiny):
    # 2.一是 names no unit: it is reported on under 2., not listed as a task of 2.'s units.
    rows = st.responsible_tasks(tiny.units["yjj"], tiny.plan)
    assert [(r.task.pk, r.role, r.inherited) for r in rows] == [
        (tiny.tasks["t1"].pk, UnitRole.LEAD, False),
        (tiny.tasks["t2"].pk, UnitRole.SHARE, False),
    ]
    assert [r.task.pk for r in st.responsible_tasks(tiny.units["xf"], tiny.plan)] == [tiny.tasks["p2"].pk]
    assert [r.task.pk for r in st.responsible_tasks(tiny.units["zeguo"], tiny.plan)] == [tiny.tasks["t1"].pk]
    assert [r.task for r in st.responsible_tasks(tiny.units["zj"], tiny.plan)] == [tiny.tasks["t2"]]
    assert tiny.tasks["p1"].pk not in st.plan_roles(tiny.plan) and st.task_roles(tiny.tasks["p1"]) == {}


def test_chapters_are_never_reported_on(tiny, world):
    assert tiny.tasks["ch1"].pk not in st.plan_roles(tiny.plan)
    with pytest.raises(PlanError, match="章标题"):
        st.submit_report(world.users["city"], tiny.tasks["ch1"], tiny.half, status=ON, text="x")
    assert not ProgressReport.objects.exists()


# --- submitting -----------------------------------------------------------------------------------


def test_submit_report_with_figures_by_target_or_id(tiny, world):
    report = st.submit_report(
        world.users["dept"],
        tiny.tasks["t1"],
        tiny.half,
        status=ON,
        text="  建成示范渔船21艘。 ",
        figures={tiny.targets["boats"]: 21, str(tiny.targets["std"].pk): "85.5"},
    )
    assert report.unit == tiny.units["yjj"] and not report.consolidated
    assert report.text == "建成示范渔船21艘。" and report.submitted_by == world.users["dept"]
    assert figures_of(report) == {
        tiny.targets["boats"].pk: Decimal(21),
        tiny.targets["std"].pk: Decimal("85.5"),
    }
    assert not st.is_late(report)


def test_resubmitting_replaces_the_report_and_its_figures(tiny, world):
    dept, t1 = world.users["dept"], tiny.tasks["t1"]
    first = st.submit_report(
        dept, t1, tiny.half, status=ON, text="第一次", figures={tiny.targets["boats"]: 10}
    )
    second = st.submit_report(
        dept, t1, tiny.half, status=DONE, text="第二次", figures={tiny.targets["std"]: 90}
    )
    assert first.pk == second.pk
    assert ProgressReport.objects.filter(task=t1).count() == 1
    stored = ProgressReport.objects.get(pk=first.pk)
    assert (stored.status, stored.text) == (DONE, "第二次")
    assert figures_of(stored) == {tiny.targets["std"].pk: Decimal(90)}
    # Another period is another report.
    st.submit_report(dept, t1, tiny.full, status=ON, text="全年")
    assert ProgressReport.objects.filter(task=t1).count() == 2


def test_report_after_the_deadline_is_accepted_and_late(world):
    tiny = build_tiny_plan(half_in_days=-1)
    report = st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.half, status=ON, text="补报")
    assert st.is_late(report)
    assert not st.is_late(
        st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.full, status=ON, text="全年")
    )


def test_report_on_the_deadline_day_is_on_time(world):
    tiny = build_tiny_plan(half_in_days=0)
    report = st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.half, status=ON, text="按时")
    assert not st.is_late(report)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"status": "finished", "text": "x"}, "进展只能是"),
        ({"status": ON, "text": "   "}, "请填写完成情况"),
        ({"status": ON, "text": "x", "figures": {"boats": -1}}, "不能为负数"),
        ({"status": ON, "text": "x", "figures": {"boats": "九十"}}, "必须是数字"),
        ({"status": ON, "text": "x", "figures": {"boats": "NaN"}}, "必须是数字"),
        ({"status": ON, "text": "x", "figures": {"boats": True}}, "必须是数字"),
        ({"status": ON, "text": "x", "figures": {"pipe": 1}}, "不是该任务的量化指标"),
        ({"status": ON, "text": "x", "figures": {99999: 1}}, "不是该任务的量化指标"),
    ],
)
def test_bad_reports_change_nothing(tiny, world, kwargs, message):
    figures = kwargs.pop("figures", None)
    if figures:
        figures = {tiny.targets.get(k, k): v for k, v in figures.items()}
    with pytest.raises(PlanError, match=message):
        st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.half, figures=figures, **kwargs)
    assert not ProgressReport.objects.exists() and not TargetProgress.objects.exists()


def test_a_bad_resubmission_keeps_the_first_report(tiny, world):
    dept, t1 = world.users["dept"], tiny.tasks["t1"]
    st.submit_report(dept, t1, tiny.half, status=ON, text="原报", figures={tiny.targets["boats"]: 5})
    with pytest.raises(PlanError):
        st.submit_report(dept, t1, tiny.half, status=DONE, text="新报", figures={tiny.targets["boats"]: -5})
    report = ProgressReport.objects.get()
    assert report.text == "原报" and figures_of(report) == {tiny.targets["boats"].pk: Decimal(5)}


def test_evidence_images_are_attached_and_other_files_refused(tiny, world):
    dept, t1 = world.users["dept"], tiny.tasks["t1"]
    report = st.submit_report(dept, t1, tiny.half, status=ON, text="附照片", evidence=[png()])
    assert [a.original_name for a in report.evidence.all()] == ["site.png"]
    pdf = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 not an image", content_type="application/pdf")
    with pytest.raises(PlanError, match="台账.pdf"):
        st.submit_report(dept, t1, tiny.half, status=DONE, text="改报", evidence=[pdf])
    assert ProgressReport.objects.get().text == "附照片"
    # A resubmission keeps the photos already attached and adds new ones.
    st.submit_report(dept, t1, tiny.half, status=DONE, text="再报", evidence=[png("b.png")])
    assert ProgressReport.objects.get().evidence.count() == 2


def test_the_plan_must_be_accepted(world):
    tiny = build_tiny_plan(status=WorkPlan.Status.REVIEW)
    with pytest.raises(PlanError, match="尚未确认") as caught:
        st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.half, status=ON, text="x")
    assert caught.value.status == 409


def test_period_of_another_plan_is_refused(tiny, world):
    other = build_tiny_plan()
    with pytest.raises(PlanError, match="不属于"):
        st.submit_report(world.users["dept"], tiny.tasks["t1"], other.half, status=ON, text="x")


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, task", [("dept", "p2"), ("town_a", "t2"), ("town_b", "t3"), ("sector", "t1")]
)
def test_a_unit_cannot_report_on_a_task_it_is_not_named_on(tiny, world, persona, task):
    with pytest.raises(PlanError, match="不是任务") as caught:
        st.submit_report(world.users[persona], tiny.tasks[task], tiny.half, status=ON, text="x")
    assert caught.value.status == 403 and not ProgressReport.objects.exists()


@pytest.mark.parametrize("persona", ["grid", "enterprise", "inspector"])
def test_grid_enterprise_and_inspector_may_not_report(tiny, world, persona):
    with pytest.raises(PlanError) as caught:
        st.submit_report(world.users[persona], tiny.tasks["t1"], tiny.half, status=ON, text="x")
    assert caught.value.status == 403


def test_sub_point_without_units_is_reported_under_its_item(tiny, world):
    zj = unit_user(tiny, "zj")
    with pytest.raises(PlanError, match="不是任务") as caught:
        st.submit_report(zj, tiny.tasks["p1"], tiny.half, status=RISK, text="资金未到位")
    assert caught.value.status == 403 and not ProgressReport.objects.exists()
    # The item's report covers the sub-point and carries its target.
    assert st.report_targets(tiny.tasks["t2"]) == [tiny.targets["pipe"]]
    report = st.submit_report(
        zj, tiny.tasks["t2"], tiny.half, status=RISK, text="资金未到位", figures={tiny.targets["pipe"]: "2"}
    )
    assert report.unit == tiny.units["zj"] and figures_of(report) == {tiny.targets["pipe"].pk: Decimal(2)}
    # A sub-point with units of its own is reported on by itself: 2.二是 carries no target of 2.一是.
    assert st.report_targets(tiny.tasks["p2"]) == []
    with pytest.raises(PlanError, match="不是该任务的量化指标"):
        st.submit_report(
            unit_user(tiny, "xf"),
            tiny.tasks["p2"],
            tiny.half,
            status=ON,
            text="x",
            figures={tiny.targets["pipe"]: 1},
        )


def test_a_user_of_two_responsible_units_chooses(tiny, world):
    dept = world.users["dept"]
    RoleAssignment.objects.create(user=dept, role=Role.TOWN, unit=tiny.units["zeguo"], territory=world.town_a)
    with pytest.raises(PlanError, match="请选择报送单位"):
        st.submit_report(dept, tiny.tasks["t1"], tiny.half, status=ON, text="x")
    report = st.submit_report(
        dept, tiny.tasks["t1"], tiny.half, status=ON, text="x", unit=tiny.units["zeguo"]
    )
    assert report.unit == tiny.units["zeguo"]
    with pytest.raises(PlanError, match="不能代表该单位"):
        st.submit_report(dept, tiny.tasks["t1"], tiny.half, status=ON, text="x", unit=tiny.units["daxi"])
    # Only 应急局 answers for 2, so no choice is needed there.
    assert st.submit_report(dept, tiny.tasks["t2"], tiny.half, status=ON, text="y").unit == tiny.units["yjj"]


# --- consolidation --------------------------------------------------------------------------------


def _cooperators_report(tiny, world):
    t1, boats, std = tiny.tasks["t1"], tiny.targets["boats"], tiny.targets["std"]
    st.submit_report(
        world.users["town_a"], t1, tiny.half, status=ON, text="泽国镇", figures={boats: 30, std: 80}
    )
    st.submit_report(
        world.users["town_b"], t1, tiny.half, status=RISK, text="大溪镇", figures={boats: 25, std: 90}
    )


def test_lead_consolidation_sums_the_cooperating_units_figures(tiny, world):
    _cooperators_report(tiny, world)
    st.submit_report(
        world.users["dept"],
        tiny.tasks["t1"],
        tiny.half,
        status=ON,
        text="应急局自报",
        figures={tiny.targets["boats"]: 6},
    )
    shown = st.cooperating_reports(tiny.tasks["t1"], tiny.half, tiny.units["yjj"])
    assert [r.unit.name for r in shown] == ["大溪镇", "泽国镇"]
    report = st.consolidate(world.users["dept"], tiny.tasks["t1"], tiny.half, status=ON, text="全市汇总")
    assert report.consolidated and report.unit == tiny.units["yjj"]
    # Counts add up; a percentage is the mean of the units' rates.
    assert figures_of(report) == {tiny.targets["boats"].pk: Decimal(55), tiny.targets["std"].pk: Decimal(85)}
    # The consolidated report takes the place of the lead's own one.
    assert ProgressReport.objects.filter(task=tiny.tasks["t1"], unit=tiny.units["yjj"]).count() == 1


def test_lead_may_give_its_own_figures(tiny, world):
    _cooperators_report(tiny, world)
    report = st.consolidate(
        world.users["dept"],
        tiny.tasks["t1"],
        tiny.half,
        status=DONE,
        text="汇总",
        figures={tiny.targets["boats"]: 61},
    )
    assert figures_of(report) == {tiny.targets["boats"].pk: Decimal(61)}


def test_only_a_lead_unit_consolidates(tiny, world):
    _cooperators_report(tiny, world)
    with pytest.raises(PlanError, match="只有牵头单位") as caught:
        st.consolidate(world.users["town_a"], tiny.tasks["t1"], tiny.half, status=ON, text="x")
    assert caught.value.status == 403
    with pytest.raises(PlanError, match="只有牵头单位"):  # 2 has sharing units only
        st.consolidate(world.users["dept"], tiny.tasks["t2"], tiny.half, status=ON, text="x")
    assert not ProgressReport.objects.filter(consolidated=True).exists()
