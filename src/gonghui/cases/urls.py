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
    path("cases/types/", views.CaseTypeListView.as_view(), name="case-types"),
    path("cases/types/new", views.CaseTypeEditView.as_view(), name="case-type-new"),
    path("cases/types/<int:pk>/", views.CaseTypeEditView.as_view(), name="case-type-edit"),
    path("cases/holidays/", views.HolidayView.as_view(), name="holidays"),
]
