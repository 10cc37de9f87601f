"""Account-management pages and API: same services, scoped, errors on fields, nothing written."""

import pytest
from django.test import Client

from gonghui.accounts import services
from gonghui.accounts.choices import GrantRole
from gonghui.accounts.models import RoleGrant, User
from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.core.testing.personas import PASSWORD, org


@pytest.fixture
def manager(personas):
    user = services.officer_account_create(
        actor=SYSTEM, username="cs_mgr", display_name="长", organization=personas.changsha
    )
    user.set_password(PASSWORD)
    user.save()
    services.role_grant_add(
        actor=SYSTEM, user=user, organization=personas.changsha, role=GrantRole.ACCOUNT_MANAGER
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def grassroots(personas):
    return org(personas.xinwuling, "新屋岭某公司工会", "grassroots", "430181", "single")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _bearer(raw):
    class C:
        def __init__(self):
            self.client = Client(headers={"Authorization": f"Bearer {raw}"})

        def get(self, url):
            return self.client.get(url)

        def post(self, url, data=None):
            return self.client.post(url, data or {}, content_type="application/json")

        def delete(self, url):
            return self.client.delete(url)

    return C()


@pytest.mark.django_db
class TestPages:
    def test_list_shows_own_subtree_only(self, personas, manager):
        body = signed_in(manager).get("/accounts/manage/").content.decode()
        assert "cs_mgr" in body
        assert "hunan_officer" not in body and "yancheng_officer" not in body

    def test_plain_officer_gets_404(self, personas):
        response = signed_in(personas.hunan_officer).get("/accounts/manage/")
        assert response.status_code == 404
        assert "新建账号" not in response.content.decode()

    def test_create_then_link_then_sign_in(self, manager, grassroots):
        client = signed_in(manager)
        response = client.post(
            "/accounts/manage/new/",
            {"username": "xw_new", "display_name": "新", "organization": f"#{grassroots.pk}",
             "role": "officer"},
        )  # fmt: skip
        made = User.objects.get(username="xw_new")
        assert response.status_code == 302 and made.organization == grassroots
        page = client.post(f"/accounts/manage/{made.pk}/", {"action": "link"}).content.decode()
        link = page.split('id="set-password-link">')[1].split("<")[0]
        path = link.split("testserver")[1]
        anonymous = Client()
        assert anonymous.get(path).status_code == 200
        done = anonymous.post(
            path, {"password": "Xinwu-2026-pass", "password_again": "Xinwu-2026-pass"}
        )
        assert done.status_code == 302
        signed = Client().post(
            "/accounts/login/", {"username": "xw_new", "password": "Xinwu-2026-pass"}
        )
        assert signed.status_code == 302
        again = Client().get(path)
        assert again.status_code == 404 and "链接无效" in again.content.decode()

    def test_create_outside_subtree_shows_field_error(self, personas, manager):
        client = signed_in(manager)
        with nothing_written():
            response = client.post(
                "/accounts/manage/new/",
                {"username": "bad", "display_name": "x", "organization": f"#{personas.hunan.pk}",
                 "role": "officer"},
            )  # fmt: skip
        assert response.status_code == 422
        assert 'data-field="organization"' in response.content.decode() or "没有找到这个工会" in (
            response.content.decode()
        )
        assert not User.objects.filter(username="bad").exists()

    def test_disable_own_last_manager_shows_error(self, manager):
        client = signed_in(manager)
        with nothing_written():
            response = client.post(f"/accounts/manage/{manager.pk}/", {"action": "disable"})
        assert response.status_code == 422
        assert "最后一个账号管理员" in response.content.decode()
        assert User.objects.get(pk=manager.pk).is_active

    def test_account_outside_scope_is_404(self, personas, manager):
        response = signed_in(manager).get(f"/accounts/manage/{personas.yancheng_officer.pk}/")
        assert response.status_code == 404
        assert "yancheng_officer" not in response.content.decode()


@pytest.mark.django_db
class TestApi:
    def test_create_grant_and_list(self, personas, manager, grassroots):
        client = _bearer(services.token_issue(user=manager))
        created = client.post(
            "/api/accounts",
            {"username": "api_new", "display_name": "甲", "organization_id": grassroots.pk},
        )
        assert created.status_code == 201, created.content
        account_id = created.json()["id"]
        grant = client.post(
            f"/api/accounts/{account_id}/grants",
            {"organization_id": personas.liuyang.pk, "role": "auditor"},
        )
        assert grant.status_code == 201 and grant.json()["role"] == "auditor"
        listed = client.get("/api/accounts").json()["items"]
        assert {a["username"] for a in listed} == {"cs_mgr", "api_new"}

    def test_grant_above_own_role_is_400_with_field_and_nothing_written(
        self, personas, manager, grassroots
    ):
        client = _bearer(services.token_issue(user=manager))
        target = services.officer_account_create(
            actor=manager, username="t", display_name="t", organization=grassroots
        )
        with nothing_written():
            response = client.post(
                f"/api/accounts/{target.pk}/grants",
                {"organization_id": grassroots.pk, "role": "finance"},
            )
        assert 400 <= response.status_code < 500
        assert "role" in response.json()["errors"]
        assert not RoleGrant.objects.filter(user=target).exists()

    def test_grant_outside_scope_is_field_error(self, personas, manager, grassroots):
        client = _bearer(services.token_issue(user=manager))
        target = services.officer_account_create(
            actor=manager, username="t", display_name="t", organization=grassroots
        )
        with nothing_written():
            response = client.post(
                f"/api/accounts/{target.pk}/grants",
                {"organization_id": personas.yancheng.pk, "role": "officer"},
            )
        assert 400 <= response.status_code < 500
        assert "organization_id" in response.json()["errors"]

    def test_account_outside_scope_is_404(self, personas, manager):
        client = _bearer(services.token_issue(user=manager))
        response = client.post(f"/api/accounts/{personas.hunan_officer.pk}/disable")
        assert response.status_code == 404
        assert User.objects.get(pk=personas.hunan_officer.pk).is_active


@pytest.mark.django_db
def test_set_password_posts_are_rate_limited_per_address(manager, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "set_password_address": (2, 3600)}
    url = "/accounts/set-password/MQ/forged-token/"
    data = {"password": "Whatever-2026-x", "password_again": "Whatever-2026-x"}
    client = Client()
    assert [client.post(url, data).status_code for _n in range(2)] == [404, 404]
    limited = client.post(url, data)
    assert limited.status_code == 429 and limited["Retry-After"]
    assert "操作太频繁" in limited.content.decode()


def test_org_picker_offers_only_orgs_the_manager_may_manage(personas):
    """A 长沙 officer who manages accounts only for 浏阳 sees 长沙 but is offered only 浏阳 and
    below as the new account's union (the form would refuse 长沙 anyway)."""
    user = services.officer_account_create(
        actor=SYSTEM, username="cs_ly_mgr", display_name="长", organization=personas.changsha
    )
    services.role_grant_add(
        actor=SYSTEM, user=user, organization=personas.liuyang, role=GrantRole.ACCOUNT_MANAGER
    )
    client = signed_in(User.objects.get(pk=user.pk))
    page = client.get("/accounts/manage/new/").content.decode()
    assert "purpose=manage_accounts" in page

    def offered(purpose, q):
        response = client.get(
            "/orgs/autocomplete/", {"purpose": purpose, "field": "organization", "organization": q}
        )
        assert response.status_code == 200
        return response.content.decode()

    assert personas.changsha.name in offered("view", personas.changsha.name)
    assert personas.changsha.name not in offered("manage_accounts", personas.changsha.name)
    assert personas.liuyang.name in offered("manage_accounts", personas.liuyang.name)
