"""The inspection pages: list tabs, detail, the autosaving item cards, GPS, signatures, finishing,
and the scoped photos."""

import re

import pytest
from django.urls import reverse

from anjian.core import audit
from anjian.hazards.models import Hazard
from anjian.inspections import services_conduct as services
from anjian.inspections.models import Inspection, ItemResult
from anjian.testing import make_checklist

from .conduct_helpers import answer_all, make_inspection, photo, sign_all, signature_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(world):
    return make_inspection(world, make_checklist("views", items=3, major_items=(2,)))


def client_for(client, world, name):
    client.force_login(world.users[name])
    return client


def item_url(inspection, key):
    return reverse("inspections:item_save", args=[inspection.pk, inspection.items().get(key=key).pk])


def test_autosave_round_trip_and_reload_shows_the_answer(client, world, inspection):
    client = client_for(client, world, "inspector")
    response = client.post(item_url(inspection, "T-1"), {"outcome": "fail", "note": "消防通道堵塞"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="fail" id="o-' in html and re.search(
        r'value="fail" id="o-\d+-fail" autocomplete="off" checked', html
    )
    assert "消防通道堵塞" in html
    assert 'id="progress" class="conduct-progress bg-body-tertiary py-2" hx-swap-oob="true"' in html
    assert "<b data-answered>1</b>" in html
    page = client.get(reverse("inspections:conduct", args=[inspection.pk])).content.decode()
    card = page[page.index('data-item="T-1"') : page.index('data-item="T-2"')]
    assert re.search(r'value="fail" id="o-\d+-fail" autocomplete="off" checked', card)
    assert "消防通道堵塞" in card
    assert ItemResult.objects.get().outcome == "fail"


def test_autosave_refusal_answers_the_card_with_the_reason(client, world, inspection):
    client = client_for(client, world, "inspector")
    response = client.post(item_url(inspection, "T-1"), {"outcome": "bogus", "note": "x"})
    assert response.status_code == 422
    assert "无效" in response.content.decode()
    assert not ItemResult.objects.exists()


def test_autosave_takes_photos_and_serves_them_scoped(client, world, inspection):
    inspector = client_for(client, world, "inspector")
    inspector.post(item_url(inspection, "T-1"), {"outcome": "fail", "photos": [photo()]})
    attachment = ItemResult.objects.get().photos.get()
    url = reverse("inspections:photo", args=[attachment.pk])
    assert inspector.get(url).status_code == 200
    client.logout()
    assert client_for(client, world, "town_b").get(url).status_code == 404


def test_conduct_page_lists_every_item_with_basis_and_major_badge(client, world, inspection):
    page = client_for(client, world, "inspector").get(reverse("inspections:conduct", args=[inspection.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="card mb-2 item-card') == 3
    assert html.count("data-major") == 1
    assert "安全生产法" in html and 'capture="environment"' in html
    assert "signature_pad.umd.min.js" in html and 'id="signature-contact"' in html


def test_location_and_signature_endpoints(client, world, inspection):
    client = client_for(client, world, "inspector")
    response = client.post(
        reverse("inspections:location", args=[inspection.pk]),
        {"lat": "28.37", "lon": "121.36", "accuracy": "8"},
    )
    assert response.status_code == 200 and "28.370000, 121.360000 ± 8" in response.content.decode()
    bad = client.post(reverse("inspections:location", args=[inspection.pk]), {"lat": "128", "lon": "1"})
    assert bad.status_code == 422 and "纬度" in bad.content.decode()
    sign_url = reverse("inspections:sign", args=[inspection.pk])
    signed = client.post(sign_url, {"who": "contact", "data_url": signature_url()})
    inspection.refresh_from_db()
    assert signed.status_code == 200
    assert reverse("inspections:photo", args=[inspection.contact_signature_id]) in signed.content.decode()
    blank = client.post(sign_url, {"who": "inspector", "data_url": signature_url(ink=False)})
    assert blank.status_code == 422 and "签名为空" in blank.content.decode()


def test_finish_through_the_form(client, world, inspection):
    client = client_for(client, world, "inspector")
    url = reverse("inspections:finish", args=[inspection.pk])
    refused = client.post(url, {"contact_name": "赵敏"})
    assert refused.status_code == 422 and "还有 3 个" in refused.content.decode()
    answer_all(services, world.users["inspector"], inspection, fail=("T-2",))
    sign_all(services, world.users["inspector"], inspection)
    response = client.post(url, {"contact_name": "赵敏", "summary": "责令整改"})
    assert response.status_code == 302 and response.url == reverse("inspections:detail", args=[inspection.pk])
    hazard = Hazard.objects.get()
    detail = client.get(response.url).content.decode()
    assert reverse("hazards:detail", args=[hazard.pk]) in detail and hazard.code in detail
    # …and the hazard's page points back at the inspection and the item that failed.
    origin = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert reverse("inspections:detail", args=[inspection.pk]) in origin and "T-2" in origin
    # Done: the conduct page only shows the result, and nothing more can be changed.
    assert client.get(reverse("inspections:conduct", args=[inspection.pk])).status_code == 302
    assert client.post(item_url(inspection, "T-1"), {"outcome": "fail"}).status_code == 409


def test_list_tabs(client, world, inspection):
    other = make_inspection(world, inspection.checklist_version, inspectors=("dept",))
    audit.update(Inspection.objects.filter(pk=other.pk), status=Inspection.Status.DONE)
    client = client_for(client, world, "inspector")
    todo = client.get(reverse("inspections:list")).content.decode()
    assert inspection.code in todo and other.code not in todo
    done = client.get(reverse("inspections:list"), {"tab": "done"}).content.decode()
    assert other.code in done and inspection.code not in done
    everything = client.get(reverse("inspections:list"), {"tab": "all"}).content.decode()
    assert inspection.code in everything and other.code in everything


def test_enterprise_sees_only_what_it_may(client, world, inspection):
    client = client_for(client, world, "enterprise")
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404
    assert client.post(item_url(inspection, "T-1"), {"outcome": "pass"}).status_code == 404
    assert inspection.code not in client.get(reverse("inspections:list"), {"tab": "all"}).content.decode()
    audit.update(Inspection.objects.filter(pk=inspection.pk), status=Inspection.Status.DONE)
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 200
    assert client.get(reverse("inspections:conduct", args=[inspection.pk])).status_code == 403


def test_out_of_scope_is_404_everywhere(client, world, inspection):
    client = client_for(client, world, "town_b")
    for name in ("detail", "conduct", "record_docx", "record_pdf"):
        assert client.get(reverse(f"inspections:{name}", args=[inspection.pk])).status_code == 404, name
    for name in ("location", "sign", "finish"):
        assert client.post(reverse(f"inspections:{name}", args=[inspection.pk]), {}).status_code == 404, name
