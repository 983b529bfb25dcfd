import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from anjian.jobs.models import JobRun

from .helpers import start, work

# The worker checks its connection between tasks the way a request does, which closes one held in a
# test's open transaction on PostgreSQL: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def users():
    make = get_user_model().objects.create_user
    return make("job-owner", password="x"), make("someone-else", password="x")


@pytest.fixture
def done_job(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(users[0], "count_to", n=4)
    work()
    job.refresh_from_db()
    assert job.state == JobRun.State.DONE
    return job


def test_a_queued_job_page_polls_its_status(users, django_capture_on_commit_callbacks):
    job = start(users[0], "say", text="x")
    page = client_of(users[0]).get(reverse("jobs:detail", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "测试任务" in html and 'class="progress' in html
    assert 'hx-trigger="every 1s"' in html and reverse("jobs:status", args=[job.pk]) in html


def test_a_finished_job_stops_polling_and_offers_its_result(users, done_job):
    client = client_of(users[0])
    fragment = client.get(reverse("jobs:status", args=[done_job.pk])).content.decode()
    assert "hx-trigger" not in fragment and 'data-state="done"' in fragment
    assert "共 4 行" in fragment and reverse("jobs:download", args=[done_job.pk]) in fragment
    download = client.get(reverse("jobs:download", args=[done_job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"4 by job-owner"
    assert "4.txt" in download["Content-Disposition"]


def test_a_failed_job_shows_its_error(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(users[0], "refuse")
    work()
    client = client_of(users[0])
    fragment = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "没有这个镇" in fragment and "hx-trigger" not in fragment
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:status", "jobs:download"])
def test_only_the_owner_sees_a_job(users, done_job, name):
    url = reverse(name, args=[done_job.pk])
    assert client_of(users[1]).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_the_list_shows_only_ones_own_jobs(users, done_job):
    other = start(users[1], "say", text="x")
    other.title = "别人的任务"
    other.save()
    html = client_of(users[0]).get(reverse("jobs:list")).content.decode()
    assert "测试任务" in html and "别人的任务" not in html


@pytest.mark.parametrize(
    ("next_url", "shown"),
    [("/hazards/?status=reported", True), ("https://evil.example/", False), ("//evil.example/", False)],
)
def test_the_back_link_stays_on_the_site(users, done_job, next_url, shown):
    url = reverse("jobs:detail", args=[done_job.pk])
    html = client_of(users[0]).get(url, {"next": next_url}).content.decode()
    assert (f'href="{next_url}"' in html) is shown
