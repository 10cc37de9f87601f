from django.urls import path

from . import views

app_name = "joining"
urlpatterns = [
    path("join", views.JoinView.as_view(), name="join"),
    path("join/code", views.JoinCodeView.as_view(), name="join-code"),
    path("card/<str:token>/", views.CardView.as_view(), name="card"),
    path("card/<str:token>/card.png", views.CardPngView.as_view(), name="card-png"),
    path("verify/<str:token>", views.VerifyView.as_view(), name="verify"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/login", views.MeLoginView.as_view(), name="me-login"),
    path("me/profile", views.MeProfileView.as_view(), name="me-profile"),
]
