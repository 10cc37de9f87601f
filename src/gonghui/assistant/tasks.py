"""Background work of the assistant: indexing an uploaded document."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def index_document(document_id: int) -> int:
    return services.document_index(document_id=document_id)
