"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "contests"
urlpatterns = [
    path("activities/contests/", views.ContestListView.as_view(), name="contest-list"),
    path("activities/contests/new/", views.ContestCreateView.as_view(), name="contest-create"),
    path("activities/contests/<int:pk>/", views.ContestDetailView.as_view(), name="contest-detail"),
    path(
        "activities/craftsmen/new/", views.CraftsmanNominateView.as_view(), name="craftsman-create"
    ),
    path(
        "activities/craftsmen/<int:pk>/step/",
        views.CraftsmanStepView.as_view(),
        name="craftsman-step",
    ),
    path("activities/studios/", views.StudioListView.as_view(), name="studio-list"),
    path("activities/studios/new/", views.StudioCreateView.as_view(), name="studio-create"),
    path("activities/studios/<int:pk>/edit/", views.StudioEditView.as_view(), name="studio-edit"),
]
