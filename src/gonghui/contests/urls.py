"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "contests"
urlpatterns = [
    path("activities/contests/", views.ContestListView.as_view(), name="contest-list"),
    path("activities/contests/<int:pk>/", views.ContestDetailView.as_view(), name="contest-detail"),
    path(
        "activities/craftsmen/<int:pk>/step/",
        views.CraftsmanStepView.as_view(),
        name="craftsman-step",
    ),
]
