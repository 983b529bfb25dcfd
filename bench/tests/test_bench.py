"""The benchmark's generator builds what it claims, and the runner prints lines in the agreed format.

Nothing here is timed: the figures are measured by `anjian bench` and written in bench/README.md.
"""

import re
from collections import Counter

import pytest
from django.db.models import F, Q

from anjian.hazards.models import RUNNING_STATES, Hazard, Level, Status
from anjian.registry.models import Subject
from bench import generate, run

TEST_SCALE = generate.Scale("test", 300, 3_000)
LINE = re.compile(r"^[a-z_]+ ratio \d+\.\d\d \(app \d+\.\d ms, raw \d+\.\d ms\)$")


@pytest.fixture
def dataset(db):
    return generate.build(TEST_SCALE, progress=lambda message: None)


def test_builds_the_requested_counts_and_personas(dataset):
    assert dataset == {"subjects": 300, "hazards": 3_000}
    assert generate.is_built(TEST_SCALE)
    with pytest.raises(RuntimeError, match="empty one of its own"):
        generate.build(TEST_SCALE)


def test_industrial_towns_hold_far_more_hazards(dataset):
    per_town = Counter(Hazard.objects.values_list("town__name", flat=True))
    ranked = [count for _, count in per_town.most_common()]
    assert len(ranked) == 17
    assert per_town.most_common(1)[0][0] in ("大溪镇", "泽国镇")
    assert ranked[0] > 5 * ranked[len(ranked) // 2]


def test_states_are_mostly_closed_with_a_realistic_open_share(dataset):
    total = Hazard.objects.count()
    share = {
        "closed": Hazard.objects.filter(status=Status.CLOSED).count() / total,
        "open": Hazard.objects.open().count() / total,
        "major": Hazard.objects.filter(level=Level.MAJOR).count() / total,
        "overdue": Hazard.objects.overdue().count() / total,
        "supervised": Hazard.objects.exclude(supervision_level="").count() / total,
    }
    assert 0.75 < share["closed"] < 0.85
    assert 0.13 < share["open"] < 0.23
    assert 0.015 < share["major"] < 0.05
    assert 0.02 < share["overdue"] < 0.09
    assert 0.005 < share["supervised"] < 0.05
    assert set(Hazard.objects.values_list("status", flat=True)) == set(Status.values)


def test_hazards_are_consistent_with_their_subjects_and_states(dataset):
    copied = Q(
        territory_path=F("subject__territory_path"), town=F("subject__town"), sector=F("subject__sector")
    )
    assert not Hazard.objects.exclude(copied).exists()
    assert all(s.territory_path.startswith(s.territory.path) for s in Subject.objects.all()[:200])
    for hazard in Hazard.objects.all()[:500]:
        assert re.fullmatch(rf"YH\d{{4}}{hazard.pk:07d}", hazard.code)
        assert hazard.is_synthetic and hazard.deadline >= hazard.found_at.date()
        if hazard.status in RUNNING_STATES:
            assert hazard.submitted_at is None
        else:
            assert hazard.found_at <= hazard.submitted_at
        if hazard.status in (Status.VERIFIED, Status.CLOSED):
            assert hazard.submitted_at <= hazard.verified_at
        if hazard.status == Status.CLOSED:
            assert hazard.verified_at <= hazard.closed_at
        else:
            assert hazard.closed_at is None
        assert hazard.level != Level.MAJOR or hazard.responsible_person


def test_raw_list_matches_what_the_api_returns(dataset):
    personas = run.load_personas()
    app = run.App(personas)
    for persona in personas:
        body = app.api_list(persona).json()
        count, rows = run.raw_hazard_list(persona)
        assert body["count"] == count > 0
        assert [item["id"] for item in body["items"]] == [row[0] for row in rows]
    town = next(p for p in personas if p.key == "town")
    assert run.raw_hazard_list(town)[0] < run.raw_hazard_list(personas[0])[0]


def test_raw_dashboard_counts_what_the_app_counts(dataset):
    from anjian.web.dashboard import dashboard_figures

    for persona in run.load_personas():
        headline, by_status, by_town, by_sector = run.raw_dashboard(persona)
        figures = dashboard_figures(persona.fresh_user())
        total, overdue, major_open, supervised, submitted, on_time = headline
        assert (total, overdue, major_open, supervised) == (
            figures["total"],
            figures["overdue"],
            figures["major_open"],
            figures["supervised"],
        )
        assert (submitted or 0, on_time or 0) == (figures["submitted"], figures["on_time"])
        assert by_status == {row["status"]: row["count"] for row in figures["by_status"] if row["count"]}
        assert [(n, late) for _, n, late in by_town] == [
            (t["open"], t["overdue"]) for t in figures["by_town"]
        ]
        assert sorted(n for _, n in by_sector) == sorted(s["open"] for s in figures["by_sector"])
        assert total == Hazard.objects.visible_to(persona.fresh_user()).count() > 0


def test_runner_prints_one_line_per_pair_in_the_agreed_format(dataset, tmp_path):
    lines = []
    results = run.run(repeat=1, out=lines.append)
    assert len(lines) == len(results) == 12
    assert all(LINE.match(line) for line in lines), lines
    assert {line.split()[0] for line in lines} == {
        f"{what}_{who}"
        for what in ("hazard_list_orm", "hazard_list_api", "hazard_list_page", "dashboard")
        for who in ("town", "city", "dept")
    }
    path = run.save("test", results, dataset, out_dir=tmp_path)
    assert path.exists()


def test_scaling_lines_compare_each_list_and_name_the_worst():
    def timings(scale, ms):
        return {"scale": scale, "results": {name: {"app_ms": v} for name, v in ms.items()}}

    city = timings(
        "city", {"hazard_list_api_town": 30.0, "hazard_list_page_town": 20.0, "dashboard_town": 9.0}
    )
    small = timings(
        "small", {"hazard_list_api_town": 10.0, "hazard_list_page_town": 16.0, "dashboard_town": 1.0}
    )
    assert run.scaling_lines(city, small) == [
        "hazard_list_scaling_api_town ratio 3.00 (city 30.0 ms, small 10.0 ms)",
        "hazard_list_scaling_page_town ratio 1.25 (city 20.0 ms, small 16.0 ms)",
        "hazard_list_scaling ratio 3.00 (city 30.0 ms, small 10.0 ms)",
    ]


def test_format_line_rounds_to_the_agreed_precision():
    assert run.format_line("x", 12.34, 6.7) == "x ratio 1.84 (app 12.3 ms, raw 6.7 ms)"
