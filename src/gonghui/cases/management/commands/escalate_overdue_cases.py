"""Daily: mark overdue cases and escalate them one level up (cron or a systemd timer)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from gonghui.cases.tasks import escalate_overdue_cases


class Command(BaseCommand):
    help = "Mark open cases past their deadline and escalate them to the parent union."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="treat this date (YYYY-MM-DD) as today")
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the work for the task worker"
        )

    def handle(self, *args, **options):
        today = options.get("today")
        if today:
            try:
                datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError("--today must be YYYY-MM-DD") from exc
        if options["enqueue"]:
            result = escalate_overdue_cases.enqueue(today=today)
            self.stdout.write(f"queued {result.id}")
            return
        count = escalate_overdue_cases.call(today=today)
        self.stdout.write(f"escalate_overdue_cases: {count} case(s) escalated or marked overdue")
