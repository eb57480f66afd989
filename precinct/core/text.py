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


# The Vietnamese alphabet (with f, j, w, z where Latin puts them, for foreign names): ă and â are letters of
# their own after a, đ after d, ê after e, ô and ơ after o, ư after u. A letter is its base plus the marks
# that make it another letter (breve, circumflex, horn); the other marks are the five tones.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")  # breve, circumflex, horn
# Tones in dictionary order (CLDR's Vietnamese collation): none, grave (huyền), hook (hỏi), tilde (ngã),
# acute (sắc), dot below (nặng).
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

CollationKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...], str]


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """Each character as (the letter without its tone, lower case; its tone; whether it was upper case)."""
    out: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tone = max((_TONE[m] for m in marks if m in _TONE), default=0)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _LETTER_MARKS))
        out.append((letter.lower(), tone, char != char.lower()))
    return out


def collation_key(text: str) -> CollationKey:
    """A sort key in Vietnamese alphabetical order (what a Vietnamese dictionary or ICU's `vi` collation
    does for names): letters by the alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
    ("Ăn" before "Ân", "Đông Triều" after every "D…"), the tones only when the letters are equal
    ("Ha" < "Hà" < "Hả" < "Hã" < "Há" < "Hạ"), then lower case before upper, then the text itself.
    Spaces and punctuation sort before digits and digits before letters, so "Hà An" comes before "Hàn"."""
    letters = _letters(text)
    primary = tuple(
        (3, _LETTER[letter])
        if letter in _LETTER
        else (2, ord(letter))
        if letter.isdigit()
        else (4, ord(letter))
        if letter.isalpha()
        else (1, ord(letter))
        for letter, _tone, _upper in letters
    )
    return primary, tuple(tone for _l, tone, _u in letters), tuple(int(upper) for _l, _t, upper in letters), text
