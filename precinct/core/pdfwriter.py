"""A small, fast PDF writer for documents made in bulk (the receipt every submission's message carries).

fpdf2 (core.pdf) parses the TrueType fonts for every document and subsets them again on output: ~30 ms of CPU
for a one-page receipt, most of a citizen's message. Here the cut-down Roboto (core.fonts: ~490 glyphs,
Vietnamese and Latin) is turned into PDF objects once per process (Type0 / CIDFontType2, Identity-H, with its
widths and a ToUnicode map, so the text is real, searchable text), its glyphs' outlines kept as byte strings;
a document embeds a subset made by copying the outlines of the glyphs it drew (glyph ids unchanged, no
re-encoding), and is otherwise only its content stream: text drawn glyph by glyph from cached widths, with the
same layout rules as fpdf2 (cell margin 1 mm, baseline at half the cell height plus 0.3 of the font size, greedy
word wrap), so `FastOfficialDocument` draws what `core.pdf.OfficialDocument` draws. The output is
deterministic: the same document gives the same bytes (no random id, the creation date is the caller's).

Only text the cut-down fonts cover can be written (`core.fonts.covers`); callers fall back to
`core.pdf.OfficialDocument` otherwise.
"""

import datetime
import struct
import zlib
from dataclasses import dataclass
from typing import Literal

import segno

from precinct.core.fonts import vietnamese_fonts
from precinct.core.pdf import MOTTO, NATIONAL_NAME, Letterhead, Signatory, place_and_date

K = 72 / 25.4  # points per mm
PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
C_MARGIN = 1.0  # fpdf2's interior cell margin (mm)
# The QR code's mask is fixed: choosing the "best" of the eight is most of the symbol's encoding time and any
# mask is a valid symbol of the same URL (ISO/IEC 18004 allows all eight).
QR_MASK = 0


@dataclass(frozen=True)
class _Font:
    glyphs: dict[str, str]  # character -> its glyph id as 4 hex digits
    gids: dict[str, int]  # character -> its glyph id
    widths: dict[str, float]  # character -> advance in thousandths of the font size
    first: int  # the number of its first PDF object
    fixed: tuple[bytes, bytes, bytes, bytes]  # Type0, CIDFontType2, FontDescriptor, ToUnicode objects' bodies
    tables: dict[str, bytes]  # the TrueType tables kept whole (all but glyf and loca; head with long offsets)
    outlines: tuple[bytes, ...]  # each glyph's `glyf` data, by glyph id

    def subset(self, used: set[int]) -> bytes:
        """The font with only these glyphs' outlines (ids unchanged, the others empty): a few KiB instead of the
        whole font, made by copying bytes (the cut-down fonts have no composite glyphs: core.fonts)."""
        glyf = bytearray()
        loca = bytearray()
        for gid, outline in enumerate(self.outlines):
            loca += struct.pack(">I", len(glyf))
            if gid in used or gid == 0:
                glyf += outline + b"\0" * (-len(outline) % 4)
        loca += struct.pack(">I", len(glyf))
        return _sfnt({**self.tables, "glyf": bytes(glyf), "loca": bytes(loca)})


_fonts: tuple[_Font, _Font] | None = None
FONT_OBJECTS = 5  # Type0, CIDFontType2, FontDescriptor, FontFile2, ToUnicode
FIRST_FONT_OBJECT = 4  # 1 Catalog, 2 Pages, 3 Info


def _build_font(path: str, first: int, name: str) -> _Font:
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    upem = font["head"].unitsPerEm
    scale = 1000 / upem
    order = font.getGlyphOrder()
    gid_of = {glyph: gid for gid, glyph in enumerate(order)}
    hmtx = font["hmtx"]
    cmap = font.getBestCmap()
    glyphs = {chr(cp): f"{gid_of[glyph]:04X}" for cp, glyph in cmap.items()}
    widths = {chr(cp): hmtx[glyph][0] * scale for cp, glyph in cmap.items()}
    w_array = " ".join(str(round(hmtx[glyph][0] * scale)) for glyph in order)
    head, os2, hhea = font["head"], font["OS/2"], font["hhea"]
    bbox = " ".join(str(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    reader = font.reader
    tables = {tag: bytes(reader[tag]) for tag in reader.tables if tag not in ("glyf", "loca")}
    head_table = bytearray(tables["head"])
    head_table[8:12] = b"\0\0\0\0"  # checkSumAdjustment: not kept up to date for a subset (readers ignore it)
    head_table[50:52] = struct.pack(">h", 1)  # indexToLocFormat: long offsets
    tables["head"] = bytes(head_table)
    glyf_raw = bytes(reader["glyf"])
    offsets = font["loca"].locations if hasattr(font["loca"], "locations") else list(font["loca"])
    outlines = tuple(glyf_raw[offsets[gid] : offsets[gid + 1]] for gid in range(len(order)))
    bfchars = [f"<{gid_of[glyph]:04X}> <{_utf16(chr(cp))}>" for cp, glyph in sorted(cmap.items())]
    cmap_lines = []
    for start in range(0, len(bfchars), 100):
        chunk = bfchars[start : start + 100]
        cmap_lines.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    to_unicode = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(cmap_lines)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")
    to_unicode_packed = zlib.compress(to_unicode, 6)
    base = f"/PRCNCT+{name}"
    n = first
    fixed = (
        f"<< /Type /Font /Subtype /Type0 /BaseFont {base} /Encoding /Identity-H "
        f"/DescendantFonts [{n + 1} 0 R] /ToUnicode {n + 4} 0 R >>".encode(),
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont {base} "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {n + 2} 0 R /CIDToGIDMap /Identity /DW 0 /W [0 [{w_array}]] >>".encode(),
        f"<< /Type /FontDescriptor /FontName {base} /Flags 32 /FontBBox [{bbox}] /ItalicAngle 0 "
        f"/Ascent {round(hhea.ascent * scale)} /Descent {round(hhea.descent * scale)} "
        f"/CapHeight {round(getattr(os2, 'sCapHeight', hhea.ascent) * scale)} /StemV 80 "
        f"/FontFile2 {n + 3} 0 R >>".encode(),
        f"<< /Length {len(to_unicode_packed)} /Filter /FlateDecode >>\nstream\n".encode()
        + to_unicode_packed
        + b"\nendstream",
    )
    gids = {chr(cp): gid_of[glyph] for cp, glyph in cmap.items()}
    return _Font(glyphs=glyphs, gids=gids, widths=widths, first=first, fixed=fixed, tables=tables, outlines=outlines)


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _sfnt(tables: dict[str, bytes]) -> bytes:
    """A TrueType file of these tables (sorted by tag, each 4-byte aligned, with its checksum)."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    records = bytearray()
    body = bytearray()
    for tag in tags:
        data = tables[tag]
        records += struct.pack(">4sIII", tag.encode("latin-1"), _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return header + bytes(records) + bytes(body)


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def fonts() -> tuple[_Font, _Font]:
    """The regular and bold fonts as PDF objects, built once per process (~0.1 s)."""
    global _fonts
    if _fonts is None:
        regular, bold = vietnamese_fonts()
        _fonts = (
            _build_font(regular, FIRST_FONT_OBJECT, "Roboto-Regular"),
            _build_font(bold, FIRST_FONT_OBJECT + FONT_OBJECTS, "Roboto-Bold"),
        )
    return _fonts


Move = Literal["RIGHT", "LMARGIN", "LEFT"]


class FastDocument:
    """An A4 document drawn with the cut-down Roboto ("" regular, "B" bold), with fpdf2's cell semantics."""

    l_margin = r_margin = t_margin = 18.0
    b_margin = 18.0

    def __init__(self) -> None:
        self.regular, self.bold = fonts()
        self.used: dict[str, set[int]] = {"F1": set(), "F2": set()}  # glyph ids drawn, per font
        self.pages: list[list[str]] = []
        self.title = ""
        self.created: datetime.datetime | None = None
        self.x = self.l_margin
        self.y = self.t_margin
        self.font = self.regular
        self.font_tag = "F1"
        self.size_pt = 11.0
        self.text_rgb = (0, 0, 0)
        self.add_page()

    # --- state ---------------------------------------------------------------------------------------------
    @property
    def w(self) -> float:
        return PAGE_W

    @property
    def h(self) -> float:
        return PAGE_H

    @property
    def font_size(self) -> float:
        return self.size_pt / K

    def add_page(self) -> None:
        self.pages.append([])
        self.x, self.y = self.l_margin, self.t_margin

    def set_title(self, title: str) -> None:
        self.title = title

    def set_font(self, style: str = "", size: float | None = None) -> None:
        self.font, self.font_tag = (self.bold, "F2") if style == "B" else (self.regular, "F1")
        if size is not None:
            self.size_pt = float(size)

    def set_text_color(self, r: int, g: int, b: int) -> None:
        self.text_rgb = (r, g, b)

    def get_y(self) -> float:
        return self.y

    def set_y(self, y: float) -> None:
        self.x, self.y = self.l_margin, y

    def set_x(self, x: float) -> None:
        self.x = x

    def set_xy(self, x: float, y: float) -> None:
        self.x, self.y = x, y

    def ln(self, h: float) -> None:
        self.x = self.l_margin
        self.y += h

    def get_string_width(self, text: str) -> float:
        widths = self.font.widths
        return sum(widths[c] for c in text) * self.size_pt / 1000 / K

    # --- drawing -------------------------------------------------------------------------------------------
    def _out(self, op: str) -> None:
        self.pages[-1].append(op)

    def _text(self, x: float, baseline: float, text: str) -> None:
        glyphs = self.font.glyphs
        gids = self.font.gids
        self.used[self.font_tag].update(gids[c] for c in text)
        r, g, b = self.text_rgb
        self._out(
            f"BT {r / 255:.3f} {g / 255:.3f} {b / 255:.3f} rg /{self.font_tag} {self.size_pt:.2f} Tf "
            f"{x * K:.2f} {(PAGE_H - baseline) * K:.2f} Td <{''.join(glyphs[c] for c in text)}> Tj ET"
        )

    def _break_if_needed(self, h: float) -> None:
        if self.y + h > PAGE_H - self.b_margin:
            x = self.x
            self.add_page()
            self.x = x

    def cell(
        self, w: float, h: float, text: str = "", align: str = "L", new_x: Move = "RIGHT", new_y: str = "TOP"
    ) -> None:
        self._break_if_needed(h)
        if w == 0:
            w = PAGE_W - self.r_margin - self.x
        if text:
            width = self.get_string_width(text)
            dx = (w - width) / 2 if align == "C" else C_MARGIN
            self._text(self.x + dx, self.y + 0.5 * h + 0.3 * self.font_size, text)
        start = self.x
        if new_x == "RIGHT":
            self.x = start + w
        elif new_x == "LMARGIN":
            self.x = self.l_margin
        if new_y == "NEXT":
            self.y += h
        if new_x == "LEFT":
            self.x = start

    def _lines(self, text: str, width: float) -> list[str]:
        """Greedy word wrap at spaces (a word wider than the line is cut by characters), as fpdf2 does."""
        scale = self.size_pt / 1000 / K
        widths = self.font.widths
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if sum(widths[c] for c in candidate) * scale <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = ""
                for c in word:
                    if line and sum(widths[d] for d in line + c) * scale > width:
                        lines.append(line)
                        line = ""
                    line += c
            lines.append(line)
        return lines

    def multi_cell(
        self, w: float, h: float, text: str, align: str = "L", new_x: Move = "RIGHT", new_y: str = "NEXT"
    ) -> None:
        start = self.x
        if w == 0:
            w = PAGE_W - self.r_margin - self.x
        for line in self._lines(text, w - 2 * C_MARGIN):
            self.x = start
            self.cell(w, h, line, align=align, new_x="LEFT", new_y="NEXT")
        if new_x == "LMARGIN":
            self.x = self.l_margin
        elif new_x == "RIGHT":
            self.x = start + w
        else:
            self.x = start

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.3) -> None:
        self._out(f"{width * K:.2f} w {x1 * K:.2f} {(PAGE_H - y1) * K:.2f} m {x2 * K:.2f} {(PAGE_H - y2) * K:.2f} l S")

    def qr(self, url: str, *, x: float, y: float, size: float = 34) -> None:
        """The QR code as filled rectangles, one per run of dark modules in a row (as core.pdf.Document.qr)."""
        code = segno.make(url, error="m", mask=QR_MASK)
        matrix = code.matrix
        border = 1
        module = size / (len(matrix) + 2 * border)
        ops = ["0 g"]
        for r, row in enumerate(matrix):
            c, n = 0, len(row)
            top = PAGE_H - (y + (r + border) * module)
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    ops.append(
                        f"{(x + (start + border) * module) * K:.2f} {(top - module) * K:.2f} "
                        f"{(c - start) * module * K:.2f} {module * K:.2f} re"
                    )
                else:
                    c += 1
        ops.append("f")
        self._out("\n".join(ops))

    # --- output --------------------------------------------------------------------------------------------
    def bytes(self) -> bytes:
        regular, bold = self.regular, self.bold
        first_page = FIRST_FONT_OBJECT + 2 * FONT_OBJECTS
        page_ids = [first_page + 2 * i for i in range(len(self.pages))]
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}

        def obj(number: int, body: bytes) -> None:
            offsets[number] = len(out)
            out.extend(b"%d 0 obj\n" % number + body + b"\nendobj\n")

        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        kids = " ".join(f"{n} 0 R" for n in page_ids)
        obj(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode())
        info = f"/Title <FEFF{_utf16(self.title)}> /Producer (Precinct)"
        if self.created is not None:
            stamp = self.created.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%S")
            info += f" /CreationDate (D:{stamp}Z)"
        obj(3, f"<< {info} >>".encode())
        for font, tag in ((regular, "F1"), (bold, "F2")):
            subset = font.subset(self.used[tag])
            packed = zlib.compress(subset, 6)
            head, descendant, descriptor, to_unicode = font.fixed
            file = b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n" % (len(packed), len(subset))
            file += packed + b"\nendstream"
            for i, body in enumerate((head, descendant, descriptor, file, to_unicode)):
                obj(font.first + i, body)
        resources = (
            f"/Resources << /Font << /F1 {FIRST_FONT_OBJECT} 0 R /F2 {FIRST_FONT_OBJECT + FONT_OBJECTS} 0 R >> >>"
        )
        for number, ops in zip(page_ids, self.pages, strict=True):
            obj(
                number,
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W * K:.2f} {PAGE_H * K:.2f}] "
                f"{resources} /Contents {number + 1} 0 R >>".encode(),
            )
            content = zlib.compress("\n".join(ops).encode("ascii"), 6)
            obj(
                number + 1, b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
            )
        count = max(offsets) + 1
        xref = len(out)
        out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for number in range(1, count):
            out.extend(b"%010d 00000 n \n" % offsets[number])
        out.extend(b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref))
        return bytes(out)


class FastOfficialDocument(FastDocument):
    """core.pdf.OfficialDocument's layout (Decree 30/2020/NĐ-CP) on the fast writer; the same coordinates."""

    LEFT = 78.0

    def letterhead(self, head: Letterhead) -> None:
        top = self.get_y()
        self.set_font("", 10)
        if head.parent:
            self.multi_cell(self.LEFT, 5, head.parent.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("B", 10)
        self.multi_cell(self.LEFT, 5, head.issuer.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        self._rule(self.l_margin + self.LEFT / 2, self.get_y() + 0.8, 24)
        self.ln(2.5)
        if head.number:
            self.set_font("", 10)
            self.cell(self.LEFT, 6, f"Số: {head.number}", align="C", new_x="LMARGIN", new_y="NEXT")
        left_bottom = self.get_y()
        right = self.l_margin + self.LEFT
        width = PAGE_W - self.r_margin - right
        self.set_xy(right, top)
        self.set_font("B", 10)
        self.cell(width, 5, NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
        self.set_font("B", 11)
        self.cell(width, 5.5, MOTTO, align="C", new_x="LEFT", new_y="NEXT")
        self._rule(right + width / 2, self.get_y() + 0.6, self.get_string_width(MOTTO))
        self.ln(2.5)
        self.set_x(right)
        self.set_font("", 10.5)
        self.cell(width, 6, place_and_date(head.place, head.day), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), left_bottom) + 6)
        self.set_font("", 11)

    def _rule(self, centre: float, y: float, length: float) -> None:
        self.line(centre - length / 2, y, centre + length / 2, y)

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font("B", 14)
        self.multi_cell(0, 7, title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font("B", 11.5)
            self.multi_cell(0, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_font("", 11)

    def row(self, label: str, value: str) -> None:
        self.set_font("", 10)
        self.set_text_color(90, 100, 110)
        self.cell(58, 7, label)
        self.set_text_color(20, 30, 40)
        self.set_font("B", 11)
        self.multi_cell(0, 7, value, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font("", 11)

    def closing(self, *, signatory: Signatory | None, recipients: list[str], label: str = "Nơi nhận:") -> None:
        self.ln(6)
        if self.get_y() > PAGE_H - 70:
            self.add_page()
        top = self.get_y()
        half = (PAGE_W - self.l_margin - self.r_margin) / 2
        if recipients:
            self.set_font("B", 9.5)
            self.cell(half, 5, label, new_x="LMARGIN", new_y="NEXT")
            self.set_font("", 9)
            for line in recipients:
                self.multi_cell(half - 4, 4.5, f"- {line}", align="L", new_x="LMARGIN", new_y="NEXT")
        left_bottom = self.get_y()
        if signatory is not None:
            x = self.l_margin + half
            self.set_xy(x, top)
            self.set_font("B", 10.5)
            self.multi_cell(half, 5.5, signatory.position.upper(), align="C", new_x="LEFT", new_y="NEXT")
            if signatory.note:
                self.set_font("", 9)
                self.cell(half, 5, signatory.note, align="C", new_x="LEFT", new_y="NEXT")
            self.ln(14)
            self.set_x(x)
            self.set_font("B", 11)
            self.multi_cell(half, 6, signatory.name, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), left_bottom) + 4)
        self.set_font("", 11)

    def qr_note(self, url: str, text: str, *, size: float = 30) -> None:
        if self.get_y() + size > PAGE_H - self.b_margin:
            self.add_page()
        y = self.get_y()
        self.qr(url, x=self.l_margin, y=y, size=size)
        self.set_xy(self.l_margin + size + 5, y + 2)
        self.set_font("", 8.5)
        self.multi_cell(0, 4.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), y + size) + 2)
        self.set_font("", 11)
