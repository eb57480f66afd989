"""Text helpers every app may use: accent folding for accent-insensitive search and matching."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII without accents ('Cư trú' -> 'cu tru'), for accent-insensitive search."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


NAME_PUNCTUATION = frozenset(" '’-.")


def is_plausible_name(text: str) -> bool:
    """A person's name as people write it: letters of any script (Vietnamese included, precomposed or with
    combining marks), spaces, apostrophes, hyphens and dots ("Nguyễn Văn A", "O'Neil", "Jean-Luc"); at least
    one letter. Digits, brackets, angle brackets and other symbols ("<script>…") are refused."""
    text = unicodedata.normalize("NFC", text.strip())
    if not text or not unicodedata.category(text[0]).startswith("L"):
        return False
    return all(unicodedata.category(c)[0] in "LM" or c in NAME_PUNCTUATION for c in text)


def collation_key(text: str) -> tuple[str, str]:
    """A sort key in Vietnamese alphabetical order, close enough for lists of names: accents folded
    ("Hà An" before "Hiệp Hòa") and "Đ" after every "D" (it is a letter of its own), the text itself
    breaking ties."""
    marked = text.replace("đ", "d\x7f").replace("Đ", "D\x7f")
    return fold(marked), text
