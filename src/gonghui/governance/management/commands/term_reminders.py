"""Daily (cron or a systemd timer): raise the 换届 reminders due 6 and 1 months before a term
ends. With the database task backend, schedule the ``raise_term_reminders`` task instead."""

from django.core.management.base import BaseCommand

from gonghui.governance.tasks import raise_term_reminders


class Command(BaseCommand):
    help = "Raise the 换届 reminders that fell due (6 and 1 months before a term ends)."

    def handle(self, *args, **options):
        raised = raise_term_reminders.call()
        self.stdout.write(f"term_reminders: {raised} reminder(s) raised")
