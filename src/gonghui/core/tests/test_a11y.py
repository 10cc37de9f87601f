"""Accessibility of the shared templates: pager, form errors, tables, skip link, messages, AA."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
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


def test_every_list_uses_the_one_core_pager():
    pagers = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*pager*.html"))
    assert pagers == ["templates/core/_pager.html"]
    for relative, text in _templates():
        for name in re.findall(r'{%\s*include\s+"([^"]*pager[^"]*)"', text):
            assert name == "core/_pager.html", relative


def test_pager_first_and_last_pages_offer_one_way_and_a_single_page_no_pager():
    first = _pager({"status": "open"}, 1)
    assert 'rel="prev"' not in first and 'href="?status=open&amp;page=2" rel="next"' in first
    last = _pager({}, 10)
    assert 'href="?page=9" rel="prev"' in last and 'rel="next"' not in last
    request = RequestFactory().get("/list/")
    single = Paginator(range(3), 10).get_page(1)
    assert render_to_string("core/_pager.html", {"page": single}, request=request).strip() == ""


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element that has an id."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "col", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.tags, self.text_by_id, self._open = [], {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in self.VOID:
            self._open.append((tag, attrs.get("id")))
            if attrs.get("id"):
                self.text_by_id[attrs["id"]] = ""

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data

    def find(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


@pytest.mark.django_db
def test_a_form_error_is_tied_to_its_input_on_a_real_page(client, personas):
    client.force_login(personas.luohe_officer)
    response = client.get("/audit/", {"start": "not-a-date", "actor": "someone"})
    assert response.status_code == 422
    page = Elements(response.content.decode())
    (start,) = page.find("input", name="start")
    assert start["aria-invalid"] == "true"
    assert start["aria-describedby"] == "id_start_error"
    assert (
        "有效的日期" in page.text_by_id["id_start_error"]
        or "valid date" in page.text_by_id["id_start_error"]
    )
    (actor,) = page.find("input", name="actor")
    assert "aria-invalid" not in actor and "aria-describedby" not in actor


class ChoiceForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, label="令牌")
    kind = forms.ChoiceField(
        label="类别",
        choices=[("a", "甲"), ("b", "乙")],
        widget=forms.RadioSelect,
        help_text="选一个",
    )
    note = forms.CharField(label="备注", help_text="不超过十个字", max_length=10)


def test_radio_group_is_a_fieldset_described_by_help_and_error_and_hidden_errors_are_shown():
    form = ChoiceForm({"note": "太长了太长了太长了太长了"})
    page = Elements(render_to_string("form_fields.html", {"form": form}))
    (group,) = page.find("fieldset")
    assert group["aria-describedby"] == "id_kind_helptext id_kind_error"
    assert page.text_by_id["id_kind_helptext"] == "选一个"
    assert page.text_by_id["id_kind_error"].strip() == "这个字段是必填项。"
    assert [radio["aria-invalid"] for radio in page.find("input", type="radio")] == ["true", "true"]
    (note,) = page.find("input", name="note")
    assert note["aria-invalid"] == "true"
    assert note["aria-describedby"] == "id_note_helptext id_note_error"
    assert "10" in page.text_by_id["id_note_error"]
    (hidden_error,) = page.find("div", role="alert")
    assert hidden_error["data-field"] == "token"


def test_a_valid_field_with_help_is_described_by_the_help_only():
    form = ChoiceForm({"token": "x", "kind": "a", "note": "好"})
    assert form.is_valid()
    page = Elements(render_to_string("form_fields.html", {"form": form}))
    (note,) = page.find("input", name="note")
    assert note["aria-describedby"] == "id_note_helptext" and "aria-invalid" not in note
    assert not page.find("div", role="alert")


SRC = Path(__file__).resolve().parents[2]  # src/gonghui


def _templates():
    for path in sorted(SRC.rglob("*.html")):
        yield path.relative_to(SRC), path.read_text()


def test_every_table_has_a_caption_and_every_header_cell_a_scope():
    tables = 0
    for relative, text in _templates():
        for match in re.finditer(r"<table\b[^>]*>", text):
            tables += 1
            following = text[match.end() :].lstrip()
            assert following.startswith("<caption"), f"{relative}: a table without a caption"
        for header in re.findall(r"<th(?=[\s>])[^>]*>", text):
            assert re.search(r'\bscope="(col|row|colgroup|rowgroup)"', header), (relative, header)
        for header in re.findall(r"<th\b[^>]*>\s*</th>", text):
            raise AssertionError(f"{relative}: an empty header cell {header}")
    assert tables >= 40


@pytest.mark.django_db
def test_every_page_starts_with_a_skip_link_to_the_main_content(client):
    page = Elements(client.get("/accounts/login/").content.decode())
    first_link = next(attrs for tag, attrs in page.tags if tag == "a")
    assert first_link == {"class": "skip-link", "href": "#main"}
    assert page.text_by_id["main"]
    (main,) = page.find("main")
    assert main["id"] == "main" and main["tabindex"] == "-1"


@pytest.mark.django_db
def test_messages_are_announced_from_a_polite_live_region():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = default_storage(request)
    messages.success(request, "已保存。")
    page = Elements(render_to_string("base.html", request=request))
    (region,) = [attrs for tag, attrs in page.tags if attrs.get("id") == "messages"]
    assert region["role"] == "status" and region["aria-live"] == "polite"
    assert page.text_by_id["messages"].strip() == "已保存。"
    # the region is there before any message, so a message added later is announced too
    empty = RequestFactory().get("/")
    empty.user, empty.session = AnonymousUser(), {}
    empty._messages = default_storage(empty)
    assert Elements(render_to_string("base.html", request=empty)).text_by_id["messages"] == ""


# --- contrast (WCAG 2.1 AA: normal text at least 4.5:1 against its background) ---------------

CSS = SRC / "static" / "css"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\([^)]*\)")


def _rgb(value, under=(255, 255, 255)):
    """(r, g, b) of a #hex or rgb()/rgba() colour, an alpha composited over ``under``."""
    if value.startswith("#"):
        digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    parts = [float(p) for p in value[value.index("(") + 1 : -1].split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return tuple(alpha * c + (1 - alpha) * u for c, u in zip(parts[:3], under, strict=True))


def contrast(foreground, background):
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rules():
    """[(selector, {property: value})] over our stylesheets, var(--x) resolved."""
    text = re.sub(
        r"/\*.*?\*/", "", "".join(p.read_text() for p in sorted(CSS.glob("*.css"))), flags=re.S
    )
    variables = dict(re.findall(r"(--[\w-]+):\s*([^;}]+)", text))
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = {}
        for declaration in body.split(";"):
            if ":" in declaration and not declaration.strip().startswith("--"):
                name, value = declaration.split(":", 1)
                value = re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m[1]].strip(), value)
                declarations[name.strip()] = value.strip()
        for selector in selectors.split(","):
            rules.append((" ".join(selector.split()), declarations))
    return rules, variables


def _backgrounds(declarations):
    value = declarations.get("background", declarations.get("background-color", ""))
    return COLOUR.findall(value)


def _text_pairs():
    """(selector, foreground, background) for every text colour the stylesheets set: against the
    rule's own background, its modifiers' (``.badge`` → ``.badge.open``), else the nearest
    ancestor selector's, else both page backgrounds (white cards, the grey page)."""
    rules, variables = _rules()
    page = ["#ffffff", variables["--bg"].strip()]
    with_background = [(s, _backgrounds(d)) for s, d in rules if _backgrounds(d)]
    for selector, declarations in rules:
        foregrounds = COLOUR.findall(declarations.get("color", ""))
        if not foregrounds or selector.startswith("@"):
            continue
        backgrounds = _backgrounds(declarations) or [
            c for s, cs in with_background if s.startswith(selector + ".") for c in cs
        ]
        ancestors = selector.split(" ")[:-1]
        while not backgrounds and ancestors:
            prefix = " ".join(ancestors)
            backgrounds = [c for s, cs in with_background if s == prefix for c in cs]
            ancestors.pop()
        for background in backgrounds or page:
            yield selector, foregrounds[0], background


def test_every_text_colour_in_our_stylesheets_meets_aa_contrast():
    pairs = list(_text_pairs())
    assert len(pairs) > 60
    failing = [
        (selector, fg, bg, round(contrast(_rgb(fg, _rgb(bg)), _rgb(bg)), 2))
        for selector, fg, bg in pairs
        if contrast(_rgb(fg, _rgb(bg)), _rgb(bg)) < 4.5
    ]
    assert failing == []


def test_the_main_colour_pairs_meet_aa_and_the_checker_knows_a_failing_pair():
    _, variables = _rules()
    ink, muted, red, page = (variables[k].strip() for k in ("--ink", "--muted", "--red", "--bg"))
    for foreground, background in [
        (ink, page), (muted, page), (muted, "#f1f1f3"), (red, "#ffffff"), ("#ffffff", red),
        ("#0b5cad", page),  # links
    ]:  # fmt: skip
        assert contrast(_rgb(foreground), _rgb(background)) >= 4.5, (foreground, background)
    assert round(contrast(_rgb("#6b7280"), _rgb("#f1f1f3")), 2) == 4.29  # the old muted tag
    assert round(contrast(_rgb("#ffffff"), _rgb("rgba(22, 163, 74, .88)")), 2) < 4.5
    assert contrast(_rgb("#000"), _rgb("#fff")) == 21


# --- vendored libraries -----------------------------------------------------------------------

VENDOR = SRC / "static" / "vendor"


def test_every_vendored_library_is_used_and_listed_in_versions():
    libraries = sorted(p.name for p in VENDOR.iterdir() if p.is_dir())
    listed = re.findall(r"->\s*([\w.-]+)/", (VENDOR / "VERSIONS.txt").read_text())
    assert sorted(listed) == libraries
    pages = "".join(
        p.read_text()
        for p in SRC.rglob("*")
        if p.suffix in {".html", ".js"} and VENDOR not in p.parents
    )
    for library in libraries:
        assert f"vendor/{library}/" in pages, f"static/vendor/{library} is referenced nowhere"
