from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from gonghui.api import api
from gonghui.core import media
from gonghui.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    # First: every API call would otherwise try each app's patterns before reaching ninja.
    path("api/", api.urls),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.organizations.urls")),
    path("", include("gonghui.enterprises.urls")),
    path("", include("gonghui.founding.urls")),
    path("", include("gonghui.members.urls")),
    path("", include("gonghui.joining.urls")),
    path("", include("gonghui.rosters.urls")),
    path("", include("gonghui.stations.urls")),
    path("", include("gonghui.cases.urls")),
    path("", include("gonghui.aid.urls")),
    path("", include("gonghui.campaigns.urls")),
    path("", include("gonghui.learning.urls")),
    path("", include("gonghui.benefits.urls")),
    path("", include("gonghui.contests.urls")),
    path("", include("gonghui.bargaining.urls")),
    path("", include("gonghui.activityreports.urls")),
    path("brain/", include("gonghui.brain.urls")),
    path("governance/", include("gonghui.governance.urls")),
    path("", include("gonghui.assistant.urls")),
    path("triage/", include("gonghui.triage.urls")),
    path("audit/", portal_views.AuditLogView.as_view(), name="audit-log"),
    path("audit/export.xlsx", portal_views.AuditExportView.as_view(), name="audit-export"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]

# Station photos are public; nothing else under MEDIA_ROOT is (case files, founding documents
# and import files are served only through scoped views). The same small view serves them in
# production: images only, our content type, nosniff and a sandbox policy (core.media).
urlpatterns += [
    re_path(r"^media/stations/(?P<path>.+)$", media.station_photo, name="station-photo"),
]
