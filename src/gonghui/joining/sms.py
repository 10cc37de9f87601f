"""Sending one-time codes by SMS, through a backend chosen in settings.

``MEMBER_SMS_BACKEND`` (setting and environment variable) names a class implementing
:class:`SmsBackend`. Under DEBUG and in the tests it defaults to the console backend, which logs
the message and keeps it in :data:`outbox` so tests and a developer can read the code; anywhere
else the platform refuses to start with it (settings.production_problems). A real provider
(Aliyun, Tencent Cloud...) is one subclass whose ``send`` calls the provider's API with the
approved template and signature; nothing else changes.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("gonghui.joining.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    code: str


class SmsBackend:
    """The interface a provider implements.

    ``send`` delivers ``text`` to ``phone`` (11-digit mainland mobile) and raises an exception if
    the provider refused it; ``code`` is passed separately for providers whose templates take
    the code as a parameter (e.g. ``{"code": code}``). It is called after the code's hash has
    been stored, outside any database transaction, and must not log the code in production.
    """

    def send(self, message: SmsMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


# The last messages sent through the console backend, newest last (development and tests only).
outbox: deque[SmsMessage] = deque(maxlen=1000)
_lock = threading.Lock()


class ConsoleSmsBackend(SmsBackend):
    """Development: log the message (with the code) and keep it in :data:`outbox`."""

    def send(self, message: SmsMessage) -> None:
        with _lock:
            outbox.append(message)
        logger.warning("SMS to %s: %s", message.phone, message.text)


def last_code(phone: str) -> str | None:
    """The code most recently sent to ``phone`` through the console backend."""
    with _lock:
        for message in reversed(outbox):
            if message.phone == phone:
                return message.code
    return None


def get_backend() -> SmsBackend:
    path = getattr(settings, "MEMBER_SMS_BACKEND", "gonghui.joining.sms.ConsoleSmsBackend")
    return import_string(path)()
