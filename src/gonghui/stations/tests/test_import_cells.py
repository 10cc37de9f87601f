"""Issue 10: the station importer reads cells as the clerk meant them (core.spreadsheet)."""

import io

import pytest
from openpyxl import Workbook

from gonghui.stations import importer
from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db

HEADER = ["名称", "类型", "运营工会", "地址", "纬度", "经度", "营业时间", "可容纳人数", "联系电话"]


def xlsx(rows, before=()):
    book = Workbook()
    for row in [*before, HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(**changes):
    cells = dict(zip(HEADER, ["一号站", "职工之家", "郾城区总工会", "某路", "33.59", "114.01",
                              "每天 07:00-21:00", "20", ""], strict=True))  # fmt: skip
    return [changes.get(h, v) for h, v in cells.items()]


def run(personas, content):
    return importer.import_stations(
        actor=personas.yancheng_officer, filename="s.xlsx", content=content
    )


def test_title_row_full_width_numbers_and_phone_are_read_and_listed(personas):
    content = xlsx(
        [row(纬度="３３．５９", 可容纳人数="２０", 联系电话="+86 139-0000-0001", 名称="一号站 ")],
        before=[["郾城区服务阵地一览表"]],
    )
    result = run(personas, content)
    assert result.ok, result.errors
    station = Station.objects.get()
    assert (station.latitude, station.capacity, station.contact_phone) == (
        33.59, 20, "13900000001",
    )  # fmt: skip
    listed = {(c.row, c.column, c.before, c.after) for c in result.changes}
    assert (3, "纬度", "３３．５９", "33.59") in listed
    assert (3, "联系电话", "+86 139-0000-0001", "13900000001") in listed


def test_control_character_in_a_station_name_refuses_the_file(personas):
    result = run(personas, xlsx([row(名称="一号\u202e站")]))
    [(number, errors)] = result.errors
    assert number == 2 and "控制字符" in errors["name"][0]
    assert not Station.objects.exists()


def test_import_page_lists_the_corrected_cells(client, personas):
    client.force_login(personas.yancheng_officer)
    upload = io.BytesIO(xlsx([row(经度="１１４．０１")]))
    upload.name = "s.xlsx"
    response = client.post("/stations/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="import-changes"' in page
    assert "１１４．０１" in page and Station.objects.get().longitude == 114.01
