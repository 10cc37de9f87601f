from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.cases import uploads
from gonghui.cases.forms_spec import clean_answers, validate_field_specs

from .conftest import PDF, png_bytes

SPECS = [
    {"name": "amount", "label": "金额", "type": "number", "required": True, "min": 1},
    {"name": "when", "label": "日期", "type": "date"},
    {"name": "kind", "label": "类别", "type": "choice", "choices": ["甲", "乙"]},
    {"name": "note", "label": "说明", "type": "text"},
]
answers = st.fixed_dictionaries(
    {},
    optional={
        "amount": st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True)),
        "when": st.text(max_size=12),
        "kind": st.text(max_size=3),
        "note": st.text(max_size=300),
        "extra": st.text(max_size=5),
    },
)


# No deadline: eight engineers share two CPUs, and a slow example is not a wrong one.
@settings(deadline=None)
@given(answers)
def test_answers_are_either_cleaned_or_field_errors(data):
    try:
        cleaned = clean_answers(SPECS, data)
    except ValidationError as exc:
        assert set(exc.message_dict) <= {"amount", "when", "kind", "note"}
        return
    assert set(cleaned) <= {"amount", "when", "kind", "note"}
    number = Decimal(cleaned["amount"])
    assert number >= 1 and "E" not in cleaned["amount"]
    assert cleaned.get("kind", "甲") in ("甲", "乙")
    assert len(cleaned.get("note", "")) <= 200


def test_number_answers_are_stored_in_plain_notation():
    assert clean_answers(SPECS, {"amount": "15000"})["amount"] == "15000"
    assert clean_answers(SPECS, {"amount": 12.50})["amount"] == "12.5"


@settings(deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_pass_only_with_a_known_signature(content):
    upload = SimpleUploadedFile("x.jpg", content)
    try:
        checked = uploads.check(upload)
    except ValidationError:
        return
    assert checked.content_type == "application/pdf" and content.startswith(b"%PDF-")


def test_png_with_a_pdf_name_is_stored_as_png():
    checked = uploads.check(SimpleUploadedFile("scan.pdf", png_bytes()))
    assert (checked.content_type, checked.extension) == ("image/png", "png")


def test_truncated_jpeg_header_is_not_an_image():
    with pytest.raises(ValidationError):
        uploads.check(SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50))


def test_pdf_is_accepted():
    assert uploads.check(SimpleUploadedFile("a", PDF)).extension == "pdf"


@pytest.mark.parametrize(
    "specs",
    [
        "not a list",
        [{"name": "Bad", "label": "x", "type": "text"}],
        [{"name": "title", "label": "x", "type": "text"}],
        [{"name": "a", "label": "x", "type": "blob"}],
        [{"name": "a", "label": "x", "type": "choice"}],
        [{"name": "a", "label": "x", "type": "text"}, {"name": "a", "label": "y", "type": "text"}],
    ],
)
def test_bad_field_specs_are_refused(specs):
    with pytest.raises(ValidationError):
        validate_field_specs(specs)
