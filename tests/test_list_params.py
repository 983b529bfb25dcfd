"""Every list page and list endpoint, asked with arbitrary filter and paging parameters, answers below
500: a value it cannot use is a 4xx with a message, never a server error.

The lists are found in the URL conf: every route without a path parameter is in LISTS or SKIP, so a
new list is covered (or explicitly left out) the day it is added. Hypothesis draws the values:
arbitrary text, integers of any size, any date, and near misses of real values (ids of the seeded
objects, choice values, the ends of the calendar). The database is seeded once for the module, inside
one transaction rolled back at the end; each list gets a few examples, drawn the same way on every run
(derandomize) so that a failure reproduces.
"""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from leak_objects import ranking_objects  # tests/ is on the path (rootdir-relative, no package)

from anjian.api.models import ApiToken
from anjian.hazards import services as hazard_services
from anjian.testing import build_world, make_accident

LISTS = [
    "",
    "hazards/",
    "hazards/subjects/",
    "hazards/export.xlsx",
    "subjects/",
    "subjects/export.xlsx",
    "checklists/",
    "checklists/standards/",
    "inspections/",
    "inspections/plans/",
    "inspections/plans/subjects/",
    "inspections/plans/pool-size/",
    "inspections/self/",
    "inspections/head-checks/",
    "inspections/avoidances/",
    "public/draws/",
    "plans/",
    "risks/",
    "risks/installations/",
    "risks/map/",
    "risks/map/data/",
    "risks/map/summary/",
    "risks/manuals/",
    "accidents/",
    "accidents/stats/",
    "accidents/periods/",
    "ranking/",
    "ranking/trends/",
    "ranking/interviews/",
    "api/v1/hazards",
    "api/v1/subjects",
    "api/v1/notifications",
    "notifications/",
    "notifications/office/deliveries/",
    "notifications/office/unreachable/",
    "jobs/",
]
SKIP = {
    "login/": "the login form; its parameters are credentials (anjian/core tests)",
    "logout/": "POST only",
    "i18n/setlang/": "Django's language switch",
    "api/v1/": "the API's index: no parameters",
    "api/v1/openapi.json": "the schema: no parameters",
    "api/v1/docs": "the schema's page: no parameters",
    "api/v1/auth/token": "credentials, not a list",
    "api/v1/major-hazards/evaluate": "a calculation from a JSON body (anjian/api tests)",
    "api/v1/accidents/grade": "a calculation from a JSON body (anjian/api tests)",
    "hazards/new/": "a form",
    "subjects/new/": "a form",
    "subjects/import/": "an upload form (tests/test_bad_input.py)",
    "subjects/import/template.xlsx": "a fixed template",
    "checklists/import/": "an upload form (tests/test_bad_input.py)",
    "checklists/import/template.xlsx": "a fixed template",
    "inspections/plans/new/": "a form",
    "inspections/self/new/": "a form",
    "plans/import/": "an upload form (tests/test_bad_input.py)",
    "risks/installations/new/": "a form",
    "risks/policy/": "the office's policy form",
    "accidents/new/": "a form",
    "accidents/targets/": "POST only",
    "ranking/interviews/new/": "the office's form, its run chosen by id (tests/test_ranking_drafts.py)",
    "notifications/read-all/": "POST only",
    "notifications/bell/": "the bell's count: no parameters",
    "notifications/settings/": "a form (anjian/notifications/tests/test_inbox.py)",
    "notifications/office/channels/": "the office's channel list: no parameters",
    "notifications/office/rules/": "the office's rules form (anjian/notifications/tests/test_inbox.py)",
    "api/v1/notifications/read-all": "POST only",
    "workdays/": "the holiday table's current year: no parameters",
    "workdays/save/": "POST only",
    "workdays/delete/": "POST only",
}
# Every parameter name a list of the project reads (filters, paging, tabs), and a few it does not.
NAMES = [
    "page", "q", "territory", "sector", "status", "level", "open", "overdue", "source", "supervision",
    "date_from", "date_to", "subject", "kind", "risk_grade", "grade", "town", "unit", "year", "month",
    "period", "period_id", "run", "tab", "accident_type", "active", "missed", "not_inspected_months",
    "days", "major", "filter", "checklist", "limit", "offset", "sort", "id", "unread", "state", "channel",
]  # fmt: skip
NEAR_MISSES = [
    "", " ", "0", "-1", "1", "true", "false", "any", "none", "reported", "major", "red", "town", "city",
    "2025-13-01", "2025-02-30", "9999-12-31", "0001-01-01", "1900-01-01", "2100-12-31", "10000000",
    "10000001", "100000000000000000000", "-100000000000000000000", "1e3", "NaN", "inf", " 1 ", "１",
    "%", "_", "'", "\\", "<script>", "1,2", "[]", "{}",
]  # fmt: skip
PERSONAS = ("city", "town_a", "dept", "grid", "enterprise")
# The lists whose parameters are known draw mostly from those: with a few examples per list, a name
# drawn from all of NAMES would rarely be one the list reads.
HAZARD_PARAMS = [
    "territory", "sector", "status", "level", "open", "overdue", "source", "supervision", "date_from",
    "date_to", "q", "subject", "page",
]  # fmt: skip
SUBJECT_PARAMS = ["territory", "sector", "kind", "risk_grade", "q", "page"]
ACCIDENT_PARAMS = [
    "date_from",
    "date_to",
    "town",
    "sector",
    "level",
    "accident_type",
    "year",
    "period",
    "page",
]
API_PAGING = ["limit", "offset"]
ROUTE_PARAMS = {
    "hazards/": HAZARD_PARAMS,
    "hazards/export.xlsx": HAZARD_PARAMS,
    "api/v1/hazards": HAZARD_PARAMS + API_PAGING,
    "subjects/": SUBJECT_PARAMS,
    "subjects/export.xlsx": SUBJECT_PARAMS,
    "api/v1/subjects": SUBJECT_PARAMS + API_PAGING,
    "accidents/": ACCIDENT_PARAMS,
    "accidents/stats/": ACCIDENT_PARAMS,
    "notifications/": ["filter", "page"],
    "api/v1/notifications": ["unread"] + API_PAGING,
    "notifications/office/deliveries/": ["state", "channel", "q", "page"],
}


def routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_route_without_parameters_is_a_list_or_skipped():
    plain = {r for r in routes() if "<" not in r and not r.startswith("admin/")}
    assert plain - set(LISTS) - set(SKIP) == set()
    assert set(LISTS) | set(SKIP) <= plain  # no stale entries


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The world with a hazard per subject, an accident and a published ranking, and a logged-in
    client (and an API client) per persona; rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        for key, subject in world.subjects.items():
            hazard_services.report_hazard(world.users["city"], subject.pk, f"{key} 灭火器过期")
            make_accident(subject, key)
        ranking_objects(world)
        clients, api = {}, {}
        for name in PERSONAS:
            clients[name] = Client()
            clients[name].force_login(world.users[name])
            token = ApiToken.issue(world.users[name], timezone.now() + datetime.timedelta(hours=1))
            api[name] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        ids = sorted(
            {str(s.pk) for s in world.subjects.values()}
            | {str(world.town_a.pk), str(world.town_b.pk)}
            | {s.sector_id for s in world.subjects.values()}
        )
        yield {"clients": clients, "api": api, "ids": ids}
        transaction.set_rollback(True)


def values(ids):
    near_misses = st.sampled_from(NEAR_MISSES)
    # The first and last day of the calendar: date arithmetic (a day's end, a time zone) overflows.
    edge_dates = st.sampled_from([datetime.date.min, datetime.date.max])
    return st.one_of(
        near_misses,  # first and twice: the edges are where the server errors were
        st.text(st.characters(exclude_categories=("Cs",)), max_size=24),
        st.integers().map(str),
        st.dates().map(datetime.date.isoformat),
        edge_dates.map(datetime.date.isoformat),
        near_misses,
        st.sampled_from(ids),
    )


def queries(route, ids):
    names = st.sampled_from(NAMES)
    if route in ROUTE_PARAMS:
        names = st.one_of(st.sampled_from(ROUTE_PARAMS[route]), names)
    single = st.dictionaries(names, values(ids), min_size=1, max_size=3)
    repeated = st.dictionaries(names, st.lists(values(ids), min_size=2, max_size=3), min_size=1, max_size=2)
    return st.one_of(single, single, repeated)


# The mark makes pytest-django create the test database (it does so only for marked tests) and
# wraps each route's examples in a transaction inside the module's.
@pytest.mark.django_db
@pytest.mark.parametrize("route", LISTS)
def test_arbitrary_filter_and_paging_parameters_never_answer_a_server_error(seeded, route):
    @settings(
        # The lists with known parameters get more examples: they filter most.
        max_examples=25 if route in ROUTE_PARAMS else 5,
        deadline=None,
        derandomize=True,
        database=None,  # nothing written into the checkout
        # The autouse fixtures (hashers, MEDIA_ROOT) are function-scoped and hold for every example.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(persona=st.sampled_from(PERSONAS), query=queries(route, seeded["ids"]))
    def check(persona, query):
        client = seeded["api" if route.startswith("api/") else "clients"][persona]
        response = client.get(f"/{route}", query)
        if response.streaming:  # an export fails, if at all, while it is written
            b"".join(response.streaming_content)
        assert response.status_code < 500, (route, persona, query)

    check()


# The values that broke lists before (the ends of the calendar, offsets past any integer column), sent
# one parameter at a time to every parameter of the lists that filter: a sweep, not a sample, so a
# regression of a known kind cannot hide behind the draw.
EDGE_VALUES = ["9999-12-31", "0001-01-01", "100000000000000000000", "-1", "２０２５-01-01", ""]


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(ROUTE_PARAMS))
def test_every_known_parameter_at_the_edges_answers_below_500(seeded, route):
    client = seeded["api" if route.startswith("api/") else "clients"]["city"]
    failures = []
    for name in ROUTE_PARAMS[route]:
        for value in EDGE_VALUES:
            response = client.get(f"/{route}", {name: value})
            if response.streaming:
                b"".join(response.streaming_content)
            if response.status_code >= 500:
                failures.append((name, value, response.status_code))
    assert not failures, (route, failures)
