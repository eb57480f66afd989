import datetime

import pytest

from precinct.accounts.personal_id import issuing_province_codes, personal_id_errors, sex_century_digit


def test_the_63_issuing_provinces_include_quang_ninh_and_exclude_999():
    codes = issuing_province_codes()
    assert len(codes) == 63
    assert "022" in codes and "001" in codes and "096" in codes
    assert "999" not in codes and "003" not in codes


@pytest.mark.parametrize(
    ("sex", "year", "digit"),
    [("male", 1990, 0), ("female", 1990, 1), ("male", 2005, 2), ("female", 2005, 3), ("male", 2100, 4)],
)
def test_sex_century_digit(sex, year, digit):
    assert sex_century_digit(sex=sex, birth_year=year) == digit


def test_valid_number_for_a_man_born_1990_in_quang_ninh():
    assert personal_id_errors("022090012345", date_of_birth=datetime.date(1990, 3, 1), sex="male") == []


@pytest.mark.parametrize(
    ("value", "dob", "sex", "count"),
    [
        ("022090012345", datetime.date(1990, 3, 1), "female", 1),  # sex digit disagrees
        ("022090012345", datetime.date(1991, 3, 1), "male", 1),  # year digits disagree
        ("022090012345", datetime.date(2090, 3, 1), "male", 1),  # century disagrees
        ("02209001234", None, None, 1),  # 11 digits
        ("02209001234a", None, None, 1),  # not all digits
        ("999090012345", datetime.date(1990, 3, 1), "male", 1),  # no province 999
    ],
)
def test_invalid_numbers(value, dob, sex, count):
    assert len(personal_id_errors(value, date_of_birth=dob, sex=sex)) == count
