"""The officer's queue on the home page: what waits for them today, counted through each app's
own selectors (so each count is scoped exactly as the list it links to), one query per line."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.campaigns import selectors as campaigns
from gonghui.cases import selectors as cases
from gonghui.founding import selectors as founding
from gonghui.members import selectors as members
from gonghui.members.choices import MemberStatus, TransferStatus


@dataclass(frozen=True)
class QueueLine:
    key: str
    label: str
    count: int
    url: str


def officer_queue(*, user, today: datetime.date | None = None) -> list[QueueLine]:
    """Pending joins and incoming transfers, overdue cases and founding steps, and today's
    deliveries in the user's scope."""
    today = today or timezone.localdate()
    members_url = reverse("members:list")
    return [
        QueueLine(
            "joins",
            _("待审核入会"),
            members.member_list(user=user, status=MemberStatus.APPLIED).count(),
            f"{members_url}?status={MemberStatus.APPLIED}",
        ),
        QueueLine(
            "transfers",
            _("待接收转会"),
            members.transfer_list(user=user, status=TransferStatus.PENDING, direction="in").count(),
            f"{reverse('members:transfers')}?status={TransferStatus.PENDING}",
        ),
        QueueLine(
            "cases",
            _("超期诉求"),
            cases.case_list(user=user, overdue=True).count(),
            f"{reverse('cases:queue')}?overdue=1",
        ),
        QueueLine(
            "founding",
            _("逾期建会步骤"),
            founding.founding_case_list(user=user, overdue=True).count(),
            f"{reverse('founding:list')}?overdue=1",
        ),
        QueueLine(
            "deliveries",
            _("今日发放"),
            campaigns.delivery_list(user=user).filter(delivered_at__date=today).count(),
            reverse("campaigns:campaign-list"),
        ),
    ]
