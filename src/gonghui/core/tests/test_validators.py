import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import validators as v

PROVINCES = sorted(p for p in v.PROVINCE_PREFIXES if p != "10")
CREDIT_CHARS = v.CREDIT_CODE_CHARSET


@st.composite
def id_numbers(draw):
    """Well-formed 18-digit ID numbers with a correct check character."""
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    birth = draw(
        st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2010, 12, 31))
    )
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{region}{birth:%Y%m%d}{serial}"
    return first17 + v.id_card_check_char(first17)


@st.composite
def credit_codes(draw):
    head = draw(st.sampled_from("123456789ABCDEFGNY")) + draw(st.sampled_from("123459"))
    region = draw(st.sampled_from(sorted(v.PROVINCE_PREFIXES))) + draw(
        st.from_regex(r"[0-9]{4}", fullmatch=True)
    )
    body = "".join(draw(st.lists(st.sampled_from(CREDIT_CHARS), min_size=9, max_size=9)))
    first17 = head + region + body
    return first17 + v.credit_code_check_char(first17)


@given(id_numbers())
def test_any_id_number_with_correct_check_char_is_valid(number):
    assert v.is_valid_id_card(number)
    assert v.is_valid_id_card(number.lower())  # a typed lower-case x is accepted


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_changing_any_single_character_breaks_the_id_checksum(number, position, replacement):
    if number[position] == replacement or (position < 17 and replacement == "X"):
        return
    changed = number[:position] + replacement + number[position + 1 :]
    assert not v.is_valid_id_card(changed)


@given(id_numbers())
def test_swapping_two_adjacent_different_digits_is_caught(number):
    for i in range(16):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            assert not v.is_valid_id_card(swapped)
            return


@given(id_numbers())
def test_birth_date_and_gender_come_from_the_number(number):
    birth = v.id_card_birth_date(number)
    assert birth == datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert v.id_card_gender(number) == ("M" if int(number[16]) % 2 else "F")


def test_known_real_format_id_number_is_valid():
    # The GB 11643 worked example.
    assert v.is_valid_id_card("11010519491231002X")
    assert not v.is_valid_id_card("110105194912310021")


def test_future_or_impossible_birth_date_is_refused():
    first17 = "41010120300101123"  # born 2030
    assert not v.is_valid_id_card(first17 + v.id_card_check_char(first17))
    first17 = "41010119900230123"  # 30 February
    assert not v.is_valid_id_card(first17 + v.id_card_check_char(first17))


@given(st.text(max_size=25))
def test_id_validator_never_crashes_on_arbitrary_text(text):
    assert isinstance(v.is_valid_id_card(text), bool)


@given(credit_codes())
def test_any_credit_code_with_correct_check_char_is_valid(code):
    assert v.is_valid_credit_code(code)


@given(credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(CREDIT_CHARS))
def test_changing_one_character_breaks_the_credit_code(code, position, replacement):
    if code[position] == replacement:
        return
    assert not v.is_valid_credit_code(code[:position] + replacement + code[position + 1 :])


def test_known_credit_code_is_valid():
    # 91350100M000100Y43: the GB 32100 standard's published example.
    assert v.is_valid_credit_code("91350100M000100Y43")
    assert not v.is_valid_credit_code("91350100M000100Y44")


@given(st.text(max_size=25))
def test_credit_code_validator_never_crashes(text):
    assert isinstance(v.is_valid_credit_code(text), bool)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mainland_mobile_numbers_are_valid(phone):
    assert v.is_valid_mobile(phone)


@given(
    st.from_regex(
        r"(1[0-2][0-9]{9}|[02-9][0-9]{10}|1[3-9][0-9]{8}|1[3-9][0-9]{10})", fullmatch=True
    )
)
def test_wrong_mobile_numbers_are_refused(phone):
    assert not v.is_valid_mobile(phone)


@given(
    st.sampled_from(PROVINCES),
    st.from_regex(r"(0[1-9]|[1-9][0-9])(0[1-9]|[1-9][0-9])", fullmatch=True),
)
def test_county_region_codes_are_valid(province, rest):
    assert v.is_valid_region_code(province + rest)


@pytest.mark.parametrize("code", ["", "41110", "4111033", "991100", "410012", "100100", "abcdef"])
def test_malformed_region_codes_are_refused(code):
    assert not v.is_valid_region_code(code)


@pytest.mark.parametrize("code", ["100000", "430000", "430100", "430181", "640105"])
def test_real_region_codes_are_valid(code):
    assert v.is_valid_region_code(code)


@given(id_numbers())
def test_masked_id_keeps_only_prefix_and_last_four(number):
    masked = v.mask_id_card(number)
    assert masked == number[:4] + "*" * 10 + number[-4:]


def test_validator_messages_follow_the_active_language():
    with translation.override("en"), pytest.raises(ValidationError) as english:
        v.validate_id_card("110105194912310021")
    with translation.override("en"):
        assert "check" in english.value.messages[0].lower()
    with translation.override("zh-hant"):
        assert "校驗" in english.value.messages[0]
    with translation.override("zh-hans"):
        assert "校验位" in english.value.messages[0]
