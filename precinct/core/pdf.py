"""PDF documents with Vietnamese text (Roboto, from the `font-roboto` package) and QR codes (`segno`).

`Document(light=True)` draws with Roboto cut down to the letters Vietnamese uses (core.fonts): several times
faster to render, for documents made in bulk (receipts, results); pass `light=fonts.covers(text)` with every
text the document will show, so a rare character falls back to the full fonts."""

import io

import font_roboto
import segno
from fpdf import FPDF

from precinct.core.fonts import vietnamese_fonts


class Document(FPDF):
    """An A4 page with Unicode fonts registered as "body" (regular and bold)."""

    def __init__(self, *, light: bool = False) -> None:
        self.light = light
        super().__init__(format="A4")
        regular, bold = self.font_files()
        self.add_font("body", "", regular)
        self.add_font("body", "B", bold)
        if light:
            # The cut-down fonts' glyph bounds are final (see core.fonts): fontTools need not unpack every
            # glyph again to recompute them when fpdf2 writes its subset.
            for font in self.fonts.values():
                font.ttfont.recalcBBoxes = False  # type: ignore[union-attr]
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()
        self.set_font("body", size=11)

    def font_files(self) -> tuple[str, str]:
        """Regular and bold TrueType files: the cut-down ones when `light`."""
        return vietnamese_fonts() if self.light else (font_roboto.Roboto, font_roboto.RobotoBold)

    def heading(self, text: str, size: int = 15) -> None:
        self.set_font("body", "B", size)
        self.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "", 11)
        self.ln(2)

    def row(self, label: str, value: str) -> None:
        self.set_font("body", "", 10)
        self.set_text_color(90, 100, 110)
        self.cell(58, 7, label)
        self.set_text_color(20, 30, 40)
        self.set_font("body", "B", 11)
        self.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "", 11)

    def qr(self, url: str, *, x: float, y: float, size: float = 34) -> None:
        png = io.BytesIO()
        segno.make(url, error="m").save(png, kind="png", scale=8, border=1)
        png.seek(0)
        self.image(png, x=x, y=y, w=size, h=size)

    def vector_qr(self, url: str, *, x: float, y: float, size: float = 34) -> None:
        """The QR code drawn as filled rectangles (one per run of dark modules in a row): sharp at any print
        size, and no PNG to encode and decode again (that was a tenth of a result's render time)."""
        code = segno.make(url, error="m")
        rows = [list(row) for row in code.matrix]
        border = 1
        module = size / (len(rows) + 2 * border)
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    self.rect(
                        x + (start + border) * module, y + (r + border) * module, (c - start) * module, module, "F"
                    )
                else:
                    c += 1

    def bytes(self) -> bytes:
        return bytes(self.output())
