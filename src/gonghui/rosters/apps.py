from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    """Bulk enrolment from an officer's spreadsheet (批量导入): the template, the checked upload,
    the import task in batches, its progress page and report. The records it writes, and the
    ImportJob that tracks it, are in ``members``."""

    name = "gonghui.rosters"
    label = "rosters"
    verbose_name = _("批量导入会员")
