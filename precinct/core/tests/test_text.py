"""Vietnamese collation (core.text.collation_key): the alphabet's own letters, tones as a secondary
difference, real ward names of Quảng Ninh."""

import random
import unicodedata

import pytest

from precinct.core.text import collation_key, fold

# In the order a Vietnamese dictionary gives them.
WARDS = ["Ăn", "Ân", "Đông Triều", "Hà An", "Hạ Long", "Hiệp Hòa"]
TONES = ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]
LETTERS = ["An", "Ăn", "Ân", "Bình Liêu", "Dương Huy", "Đầm Hà", "Em", "Êm", "On", "Ôn", "Ơn", "Ua", "Ưa", "Vân Đồn"]


def _shuffled(names: list[str], seed: int) -> list[str]:
    names = list(names)
    random.Random(seed).shuffle(names)
    return names


@pytest.mark.parametrize("expected", [WARDS, TONES, LETTERS], ids=["wards", "tones", "letters"])
def test_sorting_follows_the_vietnamese_alphabet(expected):
    for seed in range(5):
        assert sorted(_shuffled(expected, seed), key=collation_key) == expected


def test_letters_outweigh_tones_and_tones_outweigh_case():
    # A tone decides only between words whose letters are the same: "Hà An" before "Hạ Long" (a < l), "Hạ" before
    # "Hàn" (a word that ends first comes first), and the unaccented name is not simply first among the accented.
    assert sorted(["Hạ Long", "Hàn", "Hà An", "Ha Long"], key=collation_key) == ["Hà An", "Ha Long", "Hạ Long", "Hàn"]
    assert sorted(["Hà", "hà", "HÀ"], key=collation_key) == ["hà", "Hà", "HÀ"]
    assert collation_key("Hà An") != collation_key("Ha An")  # different names never compare equal


def test_raw_code_points_and_plain_folding_get_it_wrong():
    """What the key fixes: code points put "Hiệp Hòa" before "Hà An" and every "Đ" last; folding accents away
    puts "Ân" before "Ăn" by chance of the text and "Đ" among the "D"s."""
    assert sorted(WARDS) != WARDS
    assert sorted(["Ân", "Ăn", "Dương Huy", "Đầm Hà", "Dũng"], key=lambda s: (fold(s), s)) != [
        "Ăn",
        "Ân",
        "Dũng",
        "Dương Huy",
        "Đầm Hà",
    ]
    assert sorted(["Ân", "Ăn", "Dương Huy", "Đầm Hà", "Dũng"], key=collation_key) == [
        "Ăn",
        "Ân",
        "Dũng",
        "Dương Huy",
        "Đầm Hà",
    ]


def test_composed_and_decomposed_text_sort_the_same():
    decomposed = [unicodedata.normalize("NFD", name) for name in WARDS]
    assert [unicodedata.normalize("NFC", n) for n in sorted(decomposed[::-1], key=collation_key)] == WARDS
    assert collation_key(decomposed[3])[:3] == collation_key(WARDS[3])[:3]


def test_spaces_and_digits_come_before_letters_and_other_scripts_after():
    assert sorted(["Hàn", "Hà An", "Hà 2", "Hà-An"], key=collation_key) == ["Hà 2", "Hà An", "Hà-An", "Hàn"]
    assert sorted(["Москва", "Zeta", "Yên"], key=collation_key) == ["Yên", "Zeta", "Москва"]
