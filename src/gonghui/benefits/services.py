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


def _create(actor, model, org: Organization, fields: dict, allowed, clean):
    """A new row of ``model`` for ``org``: fields checked, validated, saved, audited."""
    _unknown(fields, allowed)
    check_org(actor, org)
    row = model(org=org, **fields)
    clean(row)
    row.save()
    _record(actor, AuditAction.CREATE, row, org.path, {})
    return row


def _update(actor, row, fields: dict, allowed, clean, refuse):
    """Change a row in the actor's scope; ``refuse(row)`` raises when it may no longer change."""
    _unknown(fields, allowed)
    require_in_scope(actor, row.org.path, Action.CHANGE)
    row = type(row).objects.select_for_update().select_related("org").get(pk=row.pk)
    refuse(row)
    before = audit.snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    clean(row)
    row.save()
    _record(actor, AuditAction.UPDATE, row, row.org.path, before)
    return row


def _job_enterprise(actor, fields: dict) -> None:
    if fields.get("enterprise") is not None:
        check_enterprise(actor, fields["enterprise"])


def _refuse_expired_job(job: JobPosting) -> None:
    if job.is_expired:
        raise ValidationError({"expires_on": _("该岗位已过期，不能再修改；请重新发布。")})


def _refuse_expired_discount(discount: Discount) -> None:
    if discount.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("该优惠已过期，不能再修改；请重新发布。")})


@transaction.atomic
def job_create(*, actor, org: Organization, **fields) -> JobPosting:
    _job_enterprise(actor, fields)
    return _create(actor, JobPosting, org, fields, JOB_FIELDS, _clean_job)


@transaction.atomic
def job_update(*, actor, job: JobPosting, **fields) -> JobPosting:
    _job_enterprise(actor, fields)
    return _update(actor, job, fields, JOB_FIELDS, _clean_job, _refuse_expired_job)


def _clean_discount(discount: Discount) -> None:
    if discount.valid_from and discount.valid_until and discount.valid_until < discount.valid_from:
        raise ValidationError({"valid_until": _("结束日期不能早于开始日期。")})
    _full_clean(discount)


@transaction.atomic
def discount_create(*, actor, org: Organization, **fields) -> Discount:
    return _create(actor, Discount, org, fields, DISCOUNT_FIELDS, _clean_discount)


@transaction.atomic
def discount_update(*, actor, discount: Discount, **fields) -> Discount:
    return _update(
        actor, discount, fields, DISCOUNT_FIELDS, _clean_discount, _refuse_expired_discount
    )
