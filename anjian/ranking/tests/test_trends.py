"""Trends: the published version of each month only (superseded and draft versions ignored), scores
and ranks per town in month order; the heat map of normalised scores for a chosen month."""

import json

import pytest

from anjian.ranking import charts
from anjian.ranking.models import RankingRun

from .scored import month, scored_run, towns

pytestmark = pytest.mark.django_db
S = RankingRun.Status


def values(x, y, z, a, b, c):
    return {
        x: {"active_per_100": a, "on_time_rate": a},
        y: {"active_per_100": b, "on_time_rate": b},
        z: {"active_per_100": c, "on_time_rate": c},
    }


@pytest.fixture
def history(world):
    x, y, z = towns(3)
    jan = scored_run(month(2025, 1), values(x, y, z, 10, 5, 0))  # x 100, y 50, z 0
    feb_old = scored_run(month(2025, 2), values(x, y, z, 0, 5, 10), status=S.SUPERSEDED)
    feb = scored_run(month(2025, 2), values(x, y, z, 4, 10, 0), version=2)  # x 40, y 100, z 0
    mar_draft = scored_run(month(2025, 3), values(x, y, z, 0, 0, 10), status=S.DRAFT)
    return {"x": x, "y": y, "z": z, "jan": jan, "feb_old": feb_old, "feb": feb, "draft": mar_draft}


def test_published_runs_skip_superseded_and_drafts(history):
    assert charts.published_runs() == [history["jan"], history["feb"]]


def test_series_per_town_follow_the_published_versions(history):
    data = charts.trends(charts.published_runs())
    assert data["months"] == ["2025-01", "2025-02"]
    series = {t["id"]: t for t in data["towns"]}
    assert series[history["x"].pk]["scores"] == [100.0, 40.0]
    assert series[history["x"].pk]["ranks"] == [1, 2]
    assert series[history["y"].pk]["ranks"] == [2, 1]
    assert series[history["z"].pk]["scores"] == [0.0, 0.0]


def test_a_town_missing_from_a_month_has_a_gap(world):
    x, y, z = towns(3)
    scored_run(
        month(2025, 1),
        {x: {"active_per_100": 1, "on_time_rate": 1}, y: {"active_per_100": 2, "on_time_rate": 2}},
    )
    scored_run(month(2025, 2), values(x, y, z, 1, 2, 3))
    series = {t["id"]: t for t in charts.trends(charts.published_runs())["towns"]}
    assert series[z.pk]["scores"] == [None, 100.0]


def test_heat_map_of_the_chosen_month(history):
    heat = charts.heatmap(history["feb"])
    assert heat["towns"][0] == history["y"].name  # rank order
    # y: both indicators best (1 → 100); x: (4−0)/(10−0) = 0.4 → 40
    assert heat["rows"][0]["values"] == [100.0, 100.0]
    assert heat["rows"][1]["values"] == [40.0, 40.0]
    assert [0, 0, 100.0] in heat["cells"]


def test_the_page_carries_the_data_and_tables(history, client, world):
    client.force_login(world.users["town_b"])
    response = client.get("/ranking/trends/")
    page = response.content.decode()
    data = json.loads(
        page.split('id="ranking-trends-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["months"] == ["2025-01", "2025-02"]
    assert data["heat"]["towns"][0] == history["y"].name  # the latest published month by default
    assert 'id="trend-table"' in page and 'id="heat-table"' in page and "echarts.min.js" in page
    jan = client.get(f"/ranking/trends/?run={history['jan'].pk}").context["heat"]
    assert jan["towns"][0] == history["x"].name
    # a superseded or draft run is no published month
    assert client.get(f"/ranking/trends/?run={history['feb_old'].pk}").status_code == 404
    assert client.get(f"/ranking/trends/?run={history['draft'].pk}").status_code == 404


def test_no_published_month_says_so(world, client):
    client.force_login(world.users["city"])
    page = client.get("/ranking/trends/").content.decode()
    assert 'id="no-trends"' in page and "echarts.min.js" not in page
