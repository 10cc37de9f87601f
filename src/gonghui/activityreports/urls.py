"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "activityreports"
urlpatterns = [
    path("activities/", views.IndexView.as_view(), name="index"),
    path("activities/report/", views.ReportView.as_view(), name="report"),
    path("activities/report.xlsx", views.ReportExportView.as_view(), name="report-export"),
]
