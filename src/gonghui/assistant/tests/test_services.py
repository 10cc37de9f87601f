import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.assistant import selectors, services
from gonghui.assistant.choices import IndexStatus
from gonghui.assistant.models import Document, Passage
from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written

from .conftest import WAGE_RULES, text_file
from .files import docx_bytes, pdf_bytes, upload_file

pytestmark = pytest.mark.django_db


def test_upload_indexes_every_article_with_progress_done(personas, upload):
    document, reindexed = upload(personas.hunan_officer, personas.hunan)
    assert reindexed
    assert document.status == IndexStatus.READY
    assert (document.progress_done, document.progress_total) == (4, 4)
    assert document.title == "工资支付规定（测试）"
    articles = list(document.passages.values_list("article", flat=True))
    assert articles == ["第一条", "第二条", "第三条", "第四条"]
    passage = document.passages.get(article="第三条")
    assert len(bytes(passage.embedding)) == 384 * 2  # float16
    assert "拖欠" in passage.tokens.split()
    assert AuditLog.objects.filter(object_id=str(document.pk), action="create").exists()


def test_same_text_again_reindexes_nothing(personas, upload):
    document, _ = upload(personas.hunan_officer, personas.hunan)
    first_ids = set(document.passages.values_list("pk", flat=True))
    again, reindexed = upload(personas.hunan_officer, personas.hunan)
    assert not reindexed
    assert again.pk == document.pk
    assert set(again.passages.values_list("pk", flat=True)) == first_ids


def test_changed_file_reindexes_only_itself(personas, upload):
    wage, _ = upload(personas.hunan_officer, personas.hunan)
    women = "第一条 女职工产假为九十八天。\n第二条 哺乳期不得延长劳动时间。"
    other, _ = upload(
        personas.hunan_officer, personas.hunan, women, name="women.txt", title="女职工保护"
    )
    other_ids = set(other.passages.values_list("pk", flat=True))
    other_indexed_at = Document.objects.get(pk=other.pk).indexed_at
    changed = WAGE_RULES.replace("四十四小时", "四十小时")
    wage2, reindexed = upload(personas.hunan_officer, personas.hunan, changed)
    assert reindexed and wage2.pk == wage.pk
    assert "四十小时" in wage2.passages.get(article="第四条").text
    assert set(other.passages.values_list("pk", flat=True)) == other_ids
    assert Document.objects.get(pk=other.pk).indexed_at == other_indexed_at


def test_docx_and_text_pdf_are_read(personas, upload):
    paragraphs = ["第一条 用人单位应当按时支付工资。", "第二条 加班应当支付加班费。"]
    docx, _ = upload(
        personas.hunan_officer, personas.hunan, file=upload_file("r.docx", docx_bytes(paragraphs))
    )
    lines = ["1. Wages are paid monthly in money.", "2. Overtime is paid at 150 percent."]
    pdf, _ = upload(
        personas.hunan_officer, personas.hunan, title="English rules",
        file=upload_file("rules.pdf", pdf_bytes(lines)),
    )  # fmt: skip
    assert Passage.objects.filter(document=docx).count() == 2
    assert Passage.objects.filter(document=pdf).count() == 2
    assert Document.objects.get(pk=pdf.pk).status == IndexStatus.READY


def test_html_is_read_without_scripts(personas, upload):
    html = (
        "<html><head><script>alert(1)</script></head><body><h1>通知</h1>"
        "<p>第一条 工资按月支付。</p><p>第二条 不得拖欠。</p></body></html>"
    )
    document, _ = upload(
        personas.hunan_officer, personas.hunan, file=upload_file("n.html", html.encode())
    )
    assert "alert" not in document.text
    assert list(document.passages.values_list("article", flat=True)) == ["第一条", "第二条"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", pdf_bytes(None), "没有文字层"),
        ("fake.pdf", "第一条 这不是PDF。".encode(), "文件内容与扩展名不符"),
        ("fake.docx", "第一条 这不是Word。".encode(), "文件内容与扩展名不符"),
        ("fake.txt", pdf_bytes(["1. A PDF renamed to txt."]), "文件内容与扩展名不符"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "文件内容与扩展名不符"),
        ("empty.txt", b"   ", "文件是空的"),
        ("rules.exe", b"MZ\x90\x00", "只能上传"),
    ],
)
def test_bad_files_are_refused_and_nothing_written(personas, name, data, message):
    with nothing_written(), pytest.raises(ValidationError) as refused:
        services.document_upload(
            actor=personas.hunan_officer, org=personas.hunan, upload=upload_file(name, data)
        )
    assert message in refused.value.message_dict["file"][0]


def test_file_over_10mb_is_refused(personas):
    big = upload_file("big.txt", "第一条 工资。\n".encode() * (10 * 1024 * 1024 // 20 + 1))
    assert big.size > 10 * 1024 * 1024
    with nothing_written(), pytest.raises(ValidationError) as refused:
        services.document_upload(actor=personas.hunan_officer, org=personas.hunan, upload=big)
    assert "10MB" in refused.value.message_dict["file"][0]


def test_upload_outside_scope_is_refused(personas):
    with nothing_written(), pytest.raises(ValidationError) as refused:
        services.document_upload(
            actor=personas.yancheng_officer, org=personas.hunan, upload=text_file(WAGE_RULES)
        )
    assert "org" in refused.value.message_dict


def test_failed_embedding_leaves_a_failed_document_and_no_passages(personas, upload, monkeypatch):
    from gonghui.assistant import search

    def broken(texts, batch=16):
        yield 1, search.np.zeros((1, search.DIM), dtype=search.np.float16)
        raise RuntimeError("model crashed")

    monkeypatch.setattr(search, "embed_passages", broken)
    upload(personas.hunan_officer, personas.hunan)  # the task fails; the worker logs it
    document = Document.objects.get()
    assert document.status == IndexStatus.FAILED
    assert "model crashed" in document.error
    assert not Passage.objects.exists()


def test_documents_of_a_higher_union_are_read_below_it(personas, upload):
    hunan_doc, _ = upload(personas.hunan_officer, personas.hunan)
    henan_doc, _ = upload(personas.luohe_officer, personas.luohe, title="漯河通知")
    draft, _ = upload(personas.hunan_officer, personas.changsha, title="长沙草稿", published=False)
    below = selectors.askable_document_ids(user=None, org=personas.liuyang)
    assert hunan_doc.pk in below
    assert henan_doc.pk not in below  # a sibling province's notice
    assert draft.pk not in below  # not published
    officer = selectors.askable_document_ids(user=personas.hunan_officer, org=None)
    assert draft.pk in officer  # an officer reads the drafts of their own subtree


def test_officer_lists_only_their_subtree(personas, upload):
    upload(personas.hunan_officer, personas.hunan)
    luohe_doc, _ = upload(personas.luohe_officer, personas.luohe, title="漯河通知")
    assert list(selectors.document_list(user=personas.luohe_officer)) == [luohe_doc]
    with pytest.raises(Http404):
        selectors.document_get(user=personas.hunan_officer, document_id=luohe_doc.pk)


def test_draft_page_is_404_outside_scope(personas, upload):
    draft, _ = upload(personas.hunan_officer, personas.changsha, published=False)
    with pytest.raises(Http404):
        selectors.document_read(user=personas.luohe_officer, document_id=draft.pk)
    assert selectors.document_read(user=personas.hunan_officer, document_id=draft.pk) == draft
