"""The process's in-memory search index, rebuilt only when the set of indexed documents changes.

The version is the list of (document id, indexed hash) of the documents ready to search: one
small query per question. A document's piece (its passage ids, vectors and tokens) is loaded
once per indexed hash and kept, so a changed document reloads only itself."""

from __future__ import annotations

import logging
import threading

import numpy as np

from gonghui.core import embedding
from gonghui.core.gcpause import collection_paused
from gonghui.core.giveway import background, give_way

from . import search
from .choices import IndexStatus
from .models import Document, Passage

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pieces: dict[int, tuple[str, search.Piece]] = {}
_index: search.Index | None = None
# The longest the warm-up waits for the thread it comes after (a station build that hangs).
WARM_AFTER_WAIT_S = 120.0


def _version() -> tuple:
    # The indexed time as well as the hash: a document deleted and uploaded again with the same
    # text has new passage rows.
    rows = Document.objects.filter(status=IndexStatus.READY).values_list(
        "pk", "indexed_hash", "indexed_at"
    )
    return tuple(sorted((pk, f"{digest}@{at.timestamp() if at else 0}") for pk, digest, at in rows))


def _load(document_ids: list[int]) -> dict[int, search.Piece]:
    rows = (
        Passage.objects.filter(document_id__in=document_ids)
        .order_by("document_id", "ordinal")
        .values_list("pk", "document_id", "tokens", "embedding")
    )
    grouped: dict[int, tuple[list, list, list]] = {pk: ([], [], []) for pk in document_ids}
    for pk, document_id, tokens, blob in rows.iterator(chunk_size=2000):
        ids, vectors, token_lists = grouped[document_id]
        ids.append(pk)
        vectors.append(np.frombuffer(bytes(blob), dtype=np.float16))
        token_lists.append(tokens.split())
    return {
        document_id: search.Piece(
            document_id=document_id,
            passage_ids=np.array(ids, dtype=np.int64),
            vectors=(np.stack(vectors) if vectors else np.zeros((0, search.DIM), np.float16)),
            token_lists=token_lists,
        )
        for document_id, (ids, vectors, token_lists) in grouped.items()
    }


def current() -> search.Index:
    """The index of every searchable passage, fresh for the current version."""
    global _index
    version = _version()
    index = _index
    if index is not None and index.key == version:
        return index
    with _lock:
        if _index is not None and _index.key == version:
            return _index
        wanted = dict(version)
        stale = [pk for pk, (digest, _piece) in _pieces.items() if wanted.get(pk) != digest]
        for pk in stale:
            del _pieces[pk]
        missing = [pk for pk in wanted if pk not in _pieces]
        for pk, piece in _load(missing).items():
            _pieces[pk] = (wanted[pk], piece)
        _index = search.Index.build(version, [_pieces[pk][1] for pk, _digest in version])
        return _index


def reset() -> None:
    """Forget everything (tests that roll back the database)."""
    global _index
    with _lock:
        _pieces.clear()
        _index = None


# How long each warm-up step waits for the requests in flight to end before it runs beside them:
# longer than the station build's steps, as nobody waits for this warm-up.
STEP_WAIT_S = 0.25


def warm(after: threading.Thread | None = None) -> threading.Thread:
    """Make a fresh worker's first question as fast as the next ones, off the request path: map
    and page in the embedding model, build the index from the database and load the triage base
    model. Returns the thread (started; a request arriving meanwhile builds nothing twice: it
    waits on the same lock). With ``after`` (the station index's first build), it starts once
    that thread has finished, so the two do not both compete with a fresh worker's first
    requests; each step gives way to the requests in flight (``core.giveway``)."""

    def run():
        from django.db import connection

        try:
            if after is not None:
                after.join(WARM_AFTER_WAIT_S)
            with collection_paused(), background():  # no full collections stalling requests
                give_way(STEP_WAIT_S)
                embedding.warm()
                give_way(STEP_WAIT_S)
                current()
                try:
                    from gonghui.triage.classifier import base_model
                except ImportError:  # the assistant works without the triage app
                    pass
                else:
                    give_way(STEP_WAIT_S)
                    base_model()
        except Exception:  # a warm-up failing must not take the worker down; requests retry
            log.exception("assistant warm-up failed")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="assistant-warm", daemon=True)
    thread.start()
    return thread
