from django.core.management.base import BaseCommand, CommandError

from gonghui.brain import rollups
from gonghui.organizations.models import Organization


class Command(BaseCommand):
    help = "Recompute the brain's rollups from the raw tables (one org's subtree with --org)."

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, help="org id: rebuild only its subtree")

    def handle(self, *args, org=None, **options):
        path = None
        if org is not None:
            found = Organization.objects.filter(pk=org).values_list("path", flat=True).first()
            if found is None:
                raise CommandError(f"no org {org}")
            path = found
        rows = rollups.rebuild(path)
        self.stdout.write(f"rebuilt {rows} rollup rows")
