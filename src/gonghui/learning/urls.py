"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("activities/trainings/", views.TrainingAdminView.as_view(), name="training-admin"),
    path("activities/courses/<int:pk>/", views.CourseView.as_view(), name="course"),
    path("activities/sessions/<int:pk>/", views.SessionRosterView.as_view(), name="roster"),
    path("trainings/", views.OpenTrainingListView.as_view(), name="open-trainings"),
    path("trainings/<int:pk>/", views.OpenTrainingDetailView.as_view(), name="open-training"),
]
