from django.urls import path

from . import views

# The paths are those these pages had under cases (/cases/hardship/..., /cases/mutual-aid/...).
app_name = "aid"
urlpatterns = [
    path("cases/hardship/", views.HardshipListView.as_view(), name="hardship-list"),
    path("cases/hardship/new", views.HardshipNewView.as_view(), name="hardship-new"),
    path("cases/hardship/mine", views.HardshipMineView.as_view(), name="hardship-mine"),
    path("cases/hardship/thresholds", views.ThresholdView.as_view(), name="thresholds"),
    path("cases/hardship/<int:pk>/", views.HardshipDetailView.as_view(), name="hardship-detail"),
    path("cases/mutual-aid/", views.MutualAidView.as_view(), name="mutual-aid"),
    path("cases/mutual-aid/mine", views.MutualAidMineView.as_view(), name="mutual-aid-mine"),
    path("cases/mutual-aid/<int:pk>/", views.EnrolmentView.as_view(), name="enrolment-detail"),
    path("cases/mutual-aid/claims/", views.ClaimListView.as_view(), name="claims"),
    path("cases/mutual-aid/claims/new", views.ClaimNewView.as_view(), name="claim-new"),
    path("cases/mutual-aid/claims/<int:pk>/", views.ClaimView.as_view(), name="claim-detail"),
]
