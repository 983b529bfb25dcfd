"""The re-grading benchmark builds its register once, prints its line in the agreed format, and the
raw SQL grades exactly as the application does. Nothing is timed here (see bench/README.md)."""

import re

import pytest

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.registry.models import Subject
from anjian.risks.grading import regrade_subjects
from anjian.risks.models import RiskAssessment, RiskEvent, RiskPolicy, default_bands
from bench import generate, risks

JOB = system_actor("test")

TEST_SCALE = generate.Scale("test", 300, 3_000)
LINE = re.compile(r"^risk_regrade_all ratio \d+\.\d\d \(app \d+\.\d ms, raw \d+\.\d ms\)$")


@pytest.fixture
def dataset(db):
    return generate.build(TEST_SCALE, progress=lambda message: None)


def test_register_is_built_once_and_deterministic(dataset):
    assert risks.ensure_register() == 150  # every 4th of 300 subjects, two events each
    assert RiskAssessment.objects.count() == 150 + 50  # every 3rd event assessed twice
    graded = dict(RiskEvent.objects.values_list("name", "grade").order_by("id")[:6])
    assert risks.ensure_register() == 150
    assert RiskEvent.objects.count() == 150
    assert set(RiskEvent.objects.values_list("grade", flat=True)) <= {"red", "orange", "yellow", "blue"}
    assert graded  # names and grades come from a fixed seed
    assert {a.method for a in RiskAssessment.objects.all()} == {"lec", "ls"}


def test_prints_one_line_and_the_raw_sql_grades_like_the_app(dataset):
    lines = []
    results = risks.run(repeat=1, out=lines.append)
    assert len(lines) == 1 and LINE.match(lines[0]), lines
    assert results["risk_regrade_all"]["mismatches"] == 0
    # The data set is left under the default bands, graded as the application grades it.
    assert RiskPolicy.current().bands == default_bands()
    assert regrade_subjects(actor=JOB) == 0


def test_the_band_change_moves_grades_and_raw_sql_follows(dataset):
    risks.ensure_register()
    office = risks.get_user_model().objects.get(username=risks.OFFICE)
    risks.app_regrade(office, risks.bands_with_red(320))
    before = risks.grades()
    risks.raw_regrade(risks.bands_with_red(250), RiskPolicy.current())
    after = risks.grades()
    assert risks.mismatches(before, after) > 0  # the flip does real work
    risks.app_regrade(office, risks.bands_with_red(250))
    assert risks.mismatches(risks.grades(), after) == 0
    # The dynamic grade is raised where the data set has open major hazards.
    assert Subject.objects.filter(dynamic_grade="red").exclude(risk_grade="red").exists()


def test_a_mismatch_is_counted(dataset):
    risks.ensure_register()
    left = risks.grades()
    audit.update(RiskEvent.objects.filter(pk=RiskEvent.objects.first().pk), grade="")
    assert risks.mismatches(left, risks.grades()) == 1


def test_only_selects(dataset):
    assert risks.run(repeat=1, out=lambda line: None, only="hazard_list") == {}
