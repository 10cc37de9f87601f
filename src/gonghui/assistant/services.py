"""Every write of the assistant: uploading a document (validated and audited, then indexed in
the background), indexing it (all passages of a version replace the old ones in one
transaction, so a search never sees half a document), publishing and deleting."""

from __future__ import annotations

import logging
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope
from gonghui.core.writing import check_org
from gonghui.core.writing import full_clean as _full_clean
from gonghui.core.writing import record_change as _record
from gonghui.organizations.models import Organization

from . import extract, search, splitting
from .choices import IndexStatus
from .models import Document, Passage

log = logging.getLogger(__name__)

TITLE_MAX = 200


def _title_from(extracted: extract.Extracted) -> str:
    for line in extracted.text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            if len(line) <= 60:
                return line
            break
    return PurePath(extracted.name).stem or str(_("未命名文档"))


@transaction.atomic
def document_upload(
    *,
    actor,
    org: Organization,
    upload,
    title: str = "",
    source: str = "",
    version: str = "",
    published: bool = True,
) -> tuple[Document, bool]:
    """Add a document to ``org``'s knowledge base, or replace the one with the same title.

    Returns the document and whether it will be (re)indexed: uploading the same text again
    changes nothing, a changed text re-indexes that document only."""
    check_org(actor, org, "org")
    extracted = extract.read(upload)
    title = (title or "").strip() or _title_from(extracted)
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": [_("标题不能超过200个字。")]})
    document = Document.objects.select_for_update().filter(org=org, title=title).first()
    if document is None:
        document = Document(org=org, title=title)
        before, action = {}, AuditAction.CREATE
    else:
        before, action = audit.snapshot(document), AuditAction.UPDATE
    changed = document.content_hash != extracted.content_hash or document.status == (
        IndexStatus.FAILED
    )
    document.source = source.strip()[:300]
    document.version = version.strip()[:100]
    document.published = published
    document.file_name = extracted.name
    document.kind = extracted.kind
    if changed:
        document.text = extracted.text
        document.content_hash = extracted.content_hash
        document.status = IndexStatus.QUEUED
        document.progress_done = document.progress_total = 0
        document.error = ""
    document.uploaded_by = actor if getattr(actor, "pk", None) else None
    _full_clean(document, exclude=["uploaded_by"])
    document.save()
    _record(actor, action, document, org.path, before)
    if changed:
        document_id = document.pk
        transaction.on_commit(lambda: _enqueue(document_id))
    return document, changed


def _enqueue(document_id: int) -> None:
    from .tasks import index_document

    index_document.enqueue(document_id)


@transaction.atomic
def document_publish(*, actor, document: Document, published: bool) -> Document:
    require_in_scope(actor, document.org.path, Action.CHANGE)
    before = audit.snapshot(document)
    document.published = published
    document.save(update_fields=["published", "updated_at"])
    _record(actor, AuditAction.UPDATE, document, document.org.path, before)
    return document


@transaction.atomic
def document_delete(*, actor, document: Document) -> None:
    require_in_scope(actor, document.org.path, Action.CHANGE)
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=document,
        org_path=document.org.path,
        changes={},
    )
    document.delete()


def _progress(document_id: int, **fields) -> None:
    Document.objects.filter(pk=document_id).update(**fields)


def document_index(*, document_id: int, batch: int = 16) -> int:
    """Split, tokenize and embed one document; swap its passages in at the end, in one
    transaction. Progress is written as it goes (the upload page polls it). Returns the number
    of passages indexed (0 when the document is already indexed or gone)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or (
        document.status == IndexStatus.READY and document.indexed_hash == document.content_hash
    ):
        return 0
    content_hash = document.content_hash
    pieces = splitting.split(document.text)
    if not pieces:
        _progress(document_id, status=IndexStatus.FAILED, error=str(_("文档里没有可检索的段落。")))
        return 0
    _progress(document_id, status=IndexStatus.INDEXING, progress_total=len(pieces), progress_done=0)
    try:
        texts = [search.passage_text(document.title, p.article, p.text) for p in pieces]
        vectors = []
        for done, chunk in search.embed_passages(texts, batch=batch):
            vectors.extend(chunk)
            _progress(document_id, progress_done=done)
        rows = [
            Passage(
                document_id=document_id,
                ordinal=number,
                heading=piece.heading[:200],
                article=piece.article[:50],
                text=piece.text,
                tokens=" ".join(search.tokens(f"{piece.heading} {piece.text}")),
                embedding=search.to_blob(vector),
            )
            for number, (piece, vector) in enumerate(zip(pieces, vectors, strict=True), start=1)
        ]
    except Exception as exc:  # the model failing must leave a failed document, not a stuck one
        log.exception("indexing document %s failed", document_id)
        _progress(document_id, status=IndexStatus.FAILED, error=str(exc)[:300])
        raise
    with transaction.atomic():
        current = Document.objects.select_for_update().filter(pk=document_id).first()
        if current is None or current.content_hash != content_hash:
            return 0  # changed again while we worked: the newer upload's task indexes it
        Passage.objects.filter(document_id=document_id).delete()
        Passage.objects.bulk_create(rows, batch_size=500)
        Document.objects.filter(pk=document_id).update(
            status=IndexStatus.READY,
            indexed_hash=content_hash,
            indexed_at=timezone.now(),
            progress_done=len(rows),
            error="",
        )
    return len(rows)
