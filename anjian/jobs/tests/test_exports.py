"""Exports over ANJIAN_EXPORT_INLINE_ROWS run as jobs and export only what the owner may see."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from openpyxl import load_workbook

from anjian.hazards.services import report_hazard
from anjian.jobs.models import JobRun

from .helpers import work

# The worker commits for real (see test_jobs.py).
pytestmark = pytest.mark.django_db(transaction=True)


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def rows_of(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def hazards(world):
    city = world.users["city"]
    return {
        key: report_hazard(city, world.subjects[key].pk, f"{key} 的隐患")
        for key in ("ent_a", "ent_b", "ent_c")
    }


def run_export(client, url, query=None):
    """Ask for the export; it must answer with the job's page; run the job; return the job."""
    response = client.get(url, query or {})
    assert response.status_code == 302, response.content.decode()
    location = urlsplit(response["Location"])
    job = JobRun.objects.get(pk=int(location.path.strip("/").split("/")[-1]))
    assert location.path == f"/jobs/{job.pk}/"
    work()
    job.refresh_from_db()
    assert job.state == JobRun.State.DONE, job.error
    return job, parse_qs(location.query).get("next", [""])[0]


def test_a_large_hazard_export_is_a_job_of_the_owners_rows(world, hazards, settings):
    settings.ANJIAN_EXPORT_INLINE_ROWS = 1  # town_a sees two hazards: over the limit
    client = client_for(world, "town_a")
    job, back = run_export(client, "/hazards/export.xlsx", {"open": "1"})
    assert back == "/hazards/?open=1" and job.owner == world.users["town_a"]
    assert job.progress_done == job.progress_total == 2 and "已导出 2 条隐患" in job.message
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    codes = {row[0] for row in rows_of(download)[1:]}
    assert codes == {hazards["ent_a"].code, hazards["ent_c"].code}


def test_a_large_export_keeps_the_lists_filters(world, hazards, settings):
    settings.ANJIAN_EXPORT_INLINE_ROWS = 0
    client = client_for(world, "city")
    job, _back = run_export(client, "/hazards/export.xlsx", {"q": hazards["ent_b"].code})
    codes = [row[0] for row in rows_of(client.get(f"/jobs/{job.pk}/download/"))[1:]]
    assert codes == [hazards["ent_b"].code]


def test_a_small_export_is_still_answered_at_once(world, hazards, settings):
    settings.ANJIAN_EXPORT_INLINE_ROWS = 2
    response = client_for(world, "town_a").get("/hazards/export.xlsx")
    assert response.status_code == 200 and not JobRun.objects.exists()
    bad = client_for(world, "town_a").get("/hazards/export.xlsx", {"status": "nonsense"})
    assert bad.status_code == 400 and not JobRun.objects.exists()


def test_a_large_subject_export_is_a_job_of_the_owners_subjects(world, settings):
    settings.ANJIAN_EXPORT_INLINE_ROWS = 1
    client = client_for(world, "town_a")
    job, back = run_export(client, "/subjects/export.xlsx")
    assert back == "/subjects/"
    names = {row[1] for row in rows_of(client.get(f"/jobs/{job.pk}/download/"))[1:]}
    assert names == {world.subjects["ent_a"].name, world.subjects["ent_c"].name}
    # Someone else cannot fetch it.
    assert client_for(world, "town_b").get(f"/jobs/{job.pk}/download/").status_code == 404
