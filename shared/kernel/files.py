"""File checks by content: magic bytes and a real decode, never the file name.

Project-local rule IDs (the digest names these without an ID):
M1 the photo is a JPEG or PNG under 50 KB; M2 a scan is JPEG, PNG or PDF,
200 KB <= size <= 300 KB. Both must decode.
"""
import io

from kernel.errors import RuleViolation

KB = 1024
PHOTO_MAX = 50 * KB
SCAN_MIN, SCAN_MAX = 200 * KB, 300 * KB

# Pixels an image may decode to, per purpose: a PNG of 50 KB can hold 40
# million pixels of one colour (160 MB decoded). A photo is printed at 35 x 45
# mm (300 dpi: about 413 x 531, 0.22 MP): 1 MP is ample. A scan of an A4 page
# at 300 dpi is 2480 x 3508 (8.7 MP): 12 MP leaves room for a slightly larger
# sheet and a margin; a receipt (payment.domain.receipts, M3, up to 5 MB) is a phone
# photo or a scan at any resolution: it keeps the former cap of 40 MP.
MAX_PIXELS = {"photo": 1_000_000, "scan": 12_000_000, "receipt": 40_000_000}

MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def sniff(data):
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    return None


def _decodes(kind, data, max_pixels=None):
    """Whether the file opens (False too when it has more pixels than
    ``max_pixels``, by default a receipt's cap)."""
    try:
        return _decode(kind, data, MAX_PIXELS["receipt"] if max_pixels is None else max_pixels)
    except TooManyPixels:
        return False


def _decode(kind, data, max_pixels):
    try:
        if kind == "pdf":
            from pypdf import PdfReader
            reader = PdfReader(io.BytesIO(data), strict=False)
            return len(reader.pages) > 0
        from PIL import Image
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > max_pixels:
                raise TooManyPixels(img.width, img.height)
            img.load()
            return img.width > 0 and img.height > 0
    except TooManyPixels:
        raise
    except Exception:
        return False


class TooManyPixels(Exception):
    def __init__(self, width, height):
        super().__init__(width, height)
        self.width, self.height = width, height


def check_pixels(kind, data, purpose, field="file", rule=None):
    """Raise FILE_PIXELS when an image would decode to more pixels than its
    purpose needs (checked from the header, before decoding); return whether
    the file decodes."""
    limit = MAX_PIXELS[purpose]
    try:
        return _decode(kind, bytes(data), limit)
    except TooManyPixels as exc:
        raise RuleViolation("FILE_PIXELS", f"the image is {exc.width} x {exc.height} pixels; "
                            f"a {purpose} may have at most {limit:,} pixels", field=field,
                            rule=rule, details={"width": exc.width, "height": exc.height,
                                                "max_pixels": limit})


def check(data, purpose, field="file"):
    """Return the detected kind ('jpeg', 'png', 'pdf') or raise RuleViolation."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise RuleViolation("FILE_EMPTY", "the file is empty", field=field)
    kind = sniff(data)
    size = len(data)
    if purpose == "photo":
        rule, allowed = "M1", ("jpeg", "png")
        if kind not in allowed:
            raise RuleViolation("FILE_TYPE", "the photo must be a JPEG or PNG image",
                                field=field, rule=rule, details={"detected": kind})
        if size >= PHOTO_MAX:
            raise RuleViolation("FILE_SIZE", f"the photo must be under 50 KB; it is "
                                f"{size / KB:.1f} KB", field=field, rule=rule,
                                details={"size": size, "max": PHOTO_MAX - 1})
    elif purpose == "scan":
        rule, allowed = "M2", ("jpeg", "png", "pdf")
        if kind not in allowed:
            raise RuleViolation("FILE_TYPE", "a scan must be a JPG, PNG or PDF file",
                                field=field, rule=rule, details={"detected": kind})
        if not SCAN_MIN <= size <= SCAN_MAX:
            raise RuleViolation("FILE_SIZE", f"a scan must be 200 to 300 KB; it is "
                                f"{size / KB:.1f} KB", field=field, rule=rule,
                                details={"size": size, "min": SCAN_MIN, "max": SCAN_MAX})
    else:
        raise ValueError(purpose)
    if not check_pixels(kind, data, purpose, field=field, rule=rule):
        raise RuleViolation("FILE_CORRUPT", f"the file looks like {kind.upper()} but does not "
                            "open", field=field, rule=rule)
    return kind
