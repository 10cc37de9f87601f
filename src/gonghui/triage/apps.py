from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "gonghui.triage"
    label = "triage"
    verbose_name = _("诉求分拣与预警")
