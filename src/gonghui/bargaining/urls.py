"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "bargaining"
urlpatterns = [
    path("activities/bargaining/", views.BargainingView.as_view(), name="bargaining"),
]
