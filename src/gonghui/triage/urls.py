from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("alerts/", views.AlertList.as_view(), name="alerts"),
    path("alerts/<int:pk>/", views.AlertDetail.as_view(), name="alert"),
    path("cases/<int:pk>/", views.SuggestionPanel.as_view(), name="case-suggestion"),
]
