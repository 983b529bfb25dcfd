from django.conf import settings
from django.test import Client


def test_chinese_by_default_even_for_an_english_browser(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/login/")
    assert 'lang="zh-CN"' in response.content.decode()


def test_english_when_the_user_chooses_it(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get("/login/").content.decode()


def test_unknown_language_cookie_falls_back_to_chinese(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert 'lang="zh-CN"' in client.get("/login/").content.decode()
