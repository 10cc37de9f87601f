"""Accessibility of the shared templates: pager, form errors, tables, skip link, messages, contrast."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _pager(query, number):
    request = RequestFactory().get("/list/", query)
    page = Paginator(range(100), 10).get_page(number)
    return render_to_string("core/_pager.html", {"page": page}, request=request)


def test_pager_keeps_every_filter_and_replaces_the_page():
    html = _pager({"q": "张 三&", "status": "open", "org": "7", "page": "2"}, 2)
    assert '<nav class="pager" aria-label="分页">' in html
    assert (
        'href="?q=%E5%BC%A0+%E4%B8%89%26&amp;status=open&amp;org=7&amp;page=1" rel="prev"' in html
    )
    assert (
        'href="?q=%E5%BC%A0+%E4%B8%89%26&amp;status=open&amp;org=7&amp;page=3" rel="next"' in html
    )
    assert "第 2 页，共 10 页" in html
    assert html.count("page=") == 2


def test_pager_first_and_last_pages_offer_one_way_and_a_single_page_no_pager():
    first = _pager({"status": "open"}, 1)
    assert 'rel="prev"' not in first and 'href="?status=open&amp;page=2" rel="next"' in first
    last = _pager({}, 10)
    assert 'href="?page=9" rel="prev"' in last and 'rel="next"' not in last
    request = RequestFactory().get("/list/")
    single = Paginator(range(3), 10).get_page(1)
    assert render_to_string("core/_pager.html", {"page": single}, request=request).strip() == ""
