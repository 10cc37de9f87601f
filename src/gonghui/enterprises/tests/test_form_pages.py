"""The registry's own form pages: a project's edit page and the visit form's field errors (they
went in with the founding pages, which moved to the founding app)."""

import pytest

from gonghui.core.testing.asserts import nothing_written

from .factories import enterprise, project

pytestmark = pytest.mark.django_db
NO_SESSION = ("sessions.Session",)


def test_project_edit_page_saves_through_the_service(client, personas):
    site = project(personas.yancheng, name="旧名称")
    client.force_login(personas.yancheng_officer)
    page = client.get(f"/enterprises/projects/{site.pk}/edit/").content.decode()
    assert "旧名称" in page and 'name="street_org"' not in page
    data = {"name": "新名称", "kind": site.kind, "workers": 60, "started_on": "2024-01-01"}
    assert client.post(f"/enterprises/projects/{site.pk}/edit/", data).status_code == 302
    site.refresh_from_db()
    assert (site.name, site.workers) == ("新名称", 60)
    with nothing_written(but=NO_SESSION):
        bad = client.post(f"/enterprises/projects/{site.pk}/edit/", {**data, "workers": -1})
    assert bad.status_code == 422 and 'data-field="workers"' in bad.content.decode()
    client.force_login(personas.hunan_officer)
    assert client.get(f"/enterprises/projects/{site.pk}/edit/").status_code == 404


def test_visit_form_bad_input_shows_the_field_error_on_the_page(client, personas):
    firm = enterprise(personas.yancheng)
    client.force_login(personas.yancheng_officer)
    with nothing_written(but=NO_SESSION):
        response = client.post(f"/enterprises/{firm.pk}/visits/", {"result": "nonsense"})
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="visited_on"' in body and 'data-field="result"' in body
