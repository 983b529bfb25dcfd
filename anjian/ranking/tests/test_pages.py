"""Ranking pages per persona: the office computes, publishes and re-runs; towns and departments read;
enterprises are refused (403: a ranking is no record of anyone's). The run table shows bands, the
change from last month, missing indicators as missing and the bottom N; the explanation adds up to
the score and cuts records to the reader's scope; the scheme page saves all or nothing."""

import datetime
import re

import pytest
from django.utils import timezone

from anjian.hazards.models import Source
from anjian.hazards.services import report_hazard
from anjian.jobs.models import JobRun
from anjian.ranking import services
from anjian.ranking.models import RankingRun, Scheme, TownScore

from .scored import month, scored_run, towns

pytestmark = pytest.mark.django_db

MARCH, APRIL = month(2025, 3), month(2025, 4)


def three(world):
    """town_a (泽国镇), town_b (大溪镇) and a third town, with A/B values giving scores 50/…"""
    third = next(t for t in towns() if t.pk not in (world.town_a.pk, world.town_b.pk))
    return world.town_a, world.town_b, third


def run_of(world, when=MARCH, **kwargs):
    x, y, z = three(world)
    values = {
        x: {"active_per_100": 10, "on_time_rate": 0},
        y: {"active_per_100": 0, "on_time_rate": None},
        z: {"active_per_100": 6, "on_time_rate": 6},
    }
    return scored_run(when, values, **kwargs)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("persona", ["city", "dept", "town_a", "town_b", "grid", "sector", "inspector"])
def test_government_readers_see_every_page(world, client, persona):
    run = run_of(world)
    town = world.town_b
    for url in (
        "/ranking/",
        f"/ranking/runs/{run.pk}/",
        f"/ranking/runs/{run.pk}/towns/{town.pk}/",
        "/ranking/trends/",
        "/ranking/scheme/2025/",
    ):
        response = get(client, world.users[persona], url)
        assert response.status_code == 200, url
        assert 'id="ranking-tabs"' in response.content.decode()


def test_enterprise_is_refused_with_403(world, client):
    run = run_of(world)
    user = world.users["enterprise"]
    for url in (
        "/ranking/",
        f"/ranking/runs/{run.pk}/",
        f"/ranking/runs/{run.pk}/towns/{world.town_a.pk}/",
        "/ranking/trends/",
        "/ranking/scheme/2025/",
    ):
        assert get(client, user, url).status_code == 403, url
    client.force_login(user)
    assert client.post(f"/ranking/runs/{run.pk}/publish/").status_code == 403


def test_missing_run_or_town_is_404(world, client):
    run = run_of(world)
    absent = next(t for t in towns() if t not in three(world))
    assert get(client, world.users["city"], "/ranking/runs/999999/").status_code == 404
    assert get(client, world.users["city"], f"/ranking/runs/{run.pk}/towns/{absent.pk}/").status_code == 404


def test_only_the_office_gets_the_forms(world, client):
    run = run_of(world, status=RankingRun.Status.DRAFT)
    city = get(client, world.users["city"], f"/ranking/runs/{run.pk}/").content.decode()
    town = get(client, world.users["town_a"], f"/ranking/runs/{run.pk}/").content.decode()
    assert 'id="publish-form"' in city and 'id="rerun-form"' in city
    assert 'id="publish-form"' not in town and 'id="rerun-form"' not in town
    assert 'id="compute-form"' in get(client, world.users["city"], "/ranking/").content.decode()
    assert 'id="compute-form"' not in get(client, world.users["dept"], "/ranking/").content.decode()


def test_a_town_cannot_publish_compute_or_rerun(world, client):
    run = run_of(world, status=RankingRun.Status.DRAFT)
    client.force_login(world.users["town_a"])
    # A draft is the office's alone: to a town it does not exist (tests/test_ranking_drafts.py).
    assert client.post(f"/ranking/runs/{run.pk}/publish/").status_code == 404
    assert client.post(f"/ranking/runs/{run.pk}/rerun/", {"reason": "x"}).status_code == 404
    assert client.post("/ranking/", {"month": "2025-03"}).status_code == 403
    run.refresh_from_db()
    assert run.status == RankingRun.Status.DRAFT and RankingRun.objects.count() == 1


def test_run_table_bands_missing_change_and_bottom(world, client):
    x, y, z = three(world)
    before = run_of(world)  # March: z 1st (60), x 2nd (50), y 3rd (y has A=0 only: 0)
    after = scored_run(
        APRIL,
        {
            x: {"active_per_100": 10, "on_time_rate": 10},  # 100: blue
            y: {"active_per_100": 5, "on_time_rate": None},  # 50 on A alone, scaled to 100
            z: {"active_per_100": 0, "on_time_rate": 0},  # 0: red
        },
    )
    assert before.scores.get(town=z).rank == 1
    page = get(client, world.users["town_a"], f"/ranking/runs/{after.pk}/").content.decode()
    rows = {
        int(m[0]): m[1] for m in re.findall(r'<tr data-town="(\d+)" data-rank="\d+"(.*?)</tr>', page, re.S)
    }
    assert 'data-band="blue"' in rows[x.pk] and 'data-band="red"' in rows[z.pk]
    assert "—（无数据）" in rows[y.pk] and "—（无数据）" not in rows[x.pk]
    ranks = dict(after.scores.values_list("town_id", "rank"))
    assert ranks[z.pk] == 3
    # z went from 1st to 3rd, x from 2nd to its new rank
    assert 'data-change="-2"' in rows[z.pk]
    assert f'data-change="{2 - ranks[x.pk]}"' in rows[x.pk]
    # bottom_n = 1: only the last town is marked
    assert 'data-bottom="1"' in rows[z.pk] and 'data-bottom="1"' not in rows[x.pk]


def test_tie_note_shown(world, client):
    x, y, z = three(world)
    run = scored_run(
        MARCH,
        {
            x: {"active_per_100": 10, "on_time_rate": 0},
            y: {"active_per_100": 0, "on_time_rate": 10},
            z: {"active_per_100": 5, "on_time_rate": 5},
        },
    )
    note = run.scores.get(town=x).tie_note
    assert note  # x and y both score 50; the heaviest-first rule decides
    assert note in get(client, world.users["city"], f"/ranking/runs/{run.pk}/").content.decode()


def _job_result(client, response):
    """Follow a redirect to a job's progress page; (the job, the page of its status)."""
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    job = JobRun.objects.get(pk=int(response.url.split("/")[2]))
    return job, client.get(f"/jobs/{job.pk}/status/").content.decode()


def test_publish_and_rerun_through_the_services(world, client, jobs_run_at_once):
    client.force_login(world.users["city"])
    with jobs_run_at_once():
        response = client.post("/ranking/", {"month": "2025-03"})
    job, status = _job_result(client, response)
    first = RankingRun.objects.get()
    assert (
        job.state == JobRun.State.DONE
        and job.kind == "ranking.compute"
        and "?next=%2Franking%2F" in response.url
    )
    assert job.result_url == f"/ranking/runs/{first.pk}/" and f'href="/ranking/runs/{first.pk}/"' in status
    assert job.progress_total == len(first.config["indicators"]) and "请核对后发布" in job.message
    assert first.scores.count() == len(towns()) and first.computed_by == world.users["city"]
    client.post(f"/ranking/runs/{first.pk}/publish/")
    first.refresh_from_db()
    assert first.status == RankingRun.Status.PUBLISHED
    # A re-run needs a reason: refused without one (at once, nothing queued), version 2 with one
    response = client.post(f"/ranking/runs/{first.pk}/rerun/", {"reason": " "}, follow=True)
    assert "请填写重新计算的原因" in response.content.decode() and RankingRun.objects.count() == 1
    assert JobRun.objects.count() == 1
    with jobs_run_at_once():
        response = client.post(f"/ranking/runs/{first.pk}/rerun/", {"reason": "补录事故"})
    job, _status = _job_result(client, response)
    second = RankingRun.objects.get(version=2)
    assert job.result_url == f"/ranking/runs/{second.pk}/" and second.reason == "补录事故"
    client.post(f"/ranking/runs/{second.pk}/publish/")
    first.refresh_from_db()
    assert first.status == RankingRun.Status.SUPERSEDED
    page = client.get(f"/ranking/runs/{second.pk}/").content.decode()
    assert "补录事故" in page and f"/ranking/runs/{second.pk}/bulletin.docx" in page


def test_a_month_with_a_published_run_is_refused_without_a_reason_before_queueing(world, client):
    run = services.compute_run(world.users["city"], MARCH)
    services.publish(world.users["city"], run)
    client.force_login(world.users["city"])
    page = client.post("/ranking/", {"month": "2025-03"}, follow=True).content.decode()
    assert "已发布晾晒结果，重新计算须填写原因" in page
    assert not JobRun.objects.exists() and RankingRun.objects.count() == 1


def test_a_large_bulletin_is_built_by_a_job_for_its_reader(world, client, settings, jobs_run_at_once):
    run = services.compute_run(world.users["city"], MARCH)
    services.publish(world.users["city"], run)
    settings.ANJIAN_DOCUMENT_INLINE_ROWS = 0
    client.force_login(world.users["town_a"])
    with jobs_run_at_once():
        response = client.get(f"/ranking/runs/{run.pk}/bulletin.pdf")
    job, status = _job_result(client, response)
    assert job.state == JobRun.State.DONE and job.owner == world.users["town_a"], job.error
    download = client.get(f"/jobs/{job.pk}/download/")
    assert (
        download["Content-Type"] == "application/pdf" and b"".join(download.streaming_content)[:5] == b"%PDF-"
    )
    # Small enough: the same link answers with the file itself.
    settings.ANJIAN_DOCUMENT_INLINE_ROWS = 500
    response = client.get(f"/ranking/runs/{run.pk}/bulletin.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_a_future_month_is_refused_with_a_message(world, client):
    client.force_login(world.users["city"])
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")
    page = client.post("/ranking/", {"month": next_month}, follow=True).content.decode()
    assert "月份尚未结束" in page and not RankingRun.objects.exists()
    page = client.post("/ranking/", {"month": "March"}).content.decode()
    assert "月份格式应为" in page and not RankingRun.objects.exists()


def test_explain_totals_equal_the_score_for_every_town_of_a_computed_run(world, client):
    run = services.compute_run(world.users["city"], MARCH)
    client.force_login(world.users["city"])
    for score in run.scores.all():
        response = client.get(f"/ranking/runs/{run.pk}/towns/{score.town_id}/")
        assert response.context["explanation"]["total"] == score.score
        assert f'id="explained-total">{score.score:.2f}<' in response.content.decode()


def test_explain_rescales_a_missing_indicator_and_adds_up(world, client):
    run = run_of(world)
    y = world.town_b  # A = 0 of range 0..10 → 0 points; B missing → the sum is scaled by 100/50
    z = three(world)[2]
    page = get(client, world.users["city"], f"/ranking/runs/{run.pk}/towns/{y.pk}/")
    assert page.context["explanation"]["scaled"] is True
    assert "—（无数据）" in page.content.decode() and 'id="scaled-note"' in page.content.decode()
    page = get(client, world.users["city"], f"/ranking/runs/{run.pk}/towns/{z.pk}/")
    explanation = page.context["explanation"]
    # z: A (6−0)/(10−0) = 0.6 × 50 = 30, B (6−0)/(6−0) = 1 × 50 = 50 → 80
    assert [r["points"] for r in explanation["rows"]] == [30, 50]
    assert explanation["total"] == run.scores.get(town=z).score == 80


def found_in(user, subject, title, when):
    """A hazard found by a grid patrol: behind "found actively per 100 enterprises"."""
    return report_hazard(user, subject.pk, title, source=Source.GRID_PATROL, found_at=when)


def test_records_behind_a_number_are_cut_to_the_readers_scope(world, client):
    when = timezone.make_aware(datetime.datetime(2025, 3, 10, 9))
    city = world.users["city"]
    hazard_a = found_in(city, world.subjects["ent_a"], "泽国镇的隐患", when)
    hazard_b = found_in(city, world.subjects["ent_b"], "大溪镇的隐患", when)
    outside = found_in(city, world.subjects["ent_a"], "四月的隐患", when + datetime.timedelta(days=30))
    run = run_of(world)
    a_url = f"/ranking/runs/{run.pk}/towns/{world.town_a.pk}/"
    b_url = f"/ranking/runs/{run.pk}/towns/{world.town_b.pk}/"

    own = get(client, world.users["town_a"], a_url).content.decode()
    assert f'href="/hazards/{hazard_a.pk}/"' in own and outside.code not in own
    other = get(client, world.users["town_a"], b_url).content.decode()
    assert "不在您的管辖范围内" in other and hazard_b.code not in other
    assert str(run.scores.get(town=world.town_b).score) in other  # the numbers stay visible
    assert f'href="/hazards/{hazard_b.pk}/"' in get(client, city, b_url).content.decode()
    # a grid user of 泽国镇 reads its town's records through its own scope: not out of scope
    grid = get(client, world.users["grid"], a_url).content.decode()
    assert "不在您的管辖范围内" not in grid


def scheme_post(response, **changes):
    """The scheme form as shown, with `changes` = {code: {field: value}} and header fields."""
    header = response.context["header"]
    data = {name: header.initial.get(name, "") for name in ("name", "total_weight", "bottom_n")}
    formset = response.context["formset"]
    data |= {k: v for k, v in formset.management_form.initial.items()}
    data = {f"ind-{k}" if k.isupper() else k: v for k, v in data.items()}
    for i, form in enumerate(formset.forms):
        row = dict(form.initial) | changes.get(form.initial["code"], {})
        for key, value in row.items():
            if key == "included":
                if value:
                    data[f"ind-{i}-included"] = "on"
            elif value is not None:
                data[f"ind-{i}-{key}"] = value
    data |= changes.get("header", {})
    return data


def test_scheme_saves_and_published_runs_keep_their_config(world, client):
    services.ensure_scheme(2025)
    run = run_of(world)
    frozen = dict(run.config)
    client.force_login(world.users["city"])
    shown = client.get("/ranking/scheme/2025/")
    assert shown.context["errors"] is None
    data = scheme_post(shown, accidents={"weight": "5"}, deaths={"weight": "19"})
    response = client.post("/ranking/scheme/2025/", data)
    assert response.status_code == 302
    scheme = Scheme.objects.get(year=2025)
    weights = dict(scheme.indicators.values_list("code", "weight"))
    assert weights["accidents"] == 5 and weights["deaths"] == 19
    run.refresh_from_db()
    assert run.config == frozen


def test_scheme_weights_not_summing_are_named_and_nothing_is_saved(world, client):
    services.ensure_scheme(2025)
    before = list(Scheme.objects.get(year=2025).indicators.values_list("code", "weight", "target"))
    client.force_login(world.users["city"])
    shown = client.get("/ranking/scheme/2025/")
    response = client.post("/ranking/scheme/2025/", scheme_post(shown, accidents={"weight": "5"}))
    assert response.status_code == 422
    assert "各指标权重之和为 95，应等于权重合计 100" in response.content.decode()
    after = list(Scheme.objects.get(year=2025).indicators.values_list("code", "weight", "target"))
    assert after == before


def test_scheme_target_required_for_target_normalisation(world, client):
    services.ensure_scheme(2025)
    client.force_login(world.users["city"])
    shown = client.get("/ranking/scheme/2025/")
    data = scheme_post(shown, on_time_rate={"target": ""})
    response = client.post("/ranking/scheme/2025/", data)
    assert response.status_code == 422
    assert "采用目标值法，须填写目标值" in response.content.decode()
    assert Scheme.objects.get(year=2025).indicators.get(code="on_time_rate").target == 1


def test_scheme_readers_see_it_but_cannot_save(world, client):
    services.ensure_scheme(2025)
    page = get(client, world.users["town_a"], "/ranking/scheme/2025/")
    assert 'id="scheme-table"' in page.content.decode() and 'id="scheme-form"' not in page.content.decode()
    assert client.post("/ranking/scheme/2025/", {"name": "x"}).status_code == 403


def test_a_year_without_scheme_offers_the_office_to_create_it(world, client):
    page = get(client, world.users["city"], "/ranking/scheme/2031/").content.decode()
    assert 'id="no-scheme"' in page and 'id="create-scheme"' in page
    client.post("/ranking/scheme/2031/")
    assert Scheme.objects.get(year=2031).indicators.count() > 0
    assert TownScore.objects.count() == 0
