from django.urls import path

from . import views

app_name = "stations"
urlpatterns = [
    path("map", views.PublicMapView.as_view(), name="map"),
    path("stations/", views.StationListView.as_view(), name="list"),
    path("stations/new/", views.StationCreateView.as_view(), name="create"),
    path("stations/import/", views.ImportView.as_view(), name="import"),
    path(
        "stations/import/template.<str:fmt>",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path("stations/facilities/", views.FacilityListView.as_view(), name="facilities"),
    path("stations/usage/", views.UsageView.as_view(), name="usage"),
    path("stations/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("stations/<int:pk>/photos/", views.PhotoUploadView.as_view(), name="photo-upload"),
    path("stations/<int:pk>/poster/", views.PosterView.as_view(), name="poster"),
    path("s/<str:token>/", views.CheckInView.as_view(), name="checkin"),
    path("stations/<int:pk>/", views.StationDetailView.as_view(), name="detail"),
    path("stations/<int:pk>/edit/", views.StationEditView.as_view(), name="edit"),
    path(
        "stations/<int:pk>/exceptions/",
        views.ExceptionCreateView.as_view(),
        name="exception-create",
    ),
    path(
        "stations/<int:pk>/exceptions/<int:exception_id>/delete/",
        views.ExceptionDeleteView.as_view(),
        name="exception-delete",
    ),
]
