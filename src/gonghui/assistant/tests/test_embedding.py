"""The process's one embedder (gonghui.core.embedding), as the assistant and triage use it."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

from gonghui.assistant import search, selectors
from gonghui.core import embedding
from gonghui.triage import classifier
from gonghui.triage import selectors as triage_selectors


class CountingModel:
    """The real model, counting the texts it embeds."""

    def __init__(self, model):
        self.model = model
        self.queries: list[str] = []

    def query(self, texts):
        self.queries.extend([texts] if isinstance(texts, str) else texts)
        return self.model.query(texts)

    def passage(self, texts):
        return self.model.passage(texts)


def test_one_model_per_process():
    assert embedding.model() is embedding.model()


def test_traditional_and_full_width_questions_share_one_vector():
    embedding.clear_query_cache()
    simplified = embedding.query("老板拖欠工资 2个月怎么办")
    assert embedding.query("老闆拖欠工資\u3000２個月怎麼辦") is simplified
    assert simplified.shape == (embedding.DIM,) and not simplified.flags.writeable
    assert abs(float(np.linalg.norm(simplified)) - 1) < 1e-3


def test_an_ask_embeds_its_question_once_for_search_and_triage(db, monkeypatch):
    counting = CountingModel(embedding.model())
    monkeypatch.setattr(embedding, "_model", counting)
    embedding.clear_query_cache()
    question = "公司三个月没发工资了，老板也联系不上"
    selectors.ask(user=None, question=question)
    triage_selectors.suggest(question)
    classifier.base_model().predict(question)
    search.embed_query(question)
    assert counting.queries == [embedding.canonical(question)]


def test_queries_embed_only_the_uncached_ones(monkeypatch):
    counting = CountingModel(embedding.model())
    monkeypatch.setattr(embedding, "_model", counting)
    embedding.clear_query_cache()
    embedding.query("加班费怎么算")
    vectors = embedding.queries(["加班费怎么算", "年假有几天", "加班費怎麼算"])
    assert counting.queries == ["加班费怎么算", "年假有几天"]
    assert vectors.shape == (3, embedding.DIM)
    assert np.array_equal(vectors[0], vectors[2])


def engine_threads(configured: str) -> tuple[list[str], int]:
    """In a fresh process (OpenMP reads its settings once, when the engine loads): the settings
    the engine was loaded with, and the threads one question added to the process."""
    code = (
        "import os\n"
        "from gonghui.core import embedding\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "embedding.query('工会')\n"
        "print(os.environ['OMP_NUM_THREADS'], os.environ['OMP_WAIT_POLICY'],"
        " len(os.listdir('/proc/self/task')) - before)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "EMBEDDING_"))}
    env["EMBEDDING_THREADS"] = configured
    env["PYTHONPATH"] = str(Path(embedding.__file__).resolve().parents[2])
    env.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.test_settings")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return out[:2], int(out[2])


def test_the_thread_count_and_wait_policy_are_set_before_the_engine_loads():
    # The calling thread is one of the OpenMP threads: n threads start n - 1 more.
    assert engine_threads("1") == (["1", "PASSIVE"], 0)
    assert engine_threads("2") == (["2", "PASSIVE"], 1)


def test_warm_loads_the_model_the_index_and_the_triage_model_off_the_request_path(monkeypatch):
    from gonghui.assistant import indexcache

    built = []
    monkeypatch.setattr(indexcache, "current", lambda: built.append("index"))
    classifier.base_model.cache_clear()
    thread = indexcache.warm()
    thread.join(120)
    assert not thread.is_alive() and thread.daemon
    assert built == ["index"]
    assert classifier.base_model.cache_info().currsize == 1
    assert embedding._model is not None


def test_warm_after_a_thread_starts_once_that_thread_has_finished(monkeypatch):
    """A fresh worker warms the assistant after its station index is in: the two warm-ups do not
    both compete with its first requests."""
    from gonghui.assistant import indexcache

    steps = []
    monkeypatch.setattr(embedding, "warm", lambda: steps.append("embedding"))
    monkeypatch.setattr(indexcache, "current", lambda: steps.append("index"))
    classifier.base_model.cache_clear()
    release = threading.Event()
    station_build = threading.Thread(target=release.wait, args=(30,), daemon=True)
    station_build.start()
    thread = indexcache.warm(after=station_build)
    thread.join(0.3)
    assert thread.is_alive() and steps == []  # still waiting for the station build
    release.set()
    thread.join(120)
    assert not thread.is_alive()
    assert steps == ["embedding", "index"]
    assert classifier.base_model.cache_info().currsize == 1


def test_warm_steps_give_way_to_a_request_in_flight(monkeypatch):
    from gonghui.assistant import indexcache
    from gonghui.core import giveway

    steps = []
    monkeypatch.setattr(embedding, "warm", lambda: steps.append("embedding"))
    monkeypatch.setattr(indexcache, "current", lambda: steps.append("index"))
    monkeypatch.setattr(indexcache, "STEP_WAIT_S", 5.0)
    classifier.base_model.cache_clear()
    giveway.request_started()  # this thread is serving a request
    try:
        thread = indexcache.warm()
        thread.join(0.3)
        assert thread.is_alive() and steps == []  # waiting for the request to end
    finally:
        giveway.request_finished()
    thread.join(120)
    assert steps == ["embedding", "index"]
