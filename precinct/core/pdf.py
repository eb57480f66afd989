"""PDF documents with Vietnamese text (Roboto, from the `font-roboto` package) and QR codes (`segno`), and
the one layout of administrative documents (Decree 30/2020/NĐ-CP) every app's documents use.

`Document(light=True)` draws with Roboto cut down to the letters Vietnamese uses (core.fonts): several times
faster to render, for documents made in bulk (receipts, results); pass `light=fonts.covers(text)` with every
text the document will show, so a rare character falls back to the full fonts."""

import datetime
import io
from dataclasses import dataclass

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

    def qr_png(self, url: str, *, x: float, y: float, size: float = 34) -> None:
        """The QR code as an embedded PNG, as documents drew it before `qr`: kept only for
        bench/notifications_bench.py's before-and-after figure."""
        png = io.BytesIO()
        segno.make(url, error="m").save(png, kind="png", scale=8, border=1)
        png.seek(0)
        self.image(png, x=x, y=y, w=size, h=size)

    def bytes(self) -> bytes:
        return bytes(self.output())


# --- administrative documents (Decree 30/2020/NĐ-CP) ------------------------------------------------------

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
_UNIT_PREFIXES = ("công an ", "tỉnh ", "thành phố ", "phường ", "xã ", "đặc khu ")


def place_name(unit_name: str) -> str:
    """The place a document is issued at, from the issuing body's name: "Công an tỉnh Quảng Ninh" ->
    "Quảng Ninh", "Công an phường Hà An" -> "Hà An" (the locality, as Decree 30 writes it)."""
    name = unit_name.strip()
    for prefix in _UNIT_PREFIXES:
        if name.lower().startswith(prefix):
            name = name[len(prefix) :]
    return name


def place_and_date(place: str, day: datetime.date) -> str:
    """ "Quảng Ninh, ngày 02 tháng 12 năm 2026": days below 10 and months 1 and 2 get a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class Letterhead:
    """The top of an administrative document: the governing body and the issuing body on the left with the
    number and symbol under them, the national name and motto on the right with the place and date."""

    issuer: str
    day: datetime.date
    place: str
    parent: str = ""
    number: str = ""  # "12/KQ-07168": printed as "Số: 12/KQ-07168"


@dataclass(frozen=True)
class Signatory:
    position: str
    name: str
    note: str = ""  # "(Đã ký số)" under the position of a digitally signed document


class OfficialDocument(Document):
    """The one layout of the documents Precinct issues (receipts, results, letters, proofs): letterhead,
    title, body, signature block and recipients ("Nơi nhận"), QR code. Lines that may wrap are aligned
    left, never justified (a justified address line spreads into wide gaps)."""

    LEFT = 78.0  # width of the left column of the letterhead (mm)

    def letterhead(self, head: Letterhead) -> None:
        top = self.get_y()
        self.set_font("body", "", 10)
        if head.parent:
            self.multi_cell(self.LEFT, 5, head.parent.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "B", 10)
        self.multi_cell(self.LEFT, 5, head.issuer.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        self._rule(self.l_margin + self.LEFT / 2, self.get_y() + 0.8, 24)
        self.ln(2.5)
        if head.number:
            self.set_font("body", "", 10)
            self.cell(self.LEFT, 6, f"Số: {head.number}", align="C", new_x="LMARGIN", new_y="NEXT")
        left_bottom = self.get_y()
        right = self.l_margin + self.LEFT
        width = self.w - self.r_margin - right
        self.set_xy(right, top)
        self.set_font("body", "B", 10)
        self.cell(width, 5, NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
        self.set_font("body", "B", 11)
        self.cell(width, 5.5, MOTTO, align="C", new_x="LEFT", new_y="NEXT")
        self._rule(right + width / 2, self.get_y() + 0.6, self.get_string_width(MOTTO))
        self.ln(2.5)
        self.set_x(right)
        self.set_font("body", "", 10.5)
        self.cell(width, 6, place_and_date(head.place, head.day), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), left_bottom) + 6)
        self.set_font("body", "", 11)

    def _rule(self, centre: float, y: float, length: float) -> None:
        self.set_line_width(0.3)
        self.line(centre - length / 2, y, centre + length / 2, y)

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font("body", "B", 14)
        self.multi_cell(0, 7, title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font("body", "B", 11.5)
            self.multi_cell(0, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_font("body", "", 11)

    def paragraph(self, text: str) -> None:
        self.set_font("body", "", 11)
        self.multi_cell(0, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def row(self, label: str, value: str) -> None:
        self.set_font("body", "", 10)
        self.set_text_color(90, 100, 110)
        self.cell(58, 7, label)
        self.set_text_color(20, 30, 40)
        self.set_font("body", "B", 11)
        self.multi_cell(0, 7, value, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "", 11)

    def closing(self, *, signatory: Signatory | None, recipients: list[str], label: str = "Nơi nhận:") -> None:
        """Recipients on the left, the signature block on the right (its position, the note, the name)."""
        self.ln(6)
        if self.get_y() > self.h - 70:
            self.add_page()
        top = self.get_y()
        half = (self.w - self.l_margin - self.r_margin) / 2
        if recipients:
            self.set_font("body", "B", 9.5)
            self.cell(half, 5, label, new_x="LMARGIN", new_y="NEXT")
            self.set_font("body", "", 9)
            for line in recipients:
                self.multi_cell(half - 4, 4.5, f"- {line}", align="L", new_x="LMARGIN", new_y="NEXT")
        left_bottom = self.get_y()
        if signatory is not None:
            x = self.l_margin + half
            self.set_xy(x, top)
            self.set_font("body", "B", 10.5)
            self.multi_cell(half, 5.5, signatory.position.upper(), align="C", new_x="LEFT", new_y="NEXT")
            if signatory.note:
                self.set_font("body", "", 9)
                self.cell(half, 5, signatory.note, align="C", new_x="LEFT", new_y="NEXT")
            self.ln(14)
            self.set_x(x)
            self.set_font("body", "B", 11)
            self.multi_cell(half, 6, signatory.name, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), left_bottom) + 4)
        self.set_font("body", "", 11)

    def qr_note(self, url: str, text: str, *, size: float = 30) -> None:
        """The QR code with its explanation beside it, at the foot of the content (on a new page if needed)."""
        if self.get_y() + size > self.h - self.b_margin:
            self.add_page()
        y = self.get_y()
        self.qr(url, x=self.l_margin, y=y, size=size)
        self.set_xy(self.l_margin + size + 5, y + 2)
        self.set_font("body", "", 8.5)
        self.multi_cell(0, 4.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), y + size) + 2)
        self.set_font("body", "", 11)
