import io

import pytest
from PIL import Image

from gonghui.cases import defaults, notify
from gonghui.cases.models import CaseType, Holiday
from gonghui.members.tests.factories import make_member

WORKER_PHONE = "13800138000"  # personas.worker's phone


@pytest.fixture
def browser(live_server, chromium):
    """The suite's chromium, started after the live server the browser tests talk to."""
    return chromium


@pytest.fixture(autouse=True)
def cases_setup(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CASES_NOTIFY_BACKEND = "gonghui.cases.notify.MemoryBackend"
    notify.outbox.clear()
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        defaults.seed(CaseType, Holiday)
    yield
    notify.outbox.clear()


@pytest.fixture
def types(db):
    return {t.code: t for t in CaseType.objects.all()}


@pytest.fixture
def yancheng_member(personas):
    """The persona worker's own membership, in a project union under 郾城区."""
    return make_member(personas.yancheng_project, name="郾城职工", phone=WORKER_PHONE)


@pytest.fixture
def hunan_member(personas):
    return make_member(personas.xinwuling, name="新屋岭职工")


def png_bytes(size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 20, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
