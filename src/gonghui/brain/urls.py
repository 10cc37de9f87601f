from django.urls import path

from . import report_views, views

app_name = "brain"

urlpatterns = [
    path("", views.CockpitView.as_view(), name="cockpit"),
    path("<int:org_id>/", views.CockpitView.as_view(), name="org"),
    path("<int:org_id>/circle/", views.CircleView.as_view(), name="circle"),
    path("<int:org_id>/export.xlsx", views.CockpitExportView.as_view(), name="export"),
    path("reports/", report_views.ReportListView.as_view(), name="reports"),
    path(
        "reports/rollup.xlsx",
        report_views.ReportRollupExportView.as_view(),
        name="reports-export",
    ),
    path("reports/<int:report_id>/", report_views.ReportDetailView.as_view(), name="report"),
    path(
        "reports/<int:report_id>/export.xlsx",
        report_views.ReportExportView.as_view(),
        name="report-export",
    ),
]
