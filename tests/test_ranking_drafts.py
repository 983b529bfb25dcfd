"""A draft ranking (computed, not yet published) names the towns to be summoned before the office has
checked it: its pages answer 404 to everyone but the managing office, and no list or trend shows it.

Every ranking route that takes a run is walked from the URL conf, so a new one is covered."""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from leak_objects import ranking_objects  # tests/ is on the path (rootdir-relative, no package)

from anjian.ranking import services
from anjian.ranking.models import RankingRun

READERS = ("sector", "dept", "town_a", "town_b", "grid", "inspector")  # government, not the office
POST_ROUTES = {"ranking/runs/<int:pk>/publish/", "ranking/runs/<int:pk>/rerun/"}


def routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


RUN_ROUTES = sorted(r for r in routes() if r.startswith("ranking/runs/<int:pk>/") and r not in POST_ROUTES)


def url(route, run, town):
    return "/" + route.replace("<int:pk>", str(run.pk)).replace("<int:town_id>", str(town.pk))


@pytest.fixture
def runs(world):
    """(published, draft) of the current month: the draft is a re-run the office has not published."""
    published, _ = ranking_objects(world)
    today = timezone.localdate()
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    draft = services.compute_run(world.users["city"], today, "复核数据后重新计算", today=next_month)
    assert draft.status == RankingRun.Status.DRAFT and draft.month == published.month
    return published, draft


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_walk_finds_the_run_pages():
    assert {
        "ranking/runs/<int:pk>/",
        "ranking/runs/<int:pk>/bulletin.docx",
        "ranking/runs/<int:pk>/bulletin.pdf",
        "ranking/runs/<int:pk>/towns/<int:town_id>/",
    } <= set(RUN_ROUTES)


@pytest.mark.parametrize("route", RUN_ROUTES)
def test_a_draft_is_not_found_by_readers_and_the_published_run_is(world, runs, route):
    published, draft = runs
    for persona in READERS:
        client = client_for(world.users[persona])
        assert client.get(url(route, draft, world.town_a)).status_code == 404, persona
        assert client.get(url(route, published, world.town_a)).status_code == 200, persona


@pytest.mark.parametrize("route", RUN_ROUTES)
def test_the_office_reads_its_draft(world, runs, route):
    _, draft = runs
    assert client_for(world.users["city"]).get(url(route, draft, world.town_a)).status_code == 200


@pytest.mark.parametrize("route", RUN_ROUTES)
def test_enterprises_read_no_run(world, runs, route):
    published, draft = runs
    client = client_for(world.users["enterprise"])
    for run in (published, draft):
        assert client.get(url(route, run, world.town_a)).status_code == 403


@pytest.mark.parametrize("path", ["/ranking/", "/ranking/trends/", "/ranking/interviews/"])
def test_lists_and_trends_never_link_a_draft(world, runs, path):
    published, draft = runs
    for persona in READERS:
        page = client_for(world.users[persona]).get(path)
        assert page.status_code == 200, persona
        assert f"/ranking/runs/{draft.pk}/" not in page.content.decode(), persona


def test_the_run_page_lists_the_draft_version_to_the_office_only(world, runs):
    published, draft = runs
    office = client_for(world.users["city"]).get(f"/ranking/runs/{published.pk}/").content.decode()
    town = client_for(world.users["town_a"]).get(f"/ranking/runs/{published.pk}/").content.decode()
    index = client_for(world.users["city"]).get("/ranking/").content.decode()
    assert f"/ranking/runs/{draft.pk}/" in office and f"/ranking/runs/{draft.pk}/" in index
    assert f"/ranking/runs/{draft.pk}/" not in town


def test_the_scheme_page_lists_only_published_runs_to_readers(world, runs):
    published, draft = runs
    path = f"/ranking/scheme/{published.month.year}/"
    town = client_for(world.users["town_a"]).get(path).content.decode()
    office = client_for(world.users["city"]).get(path).content.decode()
    assert f"/ranking/runs/{published.pk}/" in town and f"/ranking/runs/{draft.pk}/" not in town
    assert f"/ranking/runs/{draft.pk}/" in office


@pytest.mark.parametrize("route", sorted(POST_ROUTES))
def test_posting_to_a_draft_as_a_reader_is_not_found_and_changes_nothing(world, runs, route):
    _, draft = runs
    count = RankingRun.objects.count()
    response = client_for(world.users["town_a"]).post(url(route, draft, world.town_a), {"reason": "x"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == RankingRun.Status.DRAFT and RankingRun.objects.count() == count


@pytest.mark.parametrize("route", sorted(POST_ROUTES))
def test_posting_to_a_published_run_as_a_reader_is_forbidden_and_changes_nothing(world, runs, route):
    published, _ = runs
    count = RankingRun.objects.count()
    response = client_for(world.users["town_a"]).post(url(route, published, world.town_a), {"reason": "x"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.status == RankingRun.Status.PUBLISHED and RankingRun.objects.count() == count
