from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrainConfig(AppConfig):
    name = "gonghui.brain"
    label = "brain"
    verbose_name = _("智慧大脑")
