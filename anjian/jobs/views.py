"""The progress page of a background job, its polled fragment, its download and the user's list.
A job is its owner's alone: anyone else gets 404, as if it did not exist."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme

from .models import JobRun

RECENT_JOBS = 50


def _own_job(request, pk):
    return get_object_or_404(JobRun, pk=pk, owner=request.user)


def _back_url(request):
    """`?next=` when it stays on this site, else the job list."""
    url = request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@login_required
def detail_view(request, pk):
    job = _own_job(request, pk)
    return render(request, "jobs/detail.html", {"job": job, "back_url": _back_url(request)})


@login_required
def status_view(request, pk):
    """The fragment the page polls; once the job is finished it comes without the poll trigger."""
    return render(request, "jobs/_status.html", {"job": _own_job(request, pk)})


@login_required
def download_view(request, pk):
    job = _own_job(request, pk)
    if job.state != JobRun.State.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name or "result",
        content_type=job.result_type or "application/octet-stream",
    )


@login_required
def list_view(request):
    jobs = JobRun.objects.filter(owner=request.user).order_by("-created_at", "-id")[:RECENT_JOBS]
    return render(request, "jobs/list.html", {"jobs": jobs})
