"""dashboard_figures against values counted by hand on a small data set."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.hazards import services
from anjian.web.dashboard import dashboard_figures


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def report(world, subject, title, **kwargs):
    return services.report_hazard(world.users["city"], world.subjects[subject].pk, title, **kwargs)


def assign(world, hazard, days):
    services.transition(
        world.users["city"],
        hazard.pk,
        "assign",
        deadline=in_days(days),
        responsible_person="赵敏",
        rectification_plan="更换线路",
    )


def build(world):
    """ent_a (泽国镇, 工贸): h1 reported; h2 major, assigned (deadline +2); h3 submitted on time then
    verified; h4 submitted 5 days late. ent_b (大溪镇, 消防): h5 assigned (deadline +1), listed under
    city supervision; h6 closed. ent_c (泽国镇, 建筑施工): h7 major reported."""
    city = world.users["city"]
    report(world, "ent_a", "h1")
    h2 = report(world, "ent_a", "h2", level="major")
    assign(world, h2, 2)
    h3 = report(world, "ent_a", "h3")
    assign(world, h3, 3)
    for action in ("accept", "submit", "verify"):
        services.transition(city, h3.pk, action, comment="ok")
    h4 = report(world, "ent_a", "h4")
    assign(world, h4, 1)
    services.transition(city, h4.pk, "accept")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        services.transition(city, h4.pk, "submit", comment="late")
    h5 = report(world, "ent_b", "h5")
    assign(world, h5, 1)
    services.transition(
        city, h5.pk, "supervise", supervision_level="city", deadline=in_days(5), comment="督办"
    )
    h6 = report(world, "ent_b", "h6")
    assign(world, h6, 4)
    for action in ("accept", "submit", "verify", "close"):
        services.transition(city, h6.pk, action, comment="ok")
    report(world, "ent_c", "h7", level="major")


def test_figures_for_the_city_equal_the_hand_count(world):
    build(world)
    # Three days on: h2 (+2) and h5 (+1) are overdue; h4 was handed in and no longer runs.
    figures = dashboard_figures(world.users["city"], today=in_days(3))
    assert figures["total"] == 7
    assert figures["open"] == 5  # h1, h2, h4, h5, h7
    assert figures["overdue"] == 2
    assert figures["major_open"] == 2  # h2, h7
    assert figures["supervised"] == 1
    assert (figures["submitted"], figures["on_time"]) == (3, 2)  # h3, h4, h6; h4 late
    assert figures["on_time_rate"] == 66.7
    by_status = {row["status"]: row["count"] for row in figures["by_status"]}
    assert by_status == {
        "reported": 2,
        "assigned": 2,
        "rectifying": 0,
        "submitted": 1,
        "verified": 1,
        "closed": 1,
    }
    assert figures["by_town"] == [
        {"name": "泽国镇", "open": 4, "overdue": 1},
        {"name": "大溪镇", "open": 1, "overdue": 1},
    ]
    assert {row["name"]: row["open"] for row in figures["by_sector"]} == {"工贸": 3, "建筑施工": 1, "消防": 1}
    assert figures["by_sector"][0]["name"] == "工贸"


def test_figures_follow_the_scope(world):
    build(world)
    town_b = dashboard_figures(world.users["town_b"], today=in_days(3))
    assert (town_b["total"], town_b["open"], town_b["overdue"], town_b["supervised"]) == (2, 1, 1, 1)
    assert [row["name"] for row in town_b["by_town"]] == ["大溪镇"]
    enterprise = dashboard_figures(world.users["enterprise"], today=in_days(3))
    assert (enterprise["total"], enterprise["open"]) == (4, 3)
    assert enterprise["on_time_rate"] == 50.0


def test_nothing_submitted_gives_no_rate(world):
    figures = dashboard_figures(world.users["city"])
    assert figures["total"] == 0 and figures["on_time_rate"] is None
    assert figures["by_town"] == [] and figures["by_sector"] == []


def test_a_handful_of_queries_whatever_the_number_of_hazards(world):
    build(world)
    user = world.users["town_a"]
    dashboard_figures(user)  # the scope is computed once per user object
    with CaptureQueriesContext(connection) as first:
        dashboard_figures(user)
    for n in range(10):
        report(world, "ent_c", f"more {n}")
    with CaptureQueriesContext(connection) as second:
        dashboard_figures(user)
    assert len(first) == len(second) <= 5


def test_dashboard_names_the_users_scope(world, client_for):
    assert "范围：泽国镇" in client_for("town_a").get("/").content.decode()
    assert "范围：泽国精工机械有限公司" in client_for("enterprise").get("/").content.decode()
    assert "范围：全市" in client_for("city").get("/").content.decode()
    dept = client_for("dept").get("/").content.decode()
    assert "范围：" in dept and "危险化学品" in dept
