"""Background work for triage: a new case's suggestion and alert check, a province's retraining."""

from __future__ import annotations

from django_tasks import task

from gonghui.cases.models import Case
from gonghui.organizations.models import Organization

from . import services


@task()
def triage_case(case_id: int) -> str:
    case = Case.objects.filter(pk=case_id).first()
    if case is None:  # deleted before the worker got to it
        return ""
    return services.on_case_created(case).case_type_code


@task()
def retrain_province(province_id: int) -> int:
    province = Organization.objects.filter(pk=province_id).first()
    if province is None:
        return 0
    return services.province_retrain(province=province).examples
