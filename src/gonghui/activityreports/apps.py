from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityreportsConfig(AppConfig):
    name = "gonghui.activityreports"
    label = "activityreports"
    verbose_name = _("活动统计")
