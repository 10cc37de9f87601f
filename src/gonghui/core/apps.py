from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self):
        from django.core.signals import request_finished, request_started

        from gonghui.core import giveway, lookups  # noqa: F401  lookups registers path__subtree_of
        from gonghui.core.text import guard_text_fields

        guard_text_fields()
        request_started.connect(giveway.request_started, dispatch_uid="core-giveway")
        request_finished.connect(giveway.request_finished, dispatch_uid="core-giveway")
