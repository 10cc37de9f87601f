"""Secrets of the member record: the ID number's encryption and keyed hash, and card tokens.

Keys come from settings read here, each with a default derived from SECRET_KEY so a laptop needs
no configuration:

- ``MEMBER_ID_KEYS``: ``{key_id: key}`` (32 bytes or any string, stretched with HKDF) and
  ``MEMBER_ID_ACTIVE_KEY``: the id new values are encrypted with. Old ids stay in the dict until
  :func:`gonghui.members.services.member_reencrypt_ids` has rewritten every row.
- ``MEMBER_ID_HASH_KEY``: the HMAC key of the lookup hash. It must never change once members
  exist (the UNIQUE constraint depends on it), so production sets it explicitly rather than
  deriving it from a SECRET_KEY that may be rotated.
- ``MEMBER_CARD_KEYS`` / ``MEMBER_CARD_ACTIVE_KEY``: HMAC keys of the e-card QR tokens.
"""

from __future__ import annotations

import base64
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from gonghui.core.validators import normalize_id_card


@lru_cache(maxsize=64)
def _derive(material: str | bytes, info: str) -> bytes:
    if isinstance(material, str):
        material = material.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(
        material
    )


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    """The cipher of one key, made once: it holds no state between messages (each call takes its
    own nonce), and making one costs more than sealing a short ID number."""
    return AESGCM(key)


def _keyring(setting: str, active_setting: str, purpose: str) -> tuple[str, dict[str, bytes]]:
    configured = getattr(settings, setting, None)
    if configured:
        keys = {kid: _derive(value, purpose) for kid, value in configured.items()}
        active = getattr(settings, active_setting, None) or next(iter(keys))
    else:
        keys = {"k1": _derive(settings.SECRET_KEY, purpose)}
        active = "k1"
    return active, keys


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---- ID-card numbers -------------------------------------------------------------------------


def id_hasher() -> Callable[[str], str]:
    """``id_hash`` with its key derived once: an import of 10^5 rows calls it for every row."""
    key = getattr(settings, "MEMBER_ID_HASH_KEY", None) or settings.SECRET_KEY
    digest_key = _derive(key, "gonghui.members.id-hash")

    def hash_one(number: str) -> str:
        return hmac.digest(digest_key, normalize_id_card(number).encode(), "sha256").hex()

    return hash_one


def id_encrypter() -> Callable[[str], str]:
    """``encrypt_id`` with the active key and its cipher made once."""
    kid, keys = _keyring("MEMBER_ID_KEYS", "MEMBER_ID_ACTIVE_KEY", "gonghui.members.id-enc")
    seal = _aead(keys[kid]).encrypt
    aad = kid.encode()

    def encrypt_one(number: str) -> str:
        nonce = os.urandom(12)
        return f"{kid}:{_b64(nonce + seal(nonce, normalize_id_card(number).encode(), aad))}"

    return encrypt_one


def id_hash(number: str) -> str:
    return id_hasher()(number)


def encrypt_id(number: str) -> str:
    """``<key id>:<base64(nonce | ciphertext+tag)>``; the key id lets old rows decrypt after a
    rotation."""
    return id_encrypter()(number)


def decrypt_id(value: str) -> str:
    kid, _sep, body = value.partition(":")
    _active, keys = _keyring("MEMBER_ID_KEYS", "MEMBER_ID_ACTIVE_KEY", "gonghui.members.id-enc")
    raw = _unb64(body)
    return _aead(keys[kid]).decrypt(raw[:12], raw[12:], kid.encode()).decode()


def encrypted_key_id(value: str) -> str:
    return value.partition(":")[0]


def active_id_key() -> str:
    return _keyring("MEMBER_ID_KEYS", "MEMBER_ID_ACTIVE_KEY", "gonghui.members.id-enc")[0]


# ---- E-card tokens ---------------------------------------------------------------------------

CARD_TOKEN_LIFETIME = 365 * 24 * 3600
CARD_SIG_BYTES = 16  # 128-bit truncated HMAC-SHA256: unforgeable, and the QR stays small


@dataclass(frozen=True)
class CardClaims:
    member_id: int
    version: int
    expires_at: int


def _card_keys():
    return _keyring("MEMBER_CARD_KEYS", "MEMBER_CARD_ACTIVE_KEY", "gonghui.members.card")


def _card_sig(key: bytes, body: str) -> str:
    return _b64(hmac.digest(key, body.encode(), "sha256")[:CARD_SIG_BYTES])


def card_token(*, member_id: int, version: int, now: float | None = None) -> str:
    """``<kid>.<member id b36>.<card version>.<expiry epoch b36>.<sig>``: URL-safe, no PII."""
    kid, keys = _card_keys()
    expires = int(now if now is not None else time.time()) + CARD_TOKEN_LIFETIME
    body = f"{kid}.{_b36(member_id)}.{version}.{_b36(expires)}"
    return f"{body}.{_card_sig(keys[kid], body)}"


def card_claims(token: str) -> CardClaims | None:
    """The claims of a token whose signature is good (expiry not checked), else None."""
    parts = (token or "").strip().split(".")
    if len(parts) != 5:
        return None
    kid, member_b36, version, expires_b36, sig = parts
    _active, keys = _card_keys()
    key = keys.get(kid)
    if key is None:
        return None
    body = ".".join(parts[:4])
    if not hmac.compare_digest(_card_sig(key, body), sig):
        return None
    try:
        return CardClaims(int(member_b36, 36), int(version), int(expires_b36, 36))
    except ValueError:
        return None


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if number == 0:
        return "0"
    out = []
    while number:
        number, remainder = divmod(number, 36)
        out.append(digits[remainder])
    return "".join(reversed(out))


# ---- One-time codes --------------------------------------------------------------------------


def code_hash(phone: str, purpose: str, code: str) -> str:
    key = _derive(settings.SECRET_KEY, "gonghui.members.otp")
    return hmac.digest(key, f"{phone}|{purpose}|{code}".encode(), "sha256").hex()
