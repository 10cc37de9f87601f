"""The demo reproduces the reports' figures, and the report page shows them computed from the
delivery and contest records."""

import datetime
import importlib
import io

import pytest
from django.utils import translation

from gonghui.bargaining import selectors as bargaining_selectors
from gonghui.bargaining.models import WageAgreement
from gonghui.campaigns.models import Delivery
from gonghui.contests import selectors as contest_selectors
from gonghui.contests.models import Contest, ContestEntry, Craftsman, CraftsmanStudio
from gonghui.organizations.models import Organization
from gonghui.portal.management.commands.demo import DEMO_APPS

from .. import selectors

pytestmark = pytest.mark.django_db


def org(name):
    return Organization.objects.get(name=name)


@translation.override("zh-hans")  # the group labels are in the active language
def test_demo_figures_come_out_of_the_records_and_a_second_run_adds_nothing(demo, client):
    lianyun = selectors.report(
        org=org("连云区总工会"), start=datetime.date(2025, 1, 1), end=datetime.date(2026, 6, 30)
    )
    by_kind = {line.campaign.kind: line for line in lianyun.campaigns}
    assert by_kind["summer_cooling"].beneficiaries == 240
    assert dict(by_kind["summer_cooling"].by_group) == {"货车司机": 240}
    assert by_kind["winter_warmth"].beneficiaries == 220
    assert by_kind["health_check"].beneficiaries == 129
    assert by_kind["health_check"].female == 129

    yinchuan = selectors.report(
        org=org("银川经济技术开发区工会"),
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
    assert len(yinchuan.contests) == 39
    assert sum(c.entry_count for c in yinchuan.contests) == 25_000
    assert contest_selectors.craftsman_counts(org=org("银川经济技术开发区工会")) == {
        "awarded": 20,
        "studios": 39,
    }
    assert bargaining_selectors.congress_rate(org=org("衡南县总工会")).percent >= 90
    assert WageAgreement.objects.filter(org=org("新屋岭社区工会联合会")).count() == 1

    before = [m.objects.count() for m in (Delivery, Contest, ContestEntry, Craftsman,
                                          CraftsmanStudio)]  # fmt: skip
    for app in DEMO_APPS:
        importlib.import_module(f"gonghui.{app}.demo").load_demo(io.StringIO())
    after = [m.objects.count() for m in (Delivery, Contest, ContestEntry, Craftsman,
                                         CraftsmanStudio)]  # fmt: skip
    assert before == after

    # The report page shows the same numbers to 连云区's officer.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lianyun"))
    page = client.get("/activities/report/", {"start": "2025-01-01", "end": "2026-06-30"})
    assert page.status_code == 200
    rows = {line.campaign.pk: line.beneficiaries for line in page.context["report"].campaigns}
    assert sorted(rows.values()) == [129, 220, 240]
    html = page.content.decode()
    for campaign_id, n in rows.items():
        assert f'<tr data-campaign="{campaign_id}">' in html
        assert f"<td data-beneficiaries>{n}</td>" in html

    # 衡南县's officer sees the congress rate computed from the congress records.
    client.force_login(get_user_model().objects.get(username="hengnan"))
    page = client.get("/activities/bargaining/")
    assert page.context["rate"].percent == 95.0
    assert 'id="congress-rate">95.0%' in page.content.decode()
    client.force_login(get_user_model().objects.get(username="yinchuan"))
    page = client.get("/activities/contests/")
    assert page.context["counts"] == {"awarded": 20, "studios": 39}
    assert page.context["page"].paginator.count == 39
