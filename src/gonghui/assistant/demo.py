"""Demo knowledge base: the 20 bundled statutes, published by the national union (read by every
union below it), and the demo unions' own notices (长沙县 hardship aid, 郾城区 wage arrears, 湖南省
new-form workers). Indexed at once with the precomputed vectors. Idempotent: an unchanged file
is left as it is."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.models import Organization

from . import corpus, services


def load_demo(stdout) -> None:
    indexed = passages = skipped = 0
    for item in corpus.files():
        org = Organization.objects.filter(name=item.union).first()
        if org is None:
            skipped += 1
            continue
        upload = SimpleUploadedFile(item.path.name, item.text.encode("utf-8"))
        document, changed = services.document_upload(
            actor=SYSTEM, org=org, upload=upload, title=item.title, source=item.source,
            version=item.version,
        )  # fmt: skip
        # Indexed here rather than by the queued task: the demo runs in one transaction.
        count = services.document_index(document_id=document.pk)
        indexed += 1 if changed else 0
        passages += count
    stdout.write(
        f"assistant demo: {len(corpus.files())} documents, {indexed} (re)indexed, "
        f"{passages} passages, {skipped} skipped (union not in the tree)"
    )
