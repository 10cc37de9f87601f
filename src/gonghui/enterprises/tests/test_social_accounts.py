"""Social organisations sign in with their own account and claim service projects themselves."""

import datetime

import pytest

from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises import services
from gonghui.enterprises.models import ServiceClaim, SocialOrgAccount

from .factories import enterprise

pytestmark = pytest.mark.django_db
NO_SESSION = ("sessions.Session",)


@pytest.fixture
def social_org(personas):
    return enterprise(personas.yancheng, name="郾城社工服务中心", kind="social", industry="S")


@pytest.fixture
def account(social_org, personas):
    return services.social_org_account_create(
        actor=personas.yancheng_officer, enterprise=social_org, phone="13912345678"
    )


@pytest.fixture
def project(personas):
    return services.service_project_publish(
        actor=personas.luohe_officer, publisher=personas.luohe, title="新就业形态劳动者心理关爱",
        claim_deadline=datetime.date.today() + datetime.timedelta(days=10),
    )  # fmt: skip


def test_officer_page_opens_an_account_for_a_social_org(client, social_org, personas):
    client.force_login(personas.yancheng_officer)
    assert 'id="social-accounts"' in client.get(social_org.get_absolute_url()).content.decode()
    response = client.post(f"/enterprises/{social_org.pk}/account/", {"phone": "13912345678"})
    assert response.status_code == 302
    account = SocialOrgAccount.objects.get(enterprise=social_org)
    assert account.user.phone == "13912345678" and account.user.organization_id is None
    assert AuditLog.objects.filter(content_type__model="socialorgaccount").exists()


def test_account_page_bad_phone_is_a_field_error(client, social_org, personas):
    client.force_login(personas.yancheng_officer)
    with nothing_written(but=NO_SESSION):
        response = client.post(f"/enterprises/{social_org.pk}/account/", {"phone": "123"})
    assert response.status_code == 422 and 'data-field="phone"' in response.content.decode()


def test_account_page_outside_scope_is_404(client, social_org, personas):
    client.force_login(personas.hunan_officer)
    with nothing_written(but=NO_SESSION):
        response = client.post(f"/enterprises/{social_org.pk}/account/", {"phone": "13912345678"})
    assert response.status_code == 404


def test_social_org_sees_open_projects_and_claims_one(client, account, project):
    client.force_login(account.user)
    page = client.get("/social/projects/").content.decode()
    assert "新就业形态劳动者心理关爱" in page and f'data-project="{project.pk}"' in page
    response = client.post(
        f"/social/projects/{project.pk}/claim/", {f"p{project.pk}-proposal": "每周两次团体辅导"}
    )
    assert response.status_code == 302
    claim = ServiceClaim.objects.get()
    assert (claim.social_org_id, claim.proposal) == (account.enterprise_id, "每周两次团体辅导")
    assert "待审核" in client.get("/social/projects/").content.decode()


def test_claim_without_proposal_is_a_field_error(client, account, project):
    client.force_login(account.user)
    with nothing_written(but=NO_SESSION):
        response = client.post(f"/social/projects/{project.pk}/claim/", {})
    assert response.status_code == 422 and 'data-field="proposal"' in response.content.decode()


def test_project_of_another_area_is_404(client, account, personas):
    elsewhere = services.service_project_publish(
        actor=personas.hunan_officer, publisher=personas.liuyang, title="浏阳项目"
    )
    client.force_login(account.user)
    assert "浏阳项目" not in client.get("/social/projects/").content.decode()
    with nothing_written(but=NO_SESSION):
        response = client.post(
            f"/social/projects/{elsewhere.pk}/claim/", {f"p{elsewhere.pk}-proposal": "方案"}
        )
    assert response.status_code == 404


def test_accounts_that_are_not_social_orgs_get_404_and_anonymous_sign_in(client, personas):
    assert client.get("/social/projects/")["Location"].startswith("/me/login?next=")
    client.force_login(personas.worker)
    assert client.get("/social/projects/").status_code == 404


def test_api_social_org_claims_itself(api, account, project):
    listed = api(account.user).get("/api/social/projects").json()
    assert [p["id"] for p in listed] == [project.pk]
    response = api(account.user).post(
        f"/api/social/projects/{project.pk}/claim", {"proposal": "上门服务"}
    )
    assert response.status_code == 201 and response.json()["social_org_id"] == account.enterprise_id
