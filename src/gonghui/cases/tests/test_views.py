import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.cases import services
from gonghui.cases.models import Case

from .conftest import EXE

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def assert_clean_html(response):
    assert not re.search(rb"<script(?![^>]*\bsrc=)", response.content)
    assert b' style="' not in response.content


def test_worker_picks_a_type_and_submits_from_the_phone_page(personas, yancheng_member):
    client = signed_in(personas.worker)
    chooser = client.get("/cases/new")
    assert chooser.status_code == 200 and "欠薪" in chooser.content.decode()
    assert_clean_html(chooser)
    form = client.get("/cases/new?type=wage_arrears")
    assert "欠薪单位" in form.content.decode()
    response = client.post(
        "/cases/new",
        {"case_type": "wage_arrears", "description": "三个月没发工资", "employer": "某物流公司",
         "amount_owed": "9000"},
    )  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    mine = client.get("/cases/mine")
    assert case.title in mine.content.decode()


def test_page_shows_field_errors_and_writes_nothing(personas, yancheng_member):
    client = signed_in(personas.worker)
    response = client.post(
        "/cases/new",
        {"case_type": "wage_arrears", "description": "", "employer": "",
         "amount_owed": "很多", "attachment": SimpleUploadedFile("a.jpg", EXE)},
    )  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    for field in ("description", "employer", "amount_owed", "attachment"):
        assert f'data-field="{field}"' in html, field
    assert Case.objects.count() == 0


def test_unknown_type_on_the_page_is_404(personas, yancheng_member):
    response = signed_in(personas.worker).get("/cases/new?type=nope")
    assert response.status_code == 404 and 'data-field="case_type"' in response.content.decode()


def test_hall_officer_submits_by_member_number(personas, hunan_member):
    client = signed_in(personas.hunan_officer)
    response = client.post(
        "/cases/new",
        {
            "case_type": "other",
            "description": "到大厅咨询",
            "member_number": hunan_member.member_number,
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().channel == "hall"


def test_queue_sorts_by_deadline_and_marks_overdue_red(personas, types, yancheng_member):
    old = services.case_submit(
        actor=personas.worker, member=yancheng_member, case_type=types["other"],
        description="很早的", today=datetime.date(2026, 1, 5),
    )  # fmt: skip
    new = services.case_submit(
        actor=personas.worker, member=yancheng_member, case_type=types["other"], description="新的"
    )
    response = signed_in(personas.yancheng_officer).get("/cases/")
    html = response.content.decode()
    assert_clean_html(response)
    assert html.index(f'data-case="{old.pk}"') < html.index(f'data-case="{new.pk}"')
    assert re.search(rf'<tr class="overdue" data-case="{old.pk}"', html)
    assert not re.search(rf'<tr class="overdue" data-case="{new.pk}"', html)


def test_stale_form_on_the_page_shows_the_conflict(personas, types, yancheng_member):
    case = services.case_submit(
        actor=personas.worker, member=yancheng_member, case_type=types["other"], description="x"
    )
    services.case_transition(
        actor=personas.luohe_officer, case=case, to_status="accepted", expected_version=1
    )
    response = signed_in(personas.yancheng_officer).post(
        f"/cases/{case.pk}/",
        {"action": "transition", "to_status": "rejected", "reason": "重复", "version": 1},
    )
    assert response.status_code == 409
    assert 'id="conflict"' in response.content.decode()
    assert Case.objects.get().status == "accepted"


def test_internal_notes_show_to_officers_not_workers(personas, types, yancheng_member):
    case = services.case_submit(
        actor=personas.worker, member=yancheng_member, case_type=types["other"], description="x"
    )
    services.case_reply(actor=personas.yancheng_officer, case=case, body="公开答复内容")
    services.case_reply(
        actor=personas.yancheng_officer, case=case, body="内部备注内容", internal=True
    )
    worker_html = signed_in(personas.worker).get(f"/cases/{case.pk}/").content.decode()
    officer_html = signed_in(personas.yancheng_officer).get(f"/cases/{case.pk}/").content.decode()
    assert "公开答复内容" in worker_html and "内部备注内容" not in worker_html
    assert "内部备注内容" in officer_html


def test_officer_pages_render(personas):
    client = signed_in(personas.hunan_officer)
    pages = {"/cases/": "诉求", "/cases/inbox": "消息"}
    for url, heading in pages.items():
        response = client.get(url)
        assert response.status_code == 200 and heading in response.content.decode(), url
        assert_clean_html(response)
