"""约谈 pages: the list of interviews with their commitments' state, the form the committee office
records an interview with, an interview's page where completion of each commitment is reported.
Views read the request and render; changes go through services_interviews, which also decides who
sees which interview (a town's own users see their town's only; out of sight is 404).

The bulletin downloads (views_bulletin) are joined into the app's urls through this module's
`urlpatterns`, as urls.py lists the views modules it joins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.filtering import int_or_none

from . import services_interviews as si
from . import views_bulletin
from .models import Commitment, RankingRun
from .permissions import can_manage_ranking, can_view_ranking

FORM_ROWS = 3  # commitment rows the form shows at first; more are added on the page


def _require_reader(user):
    if not can_view_ranking(user):
        raise PermissionDenied(_("您的角色不能查看月晾晒"))


def run_url(run):
    """The run's page, if the runs module is there to answer it."""
    try:
        return reverse("ranking:run", args=[run.pk])
    except NoReverseMatch:
        return ""


# --- list ----------------------------------------------------------------------------------------

FILTERS = (
    ("", gettext_lazy("全部")),
    ("open", gettext_lazy("有未完成承诺")),
    ("overdue", gettext_lazy("有逾期承诺")),
)


@login_required
@require_GET
def interview_list(request):
    user = request.user
    _require_reader(user)
    today = timezone.localdate()
    interviews = si.visible_interviews(user).select_related("run", "town")
    chosen = request.GET.get("status", "")
    pending = Commitment.objects.filter(interview=OuterRef("pk"), done_on__isnull=True)
    if chosen == "open":
        interviews = interviews.filter(Exists(pending))
    elif chosen == "overdue":
        interviews = interviews.filter(Exists(pending.filter(due_on__lt=today)))
    else:
        chosen = ""
    interviews = list(si.with_counts(interviews, today).prefetch_related("commitments"))
    for interview in interviews:
        interview.rows = [(c, si.commitment_status(c, today)) for c in interview.commitments.all()]
    context = {
        "interviews": interviews,
        "filters": [(value, str(label)) for value, label in FILTERS],
        "chosen": chosen,
        "can_manage": can_manage_ranking(user),
        "latest_run": RankingRun.objects.filter(status=RankingRun.Status.PUBLISHED).first(),
    }
    return render(request, "ranking/interview_list.html", context)


# --- the form ------------------------------------------------------------------------------------


def _commitment_rows(post):
    texts, dues = post.getlist("commitment_text"), post.getlist("commitment_due")
    return [(text, dues[i] if i < len(dues) else "") for i, text in enumerate(texts)]


def _form_context(run, post=None, town_id=None):
    scores = list(run.scores.select_related("town").order_by("rank"))
    bottom = {s.town_id for s in si.bottom_scores(run)}
    values = {
        "town": int_or_none(post.get("town")) if post else town_id,
        "held_on": post.get("held_on", "") if post else timezone.localdate().isoformat(),
        "place": post.get("place", "") if post else _("市安委办会议室"),
        "attendees": post.get("attendees", "") if post else "",
        "problems": post.get("problems", "") if post else "",
    }
    rows = _commitment_rows(post) if post else []
    rows += [("", "")] * max(FORM_ROWS - len(rows), 0)
    return {
        "run": run,
        "run_url": run_url(run),
        "scores": [(s, s.town_id in bottom) for s in scores],
        "values": values,
        "rows": rows,
        "today": timezone.localdate().isoformat(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def interview_new(request):
    user = request.user
    if not can_manage_ranking(user):
        raise PermissionDenied(_("只有市安委办可以记录约谈"))
    source = request.POST if request.method == "POST" else request.GET
    run = get_object_or_404(RankingRun.objects.select_related("scheme"), pk=int_or_none(source.get("run")))
    if request.method == "GET":
        town_id = int_or_none(request.GET.get("town"))
        if town_id is None and (bottom := si.bottom_scores(run)):
            town_id = bottom[0].town_id  # the last town is the usual one to summon
        return render(request, "ranking/interview_form.html", _form_context(run, town_id=town_id))
    post = request.POST
    try:
        interview = si.record_interview(
            user,
            run,
            int_or_none(post.get("town")),
            post.get("held_on"),
            post.get("place"),
            post.get("attendees"),
            post.get("problems"),
            _commitment_rows(post),
        )
    except si.InterviewError as error:
        error.escalate()
        context = _form_context(run, post=post) | {"error": error.message}
        return render(request, "ranking/interview_form.html", context, status=error.status)
    messages.success(request, _("已记录对%(t)s的约谈") % {"t": interview.town.name})
    return redirect("ranking:interview", pk=interview.pk)


# --- detail and completion -----------------------------------------------------------------------


def _detail(request, interview, error=None, error_for=None, status=200):
    user, today = request.user, timezone.localdate()
    reporter = can_manage_ranking(user) or interview.town_id in si.reporting_towns(user)
    rows = [
        {
            "c": c,
            "status": si.commitment_status(c, today),
            "can_report": reporter,
            "error": error if c.pk == error_for else None,
        }
        for c in interview.commitments.select_related("checked_by__person")
    ]
    context = {
        "interview": interview,
        "rows": rows,
        "run_url": run_url(interview.run),
        # A refusal shows at the commitment it was about; one about none of them, above the list.
        "error": error if error_for is None else None,
        "posted": request.POST if error else {},
        "today": today.isoformat(),
    }
    return render(request, "ranking/interview_detail.html", context, status=status)


def _interview(user, pk):
    _require_reader(user)
    try:
        return si.visible_interview(user, pk)
    except si.InterviewError as error:
        error.escalate()


@login_required
@require_GET
def interview_detail(request, pk):
    return _detail(request, _interview(request.user, pk))


@login_required
@require_POST
def commitment_done(request, pk):
    user = request.user
    _require_reader(user)
    try:
        commitment = si.visible_commitment(user, pk)
        si.update_commitment(user, commitment, request.POST.get("done_on"), request.POST.get("evidence"))
    except si.InterviewError as error:
        error.escalate()
        return _detail(request, commitment.interview, error.message, commitment.pk, status=error.status)
    messages.success(request, _("已记录承诺完成情况"))
    return redirect("ranking:interview", pk=commitment.interview_id)


urlpatterns = [
    path("interviews/", interview_list, name="interviews"),
    path("interviews/new/", interview_new, name="interview_new"),
    path("interviews/<int:pk>/", interview_detail, name="interview"),
    path("commitments/<int:pk>/done/", commitment_done, name="commitment_done"),
    *views_bulletin.urlpatterns,
]
