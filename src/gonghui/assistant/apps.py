from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Anonymous questions per address and per device (hits, seconds). settings.RATE_LIMITS may set
# them (``RATE_LIMITS=ask_address=...``); these are the defaults when it does not.
ASK_RATE_LIMITS = {"ask_address": (120, 3600), "ask_device": (60, 3600)}


class AssistantConfig(AppConfig):
    name = "gonghui.assistant"
    label = "assistant"
    verbose_name = _("智能问答")

    def ready(self):
        from django.conf import settings

        for name, rate in ASK_RATE_LIMITS.items():
            settings.RATE_LIMITS.setdefault(name, rate)
