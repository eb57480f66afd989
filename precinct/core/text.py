"""Text helpers every app may use: accent folding for accent-insensitive search and matching."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII without accents ('Cư trú' -> 'cu tru'), for accent-insensitive search."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()
