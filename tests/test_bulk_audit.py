"""The bulk paths the issue names write one change-log entry per row, naming the actor, and leave the
chain whole (issue "One scope, one actor, one audit path", point 4; the helpers: anjian.core.audit)."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from anjian.checklists import services as checklists
from anjian.core.audit import UnauditedWrite, verify_chain
from anjian.core.models import AuditEntry
from anjian.inspections import services_draw, services_plans
from anjian.inspections.models import Inspection
from anjian.plans import services as plans
from anjian.plans import services_tracking as tracking
from anjian.plans.models import TargetProgress, Task
from anjian.plans.tests.tracking_helpers import build_tiny_plan
from anjian.ranking import services as ranking
from anjian.ranking import services_interviews as interviews
from anjian.ranking import services_scheme as schemes
from anjian.ranking.models import Commitment, SchemeIndicator
from anjian.ranking.tests.made_runs import last_month, make_run
from anjian.registry.models import Subject
from anjian.risks import services_installations as installations
from anjian.risks.models import InventoryLine
from anjian.testing import make_checklist

# The shipped 2023 plan.
PLAN_TEXT = Path(plans.__file__).parent / "data" / "2023-wenling-work-safety-priorities.txt"


def entries(label, action=None):
    found = AuditEntry.objects.filter(model=label)
    return found.filter(action=action) if action else found


class Log:
    """How many entries of `label` (per action) the block below adds, and who they name."""

    def __init__(self, label):
        self.label = label
        self.start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new(self, action=None):
        return entries(self.label, action).filter(id__gt=self.start)

    def actors(self):
        return set(self.new().values_list("actor_id", flat=True))


def test_the_guard_refuses_a_bulk_write_outside_the_helpers(world):
    with pytest.raises(UnauditedWrite):
        Subject.objects.filter(pk=world.subjects["ent_a"].pk).update(name="改名")
    with pytest.raises(UnauditedWrite):
        Task.objects.bulk_create([])


def test_plan_import_logs_every_task_as_the_importer(world):
    city = world.users["city"]
    log = Log("plans.task")
    with open(PLAN_TEXT, encoding="utf-8") as handle:
        plan = plans.import_plan(city, handle.read(), source_name="2023.txt")
    tasks = set(plan.tasks.values_list("pk", flat=True))
    assert tasks and {int(pk) for pk in log.new("create").values_list("object_id", flat=True)} == tasks
    assert log.actors() == {city.pk}
    # Merging moves the second task's children (audit.update) and renumbers the plan
    # (audit.bulk_update): each moved or renumbered task gets its entry, as the merger.
    first, second = plan.tasks.filter(parent=None).order_by("order")[:2]
    plans.merge_tasks(city, first, second)
    assert Log("plans.task").start > log.start and log.new("update").exists()
    assert log.actors() == {city.pk}
    assert verify_chain() == AuditEntry.objects.count()


def test_reports_and_consolidation_log_each_figure(world):
    tiny = build_tiny_plan()
    dept = world.users["dept"]
    boats, std = tiny.targets["boats"], tiny.targets["std"]
    log = Log("plans.targetprogress")
    tracking.submit_report(
        dept, tiny.tasks["t1"], tiny.half, status="on_track", text="一", figures={boats: 3}
    )
    assert log.new("create").count() == 1
    # A resubmission replaces the figures: the old one deleted, the two new ones created, each logged.
    report = tracking.submit_report(
        dept, tiny.tasks["t1"], tiny.half, status="done", text="二", figures={boats: 5, std: "80"}
    )
    assert (log.new("create").count(), log.new("delete").count()) == (3, 1)
    assert set(log.new("create").values_list("object_id", flat=True)) >= {
        str(pk) for pk in TargetProgress.objects.filter(report=report).values_list("pk", flat=True)
    }
    consolidated = tracking.consolidate(
        dept, tiny.tasks["t1"], tiny.half, status="done", text="汇总", figures={boats: 9}
    )
    assert consolidated.consolidated and log.new("create").count() == 4
    assert log.actors() == {dept.pk}
    assert verify_chain() == AuditEntry.objects.count()


def test_checklist_revision_and_publishing_log_every_item(world):
    version = make_checklist(items=4)
    city = world.users["city"]
    log = Log("checklists.checklistitem")
    draft = checklists.start_revision(city, version.checklist)
    copied = set(draft.items.values_list("pk", flat=True))
    assert len(copied) == 4
    assert {int(pk) for pk in log.new("create").values_list("object_id", flat=True)} == copied
    keys = list(draft.items.order_by("-order").values_list("key", flat=True))
    checklists.reorder(city, draft, keys)  # audit.bulk_update: every item moved
    assert log.new("update").count() == 4
    checklists.publish(city, draft)
    assert log.actors() == {city.pk}
    assert verify_chain() == AuditEntry.objects.count()


def test_saving_a_ranking_scheme_logs_every_indicator(world):
    city = world.users["city"]
    scheme = ranking.ensure_scheme(2025)
    old = set(scheme.indicators.values_list("pk", flat=True))
    rows = [
        {
            "code": i.code,
            "weight": str(i.weight),
            "direction": i.direction,
            "normalisation": i.normalisation,
            "target": None if i.target is None else str(i.target),
        }
        for i in scheme.indicators.order_by("order")
    ]
    log = Log("ranking.schemeindicator")
    # Drop the last indicator (and its weight from the total): one row fewer.
    total = scheme.total_weight - scheme.indicators.order_by("order").last().weight
    schemes.save_scheme(city, 2025, scheme.name, total, scheme.bottom_n, rows[:-1])
    new = set(SchemeIndicator.objects.filter(scheme=scheme).values_list("pk", flat=True))
    assert {int(pk) for pk in log.new("delete").values_list("object_id", flat=True)} == old
    assert {int(pk) for pk in log.new("create").values_list("object_id", flat=True)} == new
    assert len(new) == len(old) - 1 and log.actors() == {city.pk}
    assert verify_chain() == AuditEntry.objects.count()


def test_an_interview_logs_each_commitment(world):
    run = make_run(last_month())
    city = world.users["city"]
    today = timezone.localdate()
    log = Log("ranking.commitment")
    interview = interviews.record_interview(
        city,
        run,
        run.scores.order_by("-rank").first().town,
        today - datetime.timedelta(days=2),
        "会议室",
        "镇长",
        "隐患整改率末位",
        [("整改", today + datetime.timedelta(days=5)), ("排查", today + datetime.timedelta(days=9))],
    )
    made = set(Commitment.objects.filter(interview=interview).values_list("pk", flat=True))
    assert len(made) == 2
    assert {int(pk) for pk in log.new("create").values_list("object_id", flat=True)} == made
    assert log.actors() == {city.pk}
    assert verify_chain() == AuditEntry.objects.count()


def test_an_installation_logs_each_inventory_line(world):
    user = world.users["enterprise"]
    log = Log("risks.inventoryline")
    lines = [("液氯", "31.25", ""), ("甲醇", "100", "W5.3")]
    installation = installations.save_installation(
        user, subject=world.subjects["ent_a"], name="罐区", kind="storage", exposed_people=60, lines=lines
    )
    first = set(InventoryLine.objects.filter(installation=installation).values_list("pk", flat=True))
    assert {int(pk) for pk in log.new("create").values_list("object_id", flat=True)} == first
    installations.save_installation(
        user, installation=installation, name="罐区", kind="storage", exposed_people=60, lines=lines[:1]
    )
    assert {int(pk) for pk in log.new("delete").values_list("object_id", flat=True)} == first
    assert log.new("create").count() == 3 and log.actors() == {user.pk}
    assert verify_chain() == AuditEntry.objects.count()


def _inspectors(world, count):
    from anjian.org.models import Role
    from anjian.testing import make_user

    bureau = world.users["dept"].roles.get().unit
    return [make_user(f"insp{n}", Role.INSPECTOR, unit=bureau) for n in range(count)]


def test_a_draw_logs_each_inspection_it_makes(world):
    dept = world.users["dept"]
    _inspectors(world, 3)
    plan = services_plans.create_plan(
        dept,
        name="双随机",
        kind="comprehensive",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
        organiser=dept.roles.get().unit,
        checklist_version=make_checklist(),
        target_mode="draw",
    )
    services_plans.issue_plan(dept, plan)
    log = Log("inspections.inspection")
    draw = services_draw.perform_draw(dept, services_draw.commit_draw(dept, plan, 2))
    made = set(Inspection.objects.filter(draw=draw).values_list("pk", flat=True))
    assert len(made) == 2
    assert {int(pk) for pk in log.new("create").values_list("object_id", flat=True)} == made
    assert log.actors() == {dept.pk}
    assert verify_chain() == AuditEntry.objects.count()
