"""Every write of the benefits app. Each takes ``actor=``, checks scope, validates, writes, and
records an audit row in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope
from gonghui.core.writing import check_enterprise, check_org
from gonghui.core.writing import full_clean as _full_clean
from gonghui.core.writing import record_change as _record
from gonghui.core.writing import reject_unknown as _unknown
from gonghui.organizations.models import Organization

from .models import Discount, JobPosting

JOB_FIELDS = (
    "title",
    "employer",
    "category",
    "pay_min",
    "pay_max",
    "place",
    "latitude",
    "longitude",
    "contact",
    "description",
    "expires_on",
    "enterprise",
)
DISCOUNT_FIELDS = (
    "merchant",
    "offer",
    "category",
    "valid_from",
    "valid_until",
    "place",
    "latitude",
    "longitude",
)


def _clean_job(job: JobPosting) -> None:
    if job.pay_min is not None and job.pay_max is not None and job.pay_max < job.pay_min:
        raise ValidationError({"pay_max": _("月薪上限不能低于下限。")})
    if job.expires_on and job.expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("截止日期不能早于今天。")})
    _full_clean(job)


@transaction.atomic
def job_create(*, actor, org: Organization, **fields) -> JobPosting:
    _unknown(fields, JOB_FIELDS)
    check_org(actor, org)
    if fields.get("enterprise") is not None:
        check_enterprise(actor, fields["enterprise"])
    job = JobPosting(org=org, **fields)
    _clean_job(job)
    job.save()
    _record(actor, AuditAction.CREATE, job, org.path, {})
    return job


@transaction.atomic
def job_update(*, actor, job: JobPosting, **fields) -> JobPosting:
    _unknown(fields, JOB_FIELDS)
    require_in_scope(actor, job.org.path, Action.CHANGE)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    if job.is_expired:
        raise ValidationError({"expires_on": _("该岗位已过期，不能再修改；请重新发布。")})
    if fields.get("enterprise") is not None:
        check_enterprise(actor, fields["enterprise"])
    before = audit.snapshot(job)
    for name, value in fields.items():
        setattr(job, name, value)
    _clean_job(job)
    job.save()
    _record(actor, AuditAction.UPDATE, job, job.org.path, before)
    return job


def _clean_discount(discount: Discount) -> None:
    if discount.valid_from and discount.valid_until and discount.valid_until < discount.valid_from:
        raise ValidationError({"valid_until": _("结束日期不能早于开始日期。")})
    _full_clean(discount)


@transaction.atomic
def discount_create(*, actor, org: Organization, **fields) -> Discount:
    _unknown(fields, DISCOUNT_FIELDS)
    check_org(actor, org)
    discount = Discount(org=org, **fields)
    _clean_discount(discount)
    discount.save()
    _record(actor, AuditAction.CREATE, discount, org.path, {})
    return discount


@transaction.atomic
def discount_update(*, actor, discount: Discount, **fields) -> Discount:
    _unknown(fields, DISCOUNT_FIELDS)
    require_in_scope(actor, discount.org.path, Action.CHANGE)
    discount = Discount.objects.select_for_update().get(pk=discount.pk)
    if discount.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("该优惠已过期，不能再修改；请重新发布。")})
    before = audit.snapshot(discount)
    for name, value in fields.items():
        setattr(discount, name, value)
    _clean_discount(discount)
    discount.save()
    _record(actor, AuditAction.UPDATE, discount, discount.org.path, before)
    return discount
