"""Telling people what happened to a case: a row in their in-app inbox, and a copy by SMS or
e-mail through a pluggable backend.

``CASES_NOTIFY_BACKEND`` names a :class:`NotifyBackend` subclass: the console backend (default,
development) logs the message; :class:`MemoryBackend` keeps messages in :data:`outbox` for tests.
A real SMS gateway is one subclass whose ``send`` calls the provider. Messages leave only after
the transaction that caused them commits, so a rolled-back change never texts anyone.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string

logger = logging.getLogger("gonghui.cases.notify")


@dataclass(frozen=True)
class Message:
    phone: str
    email: str
    title: str
    body: str
    url: str


class NotifyBackend:
    """Deliver ``message`` to its phone and/or e-mail; raise if the provider refused it."""

    def send(self, message: Message) -> None:  # pragma: no cover - interface
        raise NotImplementedError


outbox: list[Message] = []
_lock = threading.Lock()


class ConsoleBackend(NotifyBackend):
    def send(self, message: Message) -> None:
        logger.warning("notify %s %s: %s", message.phone, message.email, message.title)


class MemoryBackend(NotifyBackend):
    def send(self, message: Message) -> None:
        with _lock:
            outbox.append(message)


def get_backend() -> NotifyBackend:
    path = getattr(settings, "CASES_NOTIFY_BACKEND", "gonghui.cases.notify.ConsoleBackend")
    return import_string(path)()


def _deliver(message: Message) -> None:
    try:
        get_backend().send(message)
    except Exception:  # a gateway outage must not undo the change; the inbox row is there
        logger.exception("notification delivery failed")


def notify(*, user=None, phone: str = "", case=None, title: str, body: str = "", url: str = ""):
    """An inbox row for ``user`` (if any) and an SMS/e-mail copy (if there is an address).

    The title is written in the platform's language whatever language the person who acted was
    reading in: the SMS goes to a Chinese phone, and the inbox shows the stored title in its
    reader's language (``Notification.display_title``)."""
    from .models import Notification

    with translation.override(settings.LANGUAGE_CODE):
        title = str(title)
    row = None
    if user is not None and getattr(user, "pk", None):
        row = Notification.objects.create(
            user=user, case=case, title=str(title)[:100], body=str(body)[:500], url=url
        )
        phone = phone or user.phone
    email = getattr(user, "email", "") or ""
    if phone or email:
        message = Message(phone=phone, email=email, title=str(title), body=str(body), url=url)
        transaction.on_commit(lambda: _deliver(message))
    return row
