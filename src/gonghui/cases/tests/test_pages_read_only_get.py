"""Issue 12 item 5: case pages read input through forms, offer exactly the moves the service
allows (``case_allowed_transitions``), and a GET never writes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.cases import services
from gonghui.cases.models import Case, CaseEvent, Notification
from gonghui.core.models import AuditLog
from gonghui.members.tests.factories import make_member

from .conftest import png_bytes
from .test_views import signed_in

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_during(client, urls) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            assert client.get(url).status_code in (200, 302), url
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def a_case(personas, member, types):
    case = services.case_submit(
        actor=personas.worker,
        member=member,
        case_type=types["other"],
        description="宿舍漏水",
        files=[SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")],
    )
    services.case_reply(actor=personas.yancheng_officer, case=case, body="已受理")
    return case


def test_no_case_page_writes_on_get(personas, types, yancheng_member):
    case = a_case(personas, yancheng_member, types)
    attachment = case.attachments.get()
    assert Notification.objects.filter(user=personas.worker, read_at__isnull=True).exists()
    worker_pages = [
        "/cases/new", "/cases/new?type=other", "/cases/mine", "/cases/inbox",
        f"/cases/{case.pk}/", f"/cases/attachments/{attachment.pk}",
    ]  # fmt: skip
    officer_pages = [
        "/cases/", "/cases/?overdue=1", "/cases/inbox", f"/cases/{case.pk}/",
        f"/cases/attachments/{attachment.pk}",
    ]  # fmt: skip
    assert writes_during(signed_in(personas.worker), worker_pages) == []
    assert writes_during(signed_in(personas.yancheng_officer), officer_pages) == []
    assert Notification.objects.filter(user=personas.worker, read_at__isnull=False).count() == 0


def test_the_inbox_marks_read_only_what_it_showed_and_only_on_post(
    personas, types, yancheng_member
):
    a_case(personas, yancheng_member, types)
    client = signed_in(personas.worker)
    shown = list(Notification.objects.filter(user=personas.worker).order_by("pk"))
    page = client.get("/cases/inbox").content.decode()
    assert f'name="up_to" value="{shown[-1].pk}"' in page
    later = Notification.objects.create(user=personas.worker, title="新消息")
    officer_note = Notification.objects.create(user=personas.yancheng_officer, title="干部的")
    response = client.post("/cases/inbox", {"up_to": later.pk})
    assert response.status_code == 302
    # A worker's marking never touches another user's messages.
    assert Notification.objects.get(pk=officer_note.pk).read_at is None
    assert Notification.objects.filter(user=personas.worker, read_at__isnull=True).count() == 0
    client.post("/cases/inbox", {"up_to": "not a number"})
    assert Notification.objects.get(pk=officer_note.pk).read_at is None


def test_the_inbox_button_leaves_a_message_that_came_after_the_page_unread(
    personas, types, yancheng_member
):
    a_case(personas, yancheng_member, types)
    client = signed_in(personas.worker)
    newest_shown = Notification.objects.filter(user=personas.worker).latest("pk").pk
    later = Notification.objects.create(user=personas.worker, title="稍后到达")
    client.post("/cases/inbox", {"up_to": newest_shown})
    assert Notification.objects.get(pk=later.pk).read_at is None
    assert not Notification.objects.filter(pk__lte=newest_shown, user=personas.worker).filter(
        read_at__isnull=True
    )


def move_buttons(html: str) -> set[str]:
    return set(re.findall(r'id="move-([a-z_]+)"', html))


def test_the_page_offers_exactly_the_moves_the_service_allows(personas, types, yancheng_member):
    case = a_case(personas, yancheng_member, types)
    for user in (personas.worker, personas.yancheng_officer, personas.luohe_officer):
        html = signed_in(user).get(f"/cases/{case.pk}/").content.decode()
        allowed = set(services.case_allowed_transitions(case=case, user=user)) - {"closed"}
        assert move_buttons(html) == allowed, user
    assert services.case_allowed_transitions(case=case, user=personas.worker) == ["withdrawn"]
    assert services.case_allowed_transitions(case=case, user=personas.yancheng_officer) == [
        "accepted",
        "rejected",
    ]
    assert services.case_allowed_transitions(case=case, user=personas.hunan_officer) == []


def test_an_officer_whose_own_case_it_is_gets_only_the_workers_moves(personas, types):
    officer = personas.yancheng_officer
    officer.phone = "13700137000"
    officer.save()
    own = make_member(personas.yancheng_project, name="干部本人", phone="13700137000")
    case = services.case_submit(
        actor=officer, member=own, case_type=types["other"], description="本人诉求"
    )
    html = signed_in(officer).get(f"/cases/{case.pk}/").content.decode()
    assert move_buttons(html) == {"withdrawn"}
    refused = signed_in(officer).post(
        f"/cases/{case.pk}/", {"action": "transition", "to_status": "accepted", "version": 1}
    )
    assert refused.status_code == 422
    assert Case.objects.get(pk=case.pk).status == "submitted"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "transition", "to_status": "accepted", "version": "abc"}, "version"),
        ({"action": "transition", "to_status": "bogus", "version": 1}, "to_status"),
        ({"action": "transition", "to_status": "accepted", "version": 0}, "version"),
        ({"action": "reassign", "union_id": "没有这个工会", "version": 1}, "union_id"),
        ({"action": "attach"}, "file"),
        ({"action": "reply", "body": ""}, "body"),
        ({"action": "launch"}, "action"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(
    personas, types, yancheng_member, data, field
):
    case = a_case(personas, yancheng_member, types)
    counts = (CaseEvent.objects.count(), AuditLog.objects.count(), case.attachments.count())
    response = signed_in(personas.yancheng_officer).post(f"/cases/{case.pk}/", data)
    assert response.status_code == 422
    assert f'data-field="{field}"' in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.version, case.handling_union_id) == (
        "submitted",
        1,
        personas.yancheng_project.pk,
    )
    assert (CaseEvent.objects.count(), AuditLog.objects.count(), case.attachments.count()) == counts


def test_queue_filters_are_read_through_a_form_and_bad_values_ignored(
    personas, types, yancheng_member
):
    case = a_case(personas, yancheng_member, types)
    client = signed_in(personas.yancheng_officer)
    for query in ("?status=nonsense", "?overdue=yes&status=", "?status=submitted&page=x"):
        html = client.get(f"/cases/{query}").content.decode()
        assert f'data-case="{case.pk}"' in html, query
    closed = client.get("/cases/?status=closed").content.decode()
    assert f'data-case="{case.pk}"' not in closed


def test_the_api_names_the_moves_the_caller_may_make(api, personas, types, yancheng_member):
    case = a_case(personas, yancheng_member, types)
    url = f"/api/cases/{case.pk}"
    assert api(personas.worker).get(url).json()["allowed_transitions"] == ["withdrawn"]
    officer = api(personas.yancheng_officer).get(url).json()
    assert officer["allowed_transitions"] == ["accepted", "rejected"]
    assert officer["status"] == "submitted"
    assert api(personas.hunan_officer).get(url).status_code == 404
