"""Accounts managed by officers: the scope matrix, grants, disabling, links and unlocking."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.accounts import services
from gonghui.accounts.choices import GrantRole
from gonghui.accounts.models import RoleGrant, User
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM, Action, scope_for
from gonghui.core.testing.asserts import nothing_written
from gonghui.core.testing.personas import org
from gonghui.organizations.models import Organization


@pytest.fixture
def county_manager(personas):
    """浏阳市 (county) officer who also manages its accounts."""
    user = services.officer_account_create(
        actor=SYSTEM, username="liuyang_mgr", display_name="刘", organization=personas.liuyang
    )
    services.role_grant_add(
        actor=SYSTEM, user=user, organization=personas.liuyang, role=GrantRole.ACCOUNT_MANAGER
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def grassroots(personas):
    return org(personas.xinwuling, "新屋岭某公司工会", "grassroots", "430181", "single")


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
class TestScopeMatrix:
    def test_county_manager_creates_an_account_in_its_subtree(self, county_manager, grassroots):
        made = services.officer_account_create(
            actor=county_manager, username="xw1", display_name="王", organization=grassroots
        )
        assert made.role == "grassroots_officer" and made.organization == grassroots
        assert not made.has_usable_password()
        assert AuditLog.objects.filter(object_id=str(made.pk), action="create").exists()

    @pytest.mark.parametrize("where", ["changsha", "hunan", "yancheng"])
    def test_county_manager_cannot_create_above_or_beside_its_subtree(
        self, personas, county_manager, where
    ):
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.officer_account_create(
                actor=county_manager,
                username="x",
                display_name="x",
                organization=getattr(personas, where),
            )
        assert "organization" in caught.value.message_dict
        assert not User.objects.filter(username="x").exists()

    def test_county_manager_cannot_touch_accounts_outside_its_subtree(
        self, personas, county_manager
    ):
        for outside in (personas.hunan_officer, personas.yancheng_officer, personas.superuser):
            with nothing_written(), pytest.raises(Http404):
                services.officer_account_set_active(
                    actor=county_manager, user=outside, active=False
                )
            assert fresh(outside).is_active

    def test_plain_officer_manages_nothing(self, personas, grassroots):
        officer = personas.hunan_officer
        assert scope_for(officer, Action.MANAGE_ACCOUNTS).is_empty
        with nothing_written(), pytest.raises(ValidationError):
            services.officer_account_create(
                actor=officer, username="y", display_name="y", organization=grassroots
            )

    def test_roles_in_two_orgs_see_both_subtrees_and_nothing_more(self, personas):
        both = services.officer_account_create(
            actor=SYSTEM, username="both", display_name="兼", organization=personas.liuyang
        )
        services.role_grant_add(
            actor=SYSTEM, user=both, organization=personas.yancheng, role=GrantRole.OFFICER
        )
        both = fresh(both)
        visible = set(Organization.objects.visible_to(both).values_list("name", flat=True))
        assert visible == {
            "浏阳市总工会",
            "新屋岭社区工会联合会",
            "郾城区总工会",
            "康养产业园智慧养老项目工会",
        }
        scope = scope_for(both, Action.CHANGE)
        assert scope.covers(personas.yancheng_project.path)
        assert not scope.covers(personas.changsha.path)
        assert not scope.covers(personas.luohe.path)
        assert scope.path is None and len(scope.paths) == 2

    def test_auditor_grant_reads_but_does_not_change(self, personas):
        reader = services.officer_account_create(
            actor=SYSTEM, username="r", display_name="r", organization=personas.liuyang
        )
        services.role_grant_add(
            actor=SYSTEM, user=reader, organization=personas.yancheng, role=GrantRole.AUDITOR
        )
        reader = fresh(reader)
        assert scope_for(reader, Action.VIEW).covers(personas.yancheng.path)
        assert not scope_for(reader, Action.CHANGE).covers(personas.yancheng.path)

    def test_nested_grants_collapse_to_one_root(self, personas):
        user = services.officer_account_create(
            actor=SYSTEM, username="n", display_name="n", organization=personas.changsha
        )
        services.role_grant_add(
            actor=SYSTEM, user=user, organization=personas.liuyang, role=GrantRole.OFFICER
        )
        assert scope_for(fresh(user)).paths == (personas.changsha.path,)

    def test_accounts_without_grants_cost_no_query(self, personas, django_assert_num_queries):
        officer = User.objects.select_related("organization").get(pk=personas.hunan_officer.pk)
        with django_assert_num_queries(0):
            scope_for(officer, Action.CHANGE)


@pytest.mark.django_db
class TestGrants:
    def test_cannot_grant_a_role_one_does_not_hold(self, personas, county_manager, grassroots):
        target = services.officer_account_create(
            actor=county_manager, username="t", display_name="t", organization=grassroots
        )
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.role_grant_add(
                actor=county_manager, user=target, organization=grassroots, role=GrantRole.FINANCE
            )
        assert "role" in caught.value.message_dict
        assert not RoleGrant.objects.filter(user=target).exists()

    def test_auditor_manager_cannot_create_officers(self, personas, grassroots):
        auditor = services.officer_account_create(
            actor=SYSTEM,
            username="aud",
            display_name="a",
            organization=personas.liuyang,
            role=GrantRole.AUDITOR,
        )
        services.role_grant_add(
            actor=SYSTEM, user=auditor, organization=personas.liuyang, role="account_manager"
        )
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.officer_account_create(
                actor=fresh(auditor), username="o", display_name="o", organization=grassroots
            )
        assert "role" in caught.value.message_dict

    def test_grant_and_revoke_are_audited(self, county_manager, grassroots):
        target = services.officer_account_create(
            actor=county_manager, username="t", display_name="t", organization=grassroots
        )
        grant = services.role_grant_add(
            actor=county_manager, user=target, organization=grassroots, role="account_manager"
        )
        assert fresh(target).has_grants
        services.role_grant_revoke(actor=county_manager, grant=grant)
        assert not fresh(target).has_grants
        changes = list(
            AuditLog.objects.filter(
                object_id=str(target.pk), content_type__model="user"
            ).values_list("changes", flat=True)
        )
        assert any("grants" in c for c in changes) and len(changes) == 3


@pytest.mark.django_db
class TestDisable:
    def test_disable_and_reenable(self, county_manager, grassroots):
        target = services.officer_account_create(
            actor=county_manager, username="t", display_name="t", organization=grassroots
        )
        services.officer_account_set_active(actor=county_manager, user=target, active=False)
        assert not fresh(target).is_active
        assert scope_for(fresh(target)).is_empty
        services.officer_account_set_active(actor=county_manager, user=target, active=True)
        assert fresh(target).is_active

    def test_cannot_disable_own_last_account_manager_account(self, county_manager):
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.officer_account_set_active(
                actor=county_manager, user=county_manager, active=False
            )
        assert "is_active" in caught.value.message_dict
        assert fresh(county_manager).is_active

    def test_cannot_revoke_own_last_account_manager_grant(self, county_manager):
        grant = RoleGrant.objects.get(user=county_manager)
        with nothing_written(), pytest.raises(ValidationError):
            services.role_grant_revoke(actor=county_manager, grant=grant)
        assert RoleGrant.objects.filter(pk=grant.pk).exists()

    def test_may_disable_self_when_another_manager_remains(self, personas, county_manager):
        other = services.officer_account_create(
            actor=SYSTEM, username="m2", display_name="m2", organization=personas.changsha
        )
        services.role_grant_add(
            actor=SYSTEM, user=other, organization=personas.changsha, role="account_manager"
        )
        services.officer_account_set_active(actor=county_manager, user=county_manager, active=False)
        assert not fresh(county_manager).is_active


@pytest.mark.django_db
class TestPasswordLink:
    def test_link_sets_password_once(self, county_manager, grassroots):
        target = services.officer_account_create(
            actor=county_manager, username="t", display_name="t", organization=grassroots
        )
        url = services.password_link_issue(actor=county_manager, user=target)
        uid, token = url.rstrip("/").split("/")[-2:]
        services.password_set_by_link(uidb64=uid, token=token, password="Strong-pass-2026")
        assert fresh(target).check_password("Strong-pass-2026")
        with nothing_written(), pytest.raises(ValidationError) as caught:
            services.password_set_by_link(uidb64=uid, token=token, password="Other-pass-2026")
        assert "token" in caught.value.message_dict
        assert fresh(target).check_password("Strong-pass-2026")

    def test_expired_link_is_refused(self, county_manager, grassroots, monkeypatch):
        target = services.officer_account_create(
            actor=county_manager, username="t", display_name="t", organization=grassroots
        )
        url = services.password_link_issue(actor=county_manager, user=target)
        uid, token = url.rstrip("/").split("/")[-2:]
        monkeypatch.setattr(services, "SET_PASSWORD_LINK_SECONDS", -1)
        assert services.password_link_user(uidb64=uid, token=token) is None

    def test_forged_link_is_refused(self, county_manager):
        assert services.password_link_user(uidb64="MQ", token="abc-def") is None


@pytest.mark.django_db
class TestSecondFactor:
    def test_grant_requiring_second_factor_opens_nothing_without_one(self, personas):
        user = services.officer_account_create(
            actor=SYSTEM,
            username="s",
            display_name="s",
            organization=personas.liuyang,
            requires_second_factor=True,
        )
        assert scope_for(fresh(user)).is_empty
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=user, name="a", confirmed=True)
        assert scope_for(fresh(user)).covers(personas.liuyang.path)
