"""Store the triage base model (data/base_model.npz): trained on all shipped appeals, loaded at
the first suggestion instead of trained there. Run after editing data/appeals.jsonl; with
``--vectors`` the appeals' stored embeddings (data/appeals_e5.npy) are recomputed first;
``--check`` only says whether the stored model is current."""

from __future__ import annotations

import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from gonghui.triage import classifier


class Command(BaseCommand):
    help = "Train and store (or --check) the triage base model of the shipped appeals."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="verify instead of building")
        parser.add_argument(
            "--vectors", action="store_true", help="recompute the appeals' embeddings first"
        )

    def handle(self, *args, check=False, vectors=False, **options):
        if check:
            if classifier.stored_fingerprint() != classifier.base_fingerprint():
                raise CommandError(
                    f"{classifier.BASE_MODEL} is missing or stale: run manage.py triage_base_model"
                )
            self.stdout.write(f"{classifier.BASE_MODEL.name} is current")
            return
        if vectors:
            started = time.perf_counter()
            texts = [e.text for e in classifier.read_examples()]
            np.save(classifier.VECTORS, classifier.embed(texts).astype(np.float16))
            self.stdout.write(
                f"{len(texts)} appeals embedded in {time.perf_counter() - started:.1f} s"
            )
        started = time.perf_counter()
        model = classifier.save_base_model()
        self.stdout.write(
            f"{classifier.BASE_MODEL.name}: {len(model.pool)} appeals, trained in "
            f"{time.perf_counter() - started:.1f} s"
        )
