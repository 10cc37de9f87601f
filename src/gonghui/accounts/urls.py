from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("security/", views.SecurityView.as_view(), name="security"),
    path("manage/", views.AccountListView.as_view(), name="manage-list"),
    path("manage/new/", views.AccountCreateView.as_view(), name="manage-create"),
    path("manage/<int:pk>/", views.AccountDetailView.as_view(), name="manage-detail"),
    path(
        "set-password/<str:uidb64>/<str:token>/",
        views.SetPasswordView.as_view(),
        name="set-password",
    ),
]
