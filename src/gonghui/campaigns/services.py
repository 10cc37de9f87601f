"""Every write of the campaigns app. Each takes ``actor=``, checks scope, validates, writes, and
records an audit row in the same transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures
from gonghui.core.audit import actor_fk, actor_label
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.core.validators import is_valid_mobile
from gonghui.core.writing import check_org
from gonghui.core.writing import full_clean as _full_clean
from gonghui.core.writing import record_change as _record
from gonghui.core.writing import reject_unknown as _unknown
from gonghui.members.choices import MemberStatus, OccupationGroup
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from .choices import CampaignKind
from .models import Campaign, CampaignItem, CustomCampaignKind, Delivery

CAMPAIGN_FIELDS = (
    "name",
    "kind",
    "custom_kind",
    "starts_on",
    "ends_on",
    "target_groups",
    "target_gender",
    "budget",
    "allow_repeat",
    "description",
)


def _clean_campaign(actor, campaign: Campaign) -> None:
    groups = list(dict.fromkeys(campaign.target_groups or []))
    valid = set(OccupationGroup.values)
    bad = [g for g in groups if g not in valid]
    if bad:
        raise ValidationError(
            {"target_groups": _("未知的职业群体：%(codes)s") % {"codes": ",".join(bad)}}
        )
    campaign.target_groups = groups
    if campaign.kind == CampaignKind.CUSTOM:
        kind = campaign.custom_kind
        if kind is None:
            raise ValidationError({"custom_kind": _("请选择或新建活动类型。")})
        if not scope_for(actor, Action.VIEW).covers(kind.org.path) and not (
            campaign.organizer.path.startswith(kind.org.path)
        ):
            raise ValidationError({"custom_kind": _("活动类型不存在或不在您的管辖范围内。")})
    else:
        campaign.custom_kind = None
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    _full_clean(campaign)


@transaction.atomic
def custom_kind_create(*, actor, org: Organization, name: str) -> CustomCampaignKind:
    check_org(actor, org)
    name = (name or "").strip()
    existing = CustomCampaignKind.objects.filter(org=org, name=name).first()
    if existing:
        return existing
    kind = CustomCampaignKind(org=org, name=name)
    _full_clean(kind)
    kind.save()
    _record(actor, AuditAction.CREATE, kind, org.path, {})
    return kind


@transaction.atomic
def campaign_create(*, actor, organizer: Organization, items=(), **fields) -> Campaign:
    _unknown(fields, CAMPAIGN_FIELDS)
    check_org(actor, organizer, "organizer_id")
    campaign = Campaign(organizer=organizer, **fields)
    _clean_campaign(actor, campaign)
    campaign.save()
    _record(actor, AuditAction.CREATE, campaign, organizer.path, {})
    for item in items:
        campaign_item_add(actor=actor, campaign=campaign, **item)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    _unknown(fields, CAMPAIGN_FIELDS)
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = audit.snapshot(campaign)
    old_kind = campaign.kind
    for name, value in fields.items():
        setattr(campaign, name, value)
    _clean_campaign(actor, campaign)
    campaign.save()
    if campaign.kind != old_kind:
        _deliveries_rekinded(campaign, old_kind)
    _record(actor, AuditAction.UPDATE, campaign, campaign.organizer.path, before)
    return campaign


def _deliveries_rekinded(campaign: Campaign, old_kind: str) -> None:
    """The campaign's deliveries so far now count under its new kind: move them, day by day,
    from the old kind's figures to the new one's (the figures count deliveries by kind)."""
    days = (
        Delivery.objects.filter(campaign=campaign)
        .annotate(day=TruncDate("delivered_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    path, old, new = campaign.organizer.path, f"d.{old_kind}", f"d.{campaign.kind}"
    rows = []
    for row in days:
        rows += [(path, old, row["day"], -row["n"]), (path, new, row["day"], row["n"])]
    figures.record_many(rows)


@transaction.atomic
def campaign_item_add(
    *, actor, campaign: Campaign, name: str, quantity: int = 0, unit: str = "份"
) -> CampaignItem:
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    name = (name or "").strip()
    if CampaignItem.objects.filter(campaign=campaign, name=name).exists():
        raise ValidationError({"name": _("本活动已有同名物资。")})
    item = CampaignItem(campaign=campaign, name=name, quantity=quantity, unit=unit or "份")
    _full_clean(item)
    item.save()
    _record(actor, AuditAction.CREATE, item, campaign.organizer.path, {})
    return item


def _previous_delivery(campaign, item, member, phone):
    deliveries = Delivery.objects.filter(campaign=campaign, item=item).select_related("station")
    if member is not None:
        deliveries = deliveries.filter(member=member)
    else:
        deliveries = deliveries.filter(member__isnull=True, beneficiary_phone=phone)
    return deliveries.order_by("delivered_at", "id").first()


def already_delivered_error(previous: Delivery, field: str = "member") -> ValidationError:
    when = timezone.localtime(previous.delivered_at).strftime("%Y-%m-%d %H:%M")
    message = _(
        "%(name)s已于%(when)s在%(place)s领取过%(item)s。本活动每人限领一次，如确需再次发放，请填写原因。"
    ) % {
        "name": previous.beneficiary_label,
        "when": when,
        "place": previous.place_label or _("（未填地点）"),
        "item": previous.item.name,
    }
    return ValidationError({field: ValidationError(message, code="already_delivered")})


@dataclass
class Beneficiary:
    """Who a delivery is for: a member, or a worker not yet in the union (name + phone)."""

    member: Member | None = None
    name: str = ""
    phone: str = ""
    occupation_group: str = OccupationGroup.OTHER


@transaction.atomic
def delivery_record(
    *,
    actor,
    campaign: Campaign,
    item: CampaignItem,
    beneficiary: Beneficiary,
    quantity: int = 1,
    station=None,
    site: str = "",
    override_reason: str = "",
    delivered_at: datetime.datetime | None = None,
) -> Delivery:
    """Record one hand-over. A second delivery of the same item to the same person is refused
    with the first one's time and place, unless the campaign allows repeats or the officer gives
    a reason (the delivery is then marked as a repeat)."""
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    if item.campaign_id != campaign.pk:
        raise ValidationError({"item_id": _("该物资不属于本活动。")})
    member = beneficiary.member
    name, phone = (beneficiary.name or "").strip(), (beneficiary.phone or "").strip()
    group = beneficiary.occupation_group or OccupationGroup.OTHER
    if member is not None:
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError({"member": _("该会员会籍不是正常状态，不能按会员发放。")})
        name, phone, group = "", "", member.occupation_group
    else:
        errors = {}
        if not name:
            errors["beneficiary_name"] = _("请填写受益人姓名。")
        if not is_valid_mobile(phone):
            errors["beneficiary_phone"] = _("请输入11位中国大陆手机号码（1开头，第二位为3-9）。")
        if group not in OccupationGroup.values:
            errors["occupation_group"] = _("不是可选的值之一。")
        if errors:
            raise ValidationError(errors)
    if station is not None and not scope_for(actor, Action.VIEW).covers(station.operator.path):
        raise ValidationError({"station_id": _("服务阵地不存在或不在您的管辖范围内。")})
    override_reason = (override_reason or "").strip()
    field = "member" if member is not None else "beneficiary_phone"
    previous = _previous_delivery(campaign, item, member, phone)
    if previous is not None and not campaign.allow_repeat and not override_reason:
        raise already_delivered_error(previous, field)
    delivery = Delivery(
        campaign=campaign,
        item=item,
        member=member,
        beneficiary_name=name,
        beneficiary_phone=phone,
        occupation_group=group,
        gender=member.gender if member is not None else "",
        quantity=quantity,
        delivered_at=delivered_at or timezone.now(),
        station=station,
        site=(site or "").strip(),
        officer=actor_fk(actor),
        officer_label=actor_label(actor),
        is_repeat=previous is not None,
        override_reason=override_reason if previous is not None else "",
    )
    # The related rows were checked above and the unique constraints are the database's to
    # hold (a race is caught below): skipping their queries keeps a scan-and-record fast.
    _full_clean(
        delivery,
        exclude=["campaign", "item", "member", "station", "officer"],
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        # Another officer recorded the same person a moment ago.
        previous = _previous_delivery(campaign, item, member, phone)
        if previous is None:
            raise
        raise already_delivered_error(previous, field) from None
    _record(actor, AuditAction.CREATE, delivery, campaign.organizer.path, {})
    figures.record(
        org_path=campaign.organizer.path, metric=f"d.{campaign.kind}", day=delivery.delivered_at
    )
    return delivery


@transaction.atomic
def deliveries_import(
    *,
    actor,
    campaign: Campaign,
    item: CampaignItem,
    rows: list[tuple[Member, datetime.datetime]],
    site: str = "",
) -> int:
    """Record many member deliveries at once (a paper sign-off sheet typed in after the event).
    Members who already received the item, or whose membership is not active, are skipped;
    returns how many deliveries were recorded. One INSERT batch and one audit row each."""
    require_in_scope(actor, campaign.organizer.path, Action.CHANGE)
    if item.campaign_id != campaign.pk:
        raise ValidationError({"item_id": _("该物资不属于本活动。")})
    done = set(
        Delivery.objects.filter(campaign=campaign, item=item, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    deliveries = []
    for member, when in rows:
        if member.pk in done or member.status != MemberStatus.ACTIVE:
            continue
        done.add(member.pk)
        deliveries.append(
            Delivery(
                campaign=campaign,
                item=item,
                member=member,
                occupation_group=member.occupation_group,
                gender=member.gender,
                quantity=1,
                delivered_at=when,
                site=(site or "").strip(),
                officer=actor_fk(actor),
                officer_label=actor_label(actor),
            )
        )
    # PostgreSQL and SQLite >= 3.35 return the new ids, which the audit rows name.
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    path, metric = campaign.organizer.path, f"d.{campaign.kind}"
    figures.record_many((path, metric, d.delivered_at, 1) for d in deliveries)
    audit.record_many([
        audit.build(actor=actor, action=AuditAction.CREATE, instance=d,
                    org_path=campaign.organizer.path, changes=audit.diff({}, audit.snapshot(d)))
        for d in deliveries
    ])  # fmt: skip
    return len(deliveries)
