"""The activities report endpoint: each domain's section for one subtree and period."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gonghui.core.api import ObjectId
from gonghui.organizations.selectors import scope_root

from . import selectors

router = Router(tags=["activityreports"])

# ---- reports --------------------------------------------------------------------------------


class CampaignLineOut(Schema):
    campaign_id: int
    name: str
    kind: str
    deliveries: int
    beneficiaries: int
    female: int
    by_group: dict[str, int]


class ContestLineOut(Schema):
    contest_id: int
    name: str
    entries: int


class ActivityReportOut(Schema):
    org_id: int
    start: datetime.date
    end: datetime.date
    campaigns: list[CampaignLineOut]
    contests: list[ContestLineOut]
    trainings: dict[str, int]
    agreements_in_force: int
    agreement_workers: int
    congress_rate: float | None


@router.get("/activities/report", response=ActivityReportOut)
def activity_report(
    request,
    start: datetime.date,
    end: datetime.date,
    org_id: ObjectId | None = None,
):
    if end < start:
        raise ValidationError({"end": _("结束日期不能早于开始日期。")})
    org = scope_root(user=request.user, org_id=org_id)
    if org is None:
        raise Http404
    data = selectors.report(org=org, start=start, end=end)
    return {
        "org_id": org.pk,
        "start": start,
        "end": end,
        "campaigns": [
            {
                "campaign_id": line.campaign.pk,
                "name": line.campaign.name,
                "kind": line.campaign.kind,
                "deliveries": line.deliveries,
                "beneficiaries": line.beneficiaries,
                "female": line.female,
                "by_group": dict(line.by_group),
            }
            for line in data.campaigns
        ],
        "contests": [
            {"contest_id": c.pk, "name": c.name, "entries": c.entry_count} for c in data.contests
        ],
        "trainings": data.trainings,
        "agreements_in_force": data.agreements["count"],
        "agreement_workers": data.agreements["workers"],
        "congress_rate": data.congress.percent,
    }
