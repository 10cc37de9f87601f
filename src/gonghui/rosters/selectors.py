"""Reads for the import pages and API."""

from gonghui.core.scoping import get_visible_or_404
from gonghui.members.models import ImportJob


def import_job_get(*, user, job_id) -> ImportJob:
    return get_visible_or_404(ImportJob.objects.select_related("union"), user, pk=job_id)
