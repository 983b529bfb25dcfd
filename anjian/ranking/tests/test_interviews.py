"""约谈 and the follow-up of commitments: the services' rules and messages, and the pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.core import audit
from anjian.ranking import services_interviews as si
from anjian.ranking.models import Commitment, Interview, RankingRun

from .made_runs import last_month, make_run, towns

TODAY = timezone.localdate


def _days(n):
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def run(world):
    # 大溪镇 (town_b) last, 泽国镇 (town_a) first.
    order = [world.town_a, *[t for t in towns() if t not in (world.town_a, world.town_b)], world.town_b]
    return make_run(last_month(), order=order)


def _record(world, run, **changes):
    args = {
        "run": run,
        "town": world.town_b,
        "held_on": _days(-10),
        "place": "市安委办会议室",
        "attendees": "市安委办张建国；大溪镇镇长、分管副镇长",
        "problems": "隐患整改率全市末位",
        "commitments": [("一周内完成重大隐患整改", _days(-3)), ("月底前完成全镇排查", _days(20))],
    } | changes
    return si.record_interview(world.users["city"], **args)


def test_record_interview_with_commitments(world, run):
    interview = _record(world, run)
    assert interview.town == world.town_b and interview.recorded_by == world.users["city"]
    texts = list(interview.commitments.values_list("text", flat=True))
    assert texts == ["一周内完成重大隐患整改", "月底前完成全镇排查"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"held_on": _days(1)}, "约谈日期不能晚于今天"),
        ({"held_on": None}, "请填写约谈日期"),
        ({"held_on": "2026-13-01"}, "不是有效日期"),
        ({"attendees": "  "}, "请填写参加人员"),
        ({"problems": ""}, "请填写约谈指出的问题"),
        ({"commitments": []}, "请至少填写一条整改承诺"),
        ({"commitments": [("", ""), ("  ", None)]}, "请至少填写一条整改承诺"),
        ({"commitments": [("整改", _days(3)), ("", _days(5))]}, "第2条承诺：请填写承诺内容"),
        ({"commitments": [("整改", None), ("x", "")]}, "请填写第1条承诺的完成时限"),
        ({"commitments": [("整改", _days(-30))]}, "第1条承诺：完成时限不能早于约谈日期"),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(world, run, changes, message):
    with pytest.raises(si.InterviewError) as caught:
        _record(world, run, **changes)
    assert message in caught.value.message and caught.value.status == 422
    assert not Interview.objects.exists() and not Commitment.objects.exists()


def test_only_the_office_records(world, run):
    for persona in ("dept", "town_a", "sector"):
        with pytest.raises(si.InterviewError) as caught:
            si.record_interview(
                world.users[persona], run, world.town_b, _days(-1), "", "甲", "乙", [("丙", _days(1))]
            )
        assert caught.value.status == 403 and "只有市安委办" in caught.value.message
    assert not Interview.objects.exists()


def test_run_must_be_published_and_town_in_it(world, run):
    draft = make_run(last_month(), status=RankingRun.Status.DRAFT, version=2)
    with pytest.raises(si.InterviewError) as caught:
        _record(world, draft)
    assert "只能根据已发布的晾晒结果约谈" in caught.value.message
    draft.scores.filter(town=world.town_b).delete()
    audit.update(RankingRun.objects.filter(pk=draft.pk), status=RankingRun.Status.PUBLISHED)
    with pytest.raises(si.InterviewError) as caught:
        _record(world, draft)
    assert "所选镇（街道）不在" in caught.value.message
    assert not Interview.objects.exists()


def test_overdue_flag(world, run):
    interview = _record(world, run)
    late, future = interview.commitments.order_by("due_on")
    assert si.is_overdue(late) and not si.is_overdue(future)
    assert si.commitment_status(future) == "open"
    counted = si.with_counts(Interview.objects.all()).get()
    assert (counted.n_commitments, counted.n_done, counted.n_overdue) == (2, 0, 1)
    si.update_commitment(world.users["town_b"], late, _days(-1), "已整改并复查")
    late.refresh_from_db()
    assert late.done_on == _days(-1) and si.commitment_status(late) == "done" and not si.is_overdue(late)
    assert late.checked_by == world.users["town_b"]


def test_town_reports_its_own_commitment_but_not_anothers(world, run, client):
    interview = _record(world, run)
    commitment = interview.commitments.first()
    with pytest.raises(si.InterviewError) as caught:
        si.update_commitment(world.users["town_a"], commitment, _days(-1), "已完成")
    assert caught.value.status == 404
    # the department sees it but may not report it; 泽国镇's grid user sees its own town's, may not report
    with pytest.raises(si.InterviewError) as caught:
        si.update_commitment(world.users["dept"], commitment, _days(-1), "已完成")
    assert caught.value.status == 403
    own = _record(world, run, town=world.town_a).commitments.first()
    with pytest.raises(si.InterviewError) as caught:
        si.update_commitment(world.users["grid"], own, _days(-1), "已完成")
    assert caught.value.status == 403
    client.force_login(world.users["town_a"])
    url = reverse("ranking:commitment_done", args=[commitment.pk])
    assert client.post(url, {"done_on": _days(-1).isoformat(), "evidence": "已完成"}).status_code == 404
    assert client.get(reverse("ranking:interview", args=[interview.pk])).status_code == 404
    client.force_login(world.users["town_b"])
    answer = client.post(url, {"done_on": _days(-1).isoformat(), "evidence": "已完成整改，附复查记录"})
    assert answer.status_code == 302
    commitment.refresh_from_db()
    assert commitment.done_on == _days(-1) and commitment.evidence == "已完成整改，附复查记录"


def test_completion_messages(world, run, client):
    commitment = _record(world, run).commitments.first()
    user = world.users["town_b"]
    for done_on, evidence, message in [
        (_days(1), "做了", "完成日期不能晚于今天"),
        (_days(-20), "做了", "完成日期不能早于约谈日期"),
        (_days(-1), " ", "请填写完成情况"),
        ("", "做了", "请填写完成日期"),
    ]:
        with pytest.raises(si.InterviewError) as caught:
            si.update_commitment(user, commitment, done_on, evidence)
        assert message in caught.value.message
    client.force_login(user)
    answer = client.post(
        reverse("ranking:commitment_done", args=[commitment.pk]), {"done_on": "", "evidence": "x"}
    )
    assert answer.status_code == 422 and "请填写完成日期" in answer.content.decode()
    commitment.refresh_from_db()
    assert commitment.done_on is None and commitment.evidence == ""


def test_list_filters_and_town_scope(world, run, client):
    interview = _record(world, run)
    other = _record(world, run, town=world.town_a, commitments=[("落实", _days(5))])
    client.force_login(world.users["city"])
    page = client.get(reverse("ranking:interviews")).content.decode()
    assert f'data-interview="{interview.pk}"' in page and f'data-interview="{other.pk}"' in page
    page = client.get(reverse("ranking:interviews"), {"status": "overdue"}).content.decode()
    assert f'data-interview="{interview.pk}"' in page and f'data-interview="{other.pk}"' not in page
    audit.update(other.commitments.all(), done_on=_days(-1), evidence="完成")
    page = client.get(reverse("ranking:interviews"), {"status": "open"}).content.decode()
    assert f'data-interview="{interview.pk}"' in page and f'data-interview="{other.pk}"' not in page
    client.force_login(world.users["town_a"])
    page = client.get(reverse("ranking:interviews")).content.decode()
    assert f'data-interview="{other.pk}"' in page and f'data-interview="{interview.pk}"' not in page
    client.force_login(world.users["grid"])  # 泽国镇's grid: its town's interviews
    page = client.get(reverse("ranking:interviews")).content.decode()
    assert f'data-interview="{other.pk}"' in page and f'data-interview="{interview.pk}"' not in page
    client.force_login(world.users["enterprise"])
    assert client.get(reverse("ranking:interviews")).status_code == 403


def test_new_interview_page(world, run, client):
    client.force_login(world.users["town_b"])
    url = reverse("ranking:interview_new")
    assert client.get(url, {"run": run.pk}).status_code == 403
    client.force_login(world.users["city"])
    page = client.get(url, {"run": run.pk})
    assert page.status_code == 200
    assert f'<option value="{world.town_b.pk}" selected' in page.content.decode()  # the last is preselected
    data = {
        "run": run.pk,
        "town": world.town_b.pk,
        "held_on": _days(-2).isoformat(),
        "place": "市政府3号会议室",
        "attendees": "张建国、黄海燕",
        "problems": "事故起数上升",
        "commitment_text": ["立即开展专项整治", "", "建立周报制度"],
        "commitment_due": [_days(10).isoformat(), "", _days(30).isoformat()],
    }
    bad = client.post(url, data | {"attendees": ""})
    assert bad.status_code == 422 and "请填写参加人员" in bad.content.decode()
    assert "立即开展专项整治" in bad.content.decode()  # what was typed stays
    answer = client.post(url, data)
    interview = Interview.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "ranking:interview", args=[interview.pk]
    )
    assert interview.commitments.count() == 2
    page = client.get(answer["Location"]).content.decode()
    assert "立即开展专项整治" in page and "commitment-done-form" in page
