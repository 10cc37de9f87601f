"""core.spreadsheet: each cell reader reads what the clerk meant or refuses (hypothesis)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import spreadsheet
from gonghui.core.validators import id_card_check_char, is_valid_id_card

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
dates = st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@given(day=dates, form=st.sampled_from(["{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日",
                                        "{y}-{m:02d}-{d:02d}", "{y}{m:02d}{d:02d}"]),
       wide=st.booleans())  # fmt: skip
def test_every_written_form_of_a_date_reads_as_that_date(day, form, wide):
    written = form.format(y=day.year, m=day.month, d=day.day)
    if wide:
        written = written.translate(FULL_WIDTH)
    assert spreadsheet.date(written) == day


@given(day=dates)
def test_date_and_datetime_cells_read_as_their_day(day):
    assert spreadsheet.date(day) == day
    assert spreadsheet.date(datetime.datetime.combine(day, datetime.time(9, 30))) == day


@pytest.mark.parametrize("written", ["2023/13/1", "23/5/1", "2023-02-30", "明天", 45047.0])
def test_what_is_not_a_date_is_refused(written):
    with pytest.raises(spreadsheet.CellError):
        spreadsheet.date(written)


@given(
    number=mobiles,
    prefix=st.sampled_from(["", "+86", "0086", "+86 ", "(+86)", "86"]),
    cuts=st.lists(st.integers(1, 10), max_size=3, unique=True),
    separator=st.sampled_from(["-", " ", "\u00a0", "\u3000"]),
    wide=st.booleans(),
)
def test_a_mobile_number_reads_back_whatever_the_clerk_wrapped_it_in(
    number, prefix, cuts, separator, wide
):
    parts = [number[i:j] for i, j in zip([0, *sorted(cuts)], [*sorted(cuts), 11], strict=True)]
    written = prefix + separator.join(parts)
    if wide:
        written = written.translate(FULL_WIDTH)
    assert spreadsheet.mobile(written) == number
    assert spreadsheet.mobile(float(number)) == number


@given(
    day=st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)),
    serial=st.integers(0, 999),
    region=st.sampled_from(["411103", "430181", "110101"]),
)
def test_a_15_digit_number_upgrades_to_exactly_its_18_digit_form(day, serial, region):
    first17 = f"{region}{day:%Y%m%d}{serial:03d}"
    full = first17 + id_card_check_char(first17)
    old = region + full[8:17]
    assert spreadsheet.id_card(old, "身份证号码") == full
    assert is_valid_id_card(full, today=datetime.date(2026, 1, 1))


@given(value=st.one_of(st.integers(10**14, 10**18), st.floats(1e14, 1e18)))
def test_a_long_code_in_a_number_cell_is_always_refused(value):
    with pytest.raises(spreadsheet.CellError) as error:
        spreadsheet.long_code(value, "身份证号码")
    assert "文本" in error.value.message
    assert len(spreadsheet.shown(float(value)).replace(".", "").split("E")[0]) <= 16


@given(
    name=st.text(st.characters(categories=["Lo"]), min_size=1, max_size=5),
    control=st.sampled_from(["\x00", "\x07", "\x1b", "\n", "\t", "\x7f", "\u202e", "\u2066"]),
    at=st.integers(1, 4),
)
def test_a_control_character_inside_a_name_is_refused(name, control, at):
    with pytest.raises(spreadsheet.CellError):
        spreadsheet.name(name[:at] + control + name[at:] + "某")


def test_spaced_chinese_name_loses_spaces_and_latin_name_keeps_one():
    assert spreadsheet.name("张\u3000\u3000三") == "张三"
    assert spreadsheet.name(" 买买提·艾力 ") == "买买提·艾力"
    assert spreadsheet.name("John\u00a0\u00a0Smith") == "John Smith"


def test_header_is_found_below_a_title_and_through_a_vertical_merge():
    table = spreadsheet.Table(
        rows=[
            ["会员花名册", "", ""],
            ["姓名", "证件信息", ""],
            ["", "身份证号码 *", "手机\n号码（必填）"],
            ["张三", "x", "y"],
        ],
        merged=[((0, 0), (0, 2)), ((1, 0), (2, 0)), ((1, 1), (1, 2))],
    )
    header = spreadsheet.find_header(
        table, [("name", ["姓名"]), ("id", ["身份证号码"]), ("phone", ["手机号码"])],
        ["name", "id", "phone"],
    )  # fmt: skip
    assert (header.index, header.positions) == (2, {"name": 0, "id": 1, "phone": 2})
    with pytest.raises(spreadsheet.HeaderNotFound) as error:
        spreadsheet.find_header(table, [("email", ["邮箱"])], ["email"])
    assert error.value.missing == ["email"]


def test_a_csv_with_an_absurdly_long_field_is_refused_with_a_file_error():
    from django.core.exceptions import ValidationError as DjangoValidationError

    from gonghui.core.spreadsheet import read_table

    content = ("姓名,身份证号码\n" + "张" * 200_000 + ",1\n").encode()
    with pytest.raises(DjangoValidationError) as refused:
        read_table(content)
    assert "file" in refused.value.message_dict
