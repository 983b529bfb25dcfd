"""The holiday table's pages: a year's days off and make-up working days, and the office's edits.

Every government reader sees the table (deadlines in working days are counted from it, and a town
should know why a deadline falls where it does); enterprise accounts get 403, as on the ranking and
plan pages. Only the committee office (市安委办) adds, corrects and deletes rows: 403 for everyone
else. The services (anjian.workdays.services) validate the input; they sit below org and leave the
role check to these views.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from anjian.org.models import GOVERNMENT_ROLES, Role
from anjian.org.scope import scope_for
from anjian.workdays import services
from anjian.workdays.models import Holiday

WEEKDAYS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


def can_view_workdays(user):
    return bool(scope_for(user).roles & GOVERNMENT_ROLES)


def can_edit_workdays(user):
    return Role.CITY_OFFICE in scope_for(user).roles


def _require_viewer(user):
    if not can_view_workdays(user):
        raise PermissionDenied(_("节假日与调休表仅供政府部门查看"))


def _require_editor(user):
    if not can_edit_workdays(user):
        raise PermissionDenied(_("只有市安委办可以维护节假日与调休"))


class HolidayForm(forms.Form):
    # A date input takes ISO dates only; the Chinese locale's format (2024/10/07) it would leave blank.
    date = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Holiday.Kind.choices)
    name = forms.CharField(label=gettext_lazy("节日"), max_length=50, required=False)
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class DateForm(forms.Form):
    date = forms.DateField()


def _rows(year):
    return [
        {"row": row, "weekday": WEEKDAYS[row.date.weekday()], "weekend": row.date.weekday() >= 5}
        for row in Holiday.objects.filter(date__year=year).select_related("updated_by__person")
    ]


def _edit_form(request):
    """The form of the row named by ?edit=YYYY-MM-DD, filled in; an empty one otherwise."""
    value = request.GET.get("edit", "")
    picked = DateForm({"date": value})
    row = Holiday.objects.filter(date=picked.cleaned_data["date"]).first() if picked.is_valid() else None
    if row is None:
        return HolidayForm(), None
    return HolidayForm(initial={f: getattr(row, f) for f in ("date", "kind", "name", "note")}), row


def _year_page(request, year, form=None, status=200):
    editing = None
    if form is None and can_edit_workdays(request.user):
        form, editing = _edit_form(request)
    context = {
        "year": year,
        "rows": _rows(year),
        "known": services.year_is_known(year),
        "can_edit": can_edit_workdays(request.user),
        "form": form,
        "editing": editing,
        "years": range(max(services.FIRST_YEAR, year - 3), min(services.LAST_YEAR, year + 3) + 1),
        "this_year": timezone.localdate().year,
    }
    return render(request, "web/workdays_year.html", context, status=status)


@login_required
@require_GET
def index(request):
    _require_viewer(request.user)
    return redirect("workdays:year", timezone.localdate().year)


@login_required
@require_GET
def year_page(request, year):
    _require_viewer(request.user)
    if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        raise Http404(_("年度超出范围"))
    return _year_page(request, year)


@login_required
@require_POST
def save(request):
    _require_editor(request.user)
    form = HolidayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.save_holiday(request.user, **data)
        except services.WorkdayError as error:
            error.escalate()
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已保存：%(row)s") % {"row": row})
            return redirect("workdays:year", row.date.year)
    return _year_page(request, _posted_year(form), form=form, status=422)


def _posted_year(form):
    """The year page to show a rejected form on: the posted date's if it is in range."""
    day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
    if isinstance(day, datetime.date) and services.FIRST_YEAR <= day.year <= services.LAST_YEAR:
        return day.year
    return timezone.localdate().year


@login_required
@require_POST
def delete(request):
    _require_editor(request.user)
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写要删除的日期"))
        return redirect("workdays:index")
    day = form.cleaned_data["date"]
    try:
        services.delete_holiday(request.user, day)
    except services.WorkdayError as error:
        error.escalate()
        messages.error(request, error.message)
    else:
        messages.success(request, _("已删除 %(d)s 的录入，该日按星期计算") % {"d": f"{day:%Y-%m-%d}"})
    if not services.FIRST_YEAR <= day.year <= services.LAST_YEAR:
        return redirect("workdays:index")
    return redirect("workdays:year", day.year)


urlpatterns = [
    path("", index, name="index"),
    path("<int:year>/", year_page, name="year"),
    path("save/", save, name="save"),
    path("delete/", delete, name="delete"),
]
