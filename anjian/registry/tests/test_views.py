"""The subject pages: list and filters, detail, create and edit within the user's scope."""

import pytest
from django.test import Client
from django.urls import reverse

from anjian.hazards import services
from anjian.org.models import Territory
from anjian.registry.models import Subject
from anjian.testing import make_uscc


@pytest.fixture
def client_for(world):
    def make(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return make


def form_data(subject, **changes):
    data = {
        "kind": subject.kind,
        "name": subject.name,
        "code": subject.code,
        "territory": subject.territory_id,
        "grid": subject.grid_id or "",
        "sector": subject.sector_id,
        "address": subject.address,
        "lat": "",
        "lon": "",
        "risk_grade": subject.risk_grade,
        "supervising_unit": subject.supervising_unit_id or "",
        "contact_name": "",
        "contact_phone": "",
    }
    data.update(changes)
    return data


def test_list_is_scoped_and_filtered(world, client_for):
    town_a = client_for("town_a").get(reverse("registry:list")).content.decode()
    assert "泽国精工机械有限公司" in town_a and "大溪商贸城" not in town_a
    city = client_for("city")
    response = city.get(reverse("registry:list"), {"sector": "fire"})
    assert [s.name for s in response.context["subjects"]] == ["大溪商贸城"]
    response = city.get(reverse("registry:list"), {"kind": "boat"})
    assert response.status_code == 400 and "boat" in response.content.decode()
    assert list(response.context["subjects"]) == []


def test_detail_lists_its_hazards_and_answers_404_out_of_scope(world, client_for):
    subject = world.subjects["ent_a"]
    services.report_hazard(world.users["city"], subject.pk, "车间配电箱未接地")
    response = client_for("grid").get(reverse("registry:detail", args=[subject.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "车间配电箱未接地" in body
    assert f"{reverse('hazards:new')}?subject={subject.pk}" in body
    assert client_for("town_b").get(reverse("registry:detail", args=[subject.pk])).status_code == 404
    assert client_for("town_b").get(reverse("registry:edit", args=[subject.pk])).status_code == 404


def test_town_creates_a_subject_in_its_territory(world, client_for):
    village = world.town_a.children.order_by("path").first()
    data = {
        "kind": "enterprise",
        "name": "泽国新办塑料厂",
        "code": make_uscc(77),
        "territory": village.pk,
        "sector": "industry_trade",
        "risk_grade": "yellow",
    }
    response = client_for("town_a").post(reverse("registry:create"), data)
    subject = Subject.objects.get(name="泽国新办塑料厂")
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:detail", args=[subject.pk]
    )
    assert subject.town == world.town_a


def test_territory_choices_are_narrowed_to_the_scope(world, client_for):
    form = client_for("town_a").get(reverse("registry:create")).context["form"]
    paths = {t.path for t in form.fields["territory"].queryset}
    assert paths and all(p.startswith(world.town_a.path) for p in paths)
    # Picking a territory outside the scope is an invalid choice.
    data = form_data(world.subjects["ent_a"], territory=world.town_b.pk, grid="")
    response = client_for("town_a").post(reverse("registry:edit", args=[world.subjects["ent_a"].pk]), data)
    assert response.status_code == 400
    assert Subject.objects.get(pk=world.subjects["ent_a"].pk).town == world.town_a


def test_edit_cannot_move_a_subject_out_of_scope(world, client_for):
    """The department sees its bureau's sectors only: the form does not offer another sector, and
    posting one anyway changes nothing."""
    subject = world.subjects["ent_a"]
    client = client_for("dept")
    form = client.get(reverse("registry:edit", args=[subject.pk])).context["form"]
    assert "fire" not in {s.pk for s in form.fields["sector"].queryset}
    response = client.post(reverse("registry:edit", args=[subject.pk]), form_data(subject, sector="fire"))
    assert response.status_code == 400
    subject.refresh_from_db()
    assert subject.sector_id == "industry_trade"


def test_save_that_leaves_the_scope_is_rolled_back(world, client_for):
    """A town user edits ent_a into a grid of the same town: allowed. Into a village whose subtree is
    theirs but then via a grid that is not: the form refuses the grid."""
    subject = world.subjects["ent_a"]
    other_grid = Territory.objects.filter(level="grid", path__startswith=world.town_b.path).first()
    data = form_data(subject, grid=other_grid.pk)
    response = client_for("town_a").post(reverse("registry:edit", args=[subject.pk]), data)
    assert response.status_code == 400
    subject.refresh_from_db()
    assert subject.grid == world.grid


def test_scope_recheck_rolls_back_a_sector_change(world, client_for, django_user_model):
    """A town-and-sector department (territory and sectors both limit it) moves a subject to a sector
    its form does offer only because another grant allows it: the combined scope no longer sees the
    result, so nothing is saved."""
    from anjian.org.models import Role, RoleAssignment, Unit

    user = django_user_model.objects.create_user("mixed", password="x-password-1")
    bureau = Unit.objects.get(name="市应急管理局")
    first = RoleAssignment.objects.create(
        user=user, role=Role.DEPARTMENT, unit=bureau, territory=world.town_a
    )
    first.sectors.set(["industry_trade"])
    second = RoleAssignment.objects.create(
        user=user, role=Role.DEPARTMENT, unit=bureau, territory=world.town_b
    )
    second.sectors.set(["fire"])
    client = Client()
    client.force_login(user)
    subject = world.subjects["ent_a"]
    # "fire" is offered (the second grant has it), but in 泽国镇 this user sees industry_trade only.
    data = form_data(subject, sector="fire", name="改名也不应保存")
    response = client.post(reverse("registry:edit", args=[subject.pk]), data)
    assert response.status_code == 403
    assert "不在您的管辖范围内" in response.content.decode()
    subject.refresh_from_db()
    assert subject.sector_id == "industry_trade" and subject.name == "泽国精工机械有限公司"


def test_bad_uscc_is_refused_by_the_model_check(world, client_for):
    subject = world.subjects["ent_a"]
    bad = subject.code[:-1] + ("0" if subject.code[-1] != "0" else "1")
    response = client_for("town_a").post(
        reverse("registry:edit", args=[subject.pk]), form_data(subject, code=bad)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    subject.refresh_from_db()
    assert subject.code != bad
