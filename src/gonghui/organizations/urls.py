from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.OrgTreeView.as_view(), name="tree"),
    path("new/", views.OrgCreateView.as_view(), name="create"),
    path("autocomplete/", views.OrgAutocompleteView.as_view(), name="autocomplete"),
    path("<int:pk>/", views.OrgDetailView.as_view(), name="detail"),
    path("<int:pk>/children/", views.OrgChildrenView.as_view(), name="children"),
    path("<int:pk>/edit/", views.OrgEditView.as_view(), name="edit"),
    path("<int:pk>/move/", views.OrgMoveView.as_view(), name="move"),
    path("<int:pk>/dissolve/", views.OrgDissolveView.as_view(), name="dissolve"),
]
