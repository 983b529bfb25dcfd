"""POST /api/v1/major-hazards/evaluate: the GB 18218 evaluation over the API, saving nothing."""

import json

import pytest
from django.test import Client

from anjian.api.tests.conftest import bearer_client
from anjian.risks.models import Installation, InventoryLine

URL = "/api/v1/major-hazards/evaluate"


def post(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


@pytest.fixture
def client(world):
    return bearer_client(world.users["enterprise"])


def test_happy_path_mixture_above_one(client):
    # 甲醇 300/500 = 0.6 (β 1) + 汽油 100/200 = 0.5 (β 1.5) + 液氨 8/10 = 0.8 (β 2, Table 3):
    # S = 1.9; Σβq/Q = 0.6 + 0.75 + 1.6 = 2.95; 60 people → α 1.5; R = 4.425 → 四级.
    body = {
        "lines": [
            {"substance": "甲醇", "quantity_t": 300, "category": "W5.3"},
            {"substance": "汽油", "quantity_t": 100, "category": "W5.1"},
            {"substance": "7664-41-7", "quantity_t": 8},
        ],
        "exposed_people": 60,
    }
    response = post(client, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["S"] == 1.9 and data["is_major"] is True
    assert data["alpha"] == 1.5 and data["R"] == 4.425 and data["grade"] == 4
    ammonia = data["lines"][2]
    assert ammonia == {
        "substance": "7664-41-7",
        "name": "氨",
        "cas": "7664-41-7",
        "category": "",
        "quantity_t": 8.0,
        "Q": 10.0,
        "beta": 2.0,
        "term": 0.8,
        "weighted_term": 1.6,
        "basis": "Q：表1第1项；β：表3",
    }
    assert data["lines"][0]["basis"] == "Q：表1第65项；β：表4 W5.3"
    assert Installation.objects.count() == 0 and InventoryLine.objects.count() == 0


def test_not_major_has_null_r_and_grade(client):
    data = post(client, {"lines": [{"substance": "W5.3", "quantity_t": 100}], "exposed_people": 0}).json()
    # W5.3: Q 1000 → S = 0.1 < 1.
    assert data["S"] == 0.1 and data["is_major"] is False and data["R"] is None and data["grade"] is None


def test_grade_one_at_r_exactly_100(client):
    # 氯 62.5 t: S = 12.5; R = 2.0 × 4 × 12.5 = 100 → 一级.
    data = post(client, {"lines": [{"substance": "液氯", "quantity_t": 62.5}], "exposed_people": 100}).json()
    assert data["R"] == 100.0 and data["grade"] == 1


def test_session_login_works_too(world):
    client = Client(enforce_csrf_checks=False)
    client.force_login(world.users["town_b"])
    assert post(client, {"lines": [{"substance": "氯", "quantity_t": 1}]}).status_code == 200


def test_no_credentials_is_401(db):
    response = post(Client(), {"lines": [{"substance": "氯", "quantity_t": 1}]})
    assert response.status_code == 401 and "detail" in response.json()


@pytest.mark.parametrize(
    ("lines", "people", "expected"),
    [
        ([{"substance": "神秘液体", "quantity_t": 1}], 0, "表1中没有“神秘液体”"),
        ([{"substance": "液氨", "quantity_t": -5}], 0, "第1行：最大存量须大于0吨（填写的是 -5）"),
        ([{"substance": "液氨", "quantity_t": 5000000}], 0, "超出合理范围"),
        ([{"substance": "液氨", "quantity_t": "许多"}], 0, "第1行：最大存量“许多”不是数字"),
        ([{"substance": "67-56-2", "quantity_t": 1, "category": "W5.3"}], 0, "校验位应为 1"),
        ([{"substance": "甲醇", "quantity_t": 1, "category": "W9.9"}], 0, "危险性类别代码“W9.9”不存在"),
        ([{"substance": "液氨", "quantity_t": 1}], -1, "厂外暴露人员数不能为负数（填写的是 -1）"),
        ([], 0, "请至少填写一种危险化学品"),
        (
            [{"substance": "液氨", "quantity_t": 1}, {"substance": "氨", "quantity_t": 1}],
            0,
            "与第1行是同一物质",
        ),
    ],
)
def test_bad_input_is_422_with_the_message(client, lines, people, expected):
    response = post(client, {"lines": lines, "exposed_people": people})
    assert response.status_code == 422
    assert expected in response.json()["detail"]


def test_every_problem_in_one_answer(client):
    body = {"lines": [{"substance": "神秘液体", "quantity_t": 1}, {"substance": "液氨", "quantity_t": 0}]}
    detail = post(client, body).json()["detail"]
    assert "第1行" in detail and "第2行" in detail


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ("not json", 400, "不是有效的 JSON"),
        ("[1, 2]", 400, "应为 JSON 对象"),
        ({"exposed_people": 3}, 422, "“lines”应为数组"),
        ({"lines": ["液氨"]}, 422, "应为 JSON 对象"),
        ({"lines": [{"substance": "液氨", "qty": 1}]}, 422, "字段“qty”不是可接受的字段"),
        ({"lines": [], "people": 3}, 422, "字段“people”不是可接受的字段"),
    ],
)
def test_malformed_bodies(client, body, status, expected):
    response = post(client, body)
    assert response.status_code == status
    assert expected in response.json()["detail"]
