"""Every write in the enterprises app. Keyword-only, ``actor=``, scope-checked, validated, audited
in the same transaction (the organizations services are the pattern)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import h3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.choices import Role
from gonghui.accounts.models import User
from gonghui.accounts.services import user_create
from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.core.validators import is_valid_mobile
from gonghui.organizations.choices import OrgLevel, OrgType
from gonghui.organizations.models import Organization
from gonghui.organizations.services import org_dissolve

from .choices import (
    ClaimStatus,
    EnterpriseKind,
    ServiceProjectStatus,
    VisitResult,
)
from .models import (
    CoverageRule,
    Enterprise,
    GridAssignment,
    Project,
    ServiceClaim,
    ServiceProject,
    SocialOrgAccount,
    Visit,
)

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "kind",
    "is_key_social_org",
    "employees",
    "established_on",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
)
PROJECT_FIELDS = (
    "name",
    "kind",
    "contractor",
    "workers",
    "started_on",
    "planned_end_on",
    "address",
    "latitude",
    "longitude",
)


# Bookkeeping columns: they change on every save and say nothing about the change.
UNAUDITED = frozenset({"created_at", "updated_at", "search_text"})


def snapshot(instance) -> dict:
    values = audit.snapshot(instance)
    for name, value in values.items():
        if hasattr(value, "storage"):  # a FieldFile: the log keeps its stored name
            values[name] = value.name
    return {k: v for k, v in values.items() if k not in UNAUDITED}


def record_audit(actor, action, instance, org_path, before: dict):
    """Audit a write of ``instance`` against its ``before`` snapshot (an update that changed
    nothing is not logged). The founding app audits the same way."""
    changes = audit.diff(before, snapshot(instance))
    if changes or action != AuditAction.UPDATE:
        audit.record(
            actor=actor, action=action, instance=instance, org_path=org_path, changes=changes
        )


def _check_union(actor, union: Organization | None, field_name: str = "union") -> None:
    """The covering union must be one the actor can see and still active: an officer cannot
    claim a union elsewhere covers an enterprise in their area."""
    if union is None:
        return
    if not scope_for(actor, Action.VIEW).covers(union.path):
        raise ValidationError({field_name: _("覆盖工会不存在或不在您的管辖范围内。")})
    if not union.is_active:
        raise ValidationError({field_name: _("该工会已撤销。")})


def check_area(actor, street_org: Organization) -> None:
    """The actor may change rows of ``street_org``'s area (enterprises, projects)."""
    require_in_scope(actor, street_org.path, Action.CHANGE)


def _unknown(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})


# --- enterprises ---------------------------------------------------------------------------


@transaction.atomic
def enterprise_create(
    *, actor, street_org: Organization, union: Organization | None = None, **fields
) -> Enterprise:
    _unknown(fields, ENTERPRISE_FIELDS)
    check_area(actor, street_org)
    _check_union(actor, union)
    enterprise = Enterprise(street_org=street_org, union=union, **fields)
    enterprise.credit_code = (enterprise.credit_code or "").strip().upper()
    enterprise.full_clean()
    enterprise.save()
    record_audit(actor, AuditAction.CREATE, enterprise, street_org.path, {})
    return enterprise


_UNSET = object()


@transaction.atomic
def enterprise_update(
    *, actor, enterprise: Enterprise, street_org=_UNSET, union=_UNSET, **fields
) -> Enterprise:
    _unknown(fields, ENTERPRISE_FIELDS)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    check_area(actor, enterprise.street_org)
    before = snapshot(enterprise)
    if street_org is not _UNSET:
        check_area(actor, street_org)
        enterprise.street_org = street_org
    if union is not _UNSET:
        _check_union(actor, union)
        enterprise.union = union
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.credit_code = (enterprise.credit_code or "").strip().upper()
    enterprise.full_clean()
    enterprise.save()
    record_audit(actor, AuditAction.UPDATE, enterprise, enterprise.street_org.path, before)
    return enterprise


# --- projects ------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *, actor, street_org: Organization, union: Organization | None = None, **fields
) -> Project:
    _unknown(fields, PROJECT_FIELDS)
    check_area(actor, street_org)
    _check_union(actor, union)
    project = Project(street_org=street_org, union=union, **fields)
    project.full_clean()
    project.save()
    record_audit(actor, AuditAction.CREATE, project, street_org.path, {})
    return project


@transaction.atomic
def project_update(*, actor, project: Project, union=_UNSET, **fields) -> Project:
    _unknown(fields, PROJECT_FIELDS)
    project = Project.objects.select_for_update().get(pk=project.pk)
    check_area(actor, project.street_org)
    before = snapshot(project)
    if union is not _UNSET:
        _check_union(actor, union)
        project.union = union
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    record_audit(actor, AuditAction.UPDATE, project, project.street_org.path, before)
    return project


@transaction.atomic
def project_end(*, actor, project: Project, ended_on: datetime.date) -> Project:
    """Record the project's end and dissolve its project union. A project union that still has
    active members is not dissolved: they are moved first (the members app's move of a whole
    union, ``/members/unions/<id>/move/``), so no one is left in a dissolved union."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    check_area(actor, project.street_org)
    if project.ended_on is not None:
        raise ValidationError({"ended_on": _("该项目已经完工。")})
    if ended_on < project.started_on:
        raise ValidationError({"ended_on": _("完工日期不能早于开工日期。")})
    union = project.union
    dissolving = union is not None and union.is_active and union.org_type == OrgType.PROJECT
    # Through the member's union link: the members app builds on this one.
    if dissolving and union.members.active().exists():
        raise ValidationError(
            {"members": _("该项目工会仍有在册会员，请先将会员整体转入区域性工会。")}
        )
    before = snapshot(project)
    project.ended_on = ended_on
    project.full_clean()
    project.save()
    record_audit(actor, AuditAction.UPDATE, project, project.street_org.path, before)
    if dissolving:
        org_dissolve(actor=actor, org=union, dissolved_on=ended_on)
    return project


# --- coverage rules ------------------------------------------------------------------------


@transaction.atomic
def coverage_rule_set(
    *, actor, province: Organization, min_workers: int, min_months: int
) -> CoverageRule:
    require_in_scope(actor, province.path, Action.CHANGE)
    if province.level != OrgLevel.PROVINCE:
        raise ValidationError({"province": _("建会规则只能按省级工会设定。")})
    rule = CoverageRule.objects.select_for_update().filter(province=province).first()
    created = rule is None
    rule = rule or CoverageRule(province=province)
    before = {} if created else snapshot(rule)
    rule.min_workers = min_workers
    rule.min_months = min_months
    rule.full_clean()
    rule.save()
    record_audit(
        actor, AuditAction.CREATE if created else AuditAction.UPDATE, rule, province.path, before
    )
    return rule


# --- grid outreach (网格化、扫楼) ------------------------------------------------------------


@transaction.atomic
def grid_assign(*, actor, org: Organization, cell: str, officer) -> GridAssignment:
    require_in_scope(actor, org.path, Action.CHANGE)
    cell = (cell or "").strip().lower()
    if not h3.is_valid_cell(cell):
        raise ValidationError({"cell": _("网格编号无效。")})
    if not (
        getattr(officer, "is_officer", False)
        and officer.organization_id
        and officer.organization.path.startswith(org.path)
    ):
        raise ValidationError({"officer": _("网格员必须是本工会或下级工会的干部。")})
    assignment = GridAssignment.objects.select_for_update().filter(org=org, cell=cell).first()
    created = assignment is None
    assignment = assignment or GridAssignment(org=org, cell=cell)
    before = {} if created else snapshot(assignment)
    assignment.officer = officer
    assignment.full_clean()
    assignment.save()
    record_audit(
        actor, AuditAction.CREATE if created else AuditAction.UPDATE, assignment, org.path, before
    )
    return assignment


@transaction.atomic
def visit_record(
    *,
    actor,
    enterprise: Enterprise,
    visited_on: datetime.date,
    result: str,
    follow_up_on: datetime.date | None = None,
    note: str = "",
) -> Visit:
    check_area(actor, enterprise.street_org)
    errors = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("走访日期不能晚于今天。")
    if result == VisitResult.FOLLOW_UP and follow_up_on is None:
        errors["follow_up_on"] = _("需再次走访时请填写再次走访日期。")
    if follow_up_on is not None and follow_up_on < visited_on:
        errors["follow_up_on"] = _("再次走访日期不能早于走访日期。")
    if errors:
        raise ValidationError(errors)
    visit = Visit.build(
        actor=actor,
        enterprise=enterprise,
        kind=result,
        visited_on=visited_on,
        follow_up_on=follow_up_on,
        note=note,
    )
    visit.full_clean()
    visit.save()
    record_audit(actor, AuditAction.CREATE, visit, enterprise.street_org.path, {})
    return visit


# --- social organisations: service projects (项目征集认领) -----------------------------------


@transaction.atomic
def service_project_publish(*, actor, publisher: Organization, **fields) -> ServiceProject:
    _unknown(fields, ("title", "description", "budget", "claim_deadline"))
    require_in_scope(actor, publisher.path, Action.CHANGE)
    project = ServiceProject(publisher=publisher, **fields)
    project.full_clean()
    project.save()
    record_audit(actor, AuditAction.CREATE, project, publisher.path, {})
    return project


def _claim_create(*, actor, project: ServiceProject, social_org: Enterprise, proposal: str):
    project = ServiceProject.objects.select_for_update().get(pk=project.pk)
    if project.status != ServiceProjectStatus.PUBLISHED:
        raise ValidationError({"status": _("该项目已不在征集期。")})
    if project.claim_deadline and project.claim_deadline < timezone.localdate():
        raise ValidationError({"claim_deadline": _("认领已截止。")})
    if social_org.kind != EnterpriseKind.SOCIAL:
        raise ValidationError({"social_org_id": _("只有社会组织可以认领服务项目。")})
    if project.claims.filter(social_org=social_org).exists():
        raise ValidationError({"social_org_id": _("该社会组织已认领过此项目。")})
    claim = ServiceClaim(project=project, social_org=social_org, proposal=proposal)
    claim.full_clean()
    claim.save()
    record_audit(actor, AuditAction.CREATE, claim, project.publisher.path, {})
    return claim


@transaction.atomic
def service_claim_submit(
    *, actor, project: ServiceProject, social_org: Enterprise, proposal: str = ""
) -> ServiceClaim:
    """Record a social organisation's claim, entered by an officer on its behalf."""
    require_in_scope(actor, project.publisher.path, Action.CHANGE)
    if not scope_for(actor, Action.VIEW).covers(social_org.street_org.path):
        raise ValidationError({"social_org_id": _("社会组织不存在或不在您的管辖范围内。")})
    return _claim_create(actor=actor, project=project, social_org=social_org, proposal=proposal)


def social_org_of(user) -> Enterprise | None:
    """The social organisation a signed-in account acts for, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    link = SocialOrgAccount.objects.select_related("enterprise__street_org").filter(user=user)
    link = link.first()
    return link.enterprise if link is not None else None


def project_open_to(project: ServiceProject, social_org: Enterprise) -> bool:
    """A project is open to the social organisations in its publisher's area."""
    return social_org.street_org.path.startswith(project.publisher.path)


@transaction.atomic
def service_claim_submit_own(*, actor, project: ServiceProject, proposal: str) -> ServiceClaim:
    """A social organisation, signed in with its own account, claims a project of a union
    whose area it lies in; anything else is 404, as a project that does not exist."""
    social_org = social_org_of(actor)
    if social_org is None or not project_open_to(project, social_org):
        raise Http404
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError({"proposal": _("请填写服务方案。")})
    return _claim_create(actor=actor, project=project, social_org=social_org, proposal=proposal)


@transaction.atomic
def social_org_account_create(*, actor, enterprise: Enterprise, phone: str) -> SocialOrgAccount:
    """Give a social organisation its sign-in: its contact signs in with this phone and a
    one-time code, and claims service projects for it."""
    require_in_scope(actor, enterprise.street_org.path, Action.CHANGE)
    if enterprise.kind != EnterpriseKind.SOCIAL:
        raise ValidationError({"enterprise": _("只有社会组织可以开通账号。")})
    phone = (phone or "").strip()
    if not is_valid_mobile(phone):
        raise ValidationError({"phone": _("请输入11位中国大陆手机号码（1开头，第二位为3-9）。")})
    user = User.objects.filter(phone=phone).first()
    if user is not None and (user.organization_id or user.role != Role.WORKER):
        raise ValidationError({"phone": _("该手机号码已用于工会干部账号，请换一个号码。")})
    if user is not None and SocialOrgAccount.objects.filter(user=user).exists():
        raise ValidationError({"phone": _("该手机号码已开通社会组织账号。")})
    if user is None:
        user = user_create(
            actor=actor, username=phone, password=None, role=Role.WORKER, phone=phone,
            display_name=enterprise.name[:150],
        )  # fmt: skip
    account = SocialOrgAccount(enterprise=enterprise, user=user, created_by=audit.actor_fk(actor))
    account.full_clean()
    account.save()
    record_audit(actor, AuditAction.CREATE, account, enterprise.street_org.path, {})
    return account


@transaction.atomic
def service_claim_approve(*, actor, claim: ServiceClaim) -> ServiceClaim:
    """The union picks one claim; the others are declined and the project stops soliciting."""
    claim = ServiceClaim.objects.select_for_update().get(pk=claim.pk)
    project = ServiceProject.objects.select_for_update().get(pk=claim.project_id)
    require_in_scope(actor, project.publisher.path, Action.CHANGE)
    if project.status != ServiceProjectStatus.PUBLISHED or claim.status != ClaimStatus.PENDING:
        raise ValidationError({"status": _("该认领已处理或项目已不在征集期。")})
    for other in project.claims.exclude(pk=claim.pk).filter(status=ClaimStatus.PENDING):
        before = snapshot(other)
        other.status = ClaimStatus.REJECTED
        other.save()
        record_audit(actor, AuditAction.UPDATE, other, project.publisher.path, before)
    before = snapshot(claim)
    claim.status = ClaimStatus.APPROVED
    claim.save()
    record_audit(actor, AuditAction.UPDATE, claim, project.publisher.path, before)
    before = snapshot(project)
    project.status = ServiceProjectStatus.APPROVED
    project.save()
    record_audit(actor, AuditAction.UPDATE, project, project.publisher.path, before)
    return claim


@transaction.atomic
def service_project_deliver(
    *,
    actor,
    project: ServiceProject,
    delivered_on: datetime.date,
    beneficiaries: int,
    delivery_note: str = "",
) -> ServiceProject:
    project = ServiceProject.objects.select_for_update().get(pk=project.pk)
    require_in_scope(actor, project.publisher.path, Action.CHANGE)
    if project.status != ServiceProjectStatus.APPROVED:
        raise ValidationError({"status": _("项目须先批准认领，才能记录交付。")})
    if beneficiaries < 0:
        raise ValidationError({"beneficiaries": _("数值太小。")})
    before = snapshot(project)
    project.status = ServiceProjectStatus.DELIVERED
    project.delivered_on = delivered_on
    project.beneficiaries = beneficiaries
    project.delivery_note = delivery_note
    project.full_clean()
    project.save()
    record_audit(actor, AuditAction.UPDATE, project, project.publisher.path, before)
    return project


# --- import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    # Values read differently from their cells (core.spreadsheet.Change), for the officer.
    changes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
