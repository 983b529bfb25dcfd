"""A subject that moves to another town (ADR 0002): its hazards, inspections and accidents stay with
the town where they happened, its risk register moves with it, and a past month's ranking computed
again is the same as before the move."""

import datetime

import pytest
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.hazards import services as hazard_services
from anjian.hazards.models import Hazard
from anjian.inspections.models import Inspection
from anjian.inspections.services_plans import start_self_inspection
from anjian.ranking.services import compute_run
from anjian.registry.models import Subject
from anjian.risks.models import RiskEvent, RiskUnit
from anjian.testing import make_accident, make_checklist, make_risk_register

pytestmark = pytest.mark.django_db


def last_month_day(day=10):
    first_of_this_month = timezone.localdate().replace(day=1)
    return (first_of_this_month - datetime.timedelta(days=1)).replace(day=day)


def moments(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def moved(world):
    """ent_a (泽国镇) with a hazard, a self-inspection and an accident last month, a risk register, and
    a ranking of last month; then ent_a moves to a village of 大溪镇."""
    ent_a = world.subjects["ent_a"]
    day = last_month_day()
    hazard = hazard_services.report_hazard(
        world.users["town_a"], ent_a.pk, "MOVE-HAZARD", found_at=moments(day)
    )
    inspection = start_self_inspection(world.users["enterprise"], ent_a, make_checklist())
    accident = make_accident(ent_a, "MOVE", occurred_at=moments(day))
    event = make_risk_register(ent_a, "MOVE")
    before = compute_run(world.users["city"], day)
    ent_a.territory = world.town_b.children.order_by("path").first()
    ent_a.grid = None
    ent_a.save()
    return world, ent_a, hazard, inspection, accident, event, before, day


def test_the_subject_and_its_register_move(moved):
    world, ent_a, _hazard, _inspection, _accident, event, _before, _day = moved
    town_a, town_b = world.users["town_a"], world.users["town_b"]
    assert ent_a.town == world.town_b
    assert Subject.objects.visible_to(town_b).filter(pk=ent_a.pk).exists()
    assert not Subject.objects.visible_to(town_a).filter(pk=ent_a.pk).exists()
    for model, pk in ((RiskEvent, event.pk), (RiskUnit, event.unit_id)):
        assert model.objects.visible_to(town_b).filter(pk=pk).exists()
        assert not model.objects.visible_to(town_a).filter(pk=pk).exists()


def test_history_stays_with_the_town_where_it_happened(moved):
    world, _ent_a, hazard, inspection, accident, _event, _before, _day = moved
    town_a, town_b = world.users["town_a"], world.users["town_b"]
    for model, pk in ((Hazard, hazard.pk), (Inspection, inspection.pk), (Accident, accident.pk)):
        row = model.objects.get(pk=pk)
        assert row.town_id == world.town_a.pk, model.__name__
        assert model.objects.visible_to(town_a).filter(pk=pk).exists(), model.__name__
        assert not model.objects.visible_to(town_b).filter(pk=pk).exists(), model.__name__


def test_a_record_made_after_the_move_belongs_to_the_new_town(moved):
    world, ent_a, *_rest = moved
    hazard = hazard_services.report_hazard(world.users["town_b"], ent_a.pk, "AFTER-MOVE")
    assert hazard.town_id == world.town_b.pk
    assert not Hazard.objects.visible_to(world.users["town_a"]).filter(pk=hazard.pk).exists()


def test_a_past_month_computed_again_is_unchanged(moved):
    world, _ent_a, _hazard, _inspection, _accident, _event, before, day = moved
    again = compute_run(world.users["city"], day, reason="复核")
    assert again.version == before.version + 1

    def table(run):
        return {
            s.town_id: (s.score, s.rank, s.enterprises, s.indicators) for s in run.scores.order_by("town_id")
        }

    assert table(again) == table(before)
    # The moved subject was counted in 泽国镇 last month and still is.
    town_a_before = before.scores.get(town=world.town_a)
    assert town_a_before.enterprises >= 1
