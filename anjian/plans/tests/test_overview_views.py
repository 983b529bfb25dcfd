"""The overview and drill pages and the downloads: who may see them, that every number on the page
links to a list of the same length, and that bad filters get a clear message. Today is after the
2023 deadlines, so the statuses are those of overview_helpers' "after the deadline"."""

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from anjian.core import audit
from anjian.jobs.models import JobRun
from anjian.jobs.services import execute, start_job
from anjian.plans.models import WorkPlan

from .overview_helpers import build_small_plan


@pytest.fixture
def small(world):
    return build_small_plan()


def login(client, world, persona):
    client.force_login(world.users[persona])
    return client


def overview_url(small, period=None):
    return f"/plans/{small.plan.pk}/overview/?period={(period or small.half).pk}"


def drill(client, small, query):
    return client.get(f"/plans/{small.plan.pk}/drill/?period={small.half.pk}&{query}")


def task_ids(response):
    return [int(n) for n in re.findall(r'data-task="(\d+)"', response.content.decode())]


@pytest.mark.parametrize("persona", ["city", "sector", "dept", "town_a"])
def test_plan_readers_see_the_overview(client, world, small, persona):
    response = login(client, world, persona).get(overview_url(small))
    assert response.status_code == 200
    page = response.content.decode()
    assert "学深悟透、真信笃行" in page and "大溪镇" in page and "安全示范渔船" in page
    assert 'id="plan-overview-data"' in page


@pytest.mark.parametrize("persona", ["grid", "inspector", "enterprise"])
def test_others_may_not(client, world, small, persona):
    assert login(client, world, persona).get(overview_url(small)).status_code == 403
    assert drill(client, small, "status=late").status_code == 403
    assert client.get(f"/plans/{small.plan.pk}/ledger.xlsx?period={small.half.pk}").status_code == 403


def test_anonymous_goes_to_login(client, small):
    assert client.get(overview_url(small)).status_code == 302


def test_plan_under_review_and_foreign_period_are_not_found(client, world, small):
    login(client, world, "city")
    other = WorkPlan.objects.create(
        title="另一份", year=2024, source_text="一、", status=WorkPlan.Status.ACCEPTED
    )
    assert client.get(f"/plans/{other.pk}/overview/?period={small.half.pk}").status_code == 404
    audit.update(WorkPlan.objects.filter(pk=small.plan.pk), status=WorkPlan.Status.REVIEW)
    assert client.get(overview_url(small)).status_code == 404


def test_every_chapter_number_links_to_as_many_tasks(client, world, small):
    login(client, world, "town_a")
    page = client.get(overview_url(small)).content.decode()
    links = re.findall(
        r'href="/plans/\d+/drill/\?period=(\d+)&chapter=(\d*)&status=(\w+)" data-status="\w+">(\d+)<',
        page,
    )
    assert len(links) == 3  # three non-zero cells: 一 late (both items), 二 at risk/late
    for period, chapter, status, n in links:
        assert int(period) == small.half.pk
        response = drill(client, small, f"chapter={chapter}&status={status}")
        assert response.status_code == 200 and len(task_ids(response)) == int(n)
    late = drill(client, small, f"chapter={small.tasks['ch1'].pk}&status=late")
    assert task_ids(late) == [small.tasks["t1"].pk, small.tasks["t2"].pk]
    late = drill(client, small, f"chapter={small.tasks['ch2'].pk}&status=late")
    assert task_ids(late) == [small.tasks["p2"].pk]
    assert "市消防救援支队" in late.content.decode()


def test_summary_cards_link_to_all_tasks_of_a_status(client, world, small):
    login(client, world, "city")
    response = drill(client, small, "status=at_risk")
    assert task_ids(response) == [small.tasks["p1"].pk]
    assert "已完成2公里，资金未到位。" in response.content.decode()
    assert len(task_ids(drill(client, small, ""))) == 4


def test_unit_numbers(client, world, small):
    login(client, world, "city")
    page = client.get(overview_url(small)).content.decode()
    daxi = small.units["daxi"].pk
    row = re.search(rf'<tr data-unit="{daxi}">(.*?)</tr>', page, re.S).group(1)
    assert f"unit={daxi}&status=late" in row
    assert task_ids(drill(client, small, f"unit={daxi}&status=late")) == [small.tasks["t1"].pk]
    gh = drill(client, small, f"unit={small.units['gh'].pk}&status=late").content.decode()
    assert "逾期报送" in gh and "已建成安全示范渔船40艘。" in gh
    # A unit's list shows its own report, not the other units' ones.
    yjj = drill(client, small, f"unit={small.units['yjj'].pk}").content.decode()
    assert "指导建成示范渔船21艘。" in yjj and "已建成安全示范渔船40艘。" not in yjj


def test_target_drill(client, world, small):
    login(client, world, "city")
    page = client.get(overview_url(small)).content.decode()
    assert f'target={small.targets["boats"].pk}">61<' in page
    response = drill(client, small, f"target={small.targets['boats'].pk}")
    content = response.content.decode()
    assert re.search(r'id="target-reported">61<', content)
    values = re.findall(r"data-value>([\d.]+)艘<", content)
    assert sorted(int(v) for v in values) == [21, 40]


@pytest.mark.parametrize(
    "query,message",
    [
        ("status=nonsense", "未知的任务状态"),
        ("chapter=999999", "该工作要点没有这一章"),
        ("unit=999999", "该单位不是本工作要点的责任单位"),
        ("target=999999", "该工作要点没有这个量化指标"),
    ],
)
def test_bad_filters_say_what_is_wrong(client, world, small, query, message):
    login(client, world, "city")
    response = drill(client, small, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_chapter_filter_must_be_a_chapter(client, world, small):
    login(client, world, "city")
    response = drill(client, small, f"chapter={small.tasks['t1'].pk}")
    assert response.status_code == 400


def test_downloads(client, world, small):
    login(client, world, "town_a")
    response = client.get(f"/plans/{small.plan.pk}/report.docx?period={small.half.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "温岭市2023年安全生产工作要点半年度完成情况"
    unit = client.get(
        f"/plans/{small.plan.pk}/report.docx?period={small.half.pk}&unit={small.units['zj'].pk}"
    )
    title = Document(io.BytesIO(unit.content)).paragraphs[0].text
    assert title == "市住房和城乡建设局关于2023年安全生产工作要点半年度完成情况的报告"
    # 市安委办 answers for no task of this plan.
    assert (
        client.get(f"/plans/{small.plan.pk}/report.docx?unit={small.units['office'].pk}").status_code == 404
    )
    assert client.get(f"/plans/{small.plan.pk}/report.docx?unit=abc").status_code == 404
    ledger = client.get(f"/plans/{small.plan.pk}/ledger.xlsx?period={small.half.pk}")
    assert ledger.status_code == 200
    assert load_workbook(io.BytesIO(ledger.content))["台账"].max_row == 8


def test_a_large_plan_s_documents_are_written_by_a_job(client, world, small, settings, jobs_run_at_once):
    settings.ANJIAN_DOCUMENT_INLINE_ROWS = 0
    login(client, world, "town_a")
    unit = small.units["zj"]
    with jobs_run_at_once():
        response = client.get(f"/plans/{small.plan.pk}/report.docx?period={small.half.pk}&unit={unit.pk}")
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    job = JobRun.objects.get()
    assert (job.state, job.kind, job.owner) == (JobRun.State.DONE, "plans.report", world.users["town_a"]), (
        job.error
    )
    assert f"next=%2Fplans%2F{small.plan.pk}%2Foverview%2F%3Fperiod%3D{small.half.pk}" in response.url
    download = client.get(f"/jobs/{job.pk}/download/")
    title = Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs[0].text
    assert title == "市住房和城乡建设局关于2023年安全生产工作要点半年度完成情况的报告"
    with jobs_run_at_once():
        response = client.get(f"/plans/{small.plan.pk}/ledger.xlsx?period={small.half.pk}")
    job = JobRun.objects.get(kind="plans.ledger")
    book = load_workbook(io.BytesIO(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)))
    assert book["台账"].max_row == 8
    # What the page refuses is refused before a job starts.
    assert (
        client.get(f"/plans/{small.plan.pk}/report.docx?unit={small.units['office'].pk}").status_code == 404
    )
    assert JobRun.objects.count() == 2


def test_a_plan_job_checks_the_owner_again_when_it_runs(world, small):
    enterprise = world.users["enterprise"]
    job = start_job(
        enterprise,
        kind="plans.ledger",
        title="台账",
        func_path="anjian.plans.tasks.ledger",
        params={"plan_id": small.plan.pk, "period_id": small.half.pk},
    )
    execute(job.pk)
    job.refresh_from_db()
    assert job.state == JobRun.State.FAILED and "不能查看年度工作要点" in job.error and not job.result


def test_overview_without_periods(client, world, small):
    login(client, world, "city")
    small.plan.periods.all().delete()
    response = client.get(f"/plans/{small.plan.pk}/overview/")
    assert response.status_code == 200 and 'id="no-period"' in response.content.decode()
    assert client.get(f"/plans/{small.plan.pk}/ledger.xlsx").status_code == 404
