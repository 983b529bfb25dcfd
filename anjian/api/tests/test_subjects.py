"""GET /api/v1/subjects and /subjects/{id}: scope per persona, filters, paging, item shape."""

from anjian.core import audit
from anjian.registry.models import Subject
from anjian.testing import make_subject

# Which subjects each persona may see (anjian.testing).
VISIBLE = {
    "city": {"ent_a", "ent_b", "ent_c"},
    "sector": {"ent_a"},
    "dept": {"ent_a"},
    "town_a": {"ent_a", "ent_c"},
    "town_b": {"ent_b"},
    "grid": {"ent_a"},
    "inspector": {"ent_a"},
    "enterprise": {"ent_a"},
}


def names(world, keys):
    return {world.subjects[k].name for k in keys}


def test_each_persona_lists_exactly_its_subjects(world, clients):
    for persona, keys in VISIBLE.items():
        body = clients[persona].get("/api/v1/subjects").json()
        assert body["count"] == len(keys), persona
        assert {item["name"] for item in body["items"]} == names(world, keys), persona


def test_item_names_its_territory_and_town(world, clients):
    ent_a = world.subjects["ent_a"]
    item = clients["city"].get("/api/v1/subjects", {"q": ent_a.name}).json()["items"][0]
    assert item == {
        "id": ent_a.pk,
        "kind": "enterprise",
        "kind_label": "企业",
        "name": "泽国精工机械有限公司",
        "code": ent_a.code,
        "address": "",
        "lat": None,
        "lon": None,
        "risk_grade": "",
        "territory": {
            "id": ent_a.territory_id,
            "name": ent_a.territory.name,
            "town": {"id": world.town_a.pk, "name": "泽国镇"},
        },
        "sector": {"code": "industry_trade", "name": ent_a.sector.name},
    }


def test_subject_at_city_level_has_no_town(world, clients):
    make_subject("市级管线", world.city, "fire", kind=Subject.Kind.PIPELINE)
    item = clients["city"].get("/api/v1/subjects", {"q": "市级管线"}).json()["items"][0]
    assert item["territory"] == {"id": world.city.pk, "name": world.city.name, "town": None}


def test_filters_narrow_the_list(world, clients):
    city = clients["city"]

    def listed(**params):
        return {item["name"] for item in city.get("/api/v1/subjects", params).json()["items"]}

    assert listed(territory=world.town_b.pk) == names(world, {"ent_b"})
    assert listed(sector="construction") == names(world, {"ent_c"})
    assert listed(q="大溪") == names(world, {"ent_b"})
    assert listed(kind="vessel") == set()
    audit.update(Subject.objects.filter(pk=world.subjects["ent_c"].pk), risk_grade="red")
    assert listed(risk_grade="red") == names(world, {"ent_c"})


BAD_FILTERS = [
    ({"territory": "abc"}, ["territory", "应为数字"]),
    ({"territory": "999999"}, ["territory", "不存在"]),
    ({"sector": "no-such-sector"}, ["sector", "无效"]),
    ({"kind": "rocket"}, ["kind", "rocket"]),
    ({"risk_grade": "purple"}, ["risk_grade", "purple"]),
    ({"limit": "501"}, ["limit", "不能大于 500"]),
    ({"limit": "0"}, ["limit", "不能小于 1"]),
    ({"offset": "x"}, ["offset", "应为整数"]),
]


def test_bad_filter_values_answer_422_naming_the_parameter(world, clients):
    # One world for all the cases: building it is the slow part.
    for params, words in BAD_FILTERS:
        response = clients["city"].get("/api/v1/subjects", params)
        assert response.status_code == 422, params
        detail = response.json()["detail"]
        assert all(word in detail for word in words), (params, detail)


def test_territory_outside_the_scope_is_no_filter_value(world, clients):
    response = clients["town_b"].get("/api/v1/subjects", {"territory": world.town_a.pk})
    assert response.status_code == 422


def test_paging(world, clients):
    city = clients["city"]
    first = city.get("/api/v1/subjects", {"limit": 2}).json()
    rest = city.get("/api/v1/subjects", {"limit": 2, "offset": 2}).json()
    assert first["count"] == rest["count"] == 3
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert {i["id"] for i in first["items"]} | {i["id"] for i in rest["items"]} == {
        s.pk for s in world.subjects.values()
    }


def test_detail_in_scope_and_404_outside(world, clients):
    ent_a, ent_b = world.subjects["ent_a"], world.subjects["ent_b"]
    detail = clients["enterprise"].get(f"/api/v1/subjects/{ent_a.pk}").json()
    assert detail["name"] == ent_a.name
    assert detail["territory"]["town"]["name"] == "泽国镇"
    assert detail["grid"] == {"id": world.grid.pk, "name": world.grid.name}
    assert detail["supervising_unit"]["name"] == "市应急管理局"
    response = clients["enterprise"].get(f"/api/v1/subjects/{ent_b.pk}")
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.json()["detail"]
    assert clients["town_a"].get("/api/v1/subjects/999999").status_code == 404


def test_list_does_not_query_per_item(world, clients, django_assert_max_num_queries):
    for n in range(20):
        make_subject(f"泽国企业{n}", world.town_a, "fire", n=100 + n)
    client = clients["city"]
    client.get("/api/v1/subjects")  # warm the per-process caches (content types, etc.)
    # token, roles (+ sectors), count, page
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/subjects").json()
    assert body["count"] == 23
