"""The activities report: each domain app contributes its own section through its selectors
(campaign lines, contests, training figures, agreements and the congress rate); this capability
app only composes them for one subtree and period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from gonghui.bargaining.selectors import Rate, agreement_figures, congress_rate
from gonghui.campaigns.selectors import CampaignLine, report_lines
from gonghui.contests.selectors import contests_in_period
from gonghui.learning.selectors import training_figures
from gonghui.organizations.models import Organization


@dataclass
class Report:
    org: Organization
    start: datetime.date
    end: datetime.date
    campaigns: list[CampaignLine]
    contests: list
    trainings: dict
    agreements: dict
    congress: Rate


def _day_bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def report(*, org: Organization, start: datetime.date, end: datetime.date) -> Report:
    """The figures of a subtree for a period, each counted from the records: beneficiaries per
    campaign and group, entries per contest, trainings held and attended, agreements in force."""
    low, high = _day_bounds(start, end)
    return Report(
        org=org,
        start=start,
        end=end,
        campaigns=report_lines(org=org, low=low, high=high),
        contests=contests_in_period(org=org, start=start, end=end),
        trainings=training_figures(org=org, low=low, high=high),
        agreements=agreement_figures(org=org, start=start, end=end),
        congress=congress_rate(org=org, on=min(end, timezone.localdate())),
    )
