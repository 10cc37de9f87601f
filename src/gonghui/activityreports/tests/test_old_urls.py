"""Issue 12: the activities grab-bag became campaigns, learning, benefits, contests, bargaining
and this report app. Every page path and API path the old ``activities`` app served (collected
from its urls and the API schema before the split, in ``old_activities_urls.json``) still
answers: pages with 200 (or a redirect), API reads with 200, API writes with a field error for
an empty body (the route and method exist; nothing is written)."""

import datetime
import json
import pathlib
import re

import pytest
from django.urls import resolve
from django.utils import timezone

from gonghui.bargaining import services as bargaining_services
from gonghui.bargaining.models import BargainingProcedure, WageAgreement
from gonghui.bargaining.tests import factories as bargaining_factories
from gonghui.benefits import services as benefit_services
from gonghui.benefits.tests import factories as benefit_factories
from gonghui.campaigns import services as campaign_services
from gonghui.campaigns.models import Campaign, CampaignItem, Delivery
from gonghui.campaigns.tests import factories as campaign_factories
from gonghui.contests import services as contest_services
from gonghui.contests.models import Contest, Craftsman
from gonghui.contests.tests import factories as contest_factories
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.learning import services as learning_services
from gonghui.learning.models import Enrollment, TrainingCourse
from gonghui.learning.tests import factories as learning_factories

pytestmark = pytest.mark.django_db
OLD = json.loads((pathlib.Path(__file__).parent / "old_activities_urls.json").read_text())
PAGES = [(page["name"], page["path"]) for page in OLD["pages"]]
API = [(entry["path"], method) for entry in OLD["api"] for method in entry["methods"]]


@pytest.fixture
def rows(personas):
    """One row of every kind the old paths name, in 郾城区 (the 漯河 officer's subtree)."""
    org = personas.yancheng
    campaign = campaign_factories.campaign(org)
    item = campaign.items.get()
    delivery = campaign_services.delivery_record(
        actor=SYSTEM, campaign=campaign, item=item,
        beneficiary=campaign_services.Beneficiary(name="路过的货车司机", phone="13912345678"),
    )  # fmt: skip
    session = learning_factories.session(org, capacity=5)
    member = learning_factories.member(org)
    enrollment = learning_services.enrollment_signup(actor=SYSTEM, session=session, member=member)
    job = benefit_factories.job(org)
    today = timezone.localdate()
    discount = benefit_services.discount_create(
        actor=SYSTEM, org=org, merchant="职工食堂", offer="九折", category="food", place="郾城区",
        valid_from=today, valid_until=today + datetime.timedelta(days=30),
    )  # fmt: skip
    contest = contest_factories.contest(org)
    craftsman = contest_services.craftsman_nominate(
        actor=SYSTEM, org=org, name="演示工匠", employer="某厂", trade="焊工", year=today.year
    )
    agreement = bargaining_factories.agreement(org)
    firm = bargaining_factories.enterprise(org)
    procedure = bargaining_services.procedure_open(
        actor=SYSTEM, org=org, enterprise=firm, sent_on=today
    )
    return {
        "campaign": campaign, "delivery": delivery, "session": session, "course": session.course,
        "enrollment": enrollment, "job": job, "discount": discount, "contest": contest,
        "craftsman": craftsman, "agreement": agreement, "procedure": procedure,
        "org": org,
    }  # fmt: skip


PAGE_ROWS = {
    "/activities/campaigns/<int:pk>/": "campaign",
    "/activities/campaigns/<int:pk>/scan/": "campaign",
    "/activities/contests/<int:pk>/": "contest",
    "/activities/courses/<int:pk>/": "course",
    "/activities/craftsmen/<int:pk>/step/": "craftsman",
    "/activities/deliveries/<int:pk>/invite/": "delivery",
    "/activities/discounts/<int:pk>/edit/": "discount",
    "/activities/jobs/<int:pk>/edit/": "job",
    "/activities/sessions/<int:pk>/": "session",
    "/trainings/<int:pk>/": "session",
}


def test_the_saved_list_holds_every_old_page_and_endpoint():
    assert len(PAGES) == 24
    assert len({path for path, _method in API}) == 35
    assert all(name.startswith("activities:") for name, _path in PAGES)


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _path in PAGES])
def test_every_old_page_still_answers(personas, rows, client, name, path):
    client.force_login(personas.luohe_officer)
    if "<int:pk>" in path:
        path = path.replace("<int:pk>", str(rows[PAGE_ROWS[path]].pk))
    params = {"start": f"{timezone.localdate().year}-01-01"} if "report" in path else {}
    if path.endswith("/step/"):  # a POST-only step: nominated > under review
        response = client.post(path)
        assert response.status_code == 302
        assert Craftsman.objects.get(pk=rows["craftsman"].pk).status == "review"
        return
    response = client.get(path, params)
    assert response.status_code == 200, (name, path, response.status_code)
    assert resolve(path).namespace != "activities"
    if path.endswith(".xlsx"):
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    else:
        assert b"<html" in b"".join(response.streaming_content if response.streaming else
                                    [response.content])  # fmt: skip


API_ROWS = {
    "agreement_id": "agreement", "campaign_id": "campaign", "contest_id": "contest",
    "course_id": "course", "craftsman_id": "craftsman", "discount_id": "discount",
    "enrollment_id": "enrollment", "job_id": "job", "procedure_id": "procedure",
    "session_id": "session", "org_id": "org",
}  # fmt: skip
# Writes that need nothing in the body (the id in the path says it all): they answer 200 and
# change the row, which is checked below.
BODILESS = {
    "/api/activities/craftsmen/{craftsman_id}/advance": "review",
    "/api/activities/craftsmen/{craftsman_id}/reject": "rejected",
    "/api/activities/enrollments/{enrollment_id}/cancel": "cancelled",
}
MODELS = [Campaign, CampaignItem, Delivery, TrainingCourse, Enrollment, Contest, Craftsman,
          WageAgreement, BargainingProcedure]  # fmt: skip


@pytest.mark.parametrize(("path", "method"), API, ids=[f"{m} {p}" for p, m in API])
def test_every_old_api_path_still_answers(personas, rows, api, path, method):
    client = api(personas.luohe_officer)
    url = re.sub(r"\{(\w+)\}", lambda m: str(rows[API_ROWS[m.group(1)]].pk), path)
    if method == "GET":
        params = {}
        if path.endswith("/report"):
            params = {"start": f"{timezone.localdate().year}-01-01",
                      "end": str(timezone.localdate())}  # fmt: skip
        response = client.get(url, **params)
        assert response.status_code == 200, (path, response.status_code, response.content)
        assert isinstance(response.json(), (list, dict))
        return
    before = [model.objects.count() for model in MODELS]
    audit_rows = AuditLog.objects.count()
    response = client.request(method, url, {})
    if path in BODILESS:
        assert response.status_code == 200, (path, response.status_code, response.content)
        assert response.json()["status"] == BODILESS[path]
        assert AuditLog.objects.count() == audit_rows + 1
        return
    if method == "PATCH":  # an empty change changes nothing and answers the row
        assert response.status_code == 200, (path, response.status_code, response.content)
        assert response.json()["id"] == int(url.rsplit("/", 1)[1])
        assert AuditLog.objects.count() == audit_rows
        return
    # The route and method exist: an empty body is a field error, not "not found" or 405.
    assert response.status_code == 422, (path, method, response.status_code, response.content)
    assert response.json()["errors"]
    assert [model.objects.count() for model in MODELS] == before
    assert AuditLog.objects.count() == audit_rows
