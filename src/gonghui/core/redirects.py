"""Where to go after signing in: the ``next`` the page asked for, if it stays on this site."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, field: str = "next") -> str:
    """The request's ``next`` (POST first, then the query string) if it is a same-site URL,
    else "" (an absolute URL to another host, ``//evil.example`` and ``javascript:`` are all
    refused)."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
