"""PDF documents in Chinese: an embedded CJK font, A4 layout, QR codes.

One copy for every service that prints (the certificate service's
e-certificates, the exam service's admission tickets).

The font. reportlab's built-in CID fonts (STSong-Light, ...) are *not*
embedded: a viewer without that font shows blanks or boxes. ``Document``
registers a TrueType CJK font with reportlab's ``TTFont``, which embeds the
subset of glyphs a document uses (``/FontFile2``), so every viewer shows the
text and copy/search work (reportlab writes a ToUnicode map). The default is
WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0: embedding allowed): Debian's
``fonts-wqy-microhei`` when installed, else the pinned PyPI package
``paperang-p2-fonts-cjk``, whose file must have the SHA-256 of that same
release (``WQY_MICROHEI_SHA256``: a package swapped on the registry is refused,
not embedded into certificates); SKILLCERT_CJK_FONT names another
TrueType file or collection (.ttf/.ttc with TrueType outlines; reportlab cannot
embed CFF-flavoured .otf fonts such as the Noto CJK releases).

Layout. Coordinates are millimetres from the *top-left* corner of an A4 page,
as a form is drawn; ``Document`` turns them into reportlab's bottom-left points.
Output is deterministic (reportlab's ``invariant`` mode): the same content gives
the same bytes, so a stored PDF can be compared by its hash.

QR codes are drawn as vector squares from segno's matrix (sharp at any zoom
and in print). ``render_page`` and ``decode_qr`` (pypdfium2, zxing-cpp: test
and ops tools, imported only when called) read a PDF back the way a person
with a phone would.
"""
import io
import os
import threading
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

FONT_NAME = "SkillCertCJK"
PAGE_WIDTH_MM = A4[0] / mm      # 210
PAGE_HEIGHT_MM = A4[1] / mm     # 297

_lock = threading.Lock()


class FontUnavailable(RuntimeError):
    """No usable CJK font: install the pinned font package or set SKILLCERT_CJK_FONT."""


# wqy-microhei.ttc 0.2.0-beta, as Debian's fonts-wqy-microhei ships it
WQY_MICROHEI_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"
DEBIAN_WQY_MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def cjk_font_path():
    configured = os.environ.get("SKILLCERT_CJK_FONT")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise FontUnavailable(f"SKILLCERT_CJK_FONT={configured}: no such file")
        return path
    if DEBIAN_WQY_MICROHEI.is_file():
        return DEBIAN_WQY_MICROHEI
    try:
        import paperang_p2_fonts_cjk
    except ImportError:
        raise FontUnavailable("the CJK font package paperang-p2-fonts-cjk is not installed "
                              "(requirements.txt) and SKILLCERT_CJK_FONT is not set") from None
    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    if not path.is_file():
        raise FontUnavailable(f"{path} is missing from the font package")
    if _sha256(path) != WQY_MICROHEI_SHA256:
        raise FontUnavailable(f"{path} is not the pinned WenQuanYi Micro Hei release "
                              "(SHA-256 differs): reinstall the package or set "
                              "SKILLCERT_CJK_FONT")
    return path


@lru_cache(maxsize=8)
def _sha256(path):
    import hashlib
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def register_cjk_font():
    """Register the CJK font with reportlab once per process; returns its name."""
    with _lock:
        path = cjk_font_path()
        kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), **kwargs))
    return FONT_NAME


def qr_matrix(text, error="m"):
    """The QR code's modules (rows of 0/1), without the quiet zone."""
    import segno
    return [list(row) for row in segno.make(text, error=error, micro=False).matrix]


class Document:
    """An A4 PDF drawn in millimetres from the top-left corner.

        doc = Document(title="准考证", subject="...", keywords="...")
        doc.text(20, 30, "四川省专项职业能力考核", size=18, align="center")
        doc.qr(150, 240, 40, "https://...")
        pdf = doc.finish()
    """

    def __init__(self, title, subject="", keywords="", author="", creator="SkillCert"):
        self.font = register_cjk_font()
        self.buffer = io.BytesIO()
        self.canvas = rl_canvas.Canvas(self.buffer, pagesize=A4, invariant=1,
                                       pageCompression=1, initialFontName=self.font)
        self.canvas.setTitle(title)
        self.canvas.setSubject(subject)
        self.canvas.setKeywords(keywords)
        self.canvas.setAuthor(author)
        self.canvas.setCreator(creator)

    # --- coordinates -----------------------------------------------------------

    @staticmethod
    def _x(x_mm):
        return x_mm * mm

    @staticmethod
    def _y(y_mm):
        return (PAGE_HEIGHT_MM - y_mm) * mm

    # --- drawing ---------------------------------------------------------------

    def width(self, text, size):
        """Width of ``text`` in mm at ``size`` points."""
        return pdfmetrics.stringWidth(text, self.font, size) / mm

    def fit(self, text, size, max_width_mm, min_size=6):
        """The largest size <= ``size`` at which ``text`` fits ``max_width_mm``."""
        while size > min_size and self.width(text, size) > max_width_mm:
            size -= 0.5
        return size

    def text(self, x, y, text, size=11, align="left", color=(0, 0, 0)):
        """Text with its baseline at ``y`` mm; ``align`` left/center/right about ``x``."""
        c = self.canvas
        c.setFillColorRGB(*color)
        c.setFont(self.font, size)
        draw = {"left": c.drawString, "center": c.drawCentredString,
                "right": c.drawRightString}[align]
        draw(self._x(x), self._y(y), text)

    def wrap(self, x, y, text, width, size=11, leading=1.5):
        """Text wrapped at ``width`` mm (character by character: Chinese has no
        spaces); returns the y of the line after the last."""
        line = ""
        for ch in text:
            if self.width(line + ch, size) > width and line:
                self.text(x, y, line, size)
                y += size * leading * 0.3528          # points to mm
                line = ""
            line += ch
        if line:
            self.text(x, y, line, size)
            y += size * leading * 0.3528
        return y

    def fields(self, x, y, rows, size=12, label_width=30, leading=9, max_width=None):
        """Label/value rows ("姓名", "张三"), one every ``leading`` mm; returns the
        y after the last row. Values too long for ``max_width`` mm shrink."""
        for label, value in rows:
            self.text(x, y, label, size, color=(0.3, 0.3, 0.3))
            value = "" if value is None else str(value)
            vsize = self.fit(value, size, max_width - label_width) if max_width else size
            self.text(x + label_width, y, value, vsize)
            y += leading
        return y

    def line(self, x1, y1, x2, y2, width=0.5, color=(0, 0, 0)):
        self.canvas.setStrokeColorRGB(*color)
        self.canvas.setLineWidth(width)
        self.canvas.line(self._x(x1), self._y(y1), self._x(x2), self._y(y2))

    def frame(self, inset, width=1.0, color=(0, 0, 0)):
        """A rectangle ``inset`` mm inside the page edge."""
        self.canvas.setStrokeColorRGB(*color)
        self.canvas.setLineWidth(width)
        self.canvas.rect(inset * mm, inset * mm, (PAGE_WIDTH_MM - 2 * inset) * mm,
                         (PAGE_HEIGHT_MM - 2 * inset) * mm, stroke=1, fill=0)

    def image(self, x, y, w, h, data):
        """A JPEG or PNG (bytes) in the box at (x, y), w x h mm, aspect kept."""
        self.canvas.drawImage(ImageReader(io.BytesIO(data)), self._x(x), self._y(y + h),
                              w * mm, h * mm, preserveAspectRatio=True, anchor="c")

    def qr(self, x, y, size, text, error="m"):
        """A QR code of ``text`` as vector squares, ``size`` mm wide, top-left at
        (x, y). Leave about 4 modules of white around it (the quiet zone)."""
        matrix = qr_matrix(text, error)
        n = len(matrix)
        module = size / n
        c = self.canvas
        c.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(matrix):
            col = 0
            while col < n:
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < n and row[col]:
                    col += 1
                c.rect(self._x(x + start * module), self._y(y + (r + 1) * module),
                       (col - start) * module * mm, module * mm, stroke=0, fill=1)

    def next_page(self):
        self.canvas.showPage()

    def finish(self):
        """The PDF's bytes."""
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


# --- reading a PDF back --------------------------------------------------------

def _reader(data):
    from pypdf import PdfReader
    return PdfReader(io.BytesIO(data), strict=False)


def pdf_text(data):
    """The text of every page (pypdf), pages separated by a form feed."""
    return "\f".join(page.extract_text() or "" for page in _reader(data).pages)


def pdf_info(data):
    """The document information (title, subject, keywords, ...) as a dict."""
    meta = _reader(data).metadata or {}
    return {str(k).lstrip("/").lower(): str(v) for k, v in meta.items()}


def pdf_fonts(data):
    """[(base font name, embedded?)] of every font the pages use."""
    out = []
    for page in _reader(data).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.append((str(font.get("/BaseFont")), embedded))
    return out


def render_page(data, page=0, scale=2.0):
    """A page as a PIL image (pypdfium2): what a screen or a phone camera sees."""
    import pypdfium2
    pdf = pypdfium2.PdfDocument(data)
    try:
        return pdf[page].render(scale=scale).to_pil()
    finally:
        pdf.close()


def decode_qr(image):
    """The texts of the QR codes found in a PIL image (zxing-cpp)."""
    import zxingcpp
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]
