from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    # Officer pages
    path("activities/", views.IndexView.as_view(), name="index"),
    path("activities/campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("activities/campaigns/new/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path(
        "activities/campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign-detail"
    ),
    path("activities/campaigns/<int:pk>/scan/", views.ScanView.as_view(), name="scan"),
    path("activities/deliveries/<int:pk>/invite/", views.InviteView.as_view(), name="invite"),
    path("activities/trainings/", views.TrainingAdminView.as_view(), name="training-admin"),
    path("activities/courses/<int:pk>/", views.CourseView.as_view(), name="course"),
    path("activities/sessions/<int:pk>/", views.SessionRosterView.as_view(), name="roster"),
    path("activities/jobs/", views.JobAdminView.as_view(), name="job-admin"),
    path("activities/jobs/new/", views.JobEditView.as_view(), name="job-create"),
    path("activities/jobs/<int:pk>/edit/", views.JobEditView.as_view(), name="job-edit"),
    path("activities/discounts/new/", views.DiscountEditView.as_view(), name="discount-create"),
    path(
        "activities/discounts/<int:pk>/edit/",
        views.DiscountEditView.as_view(),
        name="discount-edit",
    ),
    path("activities/contests/", views.ContestListView.as_view(), name="contest-list"),
    path("activities/contests/<int:pk>/", views.ContestDetailView.as_view(), name="contest-detail"),
    path(
        "activities/craftsmen/<int:pk>/step/",
        views.CraftsmanStepView.as_view(),
        name="craftsman-step",
    ),
    path("activities/bargaining/", views.BargainingView.as_view(), name="bargaining"),
    path("activities/report/", views.ReportView.as_view(), name="report"),
    path("activities/report.xlsx", views.ReportExportView.as_view(), name="report-export"),
    # Public pages
    path("trainings/", views.OpenTrainingListView.as_view(), name="open-trainings"),
    path("trainings/<int:pk>/", views.OpenTrainingDetailView.as_view(), name="open-training"),
    path("jobs/", views.OpenJobsView.as_view(), name="open-jobs"),
    path("discounts/", views.OpenDiscountsView.as_view(), name="open-discounts"),
]
