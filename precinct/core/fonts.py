"""Roboto cut down to the letters Vietnamese documents use, for fast rendering of PDFs (results, receipts).

fpdf2 parses the whole TrueType file for every document and subsets it again on output; Roboto has
3,359 glyphs (Latin, Greek, Cyrillic, symbols) and that parsing was most of a result's render time.
These files keep the ~490 glyphs of Basic Latin, Latin-1, Latin Extended-A, ơ/ư, the Vietnamese block
(U+1EA0–U+1EF9), the combining tone marks and common punctuation, without layout tables (fpdf2 does no
shaping here). They are made once per machine from the installed `font-roboto` package into the temporary
directory (~2 s) and reused by every process. A document whose text needs any other character is drawn
with the full fonts instead (`covers`).
"""

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import font_roboto

RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x1A0, 0x1A1),
    (0x1AF, 0x1B0),
    (0x300, 0x303),
    (0x309, 0x309),
    (0x323, 0x323),
    (0x1EA0, 0x1EF9),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AB, 0x20AC),
    (0x2116, 0x2116),
    (0x2122, 0x2122),
)
CODEPOINTS = frozenset(c for first, last in RANGES for c in range(first, last + 1))
_ready: tuple[str, str] | None = None


def covers(text: str) -> bool:
    return all(ord(c) in CODEPOINTS or c in "\n\r\t" for c in text)


def _make(source: str, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(CODEPOINTS))
    subsetter.subset(font)
    _decompose(font)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    font.save(str(tmp))
    tmp.replace(target)  # atomic: a parallel process sees the old state or the whole file


def _decompose(font: "Any") -> None:
    """Accented letters are composites (e + circumflex + acute); fpdf2's own subsetting must then
    renumber their components, which means decompiling and recompiling every such glyph for every
    document. Drawn once here as plain outlines, they are copied as bytes instead."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyf = font["glyf"]
    glyph_set = font.getGlyphSet()
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if not glyph.isComposite():
            continue
        recording = DecomposingRecordingPen(glyph_set)
        glyph_set[name].draw(recording)
        pen = TTGlyphPen(None)
        recording.replay(pen)
        simple = pen.glyph()
        simple.recalcBounds(glyf)
        glyf[name] = simple


def vietnamese_fonts() -> tuple[str, str]:
    """Paths of the regular and bold cut-down Roboto, made on first use."""
    global _ready
    if _ready is None:
        key = hashlib.sha256(
            repr((RANGES, 2, os.path.getsize(font_roboto.Roboto), os.path.getsize(font_roboto.RobotoBold))).encode()
        ).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"precinct-fonts-{key}"
        folder.mkdir(exist_ok=True)
        paths = []
        for source, name in ((font_roboto.Roboto, "regular.ttf"), (font_roboto.RobotoBold, "bold.ttf")):
            target = folder / name
            if not target.exists():
                _make(source, target)
            paths.append(str(target))
        _ready = (paths[0], paths[1])
    return _ready
