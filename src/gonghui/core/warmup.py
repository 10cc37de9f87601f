"""What a fresh worker does once, before its first request, so that request costs what the next
ones do.

Django compiles each URL pattern's regular expression the first time a request is matched
against it (translated patterns once per language), and builds the tables ``reverse()`` uses on
its first call per language. A fresh worker's first API request paid for the patterns it passed
on the way: 45-200 ms on a slow host, where the next request took 12.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.utils import translation


def compile_url_patterns() -> int:
    """Compile every URL pattern and build the reverse tables in each language the site speaks;
    returns the number of patterns."""
    count = 0
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver = get_resolver()
            resolver.reverse_dict  # noqa: B018  built on first access, per language
            count = _compile_under(resolver)
    return count


def _compile_under(resolver: URLResolver) -> int:
    count = 0
    for entry in resolver.url_patterns:
        entry.pattern.regex  # noqa: B018  compiled on first access
        count += 1
        if isinstance(entry, URLResolver):
            count += _compile_under(entry)
    return count
