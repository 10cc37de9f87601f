import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gonghui.core.models import AuditLog
from gonghui.members.card import card_token_for
from gonghui.members.selectors import member_for_card

from .. import services
from ..models import Delivery
from . import factories

pytestmark = pytest.mark.django_db


def deliver(officer, campaign, member, **extra):
    return services.delivery_record(
        actor=officer,
        campaign=campaign,
        item=campaign.items.get(),
        beneficiary=services.Beneficiary(member=member),
        **extra,
    )


def test_member_receives_a_campaign_item_once(personas):
    campaign = factories.campaign(personas.yancheng)
    member = factories.member(personas.yancheng_project, occupation_group="truck_driver")
    deliver(personas.yancheng_officer, campaign, member, site="港航物流园停车场")
    with pytest.raises(ValidationError) as exc:
        deliver(personas.yancheng_officer, campaign, member)
    message = exc.value.message_dict["member"][0]
    assert "港航物流园停车场" in message
    assert Delivery.objects.count() == 1


def test_override_with_reason_records_a_marked_repeat(personas):
    campaign = factories.campaign(personas.yancheng)
    member = factories.member(personas.yancheng_project)
    deliver(personas.yancheng_officer, campaign, member)
    repeat = deliver(personas.yancheng_officer, campaign, member, override_reason="物资破损补发")
    assert repeat.is_repeat and repeat.override_reason == "物资破损补发"
    assert Delivery.objects.count() == 2


def test_campaign_allowing_repeats_takes_a_second_delivery_without_reason(personas):
    campaign = factories.campaign(personas.yancheng, allow_repeat=True)
    member = factories.member(personas.yancheng_project)
    deliver(personas.yancheng_officer, campaign, member)
    assert deliver(personas.yancheng_officer, campaign, member).is_repeat


def test_database_refuses_a_second_unmarked_delivery(personas):
    campaign = factories.campaign(personas.yancheng)
    member = factories.member(personas.yancheng_project)
    first = deliver(personas.yancheng_officer, campaign, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            campaign=campaign, item=first.item, member=member, occupation_group="other"
        )


def test_non_member_recorded_by_name_and_phone_once(personas):
    campaign = factories.campaign(personas.yancheng)
    item = campaign.items.get()
    beneficiary = services.Beneficiary(name="未入会司机", phone="13912345678",
                                       occupation_group="truck_driver")  # fmt: skip
    delivery = services.delivery_record(
        actor=personas.yancheng_officer, campaign=campaign, item=item, beneficiary=beneficiary
    )
    assert delivery.member is None and delivery.beneficiary_label == "未入会司机"
    with pytest.raises(ValidationError) as exc:
        services.delivery_record(
            actor=personas.yancheng_officer, campaign=campaign, item=item, beneficiary=beneficiary
        )
    assert "beneficiary_phone" in exc.value.message_dict


def test_non_member_needs_a_valid_phone(personas):
    campaign = factories.campaign(personas.yancheng)
    with pytest.raises(ValidationError) as exc:
        services.delivery_record(
            actor=personas.yancheng_officer,
            campaign=campaign,
            item=campaign.items.get(),
            beneficiary=services.Beneficiary(name="某人", phone="12345"),
        )
    assert "beneficiary_phone" in exc.value.message_dict
    assert not Delivery.objects.exists()


def test_delivery_copies_group_and_gender_and_writes_audit(personas):
    campaign = factories.campaign(personas.yancheng)
    member = factories.member(
        personas.yancheng_project, occupation_group="courier",
        id_card=factories_id_card_female(),
    )  # fmt: skip
    delivery = deliver(personas.yancheng_officer, campaign, member)
    assert delivery.occupation_group == "courier" and delivery.gender == "F"
    assert delivery.officer == personas.yancheng_officer
    assert AuditLog.objects.filter(
        content_type__model="delivery", object_id=str(delivery.pk), action="create"
    ).exists()


def factories_id_card_female():
    from gonghui.members.tests.factories import id_card

    return id_card("411103", female=True)


def test_card_scan_text_may_be_the_verify_url(personas):
    member = factories.member(personas.yancheng_project)
    token = card_token_for(member)
    found, result = member_for_card(f"https://gonghui.example/verify/{token}")
    assert result == "valid" and found == member
    assert member_for_card("garbage")[1] == "forged"


def test_out_of_scope_campaign_write_is_refused(personas):
    from django.http import Http404

    campaign = factories.campaign(personas.liuyang)
    member = factories.member(personas.xinwuling)
    with pytest.raises(Http404):
        deliver(personas.luohe_officer, campaign, member)
    assert not Delivery.objects.exists()


def test_campaign_rejects_unknown_target_group_and_backwards_period(personas):
    import datetime

    with pytest.raises(ValidationError) as exc:
        factories.campaign(personas.yancheng, target_groups=["astronaut"])
    assert "target_groups" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        factories.campaign(
            personas.yancheng,
            starts_on=datetime.date(2025, 8, 1),
            ends_on=datetime.date(2025, 7, 1),
        )
    assert "ends_on" in exc.value.message_dict


def test_custom_kind_campaign_shows_its_own_label(personas):
    kind = services.custom_kind_create(actor=personas.luohe_officer, org=personas.luohe,
                                       name="送法律")  # fmt: skip
    campaign = factories.campaign(personas.yancheng, kind="custom", custom_kind=kind)
    assert campaign.kind_label == "送法律"


def test_sheet_import_skips_people_already_served_and_audits_each_row(personas):
    from django.utils import timezone

    campaign = factories.campaign(personas.yancheng)
    item = campaign.items.get()
    served, new1, new2 = (factories.member(personas.yancheng_project) for _ in range(3))
    deliver(personas.yancheng_officer, campaign, served)
    now = timezone.now()
    rows = [(served, now), (new1, now), (new2, now), (new1, now)]
    count = services.deliveries_import(
        actor=personas.yancheng_officer, campaign=campaign, item=item, rows=rows, site="签收表"
    )
    assert count == 2
    assert Delivery.objects.filter(member=new1).count() == 1
    assert Delivery.objects.filter(member=served).count() == 1
    new_ids = Delivery.objects.filter(site="签收表").values_list("pk", flat=True)
    audited = AuditLog.objects.filter(
        content_type__model="delivery", object_id__in=[str(pk) for pk in new_ids]
    )
    assert audited.count() == 2
