import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from gonghui.campaigns import services as campaign_services
from gonghui.campaigns.tests import factories as campaign_factories
from gonghui.contests.tests import factories as contest_factories
from gonghui.core.scoping import SYSTEM
from gonghui.learning.tests import factories as learning_factories
from gonghui.members import selectors as member_selectors

TOKEN_ALPHABET = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", min_size=1
)


@given(token=TOKEN_ALPHABET, host=st.sampled_from(["https://gonghui.example", "http://x:8000"]))
def test_scanned_verify_url_or_bare_token_give_the_token(token, host):
    assert member_selectors.token_from_scan(f"{host}/verify/{token}") == token
    assert member_selectors.token_from_scan(f"  {token}\n") == token
    assert member_selectors.token_from_scan(f"/verify/{token}") == token


@given(text=st.text(max_size=300))
def test_any_scanned_text_is_forged_not_an_error(text):
    assert member_selectors.token_from_scan(text) is not None


@pytest.mark.django_db
def test_garbage_scans_are_forged(personas):
    for text in ["", "a.b.c.d.e", "https://evil.example/verify/x.y.z.w.v", "👍"]:
        assert member_selectors.member_for_card(text) == (None, "forged")


@pytest.mark.django_db
def test_worker_signs_themself_up_through_the_api(personas, api):
    session = learning_factories.session(personas.yancheng, capacity=3)
    member = campaign_factories.member(personas.yancheng_project)
    member.account = personas.worker
    member.save(update_fields=["account"])
    response = api(personas.worker).post(f"/api/activities/sessions/{session.pk}/signup", {})
    assert response.status_code == 201 and response.json()["member_id"] == member.pk
    cancel = api(personas.worker).post(
        f"/api/activities/enrollments/{response.json()['id']}/cancel", {}
    )
    assert cancel.json()["status"] == "cancelled"


@pytest.mark.django_db
def test_list_endpoints_keep_a_fixed_query_count(personas, api):
    client = api(personas.luohe_officer)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    campaign = campaign_factories.campaign(personas.yancheng, items=("甲", "乙"))
    for _ in range(2):
        campaign_services.delivery_record(
            actor=SYSTEM, campaign=campaign, item=campaign.items.first(),
            beneficiary=campaign_services.Beneficiary(member=campaign_factories.member(personas.yancheng_project)),
        )  # fmt: skip
    contest_factories.contest(personas.yancheng)
    urls = ["/api/activities/campaigns", f"/api/activities/campaigns/{campaign.pk}/deliveries",
            "/api/activities/contests"]  # fmt: skip
    count(urls[0])  # warm the per-process caches (content types, token user)
    before = {url: count(url) for url in urls}
    campaign2 = campaign_factories.campaign(personas.yancheng, items=("丙", "丁"))
    for _ in range(3):
        campaign_services.delivery_record(
            actor=SYSTEM, campaign=campaign, item=campaign.items.last(),
            beneficiary=campaign_services.Beneficiary(member=campaign_factories.member(personas.yancheng_project)),
        )  # fmt: skip
    contest_factories.contest(personas.yancheng)
    assert campaign2.items.count() == 2
    assert {url: count(url) for url in urls} == before
