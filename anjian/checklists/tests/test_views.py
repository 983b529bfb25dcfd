import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from anjian.checklists import io as checklist_io
from anjian.checklists import services
from anjian.checklists.library import load_library
from anjian.checklists.models import Checklist, ChecklistItem, ChecklistVersion


@pytest.fixture
def library(world):
    load_library()
    return Checklist.objects.get(code="hazardous-chemicals")


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("persona", ["city", "enterprise", "grid"])
def test_reading_pages_render_for_every_user(world, library, persona):
    client = client_for(world, persona)
    version = library.current_version()
    page = client.get(reverse("checklists:list")).content.decode()
    assert "危险化学品生产经营单位安全检查表" in page and "行业领域" in page
    assert "23 个条目，其中重大隐患条目 20 个" in page
    detail = client.get(reverse("checklists:detail", args=[library.pk])).content.decode()
    assert "HC-20" in detail and "第一条第（二十）项" in detail and "版本记录" in detail
    assert (client.get(reverse("checklists:version", args=[library.pk, 1])).status_code) == 200
    assert client.get(reverse("checklists:version", args=[library.pk, 9])).status_code == 404
    standards = client.get(reverse("checklists:standards")).content.decode()
    assert "应急管理部令第10号" in standards and "安监总管三〔2017〕121号" in standards
    xlsx = client.get(reverse("checklists:export_xlsx", args=[version.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    yaml_text = client.get(reverse("checklists:export_yaml", args=[version.pk])).content.decode()
    assert "HC-01" in yaml_text
    assert ("修订" in detail) == (persona == "city")


def test_enterprise_gets_403_on_every_editing_page(world, library):
    city = world.users["city"]
    draft = services.start_revision(city, library)
    item = draft.items.first()
    client = client_for(world, "enterprise")
    before = (ChecklistVersion.objects.count(), ChecklistItem.objects.count())
    posts = [
        reverse("checklists:revise", args=[library.pk]),
        reverse("checklists:item_add", args=[draft.pk]),
        reverse("checklists:publish", args=[draft.pk]),
        reverse("checklists:discard", args=[draft.pk]),
        reverse("checklists:item_edit", args=[item.pk]),
        reverse("checklists:item_delete", args=[item.pk]),
        reverse("checklists:item_move", args=[item.pk]),
        reverse("checklists:import"),
    ]
    for url in posts:
        assert client.post(url, {"key": "Z", "text": "z", "direction": "up"}).status_code == 403, url
    for url in (reverse("checklists:draft", args=[draft.pk]), reverse("checklists:import")):
        assert client.get(url).status_code == 403
    assert (ChecklistVersion.objects.count(), ChecklistItem.objects.count()) == before


def test_editor_revises_edits_and_publishes(world, library):
    client = client_for(world, "dept")
    response = client.post(reverse("checklists:revise", args=[library.pk]))
    draft = library.versions.get(status="draft")
    assert response.url == reverse("checklists:draft", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "添加条目" in page and "HC-01" in page
    add = client.post(reverse("checklists:item_add", args=[draft.pk]), {"key": "HC-24", "text": "新条目"})
    assert add.status_code == 302 and draft.items.filter(key="HC-24").exists()
    duplicate = client.post(reverse("checklists:item_add", args=[draft.pk]), {"key": "HC-24", "text": "再来"})
    assert duplicate.status_code == 422 and "已存在" in duplicate.content.decode()
    item = draft.items.get(key="HC-24")
    edit = client.post(reverse("checklists:item_edit", args=[item.pk]), {"key": "HC-24", "text": "改过"})
    assert edit.status_code == 302
    client.post(reverse("checklists:item_move", args=[item.pk]), {"direction": "up"})
    assert list(draft.items.values_list("key", flat=True))[-2:] == ["HC-24", "HC-23"]
    client.post(reverse("checklists:publish", args=[draft.pk]), {"note": "增加一条"})
    current = library.current_version()
    assert (current.number, current.note, current.items.get(key="HC-24").text) == (2, "增加一条", "改过")
    # The published version is frozen: editing its item changes nothing.
    frozen = current.items.get(key="HC-24")
    client.post(reverse("checklists:item_edit", args=[frozen.pk]), {"key": "HC-24", "text": "再改"})
    frozen.refresh_from_db()
    assert frozen.text == "改过"


def test_import_page(world, library):
    client = client_for(world, "city")
    assert client.get(reverse("checklists:import")).status_code == 200
    assert client.get(reverse("checklists:template")).content[:2] == b"PK"
    bad = SimpleUploadedFile("bad.yaml", b"items:\n  - {key: A, text: ''}\n")
    before = Checklist.objects.count()
    response = client.post(reverse("checklists:import"), {"file": bad, "code": "x", "name": "x"})
    assert response.status_code == 422 and "第1个条目：检查内容不能为空" in response.content.decode()
    assert Checklist.objects.count() == before
    good = SimpleUploadedFile("hc.xlsx", checklist_io.export_xlsx(library.current_version()))
    response = client.post(reverse("checklists:import"), {"file": good, "code": "hc-2", "name": "复制"})
    version = Checklist.objects.get(code="hc-2").versions.get()
    assert response.url == reverse("checklists:draft", args=[version.pk]) and version.items.count() == 23


def test_anonymous_is_sent_to_login(db):
    response = Client().get(reverse("checklists:list"))
    assert response.status_code == 302 and "login" in response.url
