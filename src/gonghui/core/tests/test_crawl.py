"""Every demo persona clicks through everything they can reach: no link answers 404 or 500, and
the read-only auditor never sees a control that would change something.

The demo (the one ``manage.py demo`` builds) is the session's ``demo`` fixture (src/conftest.py):
built once, rolled back at the end, so the rest of the suite never sees it.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from gonghui.accounts.models import User
from gonghui.organizations.demo_tree import DEMO_ACCOUNTS

# Bounds: a persona's crawl stops after MAX_PAGES fetches, and visits at most PER_SHAPE URLs of
# one shape (the path with its numbers replaced, plus the names of its query parameters): two
# objects of a shape find what one object alone would not (a link only some rows have).
MAX_PAGES = 260
PER_SHAPE = 2
SKIPPED_PREFIXES = ("/static/", "/admin/", "/api/", "/i18n/", "/media/")

# URL names that write, or open a form that writes: the auditor must never be offered one.
WRITE_URL_NAMES = {
    "organizations:create", "organizations:edit", "organizations:move",
    "organizations:dissolve",
    "enterprises:create", "enterprises:edit", "enterprises:import", "enterprises:coverage-rule",
    "enterprises:grid-assign", "enterprises:visit-create", "founding:open",
    "enterprises:project-create", "enterprises:project-end", "founding:upload",
    "founding:sign-off",
    "members:enrol", "rosters:import", "members:transfer-decide",
    "stations:create", "stations:edit", "stations:import", "stations:photo-upload",
    "stations:exception-create",
    "cases:new",
    "campaigns:campaign-create", "campaigns:scan", "benefits:job-create",
    "benefits:job-edit", "benefits:discount-create", "benefits:discount-edit",
    "contests:craftsman-step",
    "members:edit", "members:join-policy", "members:move-all", "joining:me-profile",
    "enterprises:project-edit", "founding:step", "founding:cancel",
    "enterprises:social-account", "enterprises:social-claim",
    "accounts:manage-create", "contests:contest-create",
    "contests:craftsman-create", "contests:studio-create", "contests:studio-edit",
    "bargaining:procedure-open", "bargaining:congress-create", "bargaining:agreement-edit",
    "cases:case-type-new", "cases:case-type-edit", "aid:hardship-new", "aid:claim-new",
    "stations:exception-delete", "campaigns:kind-create",
}  # fmt: skip
# POST forms that change nothing in the union's data: signing out, the language, one's own
# second factor, and the public self-service pages anyone may open (joining, phone sign-in).
HARMLESS_FORM_ACTIONS = {"/accounts/logout/", "/i18n/setlang/", "/accounts/security/", "/join",
                         "/me/login"}  # fmt: skip


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.post_forms: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.post_forms.append(attrs.get("action") or "")


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "<n>", parts.path) + "?" + "&".join(keys)


def same_site(base: str, href: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def url_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, start: str = "/"):
    """Breadth-first over same-site GET links. Returns (pages, failures, controls)."""
    queue, seen, shapes = deque([(start, "(start)")]), {start}, Counter()
    pages, failures, controls = 0, [], []
    while queue and pages < MAX_PAGES:
        url, referrer = queue.popleft()
        response = client.get(url)
        pages += 1
        if not 200 <= response.status_code < 400:
            failures.append((response.status_code, url, referrer))
            continue
        if response.status_code >= 300:
            target = same_site(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = LinkParser()
        parser.feed(response.content.decode())
        for action in parser.post_forms:
            target = urlsplit(urljoin(url, action)).path
            if target not in HARMLESS_FORM_ACTIONS:
                controls.append((url, "form", target))
        for href in parser.links:
            target = same_site(url, href)
            if target is None:
                continue
            if url_name(target) in WRITE_URL_NAMES:
                controls.append((url, "link", target))
            if target in seen or shapes[shape(target)] >= PER_SHAPE:
                continue
            seen.add(target)
            shapes[shape(target)] += 1
            queue.append((target, url))
    return pages, failures, controls


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(
        User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


OFFICER_PERSONAS = ["admin"] + [username for username, _role, _org in DEMO_ACCOUNTS]


@pytest.mark.django_db
@pytest.mark.parametrize("username", OFFICER_PERSONAS)
def test_every_link_a_demo_persona_can_reach_answers(demo, username):
    pages, failures, _controls = crawl(signed_in(username))
    assert pages > 20, f"{username} reached only {pages} pages"
    assert failures == [], failures


@pytest.mark.django_db
def test_every_link_a_demo_worker_and_a_visitor_can_reach_answers(demo):
    from gonghui.members.models import Member

    worker = User.objects.filter(role="worker", member__isnull=False).first()
    if worker is None:  # the demo's case workers may have no member record: link one
        member = Member.objects.filter(account__isnull=True).first()
        worker = User.objects.filter(role="worker").first()
        Member.objects.filter(pk=member.pk).update(account=worker)
    for client in (signed_in(worker.username), Client()):
        pages, failures, _controls = crawl(client)
        assert pages > 5
        assert failures == [], failures


@pytest.mark.django_db
def test_the_read_only_auditor_is_offered_no_edit_or_create_control(demo):
    client = signed_in("auditor")
    pages, failures, controls = crawl(client)
    assert pages > 20
    assert failures == [], failures
    assert controls == [], controls
    home = client.get("/").content.decode()
    assert 'id="read-only-banner"' in home
    assert "只读账号" in home
