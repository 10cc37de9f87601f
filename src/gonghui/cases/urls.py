from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.QueueView.as_view(), name="queue"),
    path("cases/new", views.CaseNewView.as_view(), name="new"),
    path("cases/mine", views.MyCasesView.as_view(), name="mine"),
    path("cases/inbox", views.InboxView.as_view(), name="inbox"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("cases/attachments/<int:pk>", views.AttachmentView.as_view(), name="attachment"),
    path("cases/hardship/", views.HardshipListView.as_view(), name="hardship-list"),
    path("cases/hardship/<int:pk>/", views.HardshipDetailView.as_view(), name="hardship-detail"),
    path("cases/mutual-aid/", views.MutualAidView.as_view(), name="mutual-aid"),
]
