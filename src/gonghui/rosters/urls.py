from django.urls import path

from . import views

app_name = "rosters"
urlpatterns = [
    path("members/import/", views.ImportView.as_view(), name="import"),
    path(
        "members/import/template.xlsx", views.ImportTemplateView.as_view(), name="import-template"
    ),
    path("members/imports/<int:pk>/", views.ImportJobView.as_view(), name="import-job"),
    path("members/imports/<int:pk>/rerun", views.ImportRerunView.as_view(), name="import-rerun"),
    path(
        "members/imports/<int:pk>/report.xlsx",
        views.ImportReportView.as_view(),
        name="import-report",
    ),
]
