"""Benefits endpoints: parse, resolve ids in the caller's scope, call a service or selector,
serialise. Paths keep their ``/api/activities/`` prefix."""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.geo import NearFilters
from gonghui.core.payload import resolve_enterprise as _enterprise
from gonghui.core.payload import resolve_org as _org
from gonghui.core.scoping import Action

from . import selectors, services
from .choices import DiscountCategory, JobCategory
from .models import Discount, JobPosting

router = Router(tags=["benefits"])

Text = Field(..., min_length=1, max_length=200)


class JobIn(Schema):
    org_id: ObjectId
    enterprise_id: ObjectId | None = None
    title: str = Field(..., min_length=1, max_length=120)
    employer: str = Text
    category: JobCategory
    pay_min: int = Field(..., ge=0, le=10**7)
    pay_max: int = Field(..., ge=0, le=10**7)
    place: str = Text
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    contact: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=4000)
    expires_on: datetime.date


class JobPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    employer: str | None = Field(None, min_length=1, max_length=200)
    category: JobCategory | None = None
    pay_min: int | None = Field(None, ge=0, le=10**7)
    pay_max: int | None = Field(None, ge=0, le=10**7)
    place: str | None = Field(None, min_length=1, max_length=200)
    contact: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=4000)
    expires_on: datetime.date | None = None


class JobOut(Schema):
    id: int
    org_id: int
    title: str
    employer: str
    category: str
    pay_min: int
    pay_max: int
    place: str
    latitude: float | None
    longitude: float | None
    contact: str
    description: str
    expires_on: datetime.date
    distance_km: float | None = None
    distance_m: float | None = None


class DiscountIn(Schema):
    org_id: ObjectId
    merchant: str = Text
    offer: str = Text
    category: DiscountCategory
    valid_from: datetime.date
    valid_until: datetime.date
    place: str = Text
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class DiscountPatch(Schema):
    merchant: str | None = Field(None, min_length=1, max_length=200)
    offer: str | None = Field(None, min_length=1, max_length=200)
    valid_until: datetime.date | None = None
    place: str | None = Field(None, min_length=1, max_length=200)


class DiscountOut(Schema):
    id: int
    org_id: int
    merchant: str
    offer: str
    category: str
    valid_from: datetime.date
    valid_until: datetime.date
    place: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None = None
    distance_m: float | None = None


class JobFilters(NearFilters):
    category: JobCategory | None = None


class DiscountFilters(NearFilters):
    category: DiscountCategory | None = None


@router.get("/activities/jobs/open", response=list[JobOut], auth=None)
def list_open_jobs(request, filters: Query[JobFilters]):
    """Open postings (not expired); with ``lat``/``lon`` only those within ``within_km``
    (default ``NEAR_ME_KM``), nearest first, so an empty list means nothing is near."""
    return selectors.open_jobs(
        category=filters.category, lat=filters.lat, lon=filters.lon, within_km=filters.within_km
    )


@router.get("/activities/discounts/open", response=list[DiscountOut], auth=None)
def list_open_discounts(request, filters: Query[DiscountFilters]):
    """Discounts valid today; with ``lat``/``lon`` only those within ``within_km`` (default
    ``NEAR_ME_KM``), nearest first."""
    return selectors.open_discounts(
        category=filters.category, lat=filters.lat, lon=filters.lon, within_km=filters.within_km
    )


@router.get("/activities/jobs", response=list[JobOut])
@paginate
def list_jobs(request):
    return selectors.job_list(user=request.user)


@router.post("/activities/jobs", response={201: JobOut})
def create_job(request, payload: JobIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    enterprise = _enterprise(request.user, data.pop("enterprise_id"))
    job = services.job_create(actor=request.user, org=org, enterprise=enterprise, **data)
    return Status(201, job)


@router.patch("/activities/jobs/{job_id}", response=JobOut)
def update_job(request, job_id: ObjectId, payload: JobPatch):
    job = selectors.get(JobPosting, user=request.user, pk=job_id, action=Action.CHANGE)
    return services.job_update(actor=request.user, job=job, **payload.dict(exclude_unset=True))


@router.post("/activities/discounts", response={201: DiscountOut})
def create_discount(request, payload: DiscountIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    return Status(201, services.discount_create(actor=request.user, org=org, **data))


@router.patch("/activities/discounts/{discount_id}", response=DiscountOut)
def update_discount(request, discount_id: ObjectId, payload: DiscountPatch):
    discount = selectors.get(Discount, user=request.user, pk=discount_id, action=Action.CHANGE)
    return services.discount_update(
        actor=request.user, discount=discount, **payload.dict(exclude_unset=True)
    )
