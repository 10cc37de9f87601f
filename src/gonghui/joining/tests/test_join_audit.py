"""The online join's audit changes for a new record are built from the values it is inserted
with, and say what ``audit.diff({}, audit.snapshot(member))`` says."""

import json

import pytest

from gonghui.core import audit
from gonghui.members import crypto
from gonghui.members.choices import JoinChannel
from gonghui.members.joining import new_member
from gonghui.members.tests.factories import id_card, phone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "profile",
    [
        {},
        {"ethnicity": "汉族", "work_latitude": 28.1, "work_longitude": 113.6, "skill_level": None},
    ],
)
def test_created_changes_are_the_snapshot_diff(personas, profile):
    number = id_card()
    member = new_member(
        union=personas.xinwuling, number=number, number_hash=crypto.id_hash(number),
        phone=phone(), channel=JoinChannel.ONLINE, approved=True, name="王小明",
        occupation_group="courier", work_place="新屋岭", **profile,
    )  # fmt: skip
    expected = audit.diff({}, audit.snapshot(member))
    changes = audit.created_changes(member)
    assert json.dumps(changes, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    assert "id_card_encrypted" not in changes and "id_card_hash" not in changes
    masked = audit.mask_changes(type(member), changes)
    assert masked["phone"][1] != member.phone
