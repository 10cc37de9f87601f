from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Appeals (诉求): their types, deadlines, handling between unions, replies and the inbox.
    Hardship aid and medical mutual aid are in ``aid``."""

    name = "gonghui.cases"
    label = "cases"
    verbose_name = _("诉求办理")
