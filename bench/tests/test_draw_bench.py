"""The draw benchmark prints its lines in the agreed format and leaves the data set as it was.
Nothing is timed here (see bench/README.md for the figures)."""

import re

import pytest

from anjian.inspections.models import Draw, Inspection
from anjian.org.models import Role, RoleAssignment
from bench import draw, generate

TEST_SCALE = generate.Scale("test", 300, 300)
POOL_LINE = re.compile(r"^draw_pool ratio \d+\.\d\d \(app \d+\.\d ms, raw \d+\.\d ms\)$")
DRAW_LINE = re.compile(r"^draw_100x2 ratio \d+\.\d\d \(draw \d+\.\d ms, algorithm \d+\.\d ms\)$")


@pytest.fixture
def dataset(db):
    return generate.build(TEST_SCALE, progress=lambda message: None)


def test_draw_bench_prints_two_lines_and_rolls_its_draws_back(dataset):
    lines = []
    results = draw.run(repeat=1, out=lines.append, targets=100)
    assert len(lines) == 2 and POOL_LINE.match(lines[0]) and DRAW_LINE.match(lines[1]), lines
    assert set(results) == {"draw_pool", "draw_100x2"}
    assert not Draw.objects.exists() and not Inspection.objects.exists()
    assert (
        RoleAssignment.objects.filter(role=Role.INSPECTOR, user__username__startswith="bench_insp_").count()
        == 500
    )
    assert draw.ensure_inspectors() == 500  # a second run creates nobody
    assert (
        RoleAssignment.objects.filter(role=Role.INSPECTOR, user__username__startswith="bench_insp_").count()
        == 500
    )


def test_only_selects_the_draw_lines(dataset):
    lines = []
    assert draw.run(repeat=1, out=lines.append, only="hazard_list", targets=100) == {}
    assert draw.run(repeat=1, out=lines.append, only="draw_pool", targets=100).keys() == {"draw_pool"}
    assert len(lines) == 1


def test_raw_pool_reads_what_build_pool_reads(dataset):
    from anjian.inspections.services_draw import build_pool

    draw.ensure_inspectors()
    plan = draw.ensure_plan()
    pool, _weights = build_pool(plan)
    subjects, inspectors, _avoid, _roles = draw.raw_pool(plan)
    assert [row[0] for row in subjects] == [sid for sid, _w in pool["subjects"]]
    assert inspectors == pool["inspectors"] and len(inspectors) == 500
    assert len(pool["conflicts"]) > 50  # the bench's avoidance rules reach the pool
