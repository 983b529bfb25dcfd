"""The four-colour map: its data endpoint and summary within scope and filters, the page with and
without a tile source, and the grade card on the subject page."""

import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client

from anjian.core import audit
from anjian.core.context import system_actor
from anjian.registry.models import Subject
from anjian.risks.grading import describe, regrade_subjects
from anjian.risks.models import Installation
from anjian.testing import make_risk_register

JOB = system_actor("test")

pytestmark = pytest.mark.django_db

MAJOR_REASONS = [
    {"code": "recorded", "grade": "blue"},
    {"code": "major_hazard", "count": 1, "rule": "red", "grade": "red"},
]


@pytest.fixture
def mapped(world):
    """ent_a: assessed blue, dynamic red (an open major hazard) with a grade-2 major hazard
    installation; ent_b: yellow not yet dynamically graded; ent_c: ungraded. All have points."""
    s = world.subjects
    audit.update(
        Subject.objects.filter(pk=s["ent_a"].pk),
        lat=28.51,
        lon=121.36,
        risk_grade="blue",
        dynamic_grade="red",
        grade_reasons=MAJOR_REASONS,
    )
    audit.update(Subject.objects.filter(pk=s["ent_b"].pk), lat=28.47, lon=121.28, risk_grade="yellow")
    audit.update(Subject.objects.filter(pk=s["ent_c"].pk), lat=28.52, lon=121.37)
    world.major = Installation.objects.create(
        subject=s["ent_a"],
        name="液氯储罐区",
        is_major=True,
        grade=2,
        r_value=Decimal("63.50"),
        s_value=Decimal("3.2"),
    )
    Installation.objects.create(subject=s["ent_a"], name="甲醇小仓库", s_value=Decimal("0.1"))
    return world


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def get_data(world, persona, query=""):
    response = client_for(world.users[persona]).get("/risks/map/data/" + query)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return data


def subject_props(data):
    return {
        f["properties"]["id"]: f["properties"]
        for f in data["features"]
        if f["properties"]["kind"] == "subject"
    }


def installation_props(data):
    return [f["properties"] for f in data["features"] if f["properties"]["kind"] == "installation"]


def ids(world, *names):
    return {world.subjects[name].pk for name in names}


def test_town_sees_only_its_town(mapped):
    data = get_data(mapped, "town_b")
    assert set(subject_props(data)) == ids(mapped, "ent_b")
    assert installation_props(data) == []
    assert "泽国精工机械有限公司" not in json.dumps(data, ensure_ascii=False)


def test_enterprise_sees_only_its_own_with_its_major_installation(mapped):
    data = get_data(mapped, "enterprise")
    assert set(subject_props(data)) == ids(mapped, "ent_a")
    [major] = installation_props(data)
    assert (major["name"], major["grade"], major["grade_label"], major["r"]) == (
        "液氯储罐区",
        2,
        "二级",
        63.5,
    )
    assert major["subject_id"] == mapped.subjects["ent_a"].pk


def test_city_sees_all_and_only_major_installations(mapped):
    data = get_data(mapped, "city")
    assert set(subject_props(data)) == ids(mapped, "ent_a", "ent_b", "ent_c")
    assert [i["name"] for i in installation_props(data)] == ["液氯储罐区"]
    [feature] = [f for f in data["features"] if f["properties"]["kind"] == "installation"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [121.36, 28.51]}


def test_features_carry_the_dynamic_grade_else_the_assessed_one(mapped):
    data = get_data(mapped, "city")
    props = subject_props(data)
    ent_a, ent_b, ent_c = (props[mapped.subjects[n].pk] for n in ("ent_a", "ent_b", "ent_c"))
    assert (ent_a["grade"], ent_a["assessed"]) == ("red", "blue")
    assert [data["reasons"][i] for i in ent_a["reasons"]] == [describe(r) for r in MAJOR_REASONS]
    assert "重大隐患 1 项" in data["reasons"][ent_a["reasons"][1]]
    assert (ent_b["grade"], ent_b["reasons"]) == ("yellow", [])
    assert ent_c["grade"] == "none"
    assert data["sectors"][ent_a["sector"]] == "工贸"
    assert data["towns"][str(ent_a["town"])] == "泽国镇"


def test_features_follow_a_real_regrade(mapped):
    """An LS 4×4 assessment (orange) on ent_b, regraded by grading.py, shows on the map."""
    make_risk_register(mapped.subjects["ent_b"], "REG")
    regrade_subjects([mapped.subjects["ent_b"].pk], actor=JOB)
    props = subject_props(get_data(mapped, "town_b"))[mapped.subjects["ent_b"].pk]
    assert props["grade"] == "orange"
    data = get_data(mapped, "town_b")
    assert "REG-EVENT" in data["reasons"][props["reasons"][0]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?sector=fire", {"ent_b"}),
        ("?grade=red", {"ent_a"}),
        ("?grade=yellow", {"ent_b"}),
        ("?grade=none", {"ent_c"}),
        ("?grade=blue", set()),
        ("?sector=construction&grade=none", {"ent_c"}),
    ],
)
def test_filters(mapped, query, expected):
    assert set(subject_props(get_data(mapped, "city", query))) == ids(mapped, *expected)


def test_town_filter_and_installations_follow_the_filters(mapped):
    data = get_data(mapped, "city", f"?town={mapped.town_a.pk}")
    assert set(subject_props(data)) == ids(mapped, "ent_a", "ent_c")
    assert len(installation_props(data)) == 1
    data = get_data(mapped, "city", "?grade=none")
    assert installation_props(data) == []


@pytest.mark.parametrize(
    ("persona", "query", "words"),
    [
        ("town_b", "?town={town_a}", "不在您的管辖范围内"),
        ("city", "?grade=purple", "风险等级"),
        ("city", "?sector=nothing", "行业领域"),
        ("city", "?town=abc", "镇（街道）"),
    ],
)
def test_bad_filters_answer_400_with_a_message(mapped, persona, query, words):
    client = client_for(mapped.users[persona])
    query = query.format(town_a=mapped.town_a.pk)
    for url in ("/risks/map/data/", "/risks/map/summary/"):
        response = client.get(url + query)
        assert response.status_code == 400
        assert words in response.json()["error"]
    page = client.get("/risks/map/" + query)
    assert page.status_code == 400
    assert words in page.content.decode()


def test_subjects_without_coordinates_are_counted(mapped):
    audit.update(Subject.objects.filter(pk=mapped.subjects["ent_c"].pk), lat=None)
    data = get_data(mapped, "town_a")
    assert set(subject_props(data)) == ids(mapped, "ent_a")
    assert data["missing_coordinates"] == 1


def expected_counts(user):
    """Per (town name, grade) from the subjects themselves, not through the summary's query."""
    counts = Counter()
    for subject in Subject.objects.visible_to(user).select_related("town"):
        grade = subject.dynamic_grade or subject.risk_grade or "none"
        counts[(subject.town.name, grade)] += 1
    return counts


@pytest.mark.parametrize("persona", ["city", "town_a", "town_b", "enterprise"])
def test_summary_counts_equal_the_subjects_grades(mapped, persona):
    response = client_for(mapped.users[persona]).get("/risks/map/summary/")
    summary = response.json()
    keys = [g["key"] for g in summary["grades"]]
    assert keys == ["red", "orange", "yellow", "blue", "none"]
    got = Counter()
    for row in summary["towns"]:
        assert row["total"] == sum(row["counts"])
        for key, n in zip(keys, row["counts"], strict=True):
            if n:
                got[(row["name"], key)] = n
    assert got == expected_counts(mapped.users[persona])
    assert summary["total"] == Subject.objects.visible_to(mapped.users[persona]).count()


def test_summary_lists_the_users_towns(mapped):
    city = client_for(mapped.users["city"]).get("/risks/map/summary/").json()
    assert len(city["towns"]) == 17  # every town, zeros included
    town_b = client_for(mapped.users["town_b"]).get("/risks/map/summary/").json()
    assert [row["name"] for row in town_b["towns"]] == ["大溪镇"]
    filtered = client_for(mapped.users["city"]).get("/risks/map/summary/?sector=fire").json()
    assert filtered["total"] == 1


def page_config(response):
    match = re.search(
        r'<script id="risk-map-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_page_without_tiles(mapped, settings):
    settings.ANJIAN_MAP_TILES = ""
    response = client_for(mapped.users["town_a"]).get("/risks/map/")
    assert response.status_code == 200
    config = page_config(response)
    assert config["tiles"] == ""
    assert config["data_url"] == "/risks/map/data/"
    names = {t["name"] for t in config["territories"]}
    assert {"泽国镇", "大溪镇"} <= names
    html = response.content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "vendor/echarts/echarts.min.js" in html
    assert 'id="town-summary-table"' in html
    # town_a may filter by its own town only.
    assert re.findall(r'<option value="(\d+)"', html.split('id="id_town"')[1].split("</select>")[0]) == [
        str(mapped.town_a.pk)
    ]


def test_page_with_tiles_and_filters(mapped, settings):
    settings.ANJIAN_MAP_TILES = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.ANJIAN_MAP_ATTRIBUTION = "某市政务地图"
    response = client_for(mapped.users["city"]).get(f"/risks/map/?town={mapped.town_b.pk}&grade=yellow")
    config = page_config(response)
    assert config["tiles"] == "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    assert config["attribution"] == "某市政务地图"
    assert config["data_url"] == f"/risks/map/data/?town={mapped.town_b.pk}&grade=yellow"
    html = response.content.decode()
    assert f'<option value="{mapped.town_b.pk}" selected>' in html
    assert '<option value="yellow" selected>' in html


def test_map_needs_login(mapped):
    assert Client().get("/risks/map/data/").status_code == 302


def test_subject_page_shows_grade_card(mapped):
    response = client_for(mapped.users["enterprise"]).get(f"/subjects/{mapped.subjects['ent_a'].pk}/")
    html = response.content.decode()
    card = html.split('id="subject-grade"')[1].split('id="subject-hazards"')[0]
    assert "低风险（蓝）" in card.split('id="dynamic-grade"')[0]
    assert "#d9363e" in card.split('id="dynamic-grade"')[1] and "重大风险（红）" in card
    assert "存在未销号重大隐患 1 项" in card
    pk = mapped.subjects["ent_a"].pk
    assert f'href="/risks/subjects/{pk}/"' in card
    assert f'href="/risks/installations/?subject={pk}"' in card


def test_subject_page_before_dynamic_grading(mapped):
    response = client_for(mapped.users["town_b"]).get(f"/subjects/{mapped.subjects['ent_b'].pk}/")
    card = response.content.decode().split('id="subject-grade"')[1]
    assert "一般风险（黄）" in card.split('id="dynamic-grade"')[1] and "尚未动态评定" in card


def test_data_is_compressed_when_the_browser_accepts_it(mapped):
    response = client_for(mapped.users["city"]).get("/risks/map/data/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
