"""The cockpit pages: thin, parse > scope > selector > render."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import audit
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.models import Organization

from . import selectors
from .export import cockpit_xlsx


def _period_or_errors(request):
    try:
        return selectors.parse_period(request.GET.get("period")), {}
    except ValidationError as exc:
        return None, exc.message_dict


class CockpitView(OfficerViewMixin, View):
    """智慧大脑: the officer's own subtree, drill-down below it, big-screen and print modes."""

    def get(self, request, org_id: int | None = None):
        period, errors = _period_or_errors(request)
        if errors:
            org = (
                selectors.org_for(user=request.user, org_id=org_id)
                if org_id is not None
                else selectors.home_org(request.user)
            )
            context = {"errors": errors, "org": org}
            return render(request, "brain/cockpit.html", context, status=422)
        figures = selectors.cockpit(user=request.user, org_id=org_id, period=period, circle=False)
        org = Organization.objects.get(pk=figures["org"]["id"])
        screen = request.GET.get("screen") == "1"
        context = {
            "figures": figures,
            "org": org,
            "crumbs": selectors.breadcrumbs(user=request.user, org=org),
            "screen": screen,
            "period": figures["period"],
            "map_url": getattr(settings, "BRAIN_MAP_GEOJSON_URL", ""),
            "chart_labels": {
                "joined": _("入会"),
                "left": _("减少"),
                "checkins": _("签到"),
                "cases": _("办结诉求"),
                "deliveries": _("活动发放"),
                "members": _("会员"),
                "pending": _("待审核"),
                "funnel": _("建会流程"),
                "map": _("下级会员分布（按行政区划代码）"),
                "groups": _("八大群体"),
            },
        }
        return render(request, "brain/cockpit.html", context)


class CockpitExportView(OfficerViewMixin, View):
    """Every panel (or ``?panel=``) as .xlsx; the export is an audit row."""

    def get(self, request, org_id: int):
        period, errors = _period_or_errors(request)
        panel = request.GET.get("panel") or ""
        if panel and panel not in selectors.PANELS:
            errors = {**errors, "panel": [_("没有这个板块。")]}
        org = selectors.org_for(user=request.user, org_id=org_id)
        if errors:
            return render(request, "brain/cockpit.html", {"errors": errors, "org": org}, status=422)
        panels = [panel] if panel else list(selectors.PANELS)
        figures = selectors.cockpit(
            user=request.user, org_id=org.pk, period=period, circle="circle" in panels
        )
        content, rows = cockpit_xlsx(figures, panels)
        audit.record_export(
            actor=request.user,
            model=Organization,
            org_path=org.path,
            label=_("智慧大脑导出"),
            filters={"org": org.name, "period": figures["period"], "panel": panel},
            rows=rows,
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"brain-{org.pk}-{figures['period']}{'-' + panel if panel else ''}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CircleView(OfficerViewMixin, View):
    """The service-circle tiles, loaded by the cockpit after the rest of the page."""

    def get(self, request, org_id: int):
        org = selectors.org_for(user=request.user, org_id=org_id)
        circle = selectors.circle_panel(user=request.user, org=org)
        return render(request, "brain/_circle.html", {"c": circle})
