from django.core.management.base import BaseCommand

from gonghui.brain import rollups
from gonghui.brain.tasks import fold_figures, reconcile_figures


class Command(BaseCommand):
    help = (
        "Fold appended figure deltas into the rollups (schedule every minute); --reconcile "
        "compares every rollup with the raw tables, reports and repairs drift (schedule daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reconcile", action="store_true")
        parser.add_argument("--enqueue", action="store_true", help="queue for db_worker")

    def handle(self, *args, reconcile=False, enqueue=False, **options):
        job = reconcile_figures if reconcile else fold_figures
        if enqueue:
            result = job.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        if reconcile:
            found = rollups.drift()
            for key, (stored, raw) in sorted(found.items())[:50]:
                self.stdout.write(f"drift {key}: stored {stored}, raw {raw}")
            if found:
                rollups.rebuild()
            self.stdout.write(f"drift rows: {len(found)}")
        else:
            self.stdout.write(f"folded {rollups.fold()} deltas")
