"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("activities/jobs/", views.JobAdminView.as_view(), name="job-admin"),
    path("activities/jobs/new/", views.JobEditView.as_view(), name="job-create"),
    path("activities/jobs/<int:pk>/edit/", views.JobEditView.as_view(), name="job-edit"),
    path("activities/discounts/new/", views.DiscountEditView.as_view(), name="discount-create"),
    path(
        "activities/discounts/<int:pk>/edit/",
        views.DiscountEditView.as_view(),
        name="discount-edit",
    ),
    path("jobs/", views.OpenJobsView.as_view(), name="open-jobs"),
    path("discounts/", views.OpenDiscountsView.as_view(), name="open-discounts"),
]
