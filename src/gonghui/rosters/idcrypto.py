"""The ID number's keyed hash and encryption (``members.crypto``), a file at a time.

``crypto.id_hash`` and ``crypto.encrypt_id`` read the settings, derive the keys and build the
cipher on every call: for one join that is nothing, for an import of 10^5 rows it is a fifth of
the work. These do the same with the keys and cipher made once per import. The hash must be
exactly ``crypto.id_hash`` (the UNIQUE constraint on it is what keeps a person from being
enrolled twice): the hasher checks itself against it when it is made and, should the two ever
differ, is ``crypto.id_hash`` itself. What ``encrypt_id`` writes, ``crypto.decrypt_id`` reads
(tested).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from gonghui.core.validators import normalize_id_card
from gonghui.members import crypto

_PROBE = "11010519491231002X"


def id_hasher() -> Callable[[str], str]:
    """``crypto.id_hash`` with its key derived once."""
    key = getattr(settings, "MEMBER_ID_HASH_KEY", None) or settings.SECRET_KEY
    digest_key = crypto._derive(key, "gonghui.members.id-hash")
    sha256 = hashlib.sha256
    new = hmac.new

    def id_hash(number: str) -> str:
        return new(digest_key, normalize_id_card(number).encode(), sha256).hexdigest()

    if id_hash(_PROBE) != crypto.id_hash(_PROBE):
        return crypto.id_hash
    return id_hash


def id_encrypter() -> Callable[[str], str]:
    """``crypto.encrypt_id`` with the active key and its cipher made once."""
    kid, keys = crypto._keyring("MEMBER_ID_KEYS", "MEMBER_ID_ACTIVE_KEY", "gonghui.members.id-enc")
    cipher = AESGCM(keys[kid]).encrypt
    aad = kid.encode()
    prefix = f"{kid}:"
    b64 = crypto._b64
    urandom = os.urandom

    def encrypt_id(number: str) -> str:
        nonce = urandom(12)
        return prefix + b64(nonce + cipher(nonce, normalize_id_card(number).encode(), aad))

    return encrypt_id
