"""Walk every URL of the project with every demo role and fail on any leak.

Every route must appear in ROUTES (a new URL without an entry fails `test_every_route_is_covered`).
For each role and route the test requests the page or endpoint:
- routes that take an object id are asked for an object outside the role's scope and must answer 404
  (the object's existence does not leak) — and for an object inside it, must not answer 404/500;
- lists, dashboards and exports must not contain any marker of a subject or hazard the role may not see.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from docx import Document
from leak_objects import ranking_objects  # tests/ is on the path (rootdir-relative, no package)
from openpyxl import load_workbook
from PIL import Image

from anjian.api.models import ApiToken
from anjian.core.uploads import save_images
from anjian.hazards import services
from anjian.hazards.models import Hazard
from anjian.inspections.models import AvoidanceRule, Draw, Inspection, InspectionPlan, ItemResult
from anjian.notifications.models import Channel, Delivery, Notification
from anjian.org.models import Unit
from anjian.testing import make_accident, make_checklist, make_risk_register

# Which subjects each persona may see (anjian.testing). Markers of the others must never show.
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
ALL = {"ent_a", "ent_b", "ent_c"}

# kind: "list" (GET each query, check markers), "hazard" / "subject" (GET with an object id),
# "post-hazard" (POST a transition with an object id), "public", "skip: reason".
LIST_QUERIES = ("", "?q=MARK", "?status=reported")
PLAN_POST = "skip: POST only; the committee office edits a work plan, which holds no subject data"
LIBRARY_POST = "skip: POST only; edits the checklist library, which holds no subject data"
ROUTES = {
    "": "list",
    "login/": "public",
    "logout/": "skip: POST only; logging out shows no records",
    "hazards/": "list",
    "hazards/new/": "list",
    "hazards/subjects/": ("list", ("?q=泽国", "?q=大溪", "?q=MARK", "?q=")),
    "hazards/export.xlsx": "list",
    "hazards/<int:pk>/": "hazard",
    "hazards/<int:pk>/transition/": "post-hazard",
    "hazards/photos/<int:pk>/": "photo",
    "subjects/": "list",
    "subjects/new/": "list",
    "subjects/import/": "list",
    "subjects/import/template.xlsx": "list",
    "subjects/export.xlsx": "list",
    "subjects/<int:pk>/": "subject",
    "subjects/<int:pk>/edit/": "subject",
    # The checklist library is the same for every logged-in user and holds no subject data; its
    # pages are still walked for markers, and anonymous users are turned away.
    "checklists/": "list",
    "checklists/standards/": "list",
    "checklists/import/": "list",
    "checklists/import/template.xlsx": "list",
    "checklists/<int:pk>/": "list",
    "checklists/<int:pk>/v<int:number>/": "list",
    "checklists/<int:pk>/revise/": LIBRARY_POST,
    "checklists/versions/<int:pk>/edit/": "list",
    "checklists/versions/<int:pk>/export.xlsx": "list",
    "checklists/versions/<int:pk>/export.yaml": "list",
    "checklists/versions/<int:pk>/items/add/": LIBRARY_POST,
    "checklists/versions/<int:pk>/publish/": LIBRARY_POST,
    "checklists/versions/<int:pk>/discard/": LIBRARY_POST,
    "checklists/items/<int:pk>/edit/": LIBRARY_POST,
    "checklists/items/<int:pk>/delete/": LIBRARY_POST,
    "checklists/items/<int:pk>/move/": LIBRARY_POST,
    "inspections/": "list",
    "inspections/<int:pk>/": "inspection",
    "inspections/<int:pk>/conduct/": "inspection",
    "inspections/<int:pk>/record.docx": "inspection",
    "inspections/<int:pk>/record.pdf": "inspection",
    "inspections/<int:pk>/items/<int:item_id>/": "post-inspection",
    "inspections/<int:pk>/location/": "post-inspection",
    "inspections/<int:pk>/sign/": "post-inspection",
    "inspections/<int:pk>/finish/": "post-inspection",
    "inspections/photos/<int:pk>/": "inspection-photo",
    "inspections/plans/": "list",
    "inspections/plans/new/": "list",
    "inspections/plans/pool-size/": "list",
    "inspections/plans/subjects/": ("list", ("?q=泽国", "?q=大溪", "?q=MARK", "?q=")),
    "inspections/plans/<int:pk>/": "plan",
    "inspections/plans/<int:pk>/issue/": "post-plan",
    "inspections/plans/<int:pk>/draw/": "post-plan",
    "inspections/plans/<int:pk>/draw/perform/": "post-plan",
    "inspections/lessons/<int:hazard_pk>/": "hazard",
    "inspections/avoidances/": "list",
    "inspections/avoidances/<int:pk>/remove/": "post-avoidance",
    "inspections/self/": "list",
    "inspections/self/new/": "list",
    "inspections/head-checks/": ("list", ("", "?missed=1", "?q=MARK")),
    # 一公开: published on purpose, without login; tested in anjian/inspections/tests/test_public*.py.
    "public/draws/": "public",
    "public/draws/<int:pk>/": "public",
    "public/draws/<int:pk>/inputs.json": "public",
    "public/draws/<int:pk>/verify/": "public",
    # Work plans hold no subject data: their pages are walked for markers like any list; the edits
    # are the committee office's (tested in anjian/plans/tests).
    "plans/": "list",
    "plans/import/": "list",
    "plans/<int:pk>/": "list",
    "plans/<int:pk>/review/": "list",
    "plans/<int:pk>/overview/": "list",
    "plans/<int:pk>/drill/": "list",
    "plans/<int:pk>/report.docx": "list",
    "plans/<int:pk>/ledger.xlsx": "list",
    "plans/<int:pk>/tasks/": "list",
    "plans/<int:pk>/tasks/<int:task_pk>/report/": "list",
    "plans/<int:pk>/reminders/": "list",
    "plans/letters/<int:pk>.docx": "list",
    "plans/<int:pk>/periods/": PLAN_POST,
    "plans/<int:pk>/review/accept/": PLAN_POST,
    "plans/<int:pk>/review/units/<int:unit_pk>/set/": PLAN_POST,
    "plans/<int:pk>/review/units/<int:unit_pk>/remove/": PLAN_POST,
    "plans/<int:pk>/review/tasks/<int:task_pk>/units/add/": PLAN_POST,
    "plans/<int:pk>/review/tasks/<int:task_pk>/split/": PLAN_POST,
    "plans/<int:pk>/review/tasks/<int:task_pk>/merge/": PLAN_POST,
    "plans/<int:pk>/review/tasks/<int:task_pk>/targets/add/": PLAN_POST,
    "plans/<int:pk>/review/targets/<int:target_pk>/edit/": PLAN_POST,
    "plans/<int:pk>/review/targets/<int:target_pk>/delete/": PLAN_POST,
    # Risks: the register, 一点一策, installations, the map and the manuals.
    "risks/": ("list", ("", "?grade=orange", "?active=1", "?q=MARK")),
    "risks/subjects/<int:subject_id>/": "subject",
    "risks/subjects/<int:subject_id>/units/new/": "subject",
    "risks/units/<int:pk>/edit/": "risk-unit",
    "risks/units/<int:pk>/delete/": "post-risk-unit",
    "risks/units/<int:unit_id>/events/new/": "risk-unit",
    "risks/events/<int:pk>/": "risk-event",
    "risks/events/<int:pk>/edit/": "risk-event",
    "risks/events/<int:pk>/delete/": "post-risk-event",
    "risks/events/<int:pk>/assess/": "post-risk-event",
    "risks/events/<int:event_id>/measures/new/": "risk-event",
    "risks/measures/<int:pk>/edit/": "measure",
    "risks/measures/<int:pk>/delete/": "post-measure",
    "risks/installations/": ("list", ("", "?major=1", "?q=MARK")),
    "risks/installations/new/": ("list", ("", "?q=MARK", "?q=泽国", "?q=大溪")),
    "risks/installations/<int:pk>/": "installation",
    "risks/installations/<int:pk>/edit/": "installation",
    "risks/installations/<int:pk>/delete/": "post-installation",
    "risks/installations/<int:pk>/guarantors/": "post-installation",
    "risks/installations/<int:pk>/checks/": "post-installation",
    "risks/map/": ("list", ("", "?grade=orange")),
    "risks/map/data/": ("list", ("", "?grade=orange")),
    "risks/map/summary/": "list",
    "risks/manuals/": "list",
    "risks/manuals/<str:kind>/<int:pk>/": "manual-town",
    "risks/manuals/<str:kind>/<int:pk>/docx/": "manual-town",
    "risks/policy/": "list",
    # Accidents are records of a subject and a place: walked like hazards. Key periods and targets
    # are the office's calendar and hold no subject data.
    "accidents/": ("list", ("", "?q=MARK", "?level=general")),
    "accidents/new/": "list",
    "accidents/stats/": "list",
    "accidents/<int:pk>/": "accident",
    "accidents/<int:pk>/edit/": "accident",
    "accidents/photos/<int:pk>/": "accident-photo",
    "accidents/periods/": "list",
    "accidents/periods/<int:pk>/edit/": "list",
    "accidents/periods/<int:pk>/delete/": "skip: POST only; the office's key periods hold no subject data",
    "accidents/targets/": "skip: POST only; the office's yearly control figures hold no subject data",
    "accidents/targets/<int:pk>/delete/": "skip: POST only; the office's yearly control figures",
    # Rankings score towns, which every government reader sees; the records behind a number (explain)
    # are cut to the reader's scope, which the marker check on the run's pages guards.
    "ranking/": "list",
    "ranking/trends/": "list",
    "ranking/scheme/<int:year>/": "list",
    "ranking/runs/<int:pk>/": "run",
    "ranking/runs/<int:pk>/bulletin.docx": "run",
    "ranking/runs/<int:pk>/bulletin.pdf": "skip: the same content as bulletin.docx, as a PDF",
    "ranking/runs/<int:pk>/towns/<int:town_id>/": "run",
    "ranking/runs/<int:pk>/publish/": "skip: POST only; the office publishes (anjian/ranking/tests)",
    "ranking/runs/<int:pk>/rerun/": "skip: POST only; the office re-runs (anjian/ranking/tests)",
    "ranking/interviews/": "list",
    "ranking/interviews/new/": "list",
    "ranking/interviews/<int:pk>/": "interview",
    "ranking/commitments/<int:pk>/done/": "post-commitment",
    # Background jobs are their owner's alone (anjian/jobs/tests/test_pages.py: anyone else gets 404);
    # a job's pages show its title, progress, message and result link, no records.
    "jobs/": "list",
    "jobs/<int:pk>/": "list",
    "jobs/<int:pk>/status/": "list",
    "jobs/<int:pk>/download/": "list",
    # The holiday table is the same for everyone and holds no subject data; the office edits it.
    "workdays/": "list",
    "workdays/<int:year>/": "list",
    "workdays/save/": "skip: POST only; the office's holiday table holds no subject data",
    "workdays/delete/": "skip: POST only; the office's holiday table holds no subject data",
    # A person's own messages: another's answer 404; the office's delivery pages are its own (403).
    "notifications/": ("list", ("", "?filter=unread", "?filter=urgent")),
    "notifications/<int:pk>/open/": "notification",
    "notifications/<int:pk>/read/": "post-notification",
    "notifications/read-all/": "skip: POST only; marks the user's own messages read and shows no records",
    "notifications/bell/": "list",
    "notifications/settings/": "list",
    "notifications/office/deliveries/": ("list", ("", "?state=pending", "?q=MARK")),
    "notifications/office/deliveries/<int:pk>/": "delivery",
    "notifications/office/channels/": "list",
    "notifications/office/unreachable/": "list",
    "notifications/office/rules/": "list",
    "api/v1/": "list",
    "api/v1/auth/token": "public",
    "api/v1/openapi.json": "public",
    "api/v1/docs": "public",
    "api/v1/subjects": "list",
    "api/v1/subjects/<int:subject_id>": "subject",
    "api/v1/hazards": "list",
    "api/v1/hazards/<int:hazard_id>": "hazard",
    "api/v1/hazards/<int:hazard_id>/transitions": "post-hazard",
    # Evaluates the posted inventory only; reads and returns no stored record.
    "api/v1/notifications": ("list", ("", "?unread=true")),
    "api/v1/notifications/<int:notification_id>/read": "post-notification",
    "api/v1/notifications/read-all": "skip: POST only; marks the token user's own messages read",
    "api/v1/major-hazards/evaluate": "skip: POST only; computes from the request body, reads no records",
    "api/v1/accidents/grade": "skip: POST only; computes from the request body, reads no records",
}


def iter_patterns(patterns=None, prefix=""):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def project_routes():
    return sorted({p for p in iter_patterns() if not p.startswith(("admin/", "media/", "i18n/"))})


def test_every_route_is_covered():
    missing = [route for route in project_routes() if route not in ROUTES]
    assert not missing, f"routes missing from ROUTES in {__file__}: {missing}"


def fill(route, **values):
    """Turn a Django/ninja route pattern into a URL, putting `values` into its parameters."""
    url = route.lstrip("^").rstrip("$")

    def replace(match):
        name = match.group(1).split(":")[-1]
        return str(values.get(name, values.get("pk", 0)))

    return "/" + re.sub(r"<([^>]+)>", replace, url)


@pytest.fixture
def marked(world):
    """One hazard per subject, its title a marker; subject names are markers too."""
    hazards = {}
    for key, subject in world.subjects.items():
        hazards[key] = services.report_hazard(
            world.users["city"], subject.pk, f"MARK-{key}-HAZARD", photos=[tiny_photo(f"{key}.png")]
        )
        hazards[key].photo = hazards[key].events.get().attachments.get()
    version = make_checklist("leak-test")
    for key, subject in world.subjects.items():
        hazards[key].plan, hazards[key].inspection, hazards[key].draw = inspection_objects(
            world, key, subject, version, hazards[key]
        )
        hazards[key].risk_event = make_risk_register(subject, f"MARK-{key}")
        accident = hazards[key].accident = make_accident(subject, f"MARK-{key}")
        accident.attachments.set(save_images([tiny_photo(f"{key}-accident.png")], world.users["city"]))
        accident.photo = accident.attachments.get()
    for key in world.subjects:
        hazards[key].notification, hazards[key].delivery = notification_objects(world, key, hazards[key])
    run, interviews = ranking_objects(world)
    for key, subject in world.subjects.items():
        hazards[key].run, hazards[key].interview = run, interviews[subject.town_id]
    return hazards


def inspection_objects(world, key, subject, version, hazard):
    """A plan (organised by the subject's town), a committed draw, and a finished inspection of the
    subject with one failed item carrying a photo and the marker hazard — all named with markers."""
    town = subject.town
    plan = InspectionPlan.objects.create(
        name=f"MARK-{key}-PLAN",
        kind="thematic",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=30),
        organiser=Unit.objects.get(name=town.name),
        territory=town,
        sector=subject.sector,
        checklist_version=version,
        target_mode="draw",
    )
    plan.target_subjects.set([subject])
    draw = Draw.objects.create(
        plan=plan,
        target_count=1,
        pool={"subjects": [[subject.pk, 1]]},
        pool_hash="0" * 64,
        seed_hash="1" * 64,
    )
    inspection = Inspection.objects.create(
        plan=plan,
        subject=subject,
        checklist_version=version,
        status=Inspection.Status.DONE,
        summary=f"MARK-{key}-INSPECTION",
        finished_at=timezone.now(),
    )
    inspection.inspectors.set([world.users["city"]])
    result = ItemResult.objects.create(
        inspection=inspection,
        item=version.items.first(),
        outcome="fail",
        note=f"MARK-{key}-NOTE",
        hazard=hazard,
    )
    result.photos.set(save_images([tiny_photo(f"{key}-item.png")], world.users["city"]))
    inspection.photo = result.photos.get()
    hazard.avoidance = AvoidanceRule.objects.create(
        inspector=world.users["inspector"], subject=subject, reason=f"MARK-{key}-AVOID"
    )
    return plan, inspection, draw


def notification_objects(world, key, hazard):
    """A message to the city office about the marker hazard, and its e-mail delivery."""
    channel, _ = Channel.objects.get_or_create(
        code="leak-mail", defaults={"name": "MARK-CHANNEL", "kind": "email"}
    )
    note = Notification.objects.create(
        recipient=world.users["city"],
        kind="hazard.assigned",
        text=f"MARK-{key}-HAZARD 已交办",
        url=f"/hazards/{hazard.pk}/",
        about=hazard,
        created_at=timezone.now(),
    )
    delivery = Delivery.objects.create(
        notification=note,
        recipient=world.users["city"],
        channel=channel,
        address="office@example.org",
        body=note.text,
        next_attempt_at=timezone.now(),
    )
    return note, delivery


def tiny_photo(name):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (255, 0, 0)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def markers(keys, world, hazards):
    found = set()
    for key in keys:
        hazard = hazards[key]
        found |= {f"MARK-{key}-HAZARD", world.subjects[key].name, hazard.code}
        found |= {f"MARK-{key}-PLAN", f"MARK-{key}-INSPECTION", f"MARK-{key}-NOTE", hazard.inspection.code}
        found.add(f"MARK-{key}-AVOID")
        found |= {f"MARK-{key}-{part}" for part in ("UNIT", "EVENT", "MEASURE", "INSTALLATION", "GUARANTOR")}
        found |= {f"MARK-{key}-PLACE", f"MARK-{key}-ACCIDENT", hazard.accident.code}
    return found


def client_for(user, api=False):
    client = Client()
    if api:
        token = ApiToken.issue(user, timezone.now() + timedelta(hours=1))
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    else:
        client.force_login(user)
    return client


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def body_text(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(DOCX):
        document = Document(io.BytesIO(data))
        cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    return data.decode("utf-8", "replace")


def post_transition(client, url):
    """Ask for a transition the way each interface expects it; scope must answer before validation."""
    if url.startswith("/api/"):
        return client.post(url, {"action": "assign", "comment": "x"}, content_type="application/json")
    return client.post(url, {"action": "assign", "comment": "x"})


# Plans are seen by their organising units and by territory/sector grants, never by enterprises; a
# grid user sees its subjects but not the town's plans.
VISIBLE_PLANS = {**VISIBLE, "grid": set(), "enterprise": set()}

# 一级一册 of the subject's town: the government side may open any town's manual but a town user
# only their own (ent_a and ent_c lie in 泽国镇); grid staff and enterprises open none. What a manual
# shows is cut to the reader's scope, which the marker check on in-scope pages guards.
VISIBLE_MANUALS = {
    **{p: ALL for p in ("city", "sector", "dept", "inspector")},
    "grid": set(),
    "enterprise": set(),
}
VISIBLE_MANUALS |= {"town_a": VISIBLE["town_a"], "town_b": VISIBLE["town_b"]}

# Enterprises see no accident records (anjian.accidents.permissions) and no rankings.
VISIBLE_ACCIDENTS = {**VISIBLE, "enterprise": set()}
VISIBLE_RANKING = {**{p: ALL for p in VISIBLE}, "enterprise": set()}
# An interview is of a town: read city-wide by offices and departments, by the town's own staff.
VISIBLE_INTERVIEWS = {**VISIBLE_RANKING, "town_a": VISIBLE["town_a"], "town_b": VISIBLE["town_b"]}
VISIBLE_INTERVIEWS["grid"] = VISIBLE["town_a"]  # the grid lies in 泽国镇, as ent_a and ent_c do

# Messages and their deliveries are the city office's in the fixture: nobody else may open them.
VISIBLE_OWN_MESSAGES = {**{p: set() for p in VISIBLE}, "city": ALL}

# kind → (the object of a subject key, who sees it, whether the route is a POST)
OBJECT_KINDS = {
    "subject": (lambda world, h, key: world.subjects[key], VISIBLE, False),
    "hazard": (lambda world, h, key: h[key], VISIBLE, False),
    "post-hazard": (lambda world, h, key: h[key], VISIBLE, True),
    "photo": (lambda world, h, key: h[key].photo, VISIBLE, False),
    "inspection": (lambda world, h, key: h[key].inspection, VISIBLE, False),
    "post-inspection": (lambda world, h, key: h[key].inspection, VISIBLE, True),
    "inspection-photo": (lambda world, h, key: h[key].inspection.photo, VISIBLE, False),
    "plan": (lambda world, h, key: h[key].plan, VISIBLE_PLANS, False),
    "post-plan": (lambda world, h, key: h[key].plan, VISIBLE_PLANS, True),
    "draw": (lambda world, h, key: h[key].draw, VISIBLE_PLANS, False),
    "post-avoidance": (lambda world, h, key: h[key].avoidance, VISIBLE, True),
    "post-draw": (lambda world, h, key: h[key].draw, VISIBLE_PLANS, True),
    "risk-unit": (lambda world, h, key: h[key].risk_event.unit, VISIBLE, False),
    "post-risk-unit": (lambda world, h, key: h[key].risk_event.unit, VISIBLE, True),
    "risk-event": (lambda world, h, key: h[key].risk_event, VISIBLE, False),
    "post-risk-event": (lambda world, h, key: h[key].risk_event, VISIBLE, True),
    "measure": (lambda world, h, key: h[key].risk_event.measures.get(), VISIBLE, False),
    "post-measure": (lambda world, h, key: h[key].risk_event.measures.get(), VISIBLE, True),
    "installation": (lambda world, h, key: world.subjects[key].installations.get(), VISIBLE, False),
    "post-installation": (lambda world, h, key: world.subjects[key].installations.get(), VISIBLE, True),
    "manual-town": (lambda world, h, key: world.subjects[key].town, VISIBLE_MANUALS, False),
    "accident": (lambda world, h, key: h[key].accident, VISIBLE_ACCIDENTS, False),
    "accident-photo": (lambda world, h, key: h[key].accident.photo, VISIBLE_ACCIDENTS, False),
    # One run for every town: each government reader opens it; the check is what its pages show.
    "run": (lambda world, h, key: h[key].run, VISIBLE_RANKING, False),
    "interview": (lambda world, h, key: h[key].interview, VISIBLE_INTERVIEWS, False),
    "notification": (lambda world, h, key: h[key].notification, VISIBLE_OWN_MESSAGES, False),
    "post-notification": (lambda world, h, key: h[key].notification, VISIBLE_OWN_MESSAGES, True),
    "delivery": (lambda world, h, key: h[key].delivery, VISIBLE_OWN_MESSAGES, False),
    "post-commitment": (lambda world, h, key: h[key].interview.commitments.get(), VISIBLE_INTERVIEWS, True),
}


def post_object(client, url, kind):
    if kind == "post-hazard":
        return post_transition(client, url)
    return client.post(url, {})


def check_object_route(client, route, kind, persona, world, hazards, hidden_markers):
    """Out-of-scope objects answer 404; an in-scope one is shown and shows nothing out of scope."""
    get_object, visible, is_post = OBJECT_KINDS[kind]
    problems = []
    # A role refused the whole kind may answer 403 for every object: that tells nothing either.
    refused = {404, 403} if not visible[persona] else {404}
    for key in sorted(ALL - visible[persona]):
        url = object_url(route, get_object(world, hazards, key).pk, world.subjects[key].town_id)
        response = post_object(client, url, kind) if is_post else client.get(url)
        if response.status_code not in refused:
            problems.append(f"{persona} {url}: {response.status_code} for an out-of-scope {kind}")
    if not is_post and "ent_a" in visible[persona]:
        # A run's explain page is asked for both towns: every reader may open either, and what it
        # shows of a town's records must still be cut to the reader's scope.
        towns = {world.subjects[key].town_id for key in ALL} if "<int:town_id>" in route else {0}
        for town_id in sorted(towns):
            url = object_url(route, get_object(world, hazards, "ent_a").pk, town_id)
            problems += check_shown(client.get(url), url, persona, hidden_markers)
    return problems


def check_shown(response, url, persona, hidden_markers):
    if response.status_code in (404, 500):
        return [f"{persona} {url}: an in-scope object is not shown"]
    if response.status_code == 200 and not url.endswith(".pdf") and "/photos/" not in url:
        leaked = sorted(m for m in hidden_markers if m in body_text(response))
        if leaked:
            return [f"{persona} {url}: shows {leaked}"]
    return []


def object_url(route, pk, town_id):
    return fill(route, pk=pk, hazard_id=pk, subject_id=pk, kind="town", town_id=town_id)


def check_list_route(client, route, queries, persona, hidden_markers):
    problems = []
    for query in queries:
        url = fill(route) + query
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{persona} {url}: {response.status_code}")
            continue
        text = body_text(response)
        leaked = sorted(m for m in hidden_markers if m in text)
        if leaked:
            problems.append(f"{persona} {url}: shows {leaked}")
    return problems


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_no_role_sees_what_is_not_theirs(persona, world, marked):
    user = world.users[persona]
    hidden_markers = markers(ALL - VISIBLE[persona], world, marked)
    problems = []
    for route in project_routes():
        entry = ROUTES[route]
        kind, queries = entry if isinstance(entry, tuple) else (entry, LIST_QUERIES)
        if kind.startswith("skip") or kind == "public":
            continue
        client = client_for(user, api=route.startswith("api/"))
        if kind == "list":
            problems += check_list_route(client, route, queries, persona, hidden_markers)
        else:
            problems += check_object_route(client, route, kind, persona, world, marked, hidden_markers)
    assert not problems, "\n".join(problems)


def test_reporting_against_a_hidden_subject_is_404(world):
    hidden = world.subjects["ent_b"]
    api = client_for(world.users["town_a"], api=True)
    response = api.post(
        "/api/v1/hazards", {"subject_id": hidden.pk, "title": "越权"}, content_type="application/json"
    )
    assert response.status_code == 404
    page = client_for(world.users["town_a"])
    response = page.post("/hazards/new/", {"subject": hidden.pk, "title": "越权", "level": "general"})
    assert response.status_code in (200, 400, 404) and not Hazard.objects.filter(title="越权").exists()


def test_anonymous_sees_nothing(world, marked):
    client = Client()
    for route in project_routes():
        kind = ROUTES[route] if isinstance(ROUTES[route], str) else ROUTES[route][0]
        if kind == "public" or kind.startswith("skip"):
            continue
        url = fill(
            route,
            pk=marked["ent_a"].pk,
            hazard_id=marked["ent_a"].pk,
            subject_id=world.subjects["ent_a"].pk,
            kind="town",
        )
        response = client.get(url)
        assert response.status_code in (302, 401, 404, 405), f"{url}: {response.status_code}"
        assert "MARK-" not in body_text(response)


def test_markers_are_really_visible_to_their_owners(world, marked):
    """Guards the test itself: a list that showed nothing would pass the leak test trivially."""
    client = client_for(world.users["town_a"], api=True)
    text = client.get("/api/v1/hazards").content.decode()
    assert "MARK-ent_a-HAZARD" in text and "MARK-ent_c-HAZARD" in text
    assert Hazard.objects.visible_to(world.users["town_a"]).count() == 2
