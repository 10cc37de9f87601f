from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoundingConfig(AppConfig):
    """Founding a union (模块化建会) for an enterprise, a group of small firms (联合建会) or a
    project: the case, its steps with deadlines, documents and sign-offs, and its timeline. The
    registry it works on (enterprises, projects, the coverage rules) is in ``enterprises``."""

    name = "gonghui.founding"
    label = "founding"
    verbose_name = _("模块化建会")
