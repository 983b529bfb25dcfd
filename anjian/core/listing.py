"""The steps every list page and its Excel export share, written once: the scoped queryset narrowed
by the app's filter function, a filter value that means nothing answered with its message and a 400
(an empty list on the page, plain text for a download), then the page or the file.

A few functions rather than a base view: each list still builds its own context and template."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseBadRequest

from .filtering import FilterError


def filtered(request, queryset, filter_fn):
    """(queryset, status): `queryset` (already scoped) through `filter_fn(queryset, params, user)`;
    on a FilterError its message is shown on the page and the list is empty, answered with 400."""
    try:
        return filter_fn(queryset, request.GET, request.user), 200
    except FilterError as error:
        messages.error(request, str(error))
        return queryset.none(), 400


def page_of(request, queryset, size, paginator=Paginator):
    """The page the `page` parameter asks for (the last for a number past the end, the first for
    one that is not a number)."""
    return paginator(queryset, size).get_page(request.GET.get("page"))


def export(request, queryset, filter_fn, build, filename, content_type, refusals=()):
    """The download of the filtered list: `build(queryset)` gives the file. A bad filter, or one of
    `refusals` that `build` raises (a list too long to export …), is answered 400 with its message."""
    try:
        output = build(filter_fn(queryset, request.GET, request.user))
    except (FilterError, *refusals) as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    return FileResponse(output, as_attachment=True, filename=filename, content_type=content_type)
