"""Issue 11, "First journeys right": what officers and workers see around the pages.

Controls follow scope (3), the officer's queue on the home page (4), finding people and places
(7), and the worker's details: sign-in ``next``, header, keypads, required marks, dates (8)."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import Client
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.cases import defaults
from gonghui.cases.models import CaseType, Holiday
from gonghui.cases.services import case_submit
from gonghui.core.scoping import SYSTEM
from gonghui.core.templatetags.gonghui import can_change, can_write, keypad_for, mask_name
from gonghui.joining import sms
from gonghui.members import services as member_services
from gonghui.members.choices import JoinChannel, JoinReview, MemberStatus
from gonghui.members.review import join_policy_update
from gonghui.members.tests.factories import id_card, make_member
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

WORKER_PHONE = "13800138000"  # the persona worker's phone


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def header(page: str) -> str:
    return page.split('<main class="content">', 1)[0]


# ---- 3. Controls only for what the user may do; a read-only role says so ----------------------


@pytest.mark.django_db
class TestControlsFollowScope:
    def test_auditor_sees_no_edit_move_dissolve_or_create_on_an_org(self, personas):
        page = signed_in(personas.hunan_auditor).get(f"/orgs/{personas.changsha.pk}/")
        body = page.content.decode()
        assert page.status_code == 200
        for action in ("edit", "move", "dissolve"):
            assert f"/orgs/{personas.changsha.pk}/{action}/" not in body
        assert "/orgs/new/" not in body
        assert 'id="read-only-banner"' in body

    def test_officer_sees_the_controls_and_no_read_only_notice(self, personas):
        body = signed_in(personas.hunan_officer).get(f"/orgs/{personas.changsha.pk}/")
        body = body.content.decode()
        for action in ("edit", "move", "dissolve"):
            assert f"/orgs/{personas.changsha.pk}/{action}/" in body
        assert f"/orgs/new/?parent={personas.changsha.pk}" in body
        assert "read-only-banner" not in body

    def test_read_only_notice_is_at_the_top_of_every_auditor_page(self, personas):
        client = signed_in(personas.hunan_auditor)
        for url in ("/", "/orgs/", "/members/", "/cases/", "/stations/", "/activities/"):
            body = client.get(url).content.decode()
            assert "只读账号" in body.split('<main class="content">', 1)[0], url

    def test_list_pages_offer_no_create_or_import_to_the_auditor(self, personas):
        client = signed_in(personas.hunan_auditor)
        for url, control in (
            ("/members/", "/members/new/"),
            ("/members/", "/members/import/"),
            ("/stations/", "/stations/new/"),
            ("/enterprises/", "/enterprises/new/"),
            ("/activities/campaigns/", "/activities/campaigns/new/"),
            ("/cases/", 'href="/cases/new"'),
        ):
            assert control not in client.get(url).content.decode(), (url, control)

    def test_can_change_reads_the_objects_scope(self, personas):
        member = make_member(personas.xinwuling)
        assert can_change(member, personas.hunan_officer)
        assert not can_change(member, personas.luohe_officer)
        assert not can_change(member, personas.hunan_auditor)
        assert can_change(personas.yancheng, personas.luohe_officer)
        assert not can_change(personas.hunan, personas.luohe_officer)
        assert can_change(personas.hunan, personas.superuser)
        assert can_write(personas.luohe_officer) and not can_write(personas.hunan_auditor)
        assert not can_write(personas.worker)


# ---- 4. The officer's queue on the home page --------------------------------------------------


@pytest.fixture
def queue_world(personas):
    """郾城区 has one online join waiting, one transfer coming in from 湖南, one overdue case."""
    defaults.seed(CaseType, Holiday)
    join_policy_update(actor=SYSTEM, union=personas.yancheng_project, review=JoinReview.REVIEW)
    applied = member_services.member_join(
        actor=SYSTEM, union=personas.yancheng_project, channel=JoinChannel.ONLINE,
        name="待审会员", id_card=id_card("411103"), phone="13900000001",
        occupation_group="courier",
    ).member  # fmt: skip
    assert applied.status == MemberStatus.APPLIED
    leaving = make_member(personas.xinwuling, name="转会会员")
    member_services.member_transfer_request(
        actor=SYSTEM, member=leaving, to_union=personas.yancheng_project
    )
    appellant = make_member(personas.yancheng_project, name="诉求会员")
    queue_world_case = case_submit(
        actor=SYSTEM, member=appellant, case_type=CaseType.objects.get(code="wage_arrears"),
        description="拖欠工资", today=datetime.date(2025, 1, 6),
        form_data={"employer": "某物流公司", "amount_owed": "15000"},
    )  # fmt: skip
    personas.overdue_case = queue_world_case
    return personas


def queue_counts(body: str) -> dict[str, int]:
    return {
        key: int(count)
        for key, count in re.findall(
            r'data-queue="(\w+)"[^>]*><span>[^<]*</span><b>(\d+)</b>', body
        )
    }


@pytest.mark.django_db
class TestOfficerQueue:
    def test_home_shows_the_officers_queue_with_counts_and_links(self, queue_world):
        body = signed_in(queue_world.luohe_officer).get("/").content.decode()
        assert queue_counts(body) == {
            "joins": 1, "transfers": 1, "cases": 1, "founding": 0, "deliveries": 0,
        }  # fmt: skip
        assert 'href="/members/?status=applied"' in body
        assert 'href="/members/transfers/?status=pending"' in body
        assert 'href="/cases/?overdue=1"' in body
        assert 'href="/enterprises/founding/?overdue=1"' in body

    def test_the_queue_counts_only_the_officers_own_subtree(self, queue_world):
        body = signed_in(queue_world.hunan_officer).get("/").content.decode()
        # 湖南 sent the transfer (outgoing, not theirs to accept) and owns none of the rest.
        assert queue_counts(body) == {
            "joins": 0, "transfers": 0, "cases": 0, "founding": 0, "deliveries": 0,
        }  # fmt: skip

    def test_the_queues_links_lead_to_the_counted_rows(self, queue_world):
        client = signed_in(queue_world.luohe_officer)
        assert "待审会员" in client.get("/members/?status=applied").content.decode()
        assert "转会会员" in client.get("/members/transfers/?status=pending").content.decode()
        overdue = client.get("/cases/?overdue=1").content.decode()
        assert f'href="/cases/{queue_world.overdue_case.pk}/"' in overdue

    def test_workers_and_visitors_get_the_service_tiles_not_a_queue(self, personas):
        assert "officer-queue" not in Client().get("/").content.decode()
        assert "officer-queue" not in signed_in(personas.worker).get("/").content.decode()


# ---- 7. Finding people and places -------------------------------------------------------------


@pytest.mark.django_db
class TestFinding:
    def test_officer_finds_a_member_by_member_number(self, personas):
        wanted = make_member(personas.yancheng_project, name="编号会员")
        make_member(personas.yancheng_project, name="别的会员")
        client = signed_in(personas.luohe_officer)
        body = client.get("/members/", {"q": wanted.member_number}).content.decode()
        assert "编号会员" in body and "别的会员" not in body
        tail = wanted.member_number[-7:]
        body = client.get("/members/", {"q": tail}).content.decode()
        assert "编号会员" in body and "别的会员" not in body

    def test_member_number_search_stays_in_scope(self, personas):
        outside = make_member(personas.xinwuling, name="湖南会员")
        body = signed_in(personas.luohe_officer).get("/members/", {"q": outside.member_number})
        assert "湖南会员" not in body.content.decode()

    def test_org_autocomplete_offers_only_orgs_in_the_pickers_scope(self, personas):
        client = signed_in(personas.luohe_officer)
        found = client.get("/orgs/autocomplete/", {"purpose": "change", "q": "总工会"})
        body = found.content.decode()
        assert found.status_code == 200
        assert "漯河市总工会" in body and "郾城区总工会" in body
        assert "湖南省总工会" not in body and "中华全国总工会" not in body
        assert f'data-value="郾城区总工会 #{personas.yancheng.pk}"' in body

    def test_org_autocomplete_is_for_signed_in_users_and_known_purposes(self, personas):
        anonymous = Client().get("/orgs/autocomplete/", {"purpose": "union", "q": "工会"})
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")
        assert "总工会" not in anonymous.content.decode()
        client = signed_in(personas.luohe_officer)
        unknown = client.get("/orgs/autocomplete/", {"purpose": "all", "q": "工会"})
        assert unknown.status_code == 404
        assert "漯河市总工会" not in unknown.content.decode().split("<main", 1)[-1]

    def test_auditor_autocomplete_for_writes_is_empty(self, personas):
        body = signed_in(personas.hunan_auditor).get(
            "/orgs/autocomplete/", {"purpose": "parent", "q": "总工会"}
        )
        assert "总工会" not in body.content.decode()

    def test_move_picker_takes_a_typed_name_without_javascript(self, personas):
        project = personas.yancheng_project
        response = signed_in(personas.luohe_officer).post(
            f"/orgs/{project.pk}/move/", {"parent": "漯河市总工会"}
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.parent == personas.luohe

    def test_move_picker_refuses_a_typed_name_outside_scope_and_moves_nothing(self, personas):
        project = personas.yancheng_project
        before = project.path
        response = signed_in(personas.luohe_officer).post(
            f"/orgs/{project.pk}/move/", {"parent": f"浏阳市总工会 #{personas.liuyang.pk}"}
        )
        assert response.status_code == 422
        assert 'data-field="parent"' in response.content.decode()
        project.refresh_from_db()
        assert project.path == before and project.parent == personas.yancheng

    def test_transfer_picker_is_a_search_box_not_the_whole_tree(self, personas):
        member = make_member(personas.yancheng_project)
        body = signed_in(personas.luohe_officer).get(f"/members/{member.pk}/").content.decode()
        assert "data-autocomplete" in body
        assert "新屋岭社区工会联合会" not in body  # no <option> per union in the country

    def test_member_list_union_filter_is_a_search_box_that_takes_a_typed_name(self, personas):
        make_member(personas.yancheng_project, name="项目会员")
        make_member(personas.luohe, name="市级会员")
        client = signed_in(personas.luohe_officer)
        body = client.get("/members/").content.decode()
        assert "data-autocomplete" in body
        assert f'<option value="{personas.yancheng.pk}"' not in body
        found = client.get("/members/", {"union_id": "郾城区总工会"}).content.decode()
        assert "项目会员" in found and "市级会员" not in found


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=40))
def test_org_picker_reads_any_text_as_an_org_or_a_form_error(text):
    field = OrgAutocompleteField(purpose="union", required=False)
    field.queryset = Organization.objects.all()
    try:
        value = field.clean(text)
    except ValidationError as exc:
        assert exc.code in ("invalid_choice", "ambiguous")
    else:
        assert value is None or isinstance(value, Organization)


@pytest.mark.django_db
def test_org_picker_refuses_a_nul_and_other_control_characters_as_no_org(personas, client):
    field = OrgAutocompleteField(purpose="union", required=False)
    field.queryset = Organization.objects.all()
    for text in ("\x00", "漯河\x00", "\x1b市"):
        with pytest.raises(ValidationError) as refused:
            field.clean(text)
        assert refused.value.code == "invalid_choice"
    client.force_login(personas.luohe_officer)
    response = client.get("/orgs/autocomplete/", {"q": "漯河\x00"})
    assert response.status_code < 500
    assert "漯河市总工会" not in response.content.decode()


@pytest.mark.django_db
def test_org_picker_reads_a_number_after_the_name_and_a_bare_number(personas):
    field = OrgAutocompleteField(purpose="union")
    field.queryset = Organization.objects.all()
    assert field.clean(f"随便什么名字 #{personas.luohe.pk}") == personas.luohe
    assert field.clean(str(personas.luohe.pk)) == personas.luohe
    assert field.clean("长沙市总工会") == personas.changsha
    assert field.prepare_value(personas.luohe) == f"漯河市总工会 #{personas.luohe.pk}"
    with pytest.raises(ValidationError):
        field.clean("#999999")


# ---- 8. Worker details -------------------------------------------------------------------------


def phone_sign_in(client: Client, phone: str, next_url: str | None):
    data = {"phone": phone}
    query = f"?next={next_url}" if next_url else ""
    assert client.post(f"/me/login{query}", data).status_code == 200
    data["code"] = sms.last_code(phone)
    if next_url:
        data["next"] = next_url
    return client.post(f"/me/login{query}", data)


@pytest.mark.django_db
class TestWorkerDetails:
    def test_worker_sign_in_lands_on_a_same_site_next(self, personas):
        make_member(personas.xinwuling, name="张小明", phone=WORKER_PHONE)
        response = phone_sign_in(Client(), WORKER_PHONE, "/trainings/")
        assert response.status_code == 302
        assert response["Location"] == "/trainings/"

    @pytest.mark.parametrize(
        "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
    )
    def test_worker_sign_in_refuses_an_offsite_next(self, personas, target):
        make_member(personas.xinwuling, name="张小明", phone=WORKER_PHONE)
        response = phone_sign_in(Client(), WORKER_PHONE, target)
        assert response.status_code == 302
        assert response["Location"] == "/me/"

    def test_me_page_sends_a_stranger_to_sign_in_and_back(self):
        response = Client().get("/me/")
        assert response["Location"] == "/me/login?next=%2Fme%2F"

    def test_officer_sign_in_lands_on_next_and_refuses_offsite(self, personas, persona_password):
        for target, expected in (("/members/", "/members/"), ("https://evil.example/", "/")):
            response = Client().post(
                f"/accounts/login/?next={target}",
                {"username": "luohe_officer", "password": persona_password, "next": target},
            )
            assert response.status_code == 302
            assert response["Location"] == expected

    def test_member_sees_my_card_and_a_masked_name_not_join_or_the_phone(self, personas):
        make_member(personas.xinwuling, name="张小明", phone=WORKER_PHONE)
        client = Client()
        phone_sign_in(client, WORKER_PHONE, None)
        page = client.get("/").content.decode()
        top = header(page)
        assert "我的会员卡" in top and 'href="/join"' not in top
        assert "张**" in top
        assert WORKER_PHONE not in page and "张小明" not in top
        assert 'href="/join"' not in page  # the home tiles too

    def test_signed_in_non_member_is_still_offered_to_join(self, personas):
        page = signed_in(personas.worker).get("/").content.decode()
        assert 'href="/join"' in header(page)
        assert WORKER_PHONE not in header(page)

    def test_second_factor_page_is_for_officers_only(self, personas):
        assert signed_in(personas.worker).get("/accounts/security/").status_code == 404
        assert signed_in(personas.luohe_officer).get("/accounts/security/").status_code == 200
        assert (
            'href="/accounts/security/"' not in signed_in(personas.worker).get("/").content.decode()
        )

    def test_required_fields_are_marked_by_the_form_field_template(self, personas):
        body = signed_in(personas.luohe_officer).get("/members/new/").content.decode()
        name_label = re.search(r'<label for="id_name">.*?</label>', body, re.S).group(0)
        employer_label = re.search(r'<label for="id_employer_name">.*?</label>', body, re.S)
        assert 'class="required"' in name_label and "（必填）" in name_label
        assert 'class="required"' not in employer_label.group(0)
        login = Client().get("/me/login").content.decode()
        assert re.search(r'<label for="id_phone">[^<]*<span class="required"', login)

    def test_numeric_fields_bring_the_numeric_keypad(self, personas):
        body = signed_in(personas.luohe_officer).get("/members/new/").content.decode()
        assert re.search(r'<input[^>]*name="phone"[^>]*inputmode="tel"', body)
        assert re.search(r'<input[^>]*name="id_card"', body)
        assert not re.search(r'<input[^>]*name="id_card"[^>]*inputmode="(tel|numeric)"', body)
        assert keypad_for("employees", forms.IntegerField()) == "numeric"
        assert keypad_for("amount", forms.DecimalField()) == "decimal"
        assert keypad_for("credit_code", forms.CharField()) is None

    @pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
    def test_one_date_format_in_every_language(self, language):
        template = Template("{{ day }}|{{ day|date }}|{{ moment }}")
        moment = datetime.datetime(2026, 1, 5, 9, 7, tzinfo=datetime.UTC)
        with translation.override(language):
            text = template.render(Context({"day": datetime.date(2026, 1, 5), "moment": moment}))
        assert text == "2026-01-05|2026-01-05|2026-01-05 17:07"

    def test_mask_name_keeps_only_the_first_character(self):
        assert mask_name("张小明") == "张**"
        assert mask_name("李") == "李*"
        assert mask_name("") == ""


@pytest.mark.django_db
def test_officer_home_stays_within_its_query_budget(queue_world, django_assert_max_num_queries):
    client = signed_in(queue_world.luohe_officer)
    client.get("/")  # warm the session and content types
    # session + user + org, the scope roots and their counts, five queue counts.
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200
    assert 'class="queue"' in response.content.decode()


@pytest.mark.django_db
def test_case_reassign_picker_searches_and_takes_a_typed_name(queue_world):
    case = queue_world.overdue_case
    client = signed_in(queue_world.luohe_officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="union-id"' in page and "data-autocomplete" in page
    assert "<option" not in page.split('id="reassign-form"', 1)[1].split("</form>", 1)[0]
    response = client.post(
        f"/cases/{case.pk}/",
        {"action": "reassign", "version": case.version, "union_id": "郾城区总工会"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.handling_union == queue_world.yancheng


@pytest.mark.django_db
def test_case_reassign_refuses_a_union_outside_scope_and_changes_nothing(queue_world):
    case = queue_world.overdue_case
    before = case.handling_union_id
    response = signed_in(queue_world.luohe_officer).post(
        f"/cases/{case.pk}/",
        {"action": "reassign", "version": case.version, "union_id": f"#{queue_world.hunan.pk}"},
    )
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.handling_union_id == before
