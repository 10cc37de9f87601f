"""A real import worker killed (SIGKILL) mid-file, then the job re-run: nothing lost, nothing
twice. PostgreSQL only: the worker is another process, and needs the test database on disk."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from gonghui.core.models import AuditAction, AuditLog
from gonghui.core.testing.personas import build_personas
from gonghui.members.choices import EventKind, ImportStatus
from gonghui.members.models import ImportJob, Member, MemberEvent
from gonghui.rosters import importing

from .test_import import HEADERS, good_row

ROWS = 12_000
WORKER = (
    "import sys, django; django.setup(); "
    "from gonghui.rosters.importing import run_import; run_import.call(int(sys.argv[1]))"
)


def _counts(union):
    members = Member.objects.filter(union=union)
    return (
        members.count(),
        members.values("member_number").distinct().count(),
        MemberEvent.objects.filter(member__union=union, kind=EventKind.JOIN).count(),
        AuditLog.objects.filter(
            content_type__model="member",
            action=AuditAction.CREATE,
            object_id__in=members.annotate(text_pk=Cast("pk", CharField())).values("text_pk"),
        ).count(),
    )


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the worker process needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_import_worker_killed_mid_file_then_rerun_loses_and_duplicates_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    personas = build_personas()
    union = personas.yancheng_project
    csv = "\n".join(",".join(row) for row in [HEADERS, *(good_row(i) for i in range(ROWS))])
    job = ImportJob(union=union, created_by=personas.luohe_officer, original_name="big.csv",
                    total_rows=ROWS)  # fmt: skip
    job.file.save(
        "import.csv" + importing.SEALED_SUFFIX,
        ContentFile(importing.seal(csv.encode("utf-8"))),
        save=False,
    )
    job.save()

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=str(tmp_path),
               DJANGO_SETTINGS_MODULE="gonghui.test_settings",
               PYTHONPATH=str(Path(__file__).resolve().parents[3]))  # fmt: skip
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(job.pk)], env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            processed = ImportJob.objects.get(pk=job.pk).processed_rows
            if processed >= 2 * importing.BATCH_SIZE:
                break
            assert worker.poll() is None, "the worker ended before it could be killed"
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL

    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    landed, numbers, events, audits = _counts(union)
    # Killed mid-file: some batches landed, whole (members, history and audit rows together).
    assert 0 < landed < ROWS
    assert landed % importing.BATCH_SIZE == 0
    assert numbers == events == audits == landed

    # Ten minutes without a heartbeat: the job reads as dead and is re-run from its file.
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=importing.STALE_MINUTES + 1)
    )
    importing.import_rerun(actor=personas.luohe_officer, job=job)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.existing_count, job.error_count) == (
        ROWS - landed,
        landed,
        0,
    )
    assert _counts(union) == (ROWS, ROWS, ROWS, ROWS)
    assert not job.file  # the roster is gone once the import finished
