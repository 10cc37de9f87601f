"""Pages under their old ``/activities/`` (officer) and public paths."""

from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("activities/campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("activities/campaigns/new/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path(
        "activities/campaign-kinds/new/", views.CustomKindCreateView.as_view(), name="kind-create"
    ),
    path(
        "activities/campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign-detail"
    ),
    path("activities/campaigns/<int:pk>/scan/", views.ScanView.as_view(), name="scan"),
    path("activities/deliveries/<int:pk>/invite/", views.InviteView.as_view(), name="invite"),
]
