"""The grading policy: who may change it, bad input changes nothing, saving re-grades every subject
and leaves one change-log entry; the page for readers and for the committee office."""

import pytest
from django.urls import reverse

from anjian.core import audit
from anjian.core.audit import verify_chain
from anjian.core.context import system_actor
from anjian.core.models import AuditEntry
from anjian.registry.models import Subject
from anjian.risks.grading import regrade_subjects
from anjian.risks.methods import assess
from anjian.risks.models import RiskAssessment, RiskEvent, RiskPolicy, RiskUnit, default_bands
from anjian.risks.services_policy import PolicyError, update_policy

JOB = system_actor("test")

pytestmark = pytest.mark.django_db

URL = "/risks/policy/"


def add_event(subject, l_value, e_value, c_value):
    """One event assessed by LEC under the bands in force; the subject re-graded."""
    bands = RiskPolicy.current().bands
    unit = RiskUnit.objects.create(subject=subject, name="储罐区")
    event = RiskEvent.objects.create(unit=unit, name="储罐泄漏火灾", accident_type="fire")
    result = assess("lec", bands, l_value, c_value, e_value=e_value)
    RiskAssessment.objects.create(
        event=event,
        method="lec",
        l_value=l_value,
        e_value=e_value,
        c_value=c_value,
        score=result.score,
        grade=result.grade,
        bands=bands,
        explanation=result.explanation,
    )
    audit.update(RiskEvent.objects.filter(pk=event.pk), grade=result.grade)
    regrade_subjects([subject.pk], actor=JOB)
    return event


def lec_red_at(threshold):
    bands = default_bands()
    bands["lec"]["bands"][0][0] = threshold
    return bands


def form(**changes):
    data = {
        "lec_red": "320",
        "lec_orange": "160",
        "lec_yellow": "70",
        "lec_compare": "gt",
        "ls_red": "20",
        "ls_orange": "15",
        "ls_yellow": "9",
        "ls_compare": "ge",
        "open_major_hazard": "red",
        "overdue_hazard": "one",
        "accident": "one",
    }
    return data | changes


# --- the service ---------------------------------------------------------------------------------


def test_office_saves_and_every_subject_that_moved_is_logged(world):
    regrade_subjects(actor=JOB)
    add_event(world.subjects["ent_a"], 6, 6, 7)  # D = 252: orange
    add_event(world.subjects["ent_b"], 10, 6, 3)  # D = 180: orange
    logged = AuditEntry.objects.count()
    assert update_policy(world.users["city"], lec_red_at(250), "red", "one", "none") == 1
    assert Subject.objects.get(pk=world.subjects["ent_a"].pk).risk_grade == "red"
    assert Subject.objects.get(pk=world.subjects["ent_b"].pk).risk_grade == "orange"
    policy = RiskPolicy.current()
    assert policy.bands["lec"]["bands"][0] == [250, "red"] and policy.accident == "none"
    assert policy.updated_by == world.users["city"]
    bulk = AuditEntry.objects.filter(action="bulk").latest("id")
    assert bulk.model == "registry.subject" and bulk.actor_id == world.users["city"].pk
    assert bulk.after["subjects_regraded"] == 1 and bulk.before["bands"] == default_bands()
    # The policy row's own update, the event that moved band and the subject that changed grade are
    # each logged row by row, under the office's name; the `bulk` entry says why they moved.
    new = AuditEntry.objects.filter(id__gt=AuditEntry.objects.order_by("id")[logged - 1].id)
    assert sorted(new.values_list("action", "model")) == [
        ("bulk", "registry.subject"),
        ("update", "registry.subject"),
        ("update", "risks.riskevent"),
        ("update", "risks.riskpolicy"),
    ]
    subject_entry = new.get(action="update", model="registry.subject")
    assert subject_entry.object_id == str(world.subjects["ent_a"].pk)
    assert (subject_entry.before["risk_grade"], subject_entry.after["risk_grade"]) == ("orange", "red")
    assert set(new.values_list("actor_id", flat=True)) == {world.users["city"].pk}
    verify_chain()


@pytest.mark.parametrize("who", ["sector", "dept", "town_a", "grid", "inspector", "enterprise"])
def test_only_the_committee_office_may_change_the_policy(world, who):
    with pytest.raises(PolicyError, match="只有市安委办") as error:
        update_policy(world.users[who], lec_red_at(250), "red", "one", "one")
    assert error.value.status == 403
    assert RiskPolicy.current().bands == default_bands()


@pytest.mark.parametrize(
    ("bands", "rules", "message"),
    [
        (lec_red_at(100), ("red", "one", "one"), "LEC 的分界值应为正数且从红到黄依次减小"),
        (lec_red_at("abc"), ("red", "one", "one"), "LEC 的分界值应为数字"),
        (default_bands(), ("red", "two", "one"), "“存在逾期未整改隐患时”的调整规则“two”无效"),
        (
            default_bands(),
            ("", "one", "one"),
            "“存在未销号重大隐患时”的调整规则“”无效，应为：不调整、上调一级",
        ),
        (default_bands(), ("red", "one", None), "“近一年发生生产安全事故时”的调整规则"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(world, bands, rules, message):
    add_event(world.subjects["ent_a"], 6, 6, 7)
    logged = AuditEntry.objects.count()
    with pytest.raises(PolicyError, match=message) as error:
        update_policy(world.users["city"], bands, *rules)
    assert error.value.status == 422
    policy = RiskPolicy.current()
    assert policy.bands == default_bands() and policy.overdue_hazard == "one" and policy.updated_by is None
    assert AuditEntry.objects.count() == logged
    assert Subject.objects.get(pk=world.subjects["ent_a"].pk).risk_grade == "orange"


def test_thresholds_from_a_form_are_stored_as_numbers(world):
    bands = default_bands()
    bands["ls"] = {"compare": "gt", "bands": [["19.5", "red"], ["14", "orange"], ["8.0", "yellow"]]}
    update_policy(world.users["city"], bands, "red", "one", "one")
    assert RiskPolicy.current().bands["ls"] == {
        "compare": "gt",
        "bands": [[19.5, "red"], [14, "orange"], [8, "yellow"]],
    }


# --- the page ------------------------------------------------------------------------------------


def test_url_name():
    assert reverse("risks:policy") == URL


@pytest.mark.parametrize("who", ["sector", "dept", "town_a", "grid", "inspector"])
def test_government_reads_the_rules_without_a_form(client, world, who):
    client.force_login(world.users[who])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "D&gt;320 重大风险（红）；160&lt;D≤320 较大风险（橙）" in html
    assert "R≥20 重大风险（红）" in html
    assert "160&lt;D≤320" in html and "9≤R&lt;15" in html and "R&lt;9" in html
    assert "存在未销号重大隐患时" in html and "直接定为重大风险（红）" in html
    assert 'id="policy-form"' not in html
    assert client.post(URL, form(lec_red="250")).status_code == 403
    assert RiskPolicy.current().bands == default_bands()


def test_enterprise_is_refused(client, world):
    client.force_login(world.users["enterprise"])
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(lec_red="250")).status_code == 403


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_office_sees_the_form_filled_with_the_rules_in_force(client, world):
    client.force_login(world.users["city"])
    html = client.get(URL).content.decode()
    assert 'id="policy-form"' in html
    assert 'name="lec_red" id="id_lec_red" value="320"' in html
    assert 'name="ls_yellow" id="id_ls_yellow" value="9"' in html
    assert '<option value="ge" selected>大于等于</option>' in html
    assert '<option value="red" selected>直接定为重大风险（红）</option>' in html


def test_office_saves_through_the_page(client, world):
    regrade_subjects(actor=JOB)
    add_event(world.subjects["ent_a"], 6, 6, 7)  # D = 252
    client.force_login(world.users["city"])
    response = client.post(URL, form(lec_red="250", lec_compare="ge", overdue_hazard="red"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已保存，重新定级 1 个对象" in html
    assert "D≥250 重大风险（红）" in html
    policy = RiskPolicy.current()
    assert policy.bands["lec"] == {"compare": "ge", "bands": [[250, "red"], [160, "orange"], [70, "yellow"]]}
    assert policy.overdue_hazard == "red"
    assert Subject.objects.get(pk=world.subjects["ent_a"].pk).risk_grade == "red"


def test_bad_form_keeps_what_was_typed_and_saves_nothing(client, world):
    client.force_login(world.users["city"])
    response = client.post(URL, form(ls_orange="25", accident="none"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "LS 的分界值应为正数且从红到黄依次减小" in html
    assert 'name="ls_orange" id="id_ls_orange" value="25"' in html
    assert '<option value="none" selected>不调整</option>' in html
    assert RiskPolicy.current().bands == default_bands() and RiskPolicy.current().accident == "one"
    response = client.post(URL, form(lec_yellow=""))
    assert response.status_code == 422 and "LEC 的分界值应为数字" in response.content.decode()
    response = client.post(URL, form(lec_compare="lt"))
    assert response.status_code == 422 and "LEC 的比较方式应为" in response.content.decode()
