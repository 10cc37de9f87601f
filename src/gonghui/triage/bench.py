"""Triage figures for bench/assistant.py: top-1 accuracy on the held-out part of the labelled
appeals, the urgency accuracy, the confusion matrix, and the time to train and to suggest."""

from __future__ import annotations

import statistics
import time

from . import classifier


def triage_figures() -> dict:
    examples = classifier.load_examples()
    train, held = classifier.split(examples)
    started = time.perf_counter()
    model = classifier.Model.train(train)
    train_s = time.perf_counter() - started
    labels = model.type_labels
    confusion = {t: dict.fromkeys(labels, 0) for t in labels}
    correct = urgency_correct = 0
    times = []
    for example in held:
        started = time.perf_counter()
        case_type, urgency, _near = model.predict(example.text)
        times.append((time.perf_counter() - started) * 1000)
        confusion[example.case_type][case_type.label] += 1
        correct += case_type.label == example.case_type
        urgency_correct += urgency.label == example.urgency
    return {
        "examples": len(examples),
        "train": len(train),
        "held_out": len(held),
        "triage_top1": round(correct / len(held), 4),
        "triage_urgency": round(urgency_correct / len(held), 4),
        "train_s": round(train_s, 2),
        "suggest_p50_ms": round(statistics.median(times), 2),
        "labels": labels,
        "confusion": confusion,
    }


def format_confusion(figures: dict) -> str:
    """The confusion matrix as text: rows are the true types, columns the suggested ones."""
    labels = figures["labels"]
    short = [label[:6] for label in labels]
    lines = ["true \\ suggested".ljust(20) + " ".join(s.rjust(6) for s in short)]
    for label in labels:
        row = figures["confusion"][label]
        lines.append(label.ljust(20) + " ".join(str(row[c]).rjust(6) for c in labels))
    return "\n".join(lines)


if __name__ == "__main__":  # python -m gonghui.triage.bench (needs no database)
    figures = triage_figures()
    print(format_confusion(figures))
    print(" ".join(f"{k}={v}" for k, v in figures.items() if k not in ("labels", "confusion")))
