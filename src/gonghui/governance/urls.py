from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("committees/", views.CommitteeListView.as_view(), name="committees"),
    path("committees/<int:pk>/", views.CommitteeDetailView.as_view(), name="committee"),
    path("pairings/", views.PairingView.as_view(), name="pairings"),
    path("six-strong/", views.SixStrongView.as_view(), name="six-strong"),
    path("six-strong/<int:pk>/", views.EvaluationView.as_view(), name="evaluation"),
    path("six-strong/evidence/<int:pk>/", views.EvidenceView.as_view(), name="evidence"),
]
