"""Token issue and use, expiry, wrong credentials, lockout, and the browser session with CSRF."""

import datetime

import time_machine
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from anjian.api.models import ApiToken, hash_token
from anjian.core.models import AuditEntry
from anjian.testing import PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def issue(client, username, password=PASSWORD):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def test_token_is_issued_and_opens_the_api(world, settings):
    settings.API_TOKEN_TTL_HOURS = 12
    client = Client()
    response = issue(client, "town_a")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    expires_at = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at - timezone.now() - datetime.timedelta(hours=12)) < datetime.timedelta(minutes=1)
    # Only the hash is stored.
    stored = ApiToken.objects.get(user=world.users["town_a"])
    assert stored.key_hash == hash_token(body["token"]) != body["token"]
    listing = client.get("/api/v1/hazards", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert listing.status_code == 200
    assert listing.json() == {"count": 0, "items": []}


def test_login_through_the_api_is_in_the_change_log(world):
    response = issue(Client(), "inspector")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="login").latest("id")
    assert entry.actor_name == "inspector" and entry.object_id == str(world.users["inspector"].pk)


def test_wrong_password_answers_401_in_chinese(world):
    response = issue(Client(), "town_a", "not-the-password")
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误"}
    assert not ApiToken.objects.exists()
    assert issue(Client(), "nobody-of-that-name").status_code == 401


def test_missing_credentials_answer_422_naming_the_field_and_bad_json_400(world):
    response = Client().post(TOKEN_URL, {"username": "town_a"}, content_type="application/json")
    assert response.status_code == 422
    assert "password" in response.json()["detail"] and "缺少必填项" in response.json()["detail"]
    response = Client().post(TOKEN_URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and "不是有效的 JSON" in response.json()["detail"]


def test_repeated_failures_lock_the_account_out_with_a_json_answer(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    answers = [issue(client, "town_a", "wrong").status_code for _ in range(3)]
    assert answers[:2] == [401, 401]
    locked = issue(client, "town_a")  # the right password, but locked out now
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]
    assert not ApiToken.objects.exists()


def test_expired_token_answers_401_naming_the_problem(world, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    token = issue(Client(), "town_a").json()["token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/subjects").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        response = client.get("/api/v1/subjects")
    assert response.status_code == 401
    assert "令牌已过期" in response.json()["detail"]


def test_unknown_or_missing_token_answers_401(world):
    response = Client(HTTP_AUTHORIZATION="Bearer made-up-token").get("/api/v1/hazards")
    assert response.status_code == 401 and "令牌无效" in response.json()["detail"]
    response = Client().get("/api/v1/hazards")
    assert response.status_code == 401 and "未登录" in response.json()["detail"]


def test_revoked_token_no_longer_works(world):
    token = issue(Client(), "grid").json()["token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get("/api/v1/hazards").status_code == 401


def test_inactive_user_token_is_refused(world):
    token = issue(Client(), "grid").json()["token"]
    world.users["grid"].is_active = False
    world.users["grid"].save()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/hazards")
    assert response.status_code == 401


def test_browser_session_reads_and_writes_with_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["inspector"])
    assert client.get("/api/v1/subjects").json()["count"] == 1
    body = {"subject_id": world.subjects["ent_a"].pk, "title": "灭火器过期"}
    refused = client.post("/api/v1/hazards", body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    csrf = _csrf_token(client)
    accepted = client.post("/api/v1/hazards", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201, accepted.content


def _csrf_token(client):
    """What a page with {% csrf_token %} gives the browser: the cookie, and the token to send."""
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    return token
