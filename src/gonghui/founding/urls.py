from django.urls import path

from . import views

# The paths are those these pages had under enterprises (/enterprises/founding/..., and the
# enterprise page's /enterprises/<id>/found/).
app_name = "founding"
urlpatterns = [
    path("enterprises/<int:pk>/found/", views.FoundingOpenView.as_view(), name="open"),
    path("enterprises/founding/", views.FoundingListView.as_view(), name="list"),
    path("enterprises/founding/<int:pk>/", views.FoundingDetailView.as_view(), name="detail"),
    path(
        "enterprises/founding/<int:pk>/cancel/", views.FoundingCancelView.as_view(), name="cancel"
    ),
    path(
        "enterprises/founding/<int:pk>/<str:step>/edit/",
        views.FoundingStepEditView.as_view(),
        name="step",
    ),
    path(
        "enterprises/founding/<int:pk>/<str:step>/upload/",
        views.FoundingUploadView.as_view(),
        name="upload",
    ),
    path(
        "enterprises/founding/<int:pk>/<str:step>/sign-off/",
        views.FoundingSignOffView.as_view(),
        name="sign-off",
    ),
    path(
        "enterprises/founding/documents/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="document-download",
    ),
]
