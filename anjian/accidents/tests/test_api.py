"""POST /api/v1/accidents/grade: the grading over the API, saving nothing."""

import json

import pytest

from anjian.accidents.models import Accident
from anjian.api.tests.conftest import bearer_client

URL = "/api/v1/accidents/grade"


def post(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


@pytest.fixture
def client(world):
    return bearer_client(world.users["town_a"])


def test_grades_at_the_edge(client):
    response = post(client, {"deaths": 3, "serious_injuries": 0, "direct_loss_yuan": 0})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "level": "larger",
        "level_label": "较大事故",
        "reason": "死亡3人（3人以上10人以下），为较大事故",
    }
    data = post(client, {"deaths": 2, "serious_injuries": 9, "direct_loss_yuan": 9999999.99}).json()
    assert data["level"] == "general" and "9,999,999.99元" in data["reason"]
    data = post(client, {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": "100000000"}).json()
    assert data["level"] == "extraordinary"
    assert Accident.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"deaths": -1, "serious_injuries": 0, "direct_loss_yuan": 0}, "死亡人数不能为负数"),
        ({"deaths": 1.5, "serious_injuries": 0, "direct_loss_yuan": 0}, "死亡人数应为整数"),
        ({"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": "很多"}, "直接经济损失不是有效金额"),
        ({"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 1e13}, "应小于1万亿元"),
        ({"deaths": 20000, "serious_injuries": 0, "direct_loss_yuan": 0}, "超出合理范围"),
        ({"deaths": 1, "serious_injuries": 0}, "缺少字段“direct_loss_yuan”"),
        ({"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0, "x": 1}, "“x”不是可接受的字段"),
    ],
)
def test_bad_input_is_422_with_detail(client, body, words):
    response = post(client, body)
    assert response.status_code == 422, response.content
    assert words in response.json()["detail"]
    assert Accident.objects.count() == 0


def test_not_json_is_400_and_anonymous_is_401(client, world):
    response = post(client, "{not json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    from django.test import Client

    assert post(Client(), {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0}).status_code == 401
