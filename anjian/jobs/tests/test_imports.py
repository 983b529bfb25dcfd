"""A subject import over ANJIAN_EXPORT_INLINE_ROWS rows runs as a job: all rows or none."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from anjian.core.models import AuditEntry
from anjian.jobs.models import JobRun
from anjian.registry.models import Subject
from anjian.registry.tests.test_excel import row, xlsx_file

from .helpers import work

# The worker commits for real (see test_jobs.py).
pytestmark = pytest.mark.django_db(transaction=True)
IMPORT_URL = "/subjects/import/"


def import_as_job(world, persona, rows):
    client = Client()
    client.force_login(world.users[persona])
    response = client.post(IMPORT_URL, {"file": xlsx_file(rows)})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job = JobRun.objects.get()
    assert job.kind == "registry.import" and job.owner == world.users[persona]
    work()
    job.refresh_from_db()
    assert not default_storage.exists(job.params["path"])  # the saved upload is gone either way
    return client, job


def test_a_large_import_runs_as_a_job_as_its_owner(world, settings):
    settings.ANJIAN_EXPORT_INLINE_ROWS = 2
    client, job = import_as_job(world, "town_a", [row(1), row(2), row(3)])
    assert job.state == JobRun.State.DONE and "已导入 3 个监管对象" in job.message
    created = Subject.objects.filter(name__startswith="导入测试企业")
    assert created.count() == 3
    actors = AuditEntry.objects.filter(
        model="registry.subject", action="create", object_id__in=[str(s.pk) for s in created]
    ).values_list("actor_id", flat=True)
    assert set(actors) == {world.users["town_a"].pk}
    assert "已导入 3 个监管对象" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_a_large_import_with_errors_imports_nothing_and_lists_them(world, settings):
    settings.ANJIAN_EXPORT_INLINE_ROWS = 2
    # town_a may not import into 大溪镇 (town_b's town).
    rows = [row(1), row(2, **{"所在镇（街道）": "大溪镇"}), row(3, **{"名称": None})]
    client, job = import_as_job(world, "town_a", rows)
    assert job.state == JobRun.State.FAILED and "未导入任何记录" in job.error
    assert "第3行" in job.error and "第4行" in job.error
    assert not Subject.objects.filter(name__startswith="导入测试企业").exists()
    page = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert "第3行" in page and "<br>" in page


def test_a_small_import_is_still_answered_at_once(world, settings):
    settings.ANJIAN_EXPORT_INLINE_ROWS = 2
    client = Client()
    client.force_login(world.users["city"])
    response = client.post(IMPORT_URL, {"file": xlsx_file([row(1), row(2)])})
    assert response.status_code == 200 and response.context["result"].created == 2
    assert not JobRun.objects.exists()
