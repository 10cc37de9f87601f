"""``new_member`` builds the unsaved record by Django's positional quick path and checks it with
``clean_fields`` + ``clean`` (full_clean less its uniqueness and constraint checks): the record
and its field errors must be exactly those of ``Member(**fields)`` + ``full_clean``."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gonghui.core.validators import mask_id_card
from gonghui.members import crypto
from gonghui.members.choices import JoinChannel, MemberStatus
from gonghui.members.joining import CHECKED_FIELDS, JOIN_EXTRA_FIELDS, _unchecked_fields, new_member
from gonghui.members.models import Member
from gonghui.members.tests.factories import id_card, phone

pytestmark = pytest.mark.django_db

NUMBER = id_card(birth=dt.date(1988, 2, 29), female=True)


def _by_keywords(union, *, number, phone, approved, name, extra, **fields):
    """The record as ``Member(**fields)`` makes it, checked by ``full_clean``."""
    member = Member(
        union=union,
        name=name.strip(),
        id_card_encrypted="same",
        id_card_hash="h" * 64,
        id_card_masked=mask_id_card(number),
        phone=phone,
        gender="F",
        birth_date=dt.date(1988, 2, 29),
        employer_name=fields.get("employer_name", ""),
        work_place=fields.get("work_place", ""),
        occupation_group=fields.get("occupation_group", "other"),
        joined_on=fields.get("joined_on") or timezone.localdate(),
        status=MemberStatus.ACTIVE if approved else MemberStatus.APPLIED,
        channel=JoinChannel.ONLINE,
        **{key: value for key, value in extra.items() if value is not None},
    )
    errors = None
    try:
        member.full_clean(exclude=sorted(_unchecked_fields(frozenset(extra))))
    except ValidationError as exc:
        errors = exc.message_dict
    return member, errors


def _by_new_member(union, *, number, phone, approved, name, extra, **fields):
    try:
        member = new_member(
            union=union, number=number, number_hash="h" * 64, phone=phone,
            channel=JoinChannel.ONLINE, approved=approved, name=name, **fields, **extra,
        )  # fmt: skip
    except ValidationError as exc:
        return None, exc.message_dict
    member.id_card_encrypted = "same"  # a fresh nonce each time
    return member, None


def _values(member):
    return {f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields}


CASES = [
    # A plain online join, and one with every optional field.
    {"name": "王小明", "phone": phone(), "approved": True, "extra": {}},
    {
        "name": " 李四 ",
        "phone": phone(),
        "approved": False,
        "occupation_group": "courier",
        "employer_name": "美团",
        "work_place": "浏阳市新屋岭社区",
        "joined_on": dt.date(2026, 3, 1),
        "extra": {
            "home_latitude": 28.15,
            "home_longitude": 113.63,
            "ethnicity": "汉族",
            "education": "college",
            "is_migrant_worker": True,
            "work_start_year": 2015,
            "emergency_contact_name": "王五",
            "job_title": None,
        },
    },
    # Refused: a bad phone, an overlong name, an unknown occupation, a bad profile choice, a
    # year out of range, several at once.
    {"name": "张三", "phone": "1234", "approved": True, "extra": {}},
    {"name": "张" * 61, "phone": phone(), "approved": True, "extra": {}},
    {"name": "张三", "phone": phone(), "approved": True, "occupation_group": "pilot", "extra": {}},
    {"name": "张三", "phone": phone(), "approved": True, "extra": {"education": "phd-ish"}},
    {"name": "张三", "phone": phone(), "approved": True, "extra": {"work_start_year": 1800}},
    {
        "name": "张" * 61,
        "phone": "1",
        "approved": True,
        "occupation_group": "x",
        "extra": {"education": "y", "ethnicity": "民" * 21},
    },
]


@pytest.mark.parametrize("case", CASES)
def test_new_member_is_the_record_and_the_errors_full_clean_gives(personas, case):
    union = personas.xinwuling
    expected, expected_errors = _by_keywords(union, number=NUMBER, **case)
    made, errors = _by_new_member(union, number=NUMBER, **case)
    assert errors == expected_errors
    if expected_errors is None:
        assert _values(made) == _values(expected)
        assert made.union is union
        assert made._state.adding and made.pk is None


def test_what_the_quick_check_leaves_out_would_check_nothing():
    """full_clean's uniqueness and constraint checks are skipped: every unique field must be one
    new_member does not check, and the model must have no constraints and no clean() of its own
    (if either changes, new_member must check them again)."""
    unique = {f.name for f in Member._meta.concrete_fields if f.unique}
    assert unique <= _unchecked_fields(frozenset()) | {"id"}
    assert unique.isdisjoint(CHECKED_FIELDS | JOIN_EXTRA_FIELDS)
    assert not Member._meta.constraints
    assert not Member._meta.unique_together
    assert Member.clean is models.Model.clean
    # The positional quick path takes values by attribute name: every field a join may carry
    # is named as it is stored.
    for name in CHECKED_FIELDS | JOIN_EXTRA_FIELDS:
        assert Member._meta.get_field(name).attname == name


def test_each_new_member_gets_its_own_defaults(personas):
    """Defaults are made per record (Django's quick path takes none it is not given)."""
    first = new_member(
        union=personas.xinwuling, number=NUMBER, number_hash="h" * 64, phone=phone(),
        channel=JoinChannel.ONLINE, approved=True, name="王小明",
    )  # fmt: skip
    assert first.joined_on == timezone.localdate()
    assert first.card_version == 1
    assert crypto.decrypt_id(first.id_card_encrypted) == NUMBER
