"""PDF documents with Vietnamese text (Roboto, from the `font-roboto` package) and QR codes (`segno`)."""

import io

import font_roboto
import segno
from fpdf import FPDF


class Document(FPDF):
    """An A4 page with Unicode fonts registered as "body" (regular and bold)."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        regular, bold = self.font_files()
        self.add_font("body", "", regular)
        self.add_font("body", "B", bold)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()
        self.set_font("body", size=11)

    def font_files(self) -> tuple[str, str]:
        """Regular and bold TrueType files (a subclass may use lighter ones: see results.fonts)."""
        return font_roboto.Roboto, font_roboto.RobotoBold

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

    def bytes(self) -> bytes:
        return bytes(self.output())
