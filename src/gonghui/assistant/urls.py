from django.urls import path

from . import views

app_name = "assistant"
urlpatterns = [
    path("ask", views.ask, name="ask"),
    path("assistant/documents/", views.DocumentsView.as_view(), name="documents"),
    path("assistant/documents/progress", views.document_progress, name="progress"),
    path("assistant/documents/<int:pk>/", views.DocumentView.as_view(), name="document"),
]
