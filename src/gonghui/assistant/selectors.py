"""Reads of the assistant: the documents an officer manages, the documents a question is
answered from, and the answer itself (passages, live facts, the matching appeal, or the 12351
hotline when nothing is close enough)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse

from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.organizations.models import Organization

from . import facts, generator, indexcache, search
from .choices import IndexStatus
from .models import Document, Passage

HOTLINE = "12351"
TOP_K = 5
# A question is answered from passages only when the closest one's cosine with it reaches this:
# on the bundled corpus every labelled question's best passage scored 0.88 or more and every
# off-topic question (weather, recipes, films ...) 0.86 or less (bench/assistant.py prints both).
DENSE_CONFIDENT = 0.87
# Passages shown below the best one must not be much further off than it.
DENSE_SPREAD = 0.04


def document_list(*, user):
    return Document.objects.visible_to(user).select_related("org").order_by("org__path", "title")


def document_get(*, user, document_id, action: Action = Action.VIEW) -> Document:
    return get_visible_or_404(Document.objects.select_related("org"), user, action, pk=document_id)


def document_read(*, user, document_id) -> Document:
    """A document's page: published ones are public (they are cited to anyone who asks); drafts
    only to the officers whose scope covers them."""
    try:
        document = Document.objects.select_related("org").get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not document.published and not scope_for(user, Action.VIEW).covers(document.org.path):
        raise Http404
    return document


def document_passages(*, document: Document):
    return document.passages.order_by("ordinal")


def ask_org(*, user, org_id=None) -> Organization | None:
    """The union a question is asked of: the one chosen, else the officer's own, else the
    signed-in worker's member union; None reads the national documents only."""
    if org_id:
        org = Organization.objects.filter(pk=org_id, dissolved_on__isnull=True).first()
        if org is not None:
            return org
    if user is None or not user.is_authenticated:
        return None
    if getattr(user, "organization_id", None):
        return user.organization
    from gonghui.cases.selectors import members_of

    member = members_of(user=user).first()
    return member.union if member else None


def askable_document_ids(*, user, org: Organization | None) -> set[int]:
    """Published documents of the org and every union above it (the national statutes
    included), plus an officer's own subtree, published or not."""
    paths = list(Organization.objects.filter(parent__isnull=True).values_list("path", flat=True))
    if org is not None:
        paths += [*org.ancestor_paths(), org.path]
    ready = Document.objects.filter(status=IndexStatus.READY)
    ids = set(ready.askable_for(paths).values_list("pk", flat=True))
    if not scope_for(user, Action.VIEW).is_empty:
        ids |= set(ready.visible_to(user).values_list("pk", flat=True))
    return ids


@dataclass
class Cited:
    passage: Passage
    score: float
    dense: float

    @property
    def document(self) -> Document:
        return self.passage.document


@dataclass
class Answer:
    question: str
    org: Organization | None
    cited: list[Cited] = field(default_factory=list)
    facts: list[facts.Fact] = field(default_factory=list)
    case_type: str | None = None
    appeal_url: str = ""
    sentences: list[tuple[str, int]] = field(default_factory=list)
    hotline: str = HOTLINE

    @property
    def confident(self) -> bool:
        return bool(self.cited)


def confident_hits(hits: list[search.Hit]) -> list[search.Hit]:
    """The hits worth citing, or none (then the asker is given the 12351 hotline)."""
    if not hits:
        return []
    best = max(hit.dense for hit in hits)
    if best < DENSE_CONFIDENT:
        return []
    return [hit for hit in hits if hit.dense >= best - DENSE_SPREAD or hit.bm25_rank == 0]


def appeal_url(question: str, case_type: str | None) -> str:
    params = {"text": question}
    if case_type:
        params["type"] = case_type
    return f"{reverse('cases:new')}?{urlencode(params)}"


def ask(*, user, question: str, org_id=None, lat=None, lon=None, limit: int = TOP_K) -> Answer:
    org = ask_org(user=user, org_id=org_id)
    answer = Answer(question=question, org=org)
    document_ids = askable_document_ids(user=user, org=org)
    hits = confident_hits(search.search(indexcache.current(), question, document_ids, limit=limit))
    if hits:
        # Not the documents' whole text nor the passages' tokens and vectors: the answer shows
        # neither, and a statute's text is ~100 KB a row.
        passages = (
            Passage.objects.select_related("document", "document__org")
            .defer("tokens", "embedding", "document__text")
            .in_bulk([hit.passage_id for hit in hits])
        )
        answer.cited = [
            Cited(passage=passages[hit.passage_id], score=hit.score, dense=hit.dense)
            for hit in hits
            if hit.passage_id in passages
        ]
    answer.case_type = facts.case_type_for(question)
    answer.facts = facts.facts_for(
        question, user=user, org=org, case_type=answer.case_type, lat=lat, lon=lon
    )
    answer.appeal_url = appeal_url(question, answer.case_type)
    if answer.cited:
        answer.sentences = generator.answer(question, [c.passage.text for c in answer.cited])
    return answer
