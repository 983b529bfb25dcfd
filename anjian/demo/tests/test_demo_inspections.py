"""The demo's inspections: a town's double-random draw that verifies, inspections done through the
services with their hazards in the loop, self-inspections with a missed head-led month."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from anjian.checklists.models import Checklist
from anjian.hazards.models import Hazard
from anjian.inspections.models import Draw, Inspection, InspectionPlan, ItemResult
from anjian.inspections.services_draw import verify_draw
from anjian.inspections.services_plans import head_checks
from anjian.registry.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("init_demo", enterprises=300, hazards=200, stdout=StringIO())


def test_the_library_is_loaded(demo):
    sectors = set(Checklist.objects.exclude(sector=None).values_list("sector_id", flat=True))
    assert {"civil_explosives", "construction", "transport", "fishery", "mining"} <= sectors
    assert {"hazardous_chemicals", "fireworks", "metallurgy", "fire", "special_equipment"} <= sectors


def test_the_town_draw_is_published_and_verifies(demo):
    draw = Draw.objects.get(plan__name__contains="双随机")
    assert draw.status == Draw.Status.DRAWN and draw.is_synthetic
    assert verify_draw(draw)[0]
    assert draw.inspections.count() == len(draw.result) > 0
    assert all(inspection.inspectors.count() == 2 for inspection in draw.inspections.all())


def test_inspections_done_on_phones_feed_the_hazard_loop(demo):
    done = Inspection.objects.filter(status=Inspection.Status.DONE, is_self=False, is_synthetic=True)
    assert done.exists()
    for inspection in done:
        assert inspection.inspector_signature_id and not inspection.results.filter(outcome="").exists()
    linked = ItemResult.objects.exclude(hazard=None).select_related("hazard", "item")
    for result in linked:
        assert result.outcome == "fail" and result.hazard.is_synthetic
        assert result.hazard.level == ("major" if result.item.major_by_rule else "general")


def test_self_inspections_show_a_missed_head_led_month(demo):
    own = Subject.objects.get(name="温岭市泽国恒通泵业有限公司")
    months = {
        timezone.localtime(i.finished_at).date().replace(day=1)
        for i in Inspection.objects.filter(subject=own, is_self=True, led_by_head=True)
    }
    first = timezone.localdate().replace(day=1)
    two_back = ((first - datetime.timedelta(days=1)).replace(day=1) - datetime.timedelta(days=1)).replace(
        day=1
    )
    assert first in months and two_back not in months
    town = get_user_model().objects.get(username="zeguo_town")
    report = head_checks(town, two_back)
    assert own.pk in {row.subject_id for row in report.missed}


def test_every_demo_plan_is_marked_synthetic(demo):
    assert InspectionPlan.objects.filter(is_synthetic=False).count() == 0
    assert not Hazard.objects.filter(inspection_result__isnull=False, is_synthetic=False).exists()
