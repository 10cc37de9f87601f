"""core.warmup: a fresh worker compiles every URL pattern before its first request."""

from django.conf import settings
from django.urls import URLResolver, clear_url_caches, get_resolver
from django.utils import translation

from gonghui.core.warmup import compile_url_patterns


def compiled_everywhere(resolver) -> bool:
    for entry in resolver.url_patterns:
        descriptor_cache = entry.pattern.__dict__
        compiled = "regex" in descriptor_cache or translation.get_language() in getattr(
            entry.pattern, "_regex_dict", {}
        )
        if not compiled:
            return False
        if isinstance(entry, URLResolver) and not compiled_everywhere(entry):
            return False
    return True


def forget_compiled(resolver) -> None:
    """As in a fresh process: the patterns (module-level objects) keep what earlier tests
    compiled."""
    for entry in resolver.url_patterns:
        entry.pattern.__dict__.pop("regex", None)
        getattr(entry.pattern, "_regex_dict", {}).clear()
        if isinstance(entry, URLResolver):
            forget_compiled(entry)


def test_every_pattern_is_compiled_in_every_language():
    clear_url_caches()
    forget_compiled(get_resolver())
    with translation.override("en"):
        assert not compiled_everywhere(get_resolver())
    count = compile_url_patterns()
    assert count > 300  # the whole table, the API's routes included
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert compiled_everywhere(get_resolver())
            assert get_resolver()._reverse_dict.get(code)
