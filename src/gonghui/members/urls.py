import os

from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("members/", views.MemberListView.as_view(), name="list"),
    path("members/export.xlsx", views.MemberExportView.as_view(), name="export"),
    path("members/new/", views.MemberEnrolView.as_view(), name="enrol"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("members/reviews/", views.ReviewListView.as_view(), name="reviews"),
    path("members/duplicates/", views.DuplicatesView.as_view(), name="duplicates"),
    path(
        "members/unions/<int:union_id>/join-policy/",
        views.JoinPolicyView.as_view(),
        name="join-policy",
    ),
    path("members/unions/<int:union_id>/move/", views.MoveAllView.as_view(), name="move-all"),
    path("members/transfers/", views.TransferListView.as_view(), name="transfers"),
    path(
        "members/transfers/<int:pk>/<str:decision>",
        views.TransferDecideView.as_view(),
        name="transfer-decide",
    ),
]

# bench/members.py's one-row-commit baseline; only when the bench starts the server with it.
if os.environ.get("BENCH_ENDPOINTS") == "1":
    from .bench_endpoint import commit_one_row

    urlpatterns.append(path("bench/commit", commit_one_row, name="bench-commit"))
