"""Precompute the vectors of the bundled corpus's passages into corpus/embeddings.npy (float16)
and corpus/embeddings.keys, so loading the demo does not run the model over 1,100 passages;
``--check`` verifies that every passage has a vector and that a sample equals a fresh one."""

from __future__ import annotations

import random
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from gonghui.assistant import corpus, search, splitting


def corpus_texts() -> list[str]:
    texts = []
    for item in corpus.files():
        for piece in splitting.split(item.text):
            texts.append(search.passage_text(item.title, piece.article, piece.text))
    return texts


class Command(BaseCommand):
    help = "Build (or --check) the precomputed vectors of the bundled assistant corpus."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="verify instead of building")
        parser.add_argument(
            "--sample", type=int, default=20, help="passages re-embedded by --check"
        )

    def handle(self, *args, check=False, sample=20, **options):
        texts = list(dict.fromkeys(corpus_texts()))
        if check:
            self._check(texts, sample)
            return
        started = time.perf_counter()
        vectors = np.concatenate(
            [chunk for _done, chunk in search.embed_passages(texts, batch=32, use_known=False)]
        )
        seconds = time.perf_counter() - started
        np.save(corpus.VECTORS, vectors.astype(np.float16))
        corpus.VECTOR_KEYS.write_text("\n".join(search.vector_key(t) for t in texts) + "\n")
        self.stdout.write(
            f"{len(texts)} passages embedded in {seconds:.1f} s "
            f"({len(texts) / seconds:.1f} passages/s) -> {corpus.VECTORS.name}"
        )

    def _check(self, texts: list[str], sample: int):
        known = search.known_vectors()
        missing = [t for t in texts if search.vector_key(t) not in known]
        if missing:
            raise CommandError(f"{len(missing)} corpus passages have no stored vector: rebuild.")
        chosen = random.Random(17).sample(texts, min(sample, len(texts)))
        fresh = np.concatenate([c for _d, c in search.embed_passages(chosen, use_known=False)])
        stored = np.stack([known[search.vector_key(t)] for t in chosen]).astype(np.float32)
        cosines = (fresh.astype(np.float32) * stored).sum(axis=1)
        if cosines.min() < 0.99:
            raise CommandError(
                f"stored vectors differ from the model's (min cosine {cosines.min():.4f})"
            )
        self.stdout.write(
            f"{len(texts)} passages, all stored; "
            f"sample of {len(chosen)} min cosine {cosines.min():.4f}"
        )
