"""The production configuration for in-process benchmarks: DEBUG off, with the keys and
backends settings.py requires outside DEBUG (throwaway values, never used for real data)."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "MEMBER_SMS_BACKEND": "gonghui.joining.sms.SmsBackend",
    "CASES_NOTIFY_BACKEND": "gonghui.cases.notify.NotifyBackend",
    "TASKS_BACKEND": "database",
    "MEMBER_ID_KEYS": f"k1:{secrets.token_urlsafe(40)}",
    "MEMBER_ID_HASH_KEY": secrets.token_urlsafe(40),
    "MEMBER_CARD_KEYS": f"c1:{secrets.token_urlsafe(40)}",
}


def use_production_settings() -> None:
    """Set the production environment and collect the static files once, as `make serve` does
    (production pages name hashed files from the manifest)."""
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    if "STATIC_ROOT" not in os.environ:
        os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="gonghui-bench-static-")
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            check=True,
        )
