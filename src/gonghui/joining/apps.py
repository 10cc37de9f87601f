from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JoiningConfig(AppConfig):
    """What a worker does on their own phone: join in one step, prove the phone with a code,
    carry the e-membership card, see and complete their own record. The records themselves
    (and what officers do with them) are in ``members``."""

    name = "gonghui.joining"
    label = "joining"
    verbose_name = _("入会与会员卡")
