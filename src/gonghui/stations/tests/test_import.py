import io

import pytest
from openpyxl import Workbook, load_workbook

from gonghui.stations import importer
from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db

HEADER = "名称,类型,运营工会,地址,纬度,经度,营业时间,设施,可容纳人数,联系人,联系电话,简介,启用"


def csv_bytes(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


GOOD = [
    "郾城一号站,户外劳动者驿站,郾城区总工会,郾城区甲路,33.59,114.01,每天 07:00-21:00,饮水、休息,20,张三,0395-1234567,,是",  # noqa: E501
    "郾城二号站,劳动驿站,郾城区总工会,郾城区乙路,33.60,114.02,周一至周五 08:00-18:00,water,,,,,",
]


def test_template_downloads_parse_back_with_every_column(client, personas):
    client.force_login(personas.yancheng_officer)
    csv_response = client.get("/stations/import/template.csv")
    assert csv_response.status_code == 200
    rows = importer.read_rows("t.csv", csv_response.content)
    assert rows[0]["name"] and rows[0]["operator"] == "冷水滩区总工会"
    xlsx = client.get("/stations/import/template.xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[1]] == HEADER.split(",")


def test_clean_csv_creates_stations(personas):
    result = importer.import_stations(
        actor=personas.yancheng_officer, filename="s.csv", content=csv_bytes(*GOOD)
    )
    assert (result.created, result.errors) == (2, [])
    station = Station.objects.get(name="郾城一号站")
    assert station.opening_hours.count() == 7
    assert station.capacity == 20


def test_reimporting_the_same_file_changes_nothing(personas):
    content = csv_bytes(*GOOD)
    importer.import_stations(actor=personas.yancheng_officer, filename="s.csv", content=content)
    again = importer.import_stations(
        actor=personas.yancheng_officer, filename="s.csv", content=content
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Station.objects.count() == 2


def test_a_corrected_file_updates_in_place(personas):
    importer.import_stations(
        actor=personas.yancheng_officer, filename="s.csv", content=csv_bytes(*GOOD)
    )
    changed = GOOD[1].replace("郾城区乙路", "郾城区丙路")
    result = importer.import_stations(
        actor=personas.yancheng_officer, filename="s.csv", content=csv_bytes(GOOD[0], changed)
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Station.objects.get(name="郾城二号站").address == "郾城区丙路"


def test_one_bad_row_writes_nothing_and_reports_each_row(personas):
    bad_hours = GOOD[1].replace("08:00-18:00", "08:00-25:00")
    out_of_scope = "湖南站,暖心驿站,湖南省总工会,长沙,28.2,112.9,,,,,,,"
    result = importer.import_stations(
        actor=personas.yancheng_officer,
        filename="s.csv",
        content=csv_bytes(GOOD[0], bad_hours, out_of_scope),
    )
    assert not result.ok
    assert [number for number, _e in result.errors] == [3, 4]
    assert "hours" in result.errors[0][1]
    assert "operator" in result.errors[1][1]
    assert Station.objects.count() == 0


def test_duplicate_rows_in_one_file_are_refused(personas):
    result = importer.import_stations(
        actor=personas.yancheng_officer, filename="s.csv", content=csv_bytes(GOOD[0], GOOD[0])
    )
    assert result.errors[0][0] == 3
    assert Station.objects.count() == 0


def test_excel_import_works_like_csv(personas):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["表格站", "职工之家", "郾城区总工会", "某路", 33.5, 114.0, "每天 00:00-24:00",
                  "wifi", 30, "", "", "", "是"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    result = importer.import_stations(
        actor=personas.yancheng_officer, filename="s.xlsx", content=out.getvalue()
    )
    assert result.created == 1, result.errors
    assert Station.objects.get(name="表格站").capacity == 30


def test_import_page_reports_row_errors_with_column_names(client, personas):
    client.force_login(personas.yancheng_officer)
    upload = io.BytesIO(csv_bytes(GOOD[1].replace("33.60", "95")))
    upload.name = "s.csv"
    response = client.post("/stations/import/", {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "纬度" in html and "row-error" in html
    assert Station.objects.count() == 0
