from collections import Counter

import pytest

from gonghui.cases.defaults import DEFAULT_CASE_TYPES
from gonghui.triage import classifier, selectors

ACCURACY_FLOOR = 0.85


def test_labelled_set_covers_every_case_type_in_both_scripts():
    examples = classifier.load_examples()
    assert len(examples) >= 300
    counts = Counter(e.case_type for e in examples)
    assert set(counts) == {code for code, *_rest in DEFAULT_CASE_TYPES}
    assert min(counts.values()) >= 30
    traditional = [e for e in examples if classifier.fold(e.text) != e.text.lower()]
    assert len(traditional) >= 50
    assert {e.urgency for e in examples} == set(classifier.URGENCIES)


def test_held_out_top1_accuracy_meets_the_floor():
    train, held = classifier.split(classifier.load_examples())
    assert len(held) >= 60 and not {e.text for e in held} & {e.text for e in train}
    result = classifier.evaluate(train, held)
    assert result["top1"] >= ACCURACY_FLOOR, result["confusion"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("老板拖欠工资两个月了怎么办", "wage_arrears"),
        ("老闆拖欠工資兩個月了怎麼辦", "wage_arrears"),
        ("住院花了两万，职工医疗互助怎么报销", "medical_mutual_aid"),
        ("送外卖被车撞了平台不管，想找律师打官司", "legal_aid"),
    ],
)
def test_suggest_reads_simplified_and_traditional(db, text, expected):
    result = selectors.suggest(text)
    assert result.case_type == expected
    assert 0 < result.score <= 1
    assert result.urgency in classifier.URGENCIES
    assert result.closest and result.closest[0].similarity > 0


def test_a_stored_model_predicts_as_the_trained_one():
    model = classifier.Model.train(classifier.load_examples()[::2])
    loaded = classifier.Model.loads(model.dumps())
    for text in ("工资拖了三个月", "想找份工作", "心里很难受睡不着"):
        a, b = model.predict(text), loaded.predict(text)
        assert a[0].label == b[0].label and a[0].score == pytest.approx(b[0].score)
        assert a[1].label == b[1].label


def test_the_stored_base_model_is_current_and_loaded_not_trained(monkeypatch):
    """A fresh process's first suggestion loads the stored base model; it trains none."""
    assert classifier.stored_fingerprint() == classifier.base_fingerprint(), (
        "data/base_model.npz is stale: run manage.py triage_base_model"
    )

    def no_training(*args, **kwargs):
        raise AssertionError("the base model was trained on first use")

    classifier.base_model.cache_clear()
    monkeypatch.setattr(classifier.Model, "train", no_training)
    try:
        model = classifier.base_model()
        case_type, _urgency, near = model.predict("老板拖欠工资两个月了怎么办")
    finally:
        classifier.base_model.cache_clear()
    assert case_type.label == "wage_arrears"
    assert len(model.pool) == len(classifier.read_examples()) and near


def test_a_stale_base_model_is_trained_instead(monkeypatch, tmp_path):
    stale = tmp_path / "base_model.npz"
    stale.write_bytes(classifier.Model.loads(classifier.BASE_MODEL.read_bytes()).dumps())
    monkeypatch.setattr(classifier, "BASE_MODEL", stale)
    assert classifier.stored_fingerprint(stale) is None
    classifier.base_model.cache_clear()
    try:
        model = classifier.base_model()
    finally:
        classifier.base_model.cache_clear()
    assert model.predict("老板拖欠工资两个月了怎么办")[0].label == "wage_arrears"
