"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "bargaining"
urlpatterns = [
    path("activities/bargaining/", views.BargainingView.as_view(), name="bargaining"),
    path(
        "activities/bargaining/agreements/<int:pk>/",
        views.AgreementDetailView.as_view(),
        name="agreement-detail",
    ),
    path(
        "activities/bargaining/agreements/<int:pk>/edit/",
        views.AgreementEditView.as_view(),
        name="agreement-edit",
    ),
    path(
        "activities/bargaining/procedures/new/",
        views.ProcedureOpenView.as_view(),
        name="procedure-open",
    ),
    path(
        "activities/bargaining/procedures/<int:pk>/",
        views.ProcedureDetailView.as_view(),
        name="procedure-detail",
    ),
    path(
        "activities/bargaining/congresses/new/",
        views.CongressCreateView.as_view(),
        name="congress-create",
    ),
    path(
        "activities/bargaining/congresses/<int:pk>/",
        views.CongressDetailView.as_view(),
        name="congress-detail",
    ),
]
