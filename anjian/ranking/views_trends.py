"""Trends: each town's score and rank over the published months (the published version of each
month; drafts and superseded versions never count), as two ECharts line charts, and a heat map of
the indicators' normalised scores by town for one chosen month. Tables carry the same numbers for
screen readers, phones without JavaScript and printing. Readers as the ranking pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from anjian.core.filtering import int_or_none

from . import charts
from .views_runs import require_reader


@login_required
def trends(request):
    require_reader(request.user)
    runs = charts.published_runs()
    chosen = runs[-1] if runs else None
    wanted = request.GET.get("run")
    if wanted:
        chosen = next((r for r in runs if r.pk == int_or_none(wanted)), None)
        if chosen is None:
            raise Http404(_("没有这次已发布的月度晾晒"))
    data = charts.trends(runs)
    heat = charts.heatmap(chosen)
    context = {
        "runs": runs,
        "chosen": chosen,
        "trend": data,
        "heat": heat,
        "chart_data": {
            "months": data["months"],
            "towns": data["towns"],
            "heat": heat,
            "labels": {"score": _("得分"), "rank": _("名次"), "normalised": _("标准化得分（0–100）")},
        },
        "town_rows": [
            {"name": t["name"], "id": t["id"], "cells": list(zip(t["scores"], t["ranks"], strict=True))}
            for t in data["towns"]
        ],
    }
    return render(request, "ranking/trends.html", context)


urlpatterns = [path("trends/", trends, name="trends")]
