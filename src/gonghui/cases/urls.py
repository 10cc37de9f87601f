from django.urls import path

from . import aid_views, views

app_name = "cases"
urlpatterns = [
    path("cases/", views.QueueView.as_view(), name="queue"),
    path("cases/new", views.CaseNewView.as_view(), name="new"),
    path("cases/mine", views.MyCasesView.as_view(), name="mine"),
    path("cases/inbox", views.InboxView.as_view(), name="inbox"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("cases/attachments/<int:pk>", views.AttachmentView.as_view(), name="attachment"),
    path("cases/hardship/", aid_views.HardshipListView.as_view(), name="hardship-list"),
    path("cases/hardship/new", aid_views.HardshipNewView.as_view(), name="hardship-new"),
    path("cases/hardship/mine", aid_views.HardshipMineView.as_view(), name="hardship-mine"),
    path("cases/hardship/thresholds", aid_views.ThresholdView.as_view(), name="thresholds"),
    path(
        "cases/hardship/<int:pk>/",
        aid_views.HardshipDetailView.as_view(),
        name="hardship-detail",
    ),
    path("cases/mutual-aid/", aid_views.MutualAidView.as_view(), name="mutual-aid"),
    path("cases/mutual-aid/mine", aid_views.MutualAidMineView.as_view(), name="mutual-aid-mine"),
    path("cases/mutual-aid/<int:pk>/", aid_views.EnrolmentView.as_view(), name="enrolment-detail"),
    path("cases/mutual-aid/claims/", aid_views.ClaimListView.as_view(), name="claims"),
    path("cases/mutual-aid/claims/new", aid_views.ClaimNewView.as_view(), name="claim-new"),
    path("cases/mutual-aid/claims/<int:pk>/", aid_views.ClaimView.as_view(), name="claim-detail"),
    path("cases/types/", views.CaseTypeListView.as_view(), name="case-types"),
    path("cases/types/new", views.CaseTypeEditView.as_view(), name="case-type-new"),
    path("cases/types/<int:pk>/", views.CaseTypeEditView.as_view(), name="case-type-edit"),
    path("cases/holidays/", views.HolidayView.as_view(), name="holidays"),
]
