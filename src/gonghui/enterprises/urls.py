from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="list"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("enterprises/import/", views.ImportView.as_view(), name="import"),
    path(
        "enterprises/import/template/", views.ImportTemplateView.as_view(), name="import-template"
    ),
    path("enterprises/coverage/", views.CoverageView.as_view(), name="coverage"),
    path(
        "enterprises/coverage/rules/<int:pk>/",
        views.CoverageRuleView.as_view(),
        name="coverage-rule",
    ),
    path("enterprises/grid/", views.GridView.as_view(), name="grid"),
    path("enterprises/grid/assign/", views.GridAssignView.as_view(), name="grid-assign"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="edit"),
    path(
        "enterprises/<int:pk>/account/",
        views.SocialAccountCreateView.as_view(),
        name="social-account",
    ),
    path("social/projects/", views.SocialProjectsView.as_view(), name="social-projects"),
    path(
        "social/projects/<int:pk>/claim/",
        views.SocialProjectsView.as_view(),
        name="social-claim",
    ),
    path("enterprises/<int:pk>/visits/", views.VisitCreateView.as_view(), name="visit-create"),
    path("enterprises/projects/", views.ProjectListView.as_view(), name="project-list"),
    path("enterprises/projects/new/", views.ProjectCreateView.as_view(), name="project-create"),
    path(
        "enterprises/projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"
    ),
    path(
        "enterprises/projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project-edit"
    ),
    path("enterprises/projects/<int:pk>/end/", views.ProjectEndView.as_view(), name="project-end"),
    path("enterprises/services/", views.ServiceProjectListView.as_view(), name="service-list"),
    path(
        "enterprises/services/<int:pk>/",
        views.ServiceProjectDetailView.as_view(),
        name="service-detail",
    ),
]
