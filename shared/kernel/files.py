"""File checks by content: magic bytes and a real decode, never the file name.

Project-local rule IDs (the digest names these without an ID):
M1 the photo is a JPEG or PNG; its size limit is the batch's year's (the 2026
notice: "照片大小为<50kb"; the 2024 notice states none), so the registration
service checks it at submission (``photo_max``: ``check`` does when given one).
M2 a scan is JPEG, PNG or PDF, 200 KB <= size <= 300 KB. Both must decode.

KB: the notices do not say 1,000 or 1,024 bytes, and people's file managers
show either. A bound is read the way that accepts what a person sees as within
it: a lower bound in 1,000-byte KB (a 200,000-byte scan is "200 KB"), an upper
bound in 1,024-byte KB (a 307,200-byte scan is "300 KB", a 51,199-byte photo is
under 50 KB). docs/registration.md.
"""
import io

from kernel.errors import RuleViolation

KB = 1024              # an upper bound's KB (see above)
KB_LOWER = 1000        # a lower bound's KB
PHOTO_MAX = 50 * KB    # the 2026 notice's "<50kb": under 51,200 bytes
SCAN_MIN, SCAN_MAX = 200 * KB_LOWER, 300 * KB    # 200,000 <= size <= 307,200 bytes

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


def check_photo_size(size, photo_max, field="file"):
    """M1: a photo of ``size`` bytes under ``photo_max`` (exclusive), else FILE_SIZE."""
    if size >= photo_max:
        raise RuleViolation("FILE_SIZE", f"the photo must be under {photo_max // KB} KB; "
                            f"it is {size / KB:.1f} KB", field=field, rule="M1",
                            details={"size": size, "max": photo_max - 1})


def check(data, purpose, field="file", photo_max=None):
    """Return the detected kind ('jpeg', 'png', 'pdf') or raise RuleViolation.
    A photo's size is checked only against ``photo_max`` (bytes, exclusive) when
    given: the limit is the batch's year's (M1, registration.domain)."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise RuleViolation("FILE_EMPTY", "the file is empty", field=field)
    kind = sniff(data)
    size = len(data)
    if purpose == "photo":
        rule, allowed = "M1", ("jpeg", "png")
        if kind not in allowed:
            raise RuleViolation("FILE_TYPE", "the photo must be a JPEG or PNG image",
                                field=field, rule=rule, details={"detected": kind})
        if photo_max is not None:
            check_photo_size(size, photo_max, field=field)
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
