"""The hazard API: scoped lists and filters, detail with timeline and actions, the closed loop."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.hazards import services
from anjian.hazards.models import Hazard

from .conftest import bearer_client, in_days, png
from .test_subjects import VISIBLE


def report(client, world, subject="ent_a", **fields):
    body = {"subject_id": world.subjects[subject].pk, "title": "消防通道堵塞"} | fields
    response = client.post("/api/v1/hazards", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def act(client, hazard_id, action, **fields):
    return client.post(
        f"/api/v1/hazards/{hazard_id}/transitions",
        {"action": action, **fields},
        content_type="application/json",
    )


@pytest.fixture
def marked(world):
    """One hazard per subject, reported by the city office."""
    return {
        key: services.report_hazard(world.users["city"], subject.pk, f"MARK-{key}")
        for key, subject in world.subjects.items()
    }


def test_each_persona_lists_exactly_its_hazards(world, clients, marked):
    for persona, keys in VISIBLE.items():
        body = clients[persona].get("/api/v1/hazards").json()
        assert body["count"] == len(keys), persona
        assert {item["title"] for item in body["items"]} == {f"MARK-{k}" for k in keys}, persona


def test_out_of_scope_hazard_answers_404_for_reading_and_acting(world, clients, marked):
    hazard_a = marked["ent_a"].pk
    town_b = clients["town_b"]
    assert town_b.get(f"/api/v1/hazards/{hazard_a}").status_code == 404
    response = act(town_b, hazard_a, "assign", deadline=in_days(3), responsible_person="某人")
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.json()["detail"]
    assert Hazard.objects.get(pk=hazard_a).status == "reported"
    response = clients["enterprise"].get(f"/api/v1/hazards/{marked['ent_b'].pk}")
    assert response.status_code == 404


def test_item_shape_names_subject_territory_and_town(world, clients, marked):
    hazard = marked["ent_a"]
    ent_a = world.subjects["ent_a"]
    item = clients["town_a"].get("/api/v1/hazards", {"subject": ent_a.pk}).json()["items"][0]
    assert item["id"] == hazard.pk and item["code"] == hazard.code
    assert item["subject"] == {"id": ent_a.pk, "name": ent_a.name}
    assert item["territory"] == {
        "id": ent_a.territory_id,
        "name": ent_a.territory.name,
        "town": {"id": world.town_a.pk, "name": "泽国镇"},
    }
    assert item["sector"]["code"] == "industry_trade"
    assert item["status"] == "reported" and item["status_label"] == "已上报"
    assert item["level"] == "general" and item["is_overdue"] is False
    assert set(item) >= {
        "source",
        "found_at",
        "deadline",
        "supervision_level",
        "supervision_deadline",
        "responsible_person",
    }
    assert item["found_at"].endswith("+08:00")


def test_filters_narrow_the_list(world, clients, marked):
    city = clients["city"]
    services.transition(
        world.users["city"],
        marked["ent_b"].pk,
        "assign",
        deadline=timezone.localdate(),
        responsible_person="钱",
    )
    services.transition(
        world.users["city"],
        marked["ent_c"].pk,
        "supervise",
        comment="挂牌",
        supervision_level="city",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )

    def listed(**params):
        response = city.get("/api/v1/hazards", params)
        assert response.status_code == 200, response.content
        return {item["title"] for item in response.json()["items"]}

    today = timezone.localdate()
    assert listed(territory=world.town_b.pk) == {"MARK-ent_b"}
    assert listed(sector="construction") == {"MARK-ent_c"}
    assert listed(status="assigned") == {"MARK-ent_b"}
    assert listed(level="major") == set()
    assert listed(source="inspection") == {"MARK-ent_a", "MARK-ent_b", "MARK-ent_c"}
    assert listed(supervision="city") == {"MARK-ent_c"}
    assert listed(q="ent_a") == {"MARK-ent_a"}
    assert listed(q="大溪商贸") == {"MARK-ent_b"}
    assert listed(subject=world.subjects["ent_c"].pk) == {"MARK-ent_c"}
    assert listed(date_from=today.isoformat(), date_to=today.isoformat()) == {
        "MARK-ent_a",
        "MARK-ent_b",
        "MARK-ent_c",
    }
    assert listed(date_to=(today - datetime.timedelta(days=1)).isoformat()) == set()
    assert listed(overdue="true") == set()
    # Two days later the assigned hazard's deadline (today) has passed.
    later = bearer_client(world.users["city"], hours=24 * 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        body = later.get("/api/v1/hazards", {"overdue": "true"}).json()
        assert [item["title"] for item in body["items"]] == ["MARK-ent_b"]
        assert body["items"][0]["is_overdue"] is True
        assert later.get("/api/v1/hazards", {"overdue": "false"}).json()["count"] == 2


BAD_FILTERS = [
    ({"status": "lost"}, ["status", "lost"]),
    ({"level": "huge"}, ["level", "huge"]),
    ({"source": "rumour"}, ["source", "rumour"]),
    ({"supervision": "province"}, ["supervision", "province"]),
    ({"date_from": "2024-13-01"}, ["date_from", "不是有效日期"]),
    ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, ["date_from", "date_to"]),
    ({"subject": "one"}, ["subject", "应为数字"]),
    ({"territory": "0"}, ["territory", "不存在"]),
    ({"limit": "1000"}, ["limit", "不能大于 500"]),
]


def test_bad_filter_values_answer_422_naming_the_parameter(world, clients):
    # One world for all the cases: building it is the slow part.
    for params, words in BAD_FILTERS:
        response = clients["city"].get("/api/v1/hazards", params)
        assert response.status_code == 422, params
        detail = response.json()["detail"]
        assert all(word in detail for word in words), (params, detail)


def test_list_is_a_fixed_number_of_queries_and_the_count_joins_nothing(world, clients):
    for n in range(30):
        services.report_hazard(world.users["city"], world.subjects[f"ent_{'abc'[n % 3]}"].pk, f"H{n}")
    client = clients["city"]
    client.get("/api/v1/hazards")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/hazards", {"status": "reported", "limit": 25}).json()
    assert body["count"] == 30 and len(body["items"]) == 25
    # token, role assignments, their sectors, the count, the page's ids, its rows, the sector
    # names: nothing per item
    assert len(queries) <= 7, [q["sql"] for q in queries]
    count_sql = next(q["sql"] for q in queries if "COUNT(" in q["sql"])
    assert "JOIN" not in count_sql
    ids_sql = next(q["sql"] for q in queries if "LIMIT 25" in q["sql"])
    assert "JOIN" not in ids_sql  # the page is chosen from the hazard table's indexes alone
    rows_sql = next(q["sql"] for q in queries if '"hazards_hazard"."id" IN (' in q["sql"])
    assert '"description"' not in rows_sql  # long text columns are not read for the list


def test_detail_has_timeline_and_the_callers_actions(world, clients, marked):
    hazard = marked["ent_a"]
    detail = clients["inspector"].get(f"/api/v1/hazards/{hazard.pk}").json()
    assert [e["action"] for e in detail["events"]] == ["report"]
    assert detail["events"][0]["actor_name"] == "安委办张主任"
    assert detail["events"][0]["action_label"] == "上报隐患"
    assert [a["name"] for a in detail["actions"]] == ["assign"]
    # The enterprise may not assign, and sees no action on a reported hazard.
    assert clients["enterprise"].get(f"/api/v1/hazards/{hazard.pk}").json()["actions"] == []
    town_actions = {
        a["name"] for a in clients["town_a"].get(f"/api/v1/hazards/{hazard.pk}").json()["actions"]
    }
    assert town_actions == {"assign", "supervise"}


def test_whole_loop_through_the_api(world, clients):
    inspector, enterprise = clients["inspector"], clients["enterprise"]
    hazard = report(inspector, world, description="二楼东侧通道堆放纸箱", location="二楼")
    hid = hazard["id"]
    assert hazard["status"] == "reported" and hazard["code"].startswith("YH")
    assert hazard["source"] == "inspection"

    response = act(
        inspector, hid, "assign", deadline=in_days(7), responsible_person="赵敏", comment="限期整改"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned"
    assert response.json()["deadline"] == in_days(7) and response.json()["responsible_person"] == "赵敏"

    assert [a["name"] for a in enterprise.get(f"/api/v1/hazards/{hid}").json()["actions"]] == ["accept"]
    assert act(enterprise, hid, "accept").json()["status"] == "rectifying"
    # The rectification goes in as a multipart form with a photo.
    response = enterprise.post(
        f"/api/v1/hazards/{hid}/transitions", {"action": "submit", "comment": "已清理通道", "photos": [png()]}
    )
    assert response.status_code == 200, response.content
    submitted = response.json()
    assert submitted["status"] == "submitted"
    photo = submitted["events"][-1]["attachments"][0]
    assert photo["name"] == "fix.png" and photo["content_type"] == "image/png"

    assert act(inspector, hid, "verify", comment="复查合格").json()["status"] == "verified"
    closed = act(inspector, hid, "close").json()
    assert closed["status"] == "closed" and closed["closed_at"] and closed["actions"] == []
    assert [e["action"] for e in closed["events"]] == [
        "report",
        "assign",
        "accept",
        "submit",
        "verify",
        "close",
    ]
    assert [e["to_status"] for e in closed["events"]][-1] == "closed"


def test_report_as_multipart_with_photos(world, clients):
    response = clients["grid"].post(
        "/api/v1/hazards",
        {
            "subject_id": world.subjects["ent_a"].pk,
            "title": "配电箱未上锁",
            "deadline": "",
            "photos": [png("a.png"), png("b.png")],
        },
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["events"][0]["attachments"]) == 2


def test_bad_upload_answers_422_and_changes_nothing(world, clients, marked):
    hazard = marked["ent_a"]
    fake = SimpleUploadedFile("virus.jpg", b"MZ not an image at all", content_type="image/jpeg")
    response = clients["city"].post(
        f"/api/v1/hazards/{hazard.pk}/transitions",
        {"action": "assign", "deadline": in_days(3), "responsible_person": "钱", "photos": [fake]},
    )
    assert response.status_code == 422
    assert "virus.jpg" in response.json()["detail"] and "不是可识别的图片" in response.json()["detail"]
    assert Hazard.objects.get(pk=hazard.pk).status == "reported"
    assert hazard.events.count() == 1


def test_illegal_transition_answers_409(world, clients, marked):
    response = act(clients["inspector"], marked["ent_a"].pk, "close")
    assert response.status_code == 409
    assert response.json()["detail"] == "隐患当前状态为“已上报”，不能执行“销号”"


def test_missing_or_bad_data_answers_422(world, clients, marked):
    hid = marked["ent_a"].pk
    inspector = clients["inspector"]
    response = act(inspector, hid, "assign", responsible_person="赵敏")
    assert response.status_code == 422 and response.json()["detail"] == "交办整改须设定整改期限"
    response = act(inspector, hid, "assign", deadline="next week", responsible_person="赵敏")
    assert response.status_code == 422
    assert "deadline" in response.json()["detail"] and "不是有效日期" in response.json()["detail"]
    response = act(inspector, hid, "fly")
    assert response.status_code == 422 and "未知操作“fly”" in response.json()["detail"]
    response = act(inspector, hid, "assign", deadlin=in_days(3))
    assert response.status_code == 422 and "deadlin" in response.json()["detail"]
    response = inspector.post(
        f"/api/v1/hazards/{hid}/transitions", "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "不是有效的 JSON" in response.json()["detail"]
    response = inspector.post("/api/v1/hazards", {"title": "x"}, content_type="application/json")
    assert response.status_code == 422 and "subject_id" in response.json()["detail"]
    assert Hazard.objects.get(pk=hid).status == "reported"


def test_role_that_may_not_act_answers_403(world, clients, marked):
    response = act(
        clients["enterprise"], marked["ent_a"].pk, "assign", deadline=in_days(3), responsible_person="x"
    )
    assert response.status_code == 403 and "您的角色不能执行" in response.json()["detail"]


def test_major_hazard_verification_by_an_inspector_is_refused(world, clients):
    inspector, enterprise = clients["inspector"], clients["enterprise"]
    hid = report(inspector, world, level="major", title="液氨储罐泄漏报警失效")["id"]
    fields = {"deadline": in_days(30), "responsible_person": "赵敏", "rectification_plan": "更换报警器"}
    assert act(inspector, hid, "assign", funds="12000.50", **fields).status_code == 200
    act(enterprise, hid, "accept")
    assert act(enterprise, hid, "submit", comment="已更换").json()["status"] == "submitted"
    response = act(inspector, hid, "verify")
    assert response.status_code == 403
    assert response.json()["detail"] == "重大隐患须由监管单位执行“复查通过”"
    verified = act(clients["dept"], hid, "verify", comment="复查合格").json()
    assert verified["status"] == "verified" and verified["funds"] == "12000.50"


def test_report_against_an_out_of_scope_subject_answers_404(world, clients):
    body = {"subject_id": world.subjects["ent_b"].pk, "title": "x"}
    response = clients["town_a"].post("/api/v1/hazards", body, content_type="application/json")
    assert response.status_code == 404
    assert not Hazard.objects.exists()
