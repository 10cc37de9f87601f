import pytest

from gonghui.core.models import AuditLog
from gonghui.organizations.models import Organization


def edit_form(org, **overrides):
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "level": org.level,
        "org_type": org.org_type,
        "region_code": org.region_code,
        "credit_code": org.credit_code,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestOrgForms:
    def test_officer_edits_an_org_in_scope(self, personas, client):
        client.force_login(personas.luohe_officer)
        response = client.post(
            f"/orgs/{personas.yancheng.pk}/edit/", edit_form(personas.yancheng, chair="李明")
        )
        assert response.status_code == 302
        personas.yancheng.refresh_from_db()
        assert personas.yancheng.chair == "李明"
        assert AuditLog.objects.filter(
            action="update", object_id=str(personas.yancheng.pk)
        ).exists()

    def test_bad_credit_code_shows_a_field_error_and_saves_nothing(self, personas, client):
        client.force_login(personas.luohe_officer)
        response = client.post(
            f"/orgs/{personas.yancheng.pk}/edit/",
            edit_form(personas.yancheng, chair="李明", credit_code="91350100M000100Y44"),
        )
        assert response.status_code == 422
        assert 'data-field="credit_code"' in response.content.decode()
        personas.yancheng.refresh_from_db()
        assert personas.yancheng.chair == ""

    def test_move_form_offers_only_parents_in_scope(self, personas, client):
        client.force_login(personas.luohe_officer)
        page = client.get(f"/orgs/{personas.yancheng_project.pk}/move/").content.decode()
        # The picker searches as the officer types: its URL names the purpose and the moved org.
        assert f"purpose=parent&amp;field=parent&amp;exclude={personas.yancheng_project.pk}" in page
        for q, offered in (("郾城区", True), ("浏阳市", False)):
            found = client.get(
                "/orgs/autocomplete/",
                {"purpose": "parent", "field": "parent", "parent": q,
                 "exclude": personas.yancheng_project.pk},
            ).content.decode()  # fmt: skip
            assert (f"{q}总工会" in found) is offered, found

    def test_create_form_creates_under_the_chosen_parent(self, personas, client):
        client.force_login(personas.luohe_officer)
        response = client.post(
            "/orgs/new/",
            {
                "parent": personas.yancheng.pk,
                "name": "漯河港航物流园区项目工会",
                "level": "grassroots",
                "org_type": "project",
                "region_code": "411103",
            },
        )
        assert response.status_code == 302
        created = Organization.objects.get(name="漯河港航物流园区项目工会")
        assert created.parent == personas.yancheng

    def test_dissolve_form_dissolves(self, personas, client):
        client.force_login(personas.luohe_officer)
        response = client.post(
            f"/orgs/{personas.yancheng_project.pk}/dissolve/", {"dissolved_on": "2026-10-31"}
        )
        assert response.status_code == 302
        personas.yancheng_project.refresh_from_db()
        assert not personas.yancheng_project.is_active
