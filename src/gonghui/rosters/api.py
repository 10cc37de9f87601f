"""The import API: start an import from a file, follow it, run it again."""

from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.members.api import UnionRef
from gonghui.organizations.selectors import org_for_field

from . import importing, selectors

router = Router(tags=["rosters"])


class ImportJobOut(Schema):
    id: int
    union: UnionRef
    original_name: str
    status: str
    total_rows: int
    processed_rows: int
    percent: int
    created_count: int
    existing_count: int
    error_count: int
    changed_count: int
    message: str
    error_report_url: str | None
    report_expired: bool

    @staticmethod
    def resolve_error_report_url(obj):
        if not obj.error_report or importing.report_expired(obj):
            return None
        return reverse("rosters:import-report", args=[obj.pk])

    @staticmethod
    def resolve_report_expired(obj):
        return importing.report_expired(obj) and bool(obj.error_count + obj.changed_count)


@router.get("/members/imports/{job_id}", response=ImportJobOut)
def get_import(request, job_id: int):
    return selectors.import_job_get(user=request.user, job_id=job_id)


@router.post("/members/imports", response={202: ImportJobOut})
def start_import(request, union_id: Form[int], file: File[UploadedFile]):
    """Upload an .xlsx or .csv (template: /members/import/template.xlsx) and enrol every good
    row in the background; bad rows come back in an .xlsx error report."""
    union = org_for_field(user=request.user, org_id=union_id, field="union_id", active=True)
    job = importing.import_start(actor=request.user, union=union, upload=file)
    job.refresh_from_db()
    return Status(202, job)


@router.post("/members/imports/{job_id}/rerun", response={202: ImportJobOut})
def rerun_import(request, job_id: int):
    """Run a failed or interrupted import again (its worker died); members the first run
    enrolled are not enrolled twice."""
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    return Status(202, importing.import_rerun(actor=request.user, job=job))
