from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from .dashboard import dashboard_figures


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def dashboard(request):
    figures = dashboard_figures(request.user)
    charts = {
        "by_town": figures["by_town"],
        "by_sector": figures["by_sector"],
        "by_status": figures["by_status"],
        "labels": {"open": _("未闭环"), "overdue": _("已逾期"), "count": _("隐患数")},
    }
    assignments = request.user.roles.select_related("territory", "unit", "subject").prefetch_related(
        "sectors"
    )
    described = [str(a.describe_scope()) for a in assignments]
    scope_text = "；".join(described) or (_("全市") if request.user.is_superuser else _("（无）"))
    context = {"figures": figures, "charts": charts, "scope_text": scope_text}
    return render(request, "web/dashboard.html", context)
