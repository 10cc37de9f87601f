from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    """Money to workers in need: hardship aid (困难职工帮扶) with its thresholds and payments,
    and the yearly medical mutual aid (职工医疗互助) with its enrolments and claims. Appeals and
    their case handling are in ``cases``."""

    name = "gonghui.aid"
    label = "aid"
    verbose_name = _("帮扶与互助")
