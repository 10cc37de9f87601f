from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    label = "stations"
    verbose_name = _("服务阵地")

    def ready(self):
        from django.core.signals import request_finished, request_started

        from . import index

        request_started.connect(index.request_started, dispatch_uid="stations-index-request")
        request_finished.connect(index.request_finished, dispatch_uid="stations-index-request")
