"""Production fails closed: keys and backends come from the environment, and a server without
them refuses to start. Keys survive a SECRET_KEY rotation."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test.utils import override_settings
from hypothesis import given
from hypothesis import strategies as st

from gonghui.members import crypto, selectors, services
from gonghui.members.card import card_token_for

from .factories import id_card, make_member

ROOT = Path(__file__).resolve().parents[4]
# What a production box sets (besides ALLOWED_HOSTS): every key and backend explicit.
PRODUCTION_ENV = {
    "SECRET_KEY": "s" * 64,
    "MEMBER_SMS_BACKEND": "gonghui.joining.sms.SmsBackend",
    "CASES_NOTIFY_BACKEND": "gonghui.cases.notify.NotifyBackend",
    "TASKS_BACKEND": "database",
    "MEMBER_ID_KEYS": f"k1:{'a' * 40}",
    "MEMBER_ID_HASH_KEY": "h" * 40,
    "MEMBER_CARD_KEYS": f"c1:{'c' * 40}",
}
OURS = {
    "SECRET_KEY", "DEBUG", "MEMBER_SMS_BACKEND", "TASKS_BACKEND", "MEMBER_ID_KEYS",
    "MEMBER_ID_ACTIVE_KEY", "MEMBER_ID_HASH_KEY", "MEMBER_CARD_KEYS", "MEMBER_CARD_ACTIVE_KEY",
    "RATE_LIMITS", "CASES_NOTIFY_BACKEND",
}  # fmt: skip


def start(env: dict, module: str = "gonghui.settings") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        env={**clean, "DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def without(name: str) -> dict:
    return {k: v for k, v in PRODUCTION_ENV.items() if k != name}


def test_production_starts_with_every_key_and_backend_set():
    result = start(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_console_sms_backend():
    unset = start(without("MEMBER_SMS_BACKEND"))
    console = start(
        {**PRODUCTION_ENV, "MEMBER_SMS_BACKEND": "gonghui.joining.sms.ConsoleSmsBackend"}
    )
    for result in (unset, console):
        assert result.returncode != 0 and "MEMBER_SMS_BACKEND" in result.stderr


def test_production_refuses_the_console_case_notification_backend():
    unset = start(without("CASES_NOTIFY_BACKEND"))
    console = start(
        {**PRODUCTION_ENV, "CASES_NOTIFY_BACKEND": "gonghui.cases.notify.ConsoleBackend"}
    )
    for result in (unset, console):
        assert result.returncode != 0 and "CASES_NOTIFY_BACKEND" in result.stderr


def test_production_refuses_the_immediate_task_backend():
    result = start(without("TASKS_BACKEND"))
    assert result.returncode != 0 and "TASKS_BACKEND" in result.stderr


@pytest.mark.parametrize("name", ["MEMBER_ID_KEYS", "MEMBER_ID_HASH_KEY", "MEMBER_CARD_KEYS"])
def test_production_refuses_keys_derived_from_secret_key(name):
    result = start(without(name))
    assert result.returncode != 0 and name in result.stderr


def test_production_refuses_a_short_key_or_one_equal_to_secret_key():
    short = start({**PRODUCTION_ENV, "MEMBER_ID_HASH_KEY": "short"})
    same = start({**PRODUCTION_ENV, "MEMBER_ID_KEYS": f"k1:{PRODUCTION_ENV['SECRET_KEY']}"})
    assert short.returncode != 0 and same.returncode != 0


def test_production_refuses_a_rotation_without_an_active_key():
    two = {**PRODUCTION_ENV, "MEMBER_ID_KEYS": f"k1:{'a' * 40},k2:{'b' * 40}"}
    assert start(two).returncode != 0
    assert start({**two, "MEMBER_ID_ACTIVE_KEY": "k3"}).returncode != 0
    assert start({**two, "MEMBER_ID_ACTIVE_KEY": "k2"}).returncode == 0


def test_development_and_test_settings_start_with_none_of_them():
    assert start({"DEBUG": "1"}).returncode == 0
    result = start({}, module="gonghui.test_settings")
    assert result.returncode == 0, result.stderr


def test_keys_are_read_from_the_environment():
    env = {**PRODUCTION_ENV, "MEMBER_ID_KEYS": f"k1:{'a' * 40},k2:{'b' * 40}",
           "MEMBER_ID_ACTIVE_KEY": "k2"}  # fmt: skip
    script = (
        "from django.conf import settings as s; "
        "print(sorted(s.MEMBER_ID_KEYS), s.MEMBER_ID_ACTIVE_KEY, s.MEMBER_SMS_BACKEND)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "gonghui.settings",
             "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.stdout.split() == ["['k1',", "'k2']", "k2", "gonghui.joining.sms.SmsBackend"]


key_id = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)
key_text = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "S"], exclude_characters=","),
    min_size=1,
    max_size=60,
).filter(lambda k: k.strip() == k)


@given(st.dictionaries(key_id, key_text, min_size=1, max_size=4))
def test_key_ring_variable_round_trips(ring):
    from gonghui.settings import env_keyring

    text = ",".join(f"{kid}:{key}" for kid, key in ring.items())
    os.environ["GONGHUI_TEST_RING"] = text
    try:
        assert env_keyring("GONGHUI_TEST_RING") == ring
    finally:
        del os.environ["GONGHUI_TEST_RING"]


# ---- Rotation -----------------------------------------------------------------------------------

KEYS = {
    "MEMBER_ID_KEYS": {"k1": "first-id-key-" + "1" * 30},
    "MEMBER_ID_ACTIVE_KEY": "k1",
    "MEMBER_ID_HASH_KEY": "the-hash-key-" + "h" * 30,
    "MEMBER_CARD_KEYS": {"c1": "first-card-key-" + "c" * 30},
    "MEMBER_CARD_ACTIVE_KEY": "c1",
}


@pytest.mark.django_db
def test_rotating_secret_key_changes_nothing_when_member_keys_are_set(personas):
    with override_settings(SECRET_KEY="before-" + "x" * 60, **KEYS):
        number = id_card()
        member = make_member(personas.xinwuling, id_card=number)
        token = card_token_for(member)
    with override_settings(SECRET_KEY="after-" + "y" * 60, **KEYS):
        member.refresh_from_db()
        assert crypto.decrypt_id(member.id_card_encrypted) == number
        assert services.find_member_by_id_card(number).pk == member.pk
        assert selectors.card_check(token).result == "valid"
        # One person, one record still holds: enrolling the same number finds the record.
        again = services.member_join(
            actor=personas.hunan_officer, union=personas.xinwuling, channel="officer",
            name="测试会员", id_card=number, phone=member.phone,
        )  # fmt: skip
        assert (again.member.pk, again.created) == (member.pk, False)


@pytest.mark.django_db
def test_without_member_keys_a_secret_key_rotation_loses_the_records(personas):
    # Why production refuses to start without them.
    with override_settings(SECRET_KEY="before-" + "x" * 60):
        number = id_card()
        make_member(personas.xinwuling, id_card=number)
    with override_settings(SECRET_KEY="after-" + "y" * 60):
        assert services.find_member_by_id_card(number) is None


@pytest.mark.django_db
def test_reencryption_moves_every_row_to_the_new_active_key(personas):
    with override_settings(**KEYS):
        numbers = [id_card() for _ in range(3)]
        members = [make_member(personas.xinwuling, id_card=n) for n in numbers]
    rotated = {**KEYS, "MEMBER_ID_KEYS": {**KEYS["MEMBER_ID_KEYS"], "k2": "second-" + "2" * 30},
               "MEMBER_ID_ACTIVE_KEY": "k2"}  # fmt: skip
    with override_settings(SECRET_KEY="after-" + "y" * 60, **rotated):
        assert services.member_reencrypt_ids() == 3
        assert services.member_reencrypt_ids() == 0
        for member, number in zip(members, numbers, strict=True):
            member.refresh_from_db()
            assert member.id_card_encrypted.startswith("k2:")
            assert crypto.decrypt_id(member.id_card_encrypted) == number
            assert services.find_member_by_id_card(number).pk == member.pk
    # Once every row is re-encrypted, the old key can leave the ring.
    retired = {**rotated, "MEMBER_ID_KEYS": {"k2": rotated["MEMBER_ID_KEYS"]["k2"]}}
    with override_settings(**retired):
        assert crypto.decrypt_id(members[0].id_card_encrypted) == numbers[0]


def test_rate_limits_are_read_from_the_environment():
    script = "from django.conf import settings as s; print(s.RATE_LIMITS['code_phone'])"
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    env = {**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "gonghui.settings",
           "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
    run = [sys.executable, "-c", script]
    ok = subprocess.run(run, env={**env, "RATE_LIMITS": "code_phone=3/60"}, capture_output=True,
                        text=True, check=False)  # fmt: skip
    assert ok.stdout.strip() == "(3, 60)"
    for bad in ("code_phone=3", "unknown=1/60", "code_phone=x/60"):
        refused = subprocess.run(run, env={**env, "RATE_LIMITS": bad}, capture_output=True,
                                 text=True, check=False)  # fmt: skip
        assert refused.returncode != 0 and "RATE_LIMITS" in refused.stderr
