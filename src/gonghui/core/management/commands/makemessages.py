"""``makemessages`` that also extracts the short aliases the code imports gettext under.

xgettext only knows Django's own names (gettext, gettext_lazy, _ ...); a string wrapped in
``_lazy("编辑工会")`` or ``_t(...)`` would otherwise never reach the catalogues and stay Chinese
in every language. ``core/tests/test_languages.py`` checks that every marked string is extracted.
"""

from django.core.management.commands import makemessages

ALIASES = ("_lazy", "_t")


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        *(f"--keyword={alias}" for alias in ALIASES),
    ]
