"""The audit page on a phone: filter by type and actor, read labels and Beijing time, download
the filtered log (and that download is itself in the log)."""

import datetime
import io
import os
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from gonghui.core.models import AuditLog
from gonghui.core.testing.browser import sign_in
from gonghui.members.tests.factories import make_member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_filters_the_audit_log_and_downloads_it_on_a_phone(
    live_server, phone_page, personas, persona_password
):
    with time_machine.travel(datetime.datetime(2026, 11, 29, 17, 30, tzinfo=datetime.UTC)):
        make_member(personas.yancheng, name="孙七", phone="13912345678")
    page = phone_page
    sign_in(page, live_server.url, "luohe_officer", persona_password)

    page.goto(f"{live_server.url}/audit/")
    page.select_option("#id_type", "members.member")
    page.fill("#id_actor", "system")
    page.click(".audit-filters button[type=submit]")
    table = page.locator("table.table")
    expect(table).to_contain_text("孙七")
    expect(table).to_contain_text("2026-11-30 01:30")
    expect(table).to_contain_text("139****5678")
    expect(table).to_contain_text("职业群体")
    expect(table).not_to_contain_text("郾城区总工会（")  # unions only as names in changes
    expect(table).not_to_contain_text("13912345678")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    with page.expect_download() as download:
        page.click("text=导出Excel")
    rows = list(
        load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active.iter_rows(
            values_only=True
        )
    )
    assert any(row[4] and row[4].startswith("孙七") for row in rows[1:])
    export = AuditLog.objects.get(action="export")
    assert export.actor == personas.luohe_officer
    assert export.changes["filters"] == {"actor": "system", "type": "members.member"}
