"""Membership coverage (members / employees) comes out of the member-employer link."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises.selectors import coverage_for
from gonghui.enterprises.tests.factories import enterprise
from gonghui.members.services import member_set_status, member_update
from gonghui.members.tests.factories import make_member


@pytest.mark.django_db
def test_member_rate_counts_active_members_linked_to_subtree_enterprises(personas):
    firm = enterprise(personas.yancheng, employees=40, union=personas.yancheng_project)
    members = [make_member(personas.yancheng_project) for _ in range(3)]
    for member in members:
        member_update(actor=SYSTEM, member=member, employer=firm)
    member_set_status(actor=SYSTEM, member=members[2], status="lapsed")
    make_member(personas.yancheng_project)  # no employer link: not counted

    figures = coverage_for(user=personas.luohe_officer, org_id=personas.luohe.pk)
    assert figures["members"] == 2
    assert figures["total_employees"] == 40
    assert figures["member_rate"] == 5.0


@pytest.mark.django_db
def test_linking_a_member_to_an_out_of_scope_enterprise_is_refused(personas, api):
    hunan_firm = enterprise(personas.liuyang)
    member = make_member(personas.yancheng_project)
    response = api(personas.luohe_officer).patch(
        f"/api/members/{member.pk}", {"employer_id": hunan_firm.pk}
    )
    assert response.status_code == 422
    assert "employer_id" in response.json()["errors"]
    member.refresh_from_db()
    assert member.employer_id is None
    with pytest.raises(ValidationError):
        member_update(actor=personas.luohe_officer, member=member, employer=hunan_firm)


@pytest.mark.django_db
def test_coverage_api_reports_member_rate(personas, api):
    firm = enterprise(personas.yancheng, employees=10)
    member = make_member(personas.yancheng_project)
    assert (
        api(personas.luohe_officer)
        .patch(f"/api/members/{member.pk}", {"employer_id": firm.pk})
        .status_code
        == 200
    )
    body = api(personas.luohe_officer).get(f"/api/coverage?org_id={personas.luohe.pk}").json()
    assert body["members"] == 1 and body["member_rate"] == 10.0
