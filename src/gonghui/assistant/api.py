"""Assistant endpoints: ask (public, anonymous callers rate-limited) and the officers'
knowledge base (upload, list, read, publish, delete). Thin: parse, scope, one domain call."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from gonghui.core import ratelimit
from gonghui.core.api import ObjectId, public_caller
from gonghui.core.payload import resolve_org
from gonghui.core.scoping import Action

from . import selectors, services

router = Router(tags=["assistant"])

QUESTION_MAX = 2000


class AskIn(Schema):
    question: str = Field(..., description="问题（1-1999字）")
    org_id: ObjectId | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        value = (value or "").strip()
        if not value:
            raise ValueError(_("请输入问题。"))
        if len(value) >= QUESTION_MAX:
            raise ValueError(_("问题太长了，请控制在2000字以内。"))
        return value


class PassageOut(Schema):
    id: int
    document_id: int
    document_title: str
    source: str
    version: str
    union: str
    heading: str
    article: str
    text: str
    url: str
    score: float


class FactOut(Schema):
    kind: str
    text: str
    url: str


class SentenceOut(Schema):
    text: str
    passage: int  # 1-based position in passages


class AskOut(Schema):
    question: str
    confident: bool
    passages: list[PassageOut]
    facts: list[FactOut]
    answer: list[SentenceOut]
    case_type: str | None
    appeal_url: str
    hotline: str


def _ask_out(answer: selectors.Answer) -> dict:
    return {
        "question": answer.question,
        "confident": answer.confident,
        "passages": [
            {
                "id": c.passage.pk,
                "document_id": c.document.pk,
                "document_title": c.document.title,
                "source": c.document.source,
                "version": c.document.version,
                "union": c.document.org.name,
                "heading": c.passage.heading,
                "article": c.passage.article,
                "text": c.passage.text,
                "url": c.passage.get_absolute_url(),
                "score": round(c.score, 4),
            }
            for c in answer.cited
        ],
        "facts": [{"kind": f.kind, "text": f.text, "url": f.url} for f in answer.facts],
        "answer": [{"text": text, "passage": number} for text, number in answer.sentences],
        "case_type": answer.case_type,
        "appeal_url": answer.appeal_url,
        "hotline": answer.hotline,
    }


def limit_anonymous(request, user) -> None:
    """Anonymous questions are counted per address and device; raises RateLimited."""
    if user is None:
        ratelimit.hit_caller(request, address_limit="ask_address", device_limit="ask_device")


@router.post("/assistant/ask", auth=None, response={200: AskOut})
def ask(request, payload: AskIn):
    user = public_caller(request)
    try:
        limit_anonymous(request, user)
    except ratelimit.RateLimited as exc:
        return ratelimit.api_response(exc)
    answer = selectors.ask(
        user=user, question=payload.question, org_id=payload.org_id, lat=payload.lat,
        lon=payload.lon,
    )  # fmt: skip
    return _ask_out(answer)


class KnowledgeDocumentOut(Schema):
    id: int
    org_id: int
    union: str = Field(..., alias="org.name")
    title: str
    source: str
    version: str
    kind: str
    file_name: str
    published: bool
    status: str
    progress_percent: int
    progress_done: int
    progress_total: int
    error: str
    indexed_at: datetime.datetime | None
    url: str = Field(..., alias="get_absolute_url")


class UploadOut(Schema):
    document: KnowledgeDocumentOut
    reindexed: bool


class PassageRowOut(Schema):
    id: int
    ordinal: int
    heading: str
    article: str
    text: str


class DocumentDetailOut(KnowledgeDocumentOut):
    passages: list[PassageRowOut]

    @staticmethod
    def resolve_passages(obj):
        return list(selectors.document_passages(document=obj))


class PublishIn(Schema):
    published: bool


@router.get("/assistant/documents", response=list[KnowledgeDocumentOut])
@paginate
def list_documents(request):
    return selectors.document_list(user=request.user)


@router.post("/assistant/documents", response={201: UploadOut})
def upload_document(
    request,
    org_id: Form[ObjectId],
    file: File[UploadedFile],
    title: Form[str] = "",
    source: Form[str] = "",
    version: Form[str] = "",
    published: Form[bool] = True,
):
    org = resolve_org(request.user, org_id, field="org_id")
    document, reindexed = services.document_upload(
        actor=request.user, org=org, upload=file, title=title, source=source, version=version,
        published=published,
    )  # fmt: skip
    document.refresh_from_db()
    return Status(201, {"document": document, "reindexed": reindexed})


@router.get("/assistant/documents/{document_id}", response=DocumentDetailOut)
def get_document(request, document_id: ObjectId):
    return selectors.document_get(user=request.user, document_id=document_id)


@router.post("/assistant/documents/{document_id}/publish", response=KnowledgeDocumentOut)
def publish_document(request, document_id: ObjectId, payload: PublishIn):
    document = selectors.document_get(
        user=request.user, document_id=document_id, action=Action.CHANGE
    )
    return services.document_publish(
        actor=request.user, document=document, published=payload.published
    )


@router.delete("/assistant/documents/{document_id}", response={204: None})
def delete_document(request, document_id: ObjectId):
    document = selectors.document_get(
        user=request.user, document_id=document_id, action=Action.CHANGE
    )
    services.document_delete(actor=request.user, document=document)
    return Status(204, None)
