"""The 12-digit personal identification number (số định danh cá nhân / CCCD).

Layout: 3 digits province of birth, 1 digit sex and century, 2 digits year of birth, 6 digits.
The sex/century digit: 0/1 = male/female born 1900-1999, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s,
8/9 = 2300s. Province codes are those of the 63 provinces that issued numbers before the 2025
merger (the same as their old statistical codes), taken from the `vietnam-provinces` package.
"""

import datetime
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from vietnam_provinces.legacy import Province as LegacyProvince


class Sex:
    MALE = "male"
    FEMALE = "female"


@cache
def issuing_province_codes() -> frozenset[str]:
    return frozenset(f"{int(p.code):03d}" for p in LegacyProvince.iter_all())


def sex_century_digit(*, sex: str, birth_year: int) -> int:
    century_index = birth_year // 100 - 19  # 1900s -> 0, 2000s -> 1, ...
    return century_index * 2 + (1 if sex == Sex.FEMALE else 0)


def personal_id_errors(
    value: str, *, date_of_birth: datetime.date | None = None, sex: str | None = None
) -> list[str | Promise]:
    """Every reason the number is not valid for this person (empty when it is)."""
    if len(value) != 12 or not value.isdigit():
        return [_("The personal identification number must be exactly 12 digits.")]
    errors: list[str | Promise] = []
    if value[:3] not in issuing_province_codes():
        errors.append(_("The first three digits are not the code of a province of birth."))
    if date_of_birth is not None and sex in (Sex.MALE, Sex.FEMALE):
        year = date_of_birth.year
        if not 1900 <= year <= 2399:
            errors.append(_("The year of birth is outside the range the number can encode."))
        else:
            if int(value[3]) != sex_century_digit(sex=sex, birth_year=year):
                errors.append(_("The fourth digit does not agree with the sex and the century of birth."))
            if value[4:6] != f"{year % 100:02d}":
                errors.append(_("The fifth and sixth digits do not agree with the year of birth."))
    return errors
