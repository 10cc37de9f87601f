"""Every few minutes (cron or a systemd timer): imports whose worker died are marked failed
(and can be re-run), expired import reports and leftover rosters are deleted."""

from django.core.management.base import BaseCommand

from gonghui.rosters.importing import import_cleanup


class Command(BaseCommand):
    help = "Fail member imports whose worker died; delete expired import reports and rosters."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the work for the task worker"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = import_cleanup.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        done = import_cleanup.call()
        self.stdout.write(
            "import_cleanup: {reaped} interrupted job(s) failed, {reports} report(s) and "
            "{rosters} roster file(s) deleted".format(**done)
        )
