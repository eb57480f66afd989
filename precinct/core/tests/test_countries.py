"""ISO 3166-1 alpha-2 codes and passport numbers (precinct/core/countries.py, ADR 0042)."""

import pytest
from django.core.exceptions import ValidationError

from precinct.core.countries import (
    ALPHA_2,
    nationality_errors,
    passport_errors,
    passport_normalised,
    validate_alpha_2,
)


def test_the_assigned_codes_and_nothing_else():
    assert len(ALPHA_2) == 250 and {"VN", "CN", "KR", "US", "DE", "XK"} <= ALPHA_2
    assert nationality_errors("vn") == nationality_errors(" DE ") == []
    for wrong in ("", "VNM", "Vietnam", "XX", "UK", "EU", "1A"):
        assert nationality_errors(wrong), wrong
    validate_alpha_2("FR")
    with pytest.raises(ValidationError):
        validate_alpha_2("ZZ")


def test_a_passport_number_is_six_to_nine_letters_or_digits_upper_case():
    assert passport_normalised(" c01x-00t 47 ") == "C01X00T47"
    assert passport_errors("C01X00T47") == passport_errors("123456") == []
    for wrong in ("12345", "1234567890", "C01X00T4!", "", "Ä1234567"):
        assert passport_errors(passport_normalised(wrong)), wrong
