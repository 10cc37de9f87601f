import io

import pytest
from django.core.management import call_command

from gonghui.assistant import corpus, demo, selectors
from gonghui.assistant.models import Document, Passage

pytestmark = pytest.mark.django_db


def test_demo_indexes_the_statutes_with_source_and_version_once(personas):
    out = io.StringIO()
    demo.load_demo(out)
    statutes = Document.objects.filter(org=personas.national)
    assert statutes.count() == 20
    contract = statutes.get(title="中华人民共和国劳动合同法")
    assert contract.version == "2012-12-28 版"
    assert "flk.npc.gov.cn" in contract.source
    assert contract.passages.count() == 98
    # 郾城区's notice is published by 郾城区总工会; 长沙县 is not in the persona tree
    assert Document.objects.filter(org=personas.yancheng).count() == 1
    assert "1 skipped" in out.getvalue()
    ids = set(Passage.objects.values_list("pk", flat=True))
    demo.load_demo(io.StringIO())
    assert set(Passage.objects.values_list("pk", flat=True)) == ids


def test_demo_answers_a_rider_at_midnight_from_the_statutes(personas):
    demo.load_demo(io.StringIO())
    answer = selectors.ask(user=None, question="老板拖欠工资两个月怎么办")
    cited = {(c.document.title, c.passage.article) for c in answer.cited}
    assert ("中华人民共和国劳动合同法", "第三十条") in cited or (
        "中华人民共和国劳动法",
        "第五十条",
    ) in cited
    assert answer.case_type == "wage_arrears"


def test_bundled_vectors_cover_the_corpus_and_match_the_model():
    out = io.StringIO()
    call_command("assistant_embeddings", check=True, sample=3, stdout=out)
    assert "all stored" in out.getvalue()
    assert corpus.VECTORS.stat().st_size < 2_000_000  # float16, committed
