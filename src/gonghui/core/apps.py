from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self):
        from gonghui.core import lookups  # noqa: F401  registers path__subtree_of
        from gonghui.core.text import guard_text_fields

        guard_text_fields()
