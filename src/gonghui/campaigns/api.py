"""Campaigns endpoints: parse, resolve ids in the caller's scope, call a service or selector,
serialise. Paths keep their ``/api/activities/`` prefix."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.payload import resolve as _resolve
from gonghui.core.payload import resolve_org as _org
from gonghui.core.scoping import Action
from gonghui.members.choices import OccupationGroup
from gonghui.members.models import Member
from gonghui.members.selectors import member_for_card
from gonghui.stations.models import Station

from . import selectors, services
from .choices import CampaignKind, TargetGender
from .models import CustomCampaignKind

router = Router(tags=["campaigns"])

Text = Field(..., min_length=1, max_length=200)


class ItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    quantity: int = Field(0, ge=0, le=10**7)
    unit: str = Field("份", max_length=10)


class ItemOut(Schema):
    id: int
    name: str
    quantity: int
    unit: str


class CampaignIn(Schema):
    organizer_id: ObjectId
    name: str = Field(..., min_length=1, max_length=120)
    kind: CampaignKind
    custom_kind_id: ObjectId | None = None
    starts_on: datetime.date
    ends_on: datetime.date
    target_groups: list[OccupationGroup] = []
    target_gender: TargetGender = TargetGender.ANY
    budget: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    allow_repeat: bool = False
    description: str = Field("", max_length=2000)
    items: list[ItemIn] = []


class CampaignPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    target_groups: list[OccupationGroup] | None = None
    target_gender: TargetGender | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    allow_repeat: bool | None = None
    description: str | None = Field(None, max_length=2000)


class CampaignOut(Schema):
    id: int
    organizer_id: int
    organizer_name: str = Field(..., alias="organizer.name")
    name: str
    kind: str
    kind_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    target_groups: list[str]
    target_gender: str
    budget: Decimal
    allow_repeat: bool
    description: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class DeliveryIn(Schema):
    item_id: ObjectId
    member_id: ObjectId | None = None
    card_token: str | None = Field(None, max_length=300)
    beneficiary_name: str = Field("", max_length=60)
    beneficiary_phone: str = Field("", max_length=11)
    occupation_group: OccupationGroup = OccupationGroup.OTHER
    quantity: int = Field(1, ge=1, le=1000)
    station_id: ObjectId | None = None
    site: str = Field("", max_length=120)
    override_reason: str = Field("", max_length=200)


class DeliveryOut(Schema):
    id: int
    campaign_id: int
    item_id: int
    item_name: str = Field(..., alias="item.name")
    member_id: int | None
    beneficiary: str
    beneficiary_phone: str
    occupation_group: str
    quantity: int
    delivered_at: datetime.datetime
    station_id: int | None
    place: str
    officer_label: str
    is_repeat: bool
    override_reason: str
    invite_url: str | None

    @staticmethod
    def resolve_beneficiary(obj):
        return obj.beneficiary_label

    @staticmethod
    def resolve_place(obj):
        return obj.place_label


class CustomKindIn(Schema):
    org_id: ObjectId
    name: str = Field(..., min_length=1, max_length=60)


class CustomKindOut(Schema):
    id: int
    org_id: int
    name: str


@router.post("/activities/campaign-kinds", response={201: CustomKindOut})
def create_custom_kind(request, payload: CustomKindIn):
    org = _org(request.user, payload.org_id)
    kind = services.custom_kind_create(actor=request.user, org=org, name=payload.name)
    return Status(201, kind)


@router.get("/activities/campaigns", response=list[CampaignOut])
@paginate
def list_campaigns(request, kind: CampaignKind | None = None):
    return selectors.campaign_list(user=request.user, kind=kind).prefetch_related("items")


@router.post("/activities/campaigns", response={201: CampaignOut})
def create_campaign(request, payload: CampaignIn):
    data = payload.dict()
    organizer = _org(request.user, data.pop("organizer_id"), "organizer_id")
    custom = _resolve(
        CustomCampaignKind, request.user, data.pop("custom_kind_id"), "custom_kind_id"
    )
    campaign = services.campaign_create(
        actor=request.user, organizer=organizer, custom_kind=custom, **data
    )
    return Status(201, campaign)


@router.get("/activities/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request, campaign_id: ObjectId):
    return selectors.campaign_get(user=request.user, campaign_id=campaign_id)


@router.patch("/activities/campaigns/{campaign_id}", response=CampaignOut)
def update_campaign(request, campaign_id: ObjectId, payload: CampaignPatch):
    campaign = selectors.campaign_get(
        user=request.user, campaign_id=campaign_id, action=Action.CHANGE
    )
    return services.campaign_update(
        actor=request.user, campaign=campaign, **payload.dict(exclude_unset=True)
    )


@router.post("/activities/campaigns/{campaign_id}/items", response={201: ItemOut})
def add_item(request, campaign_id: ObjectId, payload: ItemIn):
    campaign = selectors.campaign_get(
        user=request.user, campaign_id=campaign_id, action=Action.CHANGE
    )
    return Status(
        201, services.campaign_item_add(actor=request.user, campaign=campaign, **payload.dict())
    )


@router.get("/activities/campaigns/{campaign_id}/deliveries", response=list[DeliveryOut])
@paginate
def list_deliveries(request, campaign_id: ObjectId):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    return selectors.delivery_list(user=request.user, campaign=campaign)


def beneficiary_from(user, *, member_id=None, card_token=None, name="", phone="", group=None):
    if card_token:
        member, result = member_for_card(card_token)
        if result != "valid":
            raise ValidationError({"card_token": _("会员卡无效、已过期或已注销。")})
        return services.Beneficiary(member=member)
    if member_id is not None:
        member = _resolve(Member.objects.select_related("union"), user, member_id, "member_id")
        return services.Beneficiary(member=member)
    return services.Beneficiary(name=name, phone=phone, occupation_group=group)


@router.post("/activities/campaigns/{campaign_id}/deliveries", response={201: DeliveryOut})
def create_delivery(request, campaign_id: ObjectId, payload: DeliveryIn):
    campaign = selectors.campaign_get(
        user=request.user, campaign_id=campaign_id, action=Action.CHANGE
    )
    item = _resolve(campaign.items.all(), request.user, payload.item_id, "item_id")
    station = _resolve(Station, request.user, payload.station_id, "station_id")
    beneficiary = beneficiary_from(
        request.user,
        member_id=payload.member_id,
        card_token=payload.card_token,
        name=payload.beneficiary_name,
        phone=payload.beneficiary_phone,
        group=payload.occupation_group,
    )
    delivery = services.delivery_record(
        actor=request.user,
        campaign=campaign,
        item=item,
        beneficiary=beneficiary,
        quantity=payload.quantity,
        station=station,
        site=payload.site,
        override_reason=payload.override_reason,
    )
    return Status(201, delivery)
