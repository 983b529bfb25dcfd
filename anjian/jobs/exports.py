"""Exports and documents too large to build within a request: the view starts a job instead.

    def export_view(request):
        queryset = Hazard.objects.visible_to(request.user)
        started = exports.as_job_if_large(request, queryset, filter_hazards, kind="hazards.export",
                                          title=_("导出隐患清单"), func_path="anjian.hazards.tasks.export_hazards",
                                          back=reverse("hazards:list"))
        return started or listing.export(request, queryset, ...)

The job function rebuilds the queryset from the owner's scope and the saved query
(`filtered(...)`), so what it exports is exactly what the owner could export inline.
"""

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect

from anjian.core.errors import ServiceError
from anjian.core.filtering import FilterError

from .services import JobResult, job_url, start_job

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def saved_query(params):
    """The request's query as JSON: [[key, [values…]], …] (a key may repeat)."""
    return [[key, list(values)] for key, values in params.lists()]


def query_dict(saved):
    params = QueryDict(mutable=True)
    for key, values in saved or []:
        params.setlist(str(key), [str(value) for value in values])
    return params


def as_job_if_large(request, queryset, filter_fn, *, kind, title, func_path, back):
    """The redirect to a started export job when the filtered list has more rows than
    settings.ANJIAN_EXPORT_INLINE_ROWS; None for a small list or a bad filter (the inline export
    answers those)."""
    try:
        count = filter_fn(queryset, request.GET, request.user).count()
    except FilterError:
        return None
    if count <= settings.ANJIAN_EXPORT_INLINE_ROWS:
        return None
    job = start_job(
        request.user, kind=kind, title=title, func_path=func_path, params={"query": saved_query(request.GET)}
    )
    query = request.GET.urlencode()
    return redirect(job_url(job, next=f"{back}?{query}" if query else back))


def document_job_if_large(request, rows, *, kind, title, func_path, params, back):
    """The redirect to a started job that builds a document (a bulletin, a report) of `rows` rows
    when that is more than settings.ANJIAN_DOCUMENT_INLINE_ROWS; None to build it within the
    request. The job function checks the owner's right to the document again."""
    if rows <= settings.ANJIAN_DOCUMENT_INLINE_ROWS:
        return None
    job = start_job(request.user, kind=kind, title=title, func_path=func_path, params=params)
    return redirect(job_url(job, next=back))


def filtered(filter_fn, queryset, saved, owner):
    """`queryset` (already cut to the owner's scope) through the list's filter; a filter that no
    longer means anything fails the job with its message."""
    try:
        return filter_fn(queryset, query_dict(saved), owner)
    except FilterError as exc:
        raise ServiceError(str(exc)) from exc


def counting(job, rows, total, label):
    """Pass `rows` through, reporting each to the job's progress bar ("第 n / total 条")."""
    for done, row in enumerate(rows, start=1):
        yield row
        job.progress(done, total, label)


def xlsx_result(filename, output, message):
    """A JobResult of the open workbook file `output` (closed here)."""
    with output:
        return JobResult(filename, output.read(), XLSX_TYPE, message)
