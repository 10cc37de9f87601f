from pathlib import Path

from gonghui.assistant.splitting import split

from .conftest import WAGE_RULES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_articles_keep_their_number_and_chapter():
    pieces = split(WAGE_RULES)
    assert [p.article for p in pieces] == ["第一条", "第二条", "第三条", "第四条"]
    assert pieces[2].heading == "第二章 拖欠工资的处理"
    # a second paragraph belongs to its article
    assert "工会应当支持劳动者" in pieces[2].text


def test_sections_are_named_under_their_chapter():
    text = (CORPUS / "statutes" / "劳动合同法(2012-12-28).md").read_text()
    pieces = split(text)
    article_63 = next(p for p in pieces if p.article == "第六十三条")
    assert article_63.heading == "第五章 特别规定 · 第二节 劳务派遣"
    assert len({p.article for p in pieces}) == 98


def test_metadata_before_the_marker_is_not_a_passage():
    text = (CORPUS / "statutes" / "劳动合同法(2012-12-28).md").read_text()
    assert not any("常务委员会第二十八次会议通过" in p.text for p in split(text))


def test_notice_without_articles_splits_at_numbered_items():
    notice = (
        "关于困难职工帮扶的通知\n各基层工会：\n一、帮扶对象\n家庭人均收入低于标准的职工。\n"
        "二、申请材料\n（一）申请表；\n（二）收入证明。\n三、办理时限\n20个工作日。"
    )
    pieces = split(notice)
    assert [p.article for p in pieces] == ["", "一", "二", "三"]
    assert "（二）收入证明" in pieces[2].text


def test_plain_prose_splits_at_paragraphs():
    prose = "\n\n".join("这是一段普通的说明文字，" * 40 for _ in range(3))
    pieces = split(prose)
    assert len(pieces) == 3
    assert pieces[0].article == "¶1"


def test_a_long_article_is_cut_between_paragraphs_and_keeps_its_number():
    long = (
        "第一条 "
        + "\n".join("用人单位应当依法支付工资。" * 20 for _ in range(6))
        + "\n第二条 短条文。"
    )
    pieces = split(long)
    assert len(pieces) > 2
    assert {p.article for p in pieces[:-1]} == {"第一条"}
    assert all(len(p.text) <= 1200 for p in pieces)


def test_traditional_articles_are_recognised():
    pieces = split(
        "第一章 總則\n第一條 僱主應當按時支付工資。\n第二條 拖欠工資的，勞動者可以投訴。"
    )
    assert [p.article for p in pieces] == ["第一條", "第二條"]
    assert pieces[0].heading == "第一章 總則"
