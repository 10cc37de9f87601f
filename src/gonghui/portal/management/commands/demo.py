"""Build (or top up) the demo data. Idempotent: running it twice changes nothing."""

import datetime
import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from gonghui.accounts.models import User
from gonghui.accounts.services import user_create
from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.organizations.demo_tree import DEMO_ACCOUNTS, DEMO_PASSWORD, TREE
from gonghui.organizations.models import Organization
from gonghui.organizations.services import org_create

# Each app's demo.load_demo(stdout), in dependency order; each is idempotent on its own.
DEMO_APPS = [
    "enterprises", "members", "stations", "cases", "aid",
    "campaigns", "learning", "benefits", "contests", "bargaining",
    "governance", "assistant", "triage", "brain",
]  # fmt: skip


def demo_credit_code(region: str, serial: int) -> str:
    """A checksum-valid code of the union registration type (8 = 工会, 1): demo data only."""
    first17 = f"81{region}MC{serial:07d}"
    return first17 + credit_code_check_char(first17)


class Command(BaseCommand):
    help = "Load the demo hierarchy (real places from the reports) and demo officer accounts."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print passwords")

    @transaction.atomic
    def handle(self, *args, **options):
        self.created = 0
        self.serial = 0
        self._ensure(TREE, parent=None)
        accounts = self._ensure_accounts()
        for app in DEMO_APPS:
            module_name = f"gonghui.{app}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue  # an app without demo data yet
            importlib.import_module(module_name).load_demo(self.stdout)
        total = Organization.objects.count()
        self.stdout.write(f"demo: {self.created} orgs created, {total} in all")
        if not options["quiet_accounts"]:
            self.stdout.write(f"demo accounts (password for all: {DEMO_PASSWORD}), admin: admin")
            for username, role, org_name in accounts:
                self.stdout.write(f"  {username:<11} {role:<19} {org_name}")

    def _ensure(self, spec, parent):
        self.serial += 1
        org = Organization.objects.filter(parent=parent, name=spec["name"]).first()
        if org is None:
            extra = dict(spec["extra"])
            if "founded_on" in extra:
                extra["founded_on"] = datetime.date.fromisoformat(extra["founded_on"])
            org = org_create(
                actor=SYSTEM,
                parent=parent,
                name=spec["name"],
                short_name=spec["short_name"],
                level=spec["level"],
                org_type=spec["org_type"],
                region_code=spec["region_code"],
                credit_code=demo_credit_code(spec["region_code"], self.serial),
                **extra,
            )
            self.created += 1
        for child in spec["children"]:
            self._ensure(child, parent=org)

    def _ensure_accounts(self):
        listed = [("admin", "superuser", "—")]
        if not User.objects.filter(username="admin").exists():
            root = Organization.objects.get(parent__isnull=True, name=TREE["name"])
            user_create(
                actor=SYSTEM, username="admin", password=DEMO_PASSWORD, role="superuser",
                organization=root, display_name="平台管理员", is_staff=True, is_superuser=True,
            )  # fmt: skip
        for username, role, org_name in DEMO_ACCOUNTS:
            listed.append((username, role, org_name))
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                actor=SYSTEM,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                organization=Organization.objects.get(name=org_name),
                display_name=org_name + "干部",
            )
        return listed
