"""Org endpoints: parse, call a selector or service, serialise. Scope and rules live below."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.scoping import Action

from . import selectors, services
from .choices import OrgLevel, OrgType

router = Router(tags=["organizations"])


class OrgOut(Schema):
    id: int
    parent_id: int | None
    path: str
    depth: int
    name: str
    short_name: str
    level: OrgLevel
    org_type: OrgType
    region_code: str
    credit_code: str
    founded_on: datetime.date | None
    dissolved_on: datetime.date | None
    is_active: bool
    chair: str
    contact_phone: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    liaison_department: str


class OrgFilters(FilterSchema):
    level: OrgLevel | None = None
    org_type: OrgType | None = None
    parent_id: ObjectId | None = None
    q: str | None = Field(None, max_length=100, description="名称检索，简体或繁体均可")


class OrgFieldsIn(Schema):
    short_name: str = Field("", max_length=60)
    credit_code: str = Field("", max_length=18)
    founded_on: datetime.date | None = None
    chair: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)
    address: str = Field("", max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    liaison_department: str = Field("", max_length=120)


class OrgCreateIn(OrgFieldsIn):
    parent_id: ObjectId
    name: str = Field(..., min_length=1, max_length=200)
    level: OrgLevel
    org_type: OrgType
    region_code: str = Field(..., max_length=6)


class OrgUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=60)
    level: OrgLevel | None = None
    org_type: OrgType | None = None
    region_code: str | None = Field(None, max_length=6)
    credit_code: str | None = Field(None, max_length=18)
    founded_on: datetime.date | None = None
    chair: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    liaison_department: str | None = Field(None, max_length=120)


class OrgMoveIn(Schema):
    parent_id: ObjectId


class OrgDissolveIn(Schema):
    dissolved_on: datetime.date


def _parent_for_write(user, parent_id: int, field: str = "parent_id"):
    """A parent the user may write under; a missing or out-of-scope one is the same field error."""
    return selectors.org_for_field(
        user=user, org_id=parent_id, field=field, message=_("上级工会不存在或不在您的管辖范围内。")
    )


@router.get("/orgs", response=list[OrgOut])
@paginate
def list_orgs(request, filters: Query[OrgFilters]):
    return selectors.org_list(
        user=request.user,
        level=filters.level,
        org_type=filters.org_type,
        parent_id=filters.parent_id,
        q=filters.q,
    )


@router.get("/orgs/{org_id}", response=OrgOut)
def get_org(request, org_id: ObjectId):
    return selectors.org_get(user=request.user, org_id=org_id)


@router.post("/orgs", response={201: OrgOut})
def create_org(request, payload: OrgCreateIn):
    data = payload.dict()
    parent = _parent_for_write(request.user, data.pop("parent_id"))
    return Status(201, services.org_create(actor=request.user, parent=parent, **data))


@router.patch("/orgs/{org_id}", response=OrgOut)
def update_org(request, org_id: ObjectId, payload: OrgUpdateIn):
    org = selectors.org_get(user=request.user, org_id=org_id, action=Action.CHANGE)
    return services.org_update(actor=request.user, org=org, **payload.dict(exclude_unset=True))


@router.post("/orgs/{org_id}/move", response=OrgOut)
def move_org(request, org_id: ObjectId, payload: OrgMoveIn):
    org = selectors.org_get(user=request.user, org_id=org_id, action=Action.CHANGE)
    new_parent = _parent_for_write(request.user, payload.parent_id)
    return services.org_move(actor=request.user, org=org, new_parent=new_parent)


@router.post("/orgs/{org_id}/dissolve", response=OrgOut)
def dissolve_org(request, org_id: ObjectId, payload: OrgDissolveIn):
    org = selectors.org_get(user=request.user, org_id=org_id, action=Action.CHANGE)
    return services.org_dissolve(actor=request.user, org=org, dissolved_on=payload.dissolved_on)
