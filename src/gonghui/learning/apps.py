from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "gonghui.learning"
    label = "learning"
    verbose_name = _("职工培训")
