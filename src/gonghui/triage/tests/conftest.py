import datetime

import pytest

from gonghui.cases import defaults, notify
from gonghui.cases import services as case_services
from gonghui.cases.models import CaseType, Holiday
from gonghui.core.scoping import SYSTEM
from gonghui.members.tests.factories import make_member

MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def triage_setup(request, settings):
    settings.CASES_NOTIFY_BACKEND = "gonghui.cases.notify.MemoryBackend"
    settings.TRIAGE_ALERT_THRESHOLD = 5
    settings.TRIAGE_ALERT_WINDOW_DAYS = 3
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        request.getfixturevalue(
            "transactional_db" if "transactional_db" in request.fixturenames else "db"
        )
        defaults.seed(CaseType, Holiday)
    yield
    notify.outbox.clear()


@pytest.fixture
def types(db):
    return {t.code: t for t in CaseType.objects.all()}


@pytest.fixture
def submit(personas, types):
    """submit(text, employer=..., union=..., day=..., code=...) -> a case, as the hall would
    (members of the county union itself by default: no shared workplace links them)."""
    counter = iter(range(1000))

    def make(text, *, employer="", union=None, day=MONDAY, code="wage_arrears", member=None):
        union = union or personas.yancheng
        member = member or make_member(union, name=f"职工{next(counter)}")
        form = {}
        if code == "wage_arrears":
            form = {"employer": employer or "某单位", "amount_owed": 3000}
        elif employer:
            form = {"employer": employer}
        return case_services.case_submit(
            actor=SYSTEM,
            member=member,
            case_type=types[code],
            description=text,
            form_data=form,
            today=day,
        )

    return make
