"""Enterprise, coverage, grid and service-project endpoints. Thin: parse, fetch in
scope (out of scope is 404), call a service or selector, serialise."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.accounts.models import User
from gonghui.core.api import HistoryEventOut
from gonghui.core.scoping import Action
from gonghui.organizations.selectors import org_for_field, org_get

from . import importing, selectors, services
from .choices import (
    ClaimStatus,
    EnterpriseKind,
    Industry,
    ProjectKind,
    ServiceProjectStatus,
    VisitResult,
)

router = Router(tags=["enterprises"])


def _org_for_write(user, org_id: int | None, field: str):
    """An org the caller may write under; missing and out of scope are the same field error."""
    return None if org_id is None else org_for_field(user=user, org_id=org_id, field=field)


def _org_for_read(user, org_id: int | None, field: str):
    if org_id is None:
        return None
    return org_for_field(user=user, org_id=org_id, field=field, action=Action.VIEW)


def _default_org_id(request, org_id: int | None) -> int:
    if org_id is not None:
        return org_id
    if request.user.organization_id is None:
        raise ValidationError({"org_id": _("请选择工会。")})
    return request.user.organization_id


# --- enterprises -----------------------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    industry: Industry
    kind: EnterpriseKind
    is_key_social_org: bool
    employees: int
    established_on: datetime.date | None
    address: str
    latitude: float | None
    longitude: float | None
    h3_cell: str
    street_org_id: int
    street_org_name: str = Field(..., alias="street_org.name")
    union_id: int | None
    is_covered: bool
    contact_name: str
    contact_phone: str


class EnterpriseFields(Schema):
    industry: Industry = Industry.C
    kind: EnterpriseKind = EnterpriseKind.ENTERPRISE
    is_key_social_org: bool = False
    employees: int = 0
    established_on: datetime.date | None = None
    address: str = Field("", max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)


class EnterpriseCreateIn(EnterpriseFields):
    name: str = Field(..., min_length=1, max_length=200)
    credit_code: str = Field(..., max_length=30)
    street_org_id: int
    union_id: int | None = None


class EnterpriseUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    credit_code: str | None = Field(None, max_length=30)
    industry: Industry | None = None
    kind: EnterpriseKind | None = None
    is_key_social_org: bool | None = None
    employees: int | None = None
    established_on: datetime.date | None = None
    address: str | None = Field(None, max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)
    street_org_id: int | None = None
    union_id: int | None = None


class EnterpriseFilters(Schema):
    q: str | None = Field(None, max_length=100)
    kind: EnterpriseKind | None = None
    covered: bool | None = None
    org_id: int | None = None
    cell: str | None = Field(None, max_length=16)
    min_employees: int | None = None


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate
def list_enterprises(request, filters: Query[EnterpriseFilters]):
    return selectors.enterprise_list(user=request.user, **filters.dict())


@router.post("/enterprises", response={201: EnterpriseOut})
def create_enterprise(request, payload: EnterpriseCreateIn):
    data = payload.dict()
    street_org = _org_for_write(request.user, data.pop("street_org_id"), "street_org_id")
    union = _org_for_read(request.user, data.pop("union_id"), "union_id")
    enterprise = services.enterprise_create(
        actor=request.user, street_org=street_org, union=union, **data
    )
    return Status(201, enterprise)


@router.get("/enterprises/import-template", auth=None)
def enterprise_import_template(request, format: str = "xlsx"):
    content, content_type, filename = importing.template(format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportChangeOut(Schema):
    """A value read differently from its cell (full-width digits, spaces, 2023年5月1日)."""

    row: int
    column: str
    before: str
    after: str


class ImportOut(Schema):
    detail: str
    ok: bool
    created: int
    updated: int
    unchanged: int
    errors: dict[int, dict[str, list[str]]]
    changes: list[ImportChangeOut]

    @staticmethod
    def resolve_detail(result):
        # The API's error shape keeps "detail"; "errors" here is keyed by row, then field.
        if result.ok:
            return _("导入完成。")
        return _("文件中有错误的行，未导入任何数据。")


@router.post("/enterprises/import", response={200: ImportOut, 422: ImportOut})
def import_enterprises(request, file: File[UploadedFile], street_org_id: Form[int | None] = None):
    street_org = _org_for_write(request.user, street_org_id, "street_org_id")
    result = importing.enterprise_import(
        actor=request.user, uploaded=file, default_street_org=street_org
    )
    return Status(200 if result.ok else 422, result)


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def get_enterprise(request, enterprise_id: int):
    return selectors.enterprise_get(user=request.user, enterprise_id=enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut)
def update_enterprise(request, enterprise_id: int, payload: EnterpriseUpdateIn):
    enterprise = selectors.enterprise_get(
        user=request.user, enterprise_id=enterprise_id, action=Action.CHANGE
    )
    data = payload.dict(exclude_unset=True)
    if "street_org_id" in data:
        data["street_org"] = _org_for_write(
            request.user, data.pop("street_org_id"), "street_org_id"
        )
        if data["street_org"] is None:
            raise ValidationError({"street_org_id": _("此字段为必填项。")})
    if "union_id" in data:
        data["union"] = _org_for_read(request.user, data.pop("union_id"), "union_id")
    return services.enterprise_update(actor=request.user, enterprise=enterprise, **data)


# --- visits ----------------------------------------------------------------------------------


class VisitOut(HistoryEventOut):
    id: int
    enterprise_id: int
    # The visiting officer and the result under their names before the history base.
    officer_id: int | None
    result: VisitResult
    visited_on: datetime.date
    follow_up_on: datetime.date | None

    @staticmethod
    def resolve_officer_id(obj):
        return obj.actor_id

    @staticmethod
    def resolve_result(obj):
        return obj.kind


class VisitIn(Schema):
    visited_on: datetime.date
    result: VisitResult
    follow_up_on: datetime.date | None = None
    note: str = Field("", max_length=2000)


@router.get("/enterprises/{enterprise_id}/visits", response=list[VisitOut])
def list_visits(request, enterprise_id: int):
    enterprise = selectors.enterprise_get(user=request.user, enterprise_id=enterprise_id)
    return selectors.visit_list(user=request.user, enterprise=enterprise)


@router.post("/enterprises/{enterprise_id}/visits", response={201: VisitOut})
def create_visit(request, enterprise_id: int, payload: VisitIn):
    enterprise = selectors.enterprise_get(
        user=request.user, enterprise_id=enterprise_id, action=Action.CHANGE
    )
    return Status(
        201, services.visit_record(actor=request.user, enterprise=enterprise, **payload.dict())
    )


# --- projects --------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: int
    name: str
    kind: ProjectKind
    contractor: str
    workers: int
    started_on: datetime.date
    planned_end_on: datetime.date | None
    ended_on: datetime.date | None
    address: str
    latitude: float | None
    longitude: float | None
    h3_cell: str
    street_org_id: int
    union_id: int | None


class ProjectCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: ProjectKind = ProjectKind.CONSTRUCTION
    contractor: str = Field("", max_length=200)
    workers: int = 0
    started_on: datetime.date
    planned_end_on: datetime.date | None = None
    address: str = Field("", max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    street_org_id: int
    union_id: int | None = None


class ProjectUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: ProjectKind | None = None
    contractor: str | None = Field(None, max_length=200)
    workers: int | None = None
    started_on: datetime.date | None = None
    planned_end_on: datetime.date | None = None
    address: str | None = Field(None, max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    union_id: int | None = None


class ProjectEndIn(Schema):
    ended_on: datetime.date


@router.get("/projects", response=list[ProjectOut])
@paginate
def list_projects(request, org_id: int | None = None, active: bool | None = None):
    return selectors.project_list(user=request.user, org_id=org_id, active=active)


@router.post("/projects", response={201: ProjectOut})
def create_project(request, payload: ProjectCreateIn):
    data = payload.dict()
    street_org = _org_for_write(request.user, data.pop("street_org_id"), "street_org_id")
    union = _org_for_read(request.user, data.pop("union_id"), "union_id")
    return Status(
        201, services.project_create(actor=request.user, street_org=street_org, union=union, **data)
    )


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request, project_id: int):
    return selectors.project_get(user=request.user, project_id=project_id)


@router.patch("/projects/{project_id}", response=ProjectOut)
def update_project(request, project_id: int, payload: ProjectUpdateIn):
    project = selectors.project_get(user=request.user, project_id=project_id, action=Action.CHANGE)
    data = payload.dict(exclude_unset=True)
    if "union_id" in data:
        data["union"] = _org_for_read(request.user, data.pop("union_id"), "union_id")
    return services.project_update(actor=request.user, project=project, **data)


@router.post("/projects/{project_id}/end", response=ProjectOut)
def end_project(request, project_id: int, payload: ProjectEndIn):
    """End a project and dissolve its project union; its members are moved first with
    ``POST /api/unions/{union_id}/members/move``."""
    project = selectors.project_get(user=request.user, project_id=project_id, action=Action.CHANGE)
    return services.project_end(actor=request.user, project=project, ended_on=payload.ended_on)


# --- coverage --------------------------------------------------------------------------------


class UnionCoverageOut(Schema):
    org_id: int
    org_name: str
    min_workers: int
    min_months: int
    enterprises: int
    total_employees: int
    big: int
    big_covered: int
    big_rate: float | None
    small: int
    small_covered: int
    small_rate: float | None
    key_social: int
    key_social_covered: int
    key_social_rate: float | None
    projects: int
    projects_covered: int
    project_rate: float | None
    covered_employees: int
    members: int
    member_rate: float | None
    violators: int


class ViolatorOut(Schema):
    kind: str
    id: int
    name: str
    workers: int
    since: datetime.date | None
    street_org: str


class RuleOut(Schema):
    province_id: int
    min_workers: int
    min_months: int
    is_default: bool


class RuleIn(Schema):
    min_workers: int
    min_months: int


@router.get("/coverage", response=UnionCoverageOut)
def coverage(request, org_id: int | None = None):
    figures = selectors.coverage_for(user=request.user, org_id=_default_org_id(request, org_id))
    # The rule shown is the province's, or the default when the subtree spans provinces.
    rule = figures["rules"][-1] if len(figures["rules"]) > 1 else figures["rules"][0]
    return {
        **figures,
        "org_id": figures["org"].pk,
        "org_name": figures["org"].name,
        "min_workers": rule.min_workers,
        "min_months": rule.min_months,
    }


@router.get("/coverage/violators", response=list[ViolatorOut])
def coverage_violators(request, org_id: int | None = None, limit: int = Query(500, ge=1, le=5000)):
    return selectors.violators_for(
        user=request.user, org_id=_default_org_id(request, org_id), limit=limit
    )


@router.get("/coverage-rules/{province_id}", response=RuleOut)
def get_coverage_rule(request, province_id: int):
    return selectors.coverage_rule_get(user=request.user, province_id=province_id)


@router.put("/coverage-rules/{province_id}", response=RuleOut)
def set_coverage_rule(request, province_id: int, payload: RuleIn):
    province = org_get(user=request.user, org_id=province_id, action=Action.CHANGE)
    services.coverage_rule_set(actor=request.user, province=province, **payload.dict())
    return selectors.coverage_rule_get(user=request.user, province_id=province_id)


# --- grid ------------------------------------------------------------------------------------


class GridCellOut(Schema):
    cell: str
    enterprises: int
    uncovered: int
    uncovered_workers: int
    officers: list[str]
    boundary: list[list[float]]


class AssignmentIn(Schema):
    org_id: int
    cell: str = Field(..., max_length=16)
    officer_id: int


class AssignmentOut(Schema):
    id: int
    org_id: int
    cell: str
    officer_id: int


@router.get("/grid", response=list[GridCellOut])
def grid(request, org_id: int | None = None):
    import h3

    cells = selectors.grid_cells(user=request.user, org_id=_default_org_id(request, org_id))
    for cell in cells:
        cell["boundary"] = [list(point) for point in h3.cell_to_boundary(cell["cell"])]
    return cells


@router.get("/grid/assignments", response=list[AssignmentOut])
def list_assignments(request, org_id: int | None = None):
    return selectors.grid_assignment_list(user=request.user, org_id=org_id)


@router.post("/grid/assignments", response={201: AssignmentOut})
def assign_cell(request, payload: AssignmentIn):
    org = org_get(user=request.user, org_id=payload.org_id, action=Action.CHANGE)
    # No such user and a user outside this org get the service's one answer, so the endpoint
    # cannot be used to probe which user ids exist.
    officer = User.objects.filter(pk=payload.officer_id).select_related("organization").first()
    return Status(
        201, services.grid_assign(actor=request.user, org=org, cell=payload.cell, officer=officer)
    )


# --- social organisations and service projects (项目征集认领) --------------------------------


class SocialOrgOut(Schema):
    id: int
    name: str
    credit_code: str
    employees: int
    is_key_social_org: bool
    is_covered: bool
    union_id: int | None


class ServiceProjectOut(Schema):
    id: int
    publisher_id: int
    title: str
    description: str
    budget: Decimal | None
    claim_deadline: datetime.date | None
    status: ServiceProjectStatus
    delivered_on: datetime.date | None
    beneficiaries: int | None
    delivery_note: str


class ServiceProjectIn(Schema):
    publisher_id: int
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    claim_deadline: datetime.date | None = None


class ClaimIn(Schema):
    social_org_id: int
    proposal: str = Field("", max_length=5000)


class ClaimOut(Schema):
    id: int
    project_id: int
    social_org_id: int
    proposal: str
    status: ClaimStatus


class DeliverIn(Schema):
    delivered_on: datetime.date
    beneficiaries: int = Field(..., ge=0)
    delivery_note: str = Field("", max_length=5000)


@router.get("/social-orgs", response=list[SocialOrgOut])
def list_social_orgs(request, org_id: int | None = None, key_only: bool = True):
    return selectors.social_orgs_for(
        user=request.user, org_id=_default_org_id(request, org_id), key_only=key_only
    )


@router.get("/service-projects", response=list[ServiceProjectOut])
@paginate
def list_service_projects(request, status: ServiceProjectStatus | None = None):
    return selectors.service_project_list(user=request.user, status=status)


@router.post("/service-projects", response={201: ServiceProjectOut})
def publish_service_project(request, payload: ServiceProjectIn):
    data = payload.dict()
    publisher = _org_for_write(request.user, data.pop("publisher_id"), "publisher_id")
    return Status(
        201, services.service_project_publish(actor=request.user, publisher=publisher, **data)
    )


@router.get("/service-projects/{project_id}", response=ServiceProjectOut)
def get_service_project(request, project_id: int):
    return selectors.service_project_get(user=request.user, project_id=project_id)


@router.get("/service-projects/{project_id}/claims", response=list[ClaimOut])
def list_claims(request, project_id: int):
    project = selectors.service_project_get(user=request.user, project_id=project_id)
    return project.claims.all()


@router.post("/service-projects/{project_id}/claims", response={201: ClaimOut})
def claim_service_project(request, project_id: int, payload: ClaimIn):
    project = selectors.service_project_get(
        user=request.user, project_id=project_id, action=Action.CHANGE
    )
    try:
        social_org = selectors.enterprise_get(
            user=request.user, enterprise_id=payload.social_org_id
        )
    except Http404:
        raise ValidationError(
            {"social_org_id": _("社会组织不存在或不在您的管辖范围内。")}
        ) from None
    return Status(
        201,
        services.service_claim_submit(
            actor=request.user, project=project, social_org=social_org, proposal=payload.proposal
        ),
    )


class OwnClaimIn(Schema):
    proposal: str = Field(..., max_length=5000)


class SocialAccountIn(Schema):
    phone: str = Field(..., max_length=11)


class SocialAccountOut(Schema):
    id: int
    enterprise_id: int
    user_id: int


def _own_social_org(request):
    social_org = services.social_org_of(request.user)
    if social_org is None:
        raise Http404
    return social_org


@router.get("/social/projects", response=list[ServiceProjectOut], tags=["social"])
def list_open_projects(request):
    """The signed-in social organisation's view: projects open to it."""
    return selectors.service_projects_open_to(social_org=_own_social_org(request))


@router.post("/social/projects/{project_id}/claim", response={201: ClaimOut}, tags=["social"])
def claim_as_social_org(request, project_id: int, payload: OwnClaimIn):
    """The signed-in social organisation claims a project itself."""
    social_org = _own_social_org(request)
    project = selectors.service_projects_open_to(social_org=social_org).filter(pk=project_id)
    project = project.first()
    if project is None:
        raise Http404
    claim = services.service_claim_submit_own(
        actor=request.user, project=project, proposal=payload.proposal
    )
    return Status(201, claim)


@router.post("/enterprises/{enterprise_id}/account", response={201: SocialAccountOut})
def create_social_account(request, enterprise_id: int, payload: SocialAccountIn):
    """Give a social organisation its sign-in (its contact's phone)."""
    enterprise = selectors.enterprise_get(
        user=request.user, enterprise_id=enterprise_id, action=Action.CHANGE
    )
    account = services.social_org_account_create(
        actor=request.user, enterprise=enterprise, phone=payload.phone
    )
    return Status(201, account)


@router.post("/service-claims/{claim_id}/approve", response=ClaimOut)
def approve_claim(request, claim_id: int):
    claim = selectors.service_claim_get(user=request.user, claim_id=claim_id, action=Action.CHANGE)
    return services.service_claim_approve(actor=request.user, claim=claim)


@router.post("/service-projects/{project_id}/deliver", response=ServiceProjectOut)
def deliver_service_project(request, project_id: int, payload: DeliverIn):
    project = selectors.service_project_get(
        user=request.user, project_id=project_id, action=Action.CHANGE
    )
    return services.service_project_deliver(actor=request.user, project=project, **payload.dict())
