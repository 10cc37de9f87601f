"""Chinese text normalisation: index in Simplified, accept either script from the user."""

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2twp.json")


def to_simplified(text: str) -> str:
    return _to_simplified().convert(text or "")


def to_traditional(text: str) -> str:
    return _to_traditional().convert(text or "")


def search_key(text: str) -> str:
    """The form stored in search columns and applied to queries: Simplified, lower case,
    single spaces. 長沙 and 长沙 both become 长沙."""
    return " ".join(to_simplified(text).lower().split())
