"""ISO 3166-1 alpha-2 country codes (the officially assigned ones, 249), for nationalities: a passport's
issuing country, a foreign guest's nationality. Codes only (the pages show the code); taken from Debian's
iso-codes (iso_3166-1.json). "XK" (Kosovo, user-assigned but printed in its passports) is accepted too."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ALPHA_2: frozenset[str] = frozenset(_CODES.split()) | {"XK"}


def is_alpha_2(value: str) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code, upper case as written (callers normalise first)."""
    return value in ALPHA_2


def nationality_errors(value: str) -> list[str]:
    """Why a nationality is refused (empty when it is an ISO 3166-1 alpha-2 code, any case)."""
    if (value or "").strip().upper() in ALPHA_2:
        return []
    return [str(_("The nationality is a two-letter ISO 3166 country code (e.g. VN, CN, KR, US)."))]


def validate_alpha_2(value: str) -> None:
    """A model or form field validator: an ISO 3166-1 alpha-2 code."""
    if errors := nationality_errors(value):
        raise ValidationError(errors[0], code="nationality")


PASSPORT = re.compile(r"^[A-Z0-9]{6,9}$")


def passport_normalised(value: str) -> str:
    """A passport number as stored and matched: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s-]", "", value or "").upper()


def passport_errors(value: str) -> list[str]:
    """Why a passport number (already normalised) is refused: it is 6 to 9 letters or digits."""
    if PASSPORT.match(value):
        return []
    return [str(_("A passport number is 6 to 9 letters or digits."))]
