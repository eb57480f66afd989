"""Phone numbers and licence plates mentioned in a report, normalised for the blind index."""

import re

# Vietnamese mobile and landline numbers: 0 or +84 then 9 or 10 digits, with spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\d+])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
# Plates: province code (2 digits), series (letters, optionally a digit), then 4 or 5 digits:
# "14A-123.45", "14A1 234.56", "29H12345", "51F-1234".
_PLATE = re.compile(r"(?<![0-9A-Z])(\d{2})\s*([A-Z]{1,2}\d?)\s*[-\s.]?\s*(\d{3})\.?(\d{1,2})(?![0-9A-Z])")


def phones(text: str) -> set[str]:
    found = set()
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("84"):
            digits = "0" + digits[2:]
        if 10 <= len(digits) <= 11:
            found.add(digits)
    return found


def plates(text: str) -> set[str]:
    return {"".join(m.groups()) for m in _PLATE.finditer(text.upper())}
