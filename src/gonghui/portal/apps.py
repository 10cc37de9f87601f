from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The front door and the pages that span every domain: the home page with the officer's
    queue, the audit log pages, and the demo loader. It sits above the domain apps (it reads
    them through their selectors) so that ``core`` below them imports none of them."""

    name = "gonghui.portal"
    label = "portal"
    verbose_name = _("门户")
