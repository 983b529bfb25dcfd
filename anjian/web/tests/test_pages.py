"""The page shell: login, navigation by role, the dashboard page and the language switch."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from anjian.hazards import services
from anjian.testing import PASSWORD

PERSONAS = ["city", "sector", "dept", "town_a", "town_b", "grid", "inspector", "enterprise"]
PAGES = ["dashboard", "hazards:list", "hazards:new", "registry:list"]


def test_pages_require_login(db):
    for name in PAGES:
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese_and_logs_in(world):
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = client.post(reverse("login"), {"username": "grid", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    home = client.get(reverse("dashboard"))
    assert "网格员王芳" in home.content.decode()


def test_wrong_password_shows_an_error(world):
    response = Client().post(reverse("login"), {"username": "grid", "password": "wrong-password"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_renders_for_every_persona(world, client_for, persona):
    client = client_for(persona)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, (persona, name)


def test_logout_is_a_post(world, client_for):
    client = client_for("city")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def nav_links(response):
    return {item["url_name"] for item in response.context["nav_items"]}


def test_navigation_differs_by_role(world, client_for, django_user_model):
    city = client_for("city").get(reverse("dashboard"))
    assert nav_links(city) == {
        "dashboard",
        "hazards:list",
        "registry:list",
        "inspections:list",
        "inspections:plan_list",
        "checklists:list",
        "risks:list",
        "plans:list",
        "accidents:list",
        "ranking:index",
        "hazards:new",
    }
    enterprise = nav_links(client_for("enterprise").get(reverse("dashboard")))
    assert "inspections:self_log" in enterprise and "inspections:plan_list" not in enterprise
    assert "plans:list" not in enterprise
    assert "risks:list" in enterprise  # an enterprise keeps its own risk register
    assert "ranking:index" not in enterprise and "accidents:list" not in enterprise
    assert "市安委办" in city.content.decode()
    # A user without any role may look but not report: no 上报隐患 entry, and the form is refused.
    bare = django_user_model.objects.create_user("bare", password=PASSWORD)
    client = Client()
    client.force_login(bare)
    page = client.get(reverse("dashboard"))
    assert "hazards:new" not in nav_links(page)
    assert reverse("hazards:new") not in page.content.decode()
    assert client.get(reverse("hazards:new")).status_code == 403
    # The admin link is for staff only.
    assert reverse("admin:index") not in city.content.decode()
    bare.is_staff = True
    bare.save()
    assert reverse("admin:index") in client.get(reverse("dashboard")).content.decode()


def test_subject_editing_is_offered_only_to_registry_roles(world, client_for):
    assert "registry:create" not in client_for("enterprise").get(reverse("registry:list")).content.decode()
    town = client_for("town_a").get(reverse("registry:list")).content.decode()
    assert reverse("registry:create") in town
    grid = client_for("grid").get(reverse("registry:list")).content.decode()
    assert reverse("registry:create") not in grid
    assert client_for("grid").get(reverse("registry:create")).status_code == 403


def test_dashboard_shows_the_scope_figures_and_chart_data(world, client_for):
    services.report_hazard(world.users["city"], world.subjects["ent_b"].pk, "大溪消防通道堵塞")
    services.report_hazard(world.users["city"], world.subjects["ent_a"].pk, "泽国配电箱未接地")
    town_b = client_for("town_b").get(reverse("dashboard"))
    assert town_b.context["figures"]["open"] == 1
    body = town_b.content.decode()
    charts = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', body, re.S).group(1))
    assert charts["by_town"] == [{"name": "大溪镇", "open": 1, "overdue": 0}]
    assert client_for("city").get(reverse("dashboard")).context["figures"]["open"] == 2


def test_english_switch_changes_visible_strings(world, client_for):
    client = client_for("city")
    assert "隐患清单" in client.get(reverse("hazards:list")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("hazards:list")})
    assert response.status_code == 302
    page = client.get(reverse("hazards:list")).content.decode()
    assert "Hazard register" in page
    assert "Log out" in page and "隐患清单" not in page
    # Model choices are translated too.
    services.report_hazard(world.users["city"], world.subjects["ent_a"].pk, "灭火器过期")
    assert "Reported" in client.get(reverse("hazards:list")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "隐患清单" in client.get(reverse("hazards:list")).content.decode()


def test_english_menu_gives_way_on_desktop_widths(world, client_for):
    # Chinese lays the menu on one line from 1200 px without icons (and up to 1400 px without brand
    # text, role badges and button labels); English, with longer labels, from 1400 px and compact.
    # tests/browser/test_menu.py measures the result.
    client = client_for("city")
    page = client.get(reverse("dashboard"))
    assert (page.context["nav_compact"], page.context["nav_icon"]) == ("d-xl-none d-xxl-inline", "d-xl-none")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard"))
    assert (page.context["nav_compact"], page.context["nav_icon"]) == ("d-xxl-none", "d-xxl-none")
    assert 'class="badge text-bg-light ms-1 d-xxl-none"' in page.content.decode()
    assert "navbar-expand-xxl" in page.content.decode()
