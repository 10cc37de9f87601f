"""Reads of the campaigns app: scoped querysets for officers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.members.choices import OccupationGroup
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from .models import Campaign, CampaignItem, Delivery


def get(model_or_qs, *, user, pk, action: Action = Action.VIEW):
    queryset = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    return get_visible_or_404(queryset, user, action, pk=pk)


def campaign_list(*, user, kind: str | None = None, org: Organization | None = None):
    campaigns = Campaign.objects.visible_to(user).select_related("organizer", "custom_kind")
    if kind:
        campaigns = campaigns.filter(kind=kind)
    if org is not None:
        campaigns = campaigns.filter(organizer__path__subtree_of=org.path)
    return campaigns.annotate(
        delivery_count=Count("deliveries"),
    ).order_by("-starts_on", "-id")


def campaign_get(*, user, campaign_id, action: Action = Action.VIEW) -> Campaign:
    return get(
        Campaign.objects.select_related("organizer", "custom_kind"),
        user=user,
        pk=campaign_id,
        action=action,
    )


def campaign_items(*, campaign: Campaign):
    return CampaignItem.objects.filter(campaign=campaign).annotate(
        delivered=Sum("deliveries__quantity", default=0)
    )


def delivery_list(*, user, campaign: Campaign | None = None):
    deliveries = Delivery.objects.visible_to(user).select_related(
        "member", "item", "station", "campaign"
    )
    if campaign is not None:
        deliveries = deliveries.filter(campaign=campaign)
    return deliveries.order_by("-delivered_at", "-id")


def previous_delivery(*, campaign: Campaign, item: CampaignItem, member: Member):
    return (
        Delivery.objects.filter(campaign=campaign, item=item, member=member)
        .select_related("station", "item", "member")
        .order_by("delivered_at", "id")
        .first()
    )


# ---- report section ---------------------------------------------------------------------------


@dataclass
class CampaignLine:
    campaign: Campaign
    deliveries: int
    beneficiaries: int
    by_group: list[tuple[str, int]] = field(default_factory=list)
    female: int = 0


def report_lines(*, org: Organization, low, high) -> list[CampaignLine]:
    """Per campaign of a subtree, the deliveries between ``low`` and ``high`` (datetimes):
    how many, how many people (members and non-members by phone), per group and women."""
    deliveries = Delivery.objects.filter(
        campaign__organizer__path__subtree_of=org.path, delivered_at__gte=low, delivered_at__lt=high
    )
    per_campaign = {
        row["campaign"]: row
        for row in deliveries.values("campaign").annotate(
            n=Count("id"),
            members=Count("member", distinct=True),
            others=Count("beneficiary_phone", distinct=True, filter=Q(member__isnull=True)),
            female=Count("member", distinct=True, filter=Q(gender="F")),
        )
    }
    groups: dict[int, list] = {}
    labels = dict(OccupationGroup.choices)
    for row in (
        deliveries.values("campaign", "occupation_group")
        .annotate(
            members=Count("member", distinct=True),
            others=Count("beneficiary_phone", distinct=True, filter=Q(member__isnull=True)),
        )
        .order_by("campaign", "-members")
    ):
        groups.setdefault(row["campaign"], []).append(
            (str(labels.get(row["occupation_group"], row["occupation_group"])),
             row["members"] + row["others"])
        )  # fmt: skip
    lines = []
    for campaign in (
        Campaign.objects.filter(pk__in=per_campaign)
        .select_related("organizer", "custom_kind")
        .order_by("starts_on", "id")
    ):
        row = per_campaign[campaign.pk]
        lines.append(
            CampaignLine(
                campaign=campaign,
                deliveries=row["n"],
                beneficiaries=row["members"] + row["others"],
                by_group=groups.get(campaign.pk, []),
                female=row["female"],
            )
        )
    return lines
