"""The public record of double-random draws (一公开), readable without logging in.

These pages have no user to scope by, so `public_draws()` is their one filter (the counterpart of
`visible_to` for everyone): draws of plans that were issued, or draws already made. A draft plan's
draw is the organiser's business until the plan goes out.

Unannounced checks (暗查暗访) are listed only once drawn, and until every inspection of the draw is
finished or cancelled their page withholds the seed, the inputs and the targets: with the seed and
the pool anyone can compute who will be visited, and the platform never announces an unannounced
check. Once the checks are over, everything is published like any other draw and can be verified.

Personal names are masked (张*明); no phone number, username or account appears.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from anjian.org.models import Person

from .models import Draw, Inspection, InspectionPlan, ItemResult, Kind
from .services_draw import public_seed, verify_draw

LIST_PAGE_SIZE = 50
RESULT_PAGE_SIZE = 100
OPEN_STATES = (Inspection.Status.PLANNED, Inspection.Status.IN_PROGRESS)


def public_draws():
    issued_or_drawn = ~Q(plan__status=InspectionPlan.Status.DRAFT) | Q(status=Draw.Status.DRAWN)
    unannounced_pending = Q(plan__kind=Kind.UNANNOUNCED) & ~Q(status=Draw.Status.DRAWN)
    return Draw.objects.filter(issued_or_drawn).exclude(unannounced_pending).select_related("plan__organiser")


def withheld(draw):
    """Whether the page must still hide who is checked (an unannounced draw with checks to come)."""
    return draw.plan.kind == Kind.UNANNOUNCED and draw.inspections.filter(status__in=OPEN_STATES).exists()


def mask_name(name):
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明: enough to recognise, not to identify."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _draw(pk):
    return get_object_or_404(public_draws(), pk=pk)


@require_GET
def draw_list(request):
    page = Paginator(public_draws(), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/public/list.html", {"page_obj": page, "draws": page.object_list})


def _result_rows(draw, rows):
    """One table row per drawn target: subject and town, date, outcome, masked inspectors."""
    inspections = {
        inspection.subject_id: inspection
        # unscoped: the public draw page shows every drawn target's outcome, with inspectors masked
        for inspection in Inspection.objects.filter(draw=draw, subject_id__in=[r["subject"] for r in rows])
        .select_related("subject__town")
        .prefetch_related("inspectors")
    }
    hazards = dict(
        ItemResult.objects.filter(inspection__draw=draw, hazard__isnull=False)
        .values("inspection_id")
        .annotate(n=Count("id"))
        .values_list("inspection_id", "n")
    )
    user_ids = {uid for row in rows for uid in row["inspectors"]}
    names = dict(Person.objects.filter(user_id__in=user_ids).values_list("user_id", "name"))
    table = []
    for row in rows:
        inspection = inspections.get(row["subject"])
        if inspection is None:
            continue  # a target whose inspection was removed: nothing to publish about it
        finished = inspection.finished_at
        table.append(
            {
                "subject": inspection.subject.name,
                "town": inspection.subject.town.name if inspection.subject.town_id else "",
                "date": finished.date() if finished else inspection.scheduled_for,
                "status": inspection.get_status_display(),
                "done": inspection.status == Inspection.Status.DONE,
                "hazards": hazards.get(inspection.pk, 0),
                "inspectors": [mask_name(names.get(uid, "")) or "—" for uid in row["inspectors"]],
            }
        )
    return table


@require_GET
def draw_detail(request, pk):
    draw = _draw(pk)
    hidden = withheld(draw)
    page = table = None
    if draw.status == Draw.Status.DRAWN and not hidden:
        page = Paginator(draw.result, RESULT_PAGE_SIZE).get_page(request.GET.get("page"))
        table = _result_rows(draw, page.object_list)
    context = {
        "draw": draw,
        "seed": "" if hidden else public_seed(draw),
        "withheld": hidden,
        "page_obj": page,
        "rows": table,
        "subjects_in_pool": len(draw.pool.get("subjects", [])),
        "inspectors_in_pool": len(draw.pool.get("inspectors", [])),
    }
    return render(request, "inspections/public/detail.html", context)


@require_GET
def draw_inputs(request, pk):
    """Everything needed to re-run the draw: the algorithm, the seed once revealed, the frozen pool
    (subject ids and weights, inspector ids, conflicts), the counts and the stored result."""
    draw = _draw(pk)
    if withheld(draw):
        raise Http404
    data = {
        "algorithm": draw.algorithm,
        "draw": draw.pk,
        "plan": draw.plan.name,
        "status": draw.status,
        "seed_hash": draw.seed_hash,
        "pool_hash": draw.pool_hash,
        "seed": public_seed(draw) or None,
        "target_count": draw.target_count,
        "per_target": draw.inspectors_per_target,
        "weights": draw.weights,
        "pool": draw.pool,
        "result": draw.result if draw.status == Draw.Status.DRAWN else None,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-inputs.json"'
    return response


@require_GET
def draw_verify(request, pk):
    """Re-run the draw on the server from the published inputs and say whether it matches. Reading
    only: nothing is changed, so a GET (a link anyone can follow) is right."""
    draw = _draw(pk)
    hidden = withheld(draw)
    ok, message = (None, "") if hidden else verify_draw(draw)
    context = {"draw": draw, "withheld": hidden, "ok": ok, "message": message}
    return render(request, "inspections/public/verify.html", context)


urlpatterns = [
    path("draws/", draw_list, name="draw_list"),
    path("draws/<int:pk>/", draw_detail, name="draw_detail"),
    path("draws/<int:pk>/inputs.json", draw_inputs, name="draw_inputs"),
    path("draws/<int:pk>/verify/", draw_verify, name="draw_verify"),
]
