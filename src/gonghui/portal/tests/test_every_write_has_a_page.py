"""Issue 15 item 5: every write operation the API offers has a page, or is API-only with a
reason. Each page is rendered, written through and refused by its own app's tests; this check
keeps the list whole."""

from django.urls import URLPattern, URLResolver, get_resolver

from gonghui.api import api
from gonghui.portal.pages import API_ONLY, WRITE_PAGES

WRITE_METHODS = {"post", "put", "patch", "delete"}


def schema_write_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    }


def url_views(resolver: URLResolver | None = None, namespace: str = "") -> dict:
    """Every named URL pattern, "namespace:name" -> its view callable."""
    views = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            views |= url_views(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            views[namespace + entry.name] = entry.callback
    return views


def test_every_write_operation_has_a_page_or_a_reason():
    operations = schema_write_operations()
    listed = set(WRITE_PAGES) | set(API_ONLY)
    assert not set(WRITE_PAGES) & set(API_ONLY), "an operation is both a page and API-only"
    assert sorted(operations - listed) == [], "write operations with no page and no reason"
    assert sorted(listed - operations) == [], "listed operations the API no longer has"


def test_the_api_only_list_is_short_and_reasoned():
    assert len(API_ONLY) <= 12
    for operation, reason in API_ONLY.items():
        assert len(reason) > 20, f"{operation}: give the reason"


def test_every_listed_page_exists_and_takes_a_post():
    views = url_views()
    missing = sorted({name for name in WRITE_PAGES.values() if name not in views})
    assert missing == []
    for name in set(WRITE_PAGES.values()):
        view_class = getattr(views[name], "view_class", None)
        if view_class is not None:  # a class-based page: it must write on POST
            assert hasattr(view_class, "post"), f"{name} ({view_class.__name__}) takes no POST"
