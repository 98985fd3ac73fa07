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

# an A4 page scanned at 600 dpi is about 35 million pixels
MAX_PIXELS = 40_000_000

MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def sniff(data):
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    return None


def _decodes(kind, data):
    try:
        if kind == "pdf":
            from pypdf import PdfReader
            reader = PdfReader(io.BytesIO(data), strict=False)
            return len(reader.pages) > 0
        from PIL import Image
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                return False          # a small file that would decode to hundreds of MB
            img.load()
            return img.width > 0 and img.height > 0
    except Exception:
        return False


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
    if not _decodes(kind, bytes(data)):
        raise RuleViolation("FILE_CORRUPT", f"the file looks like {kind.upper()} but does not "
                            "open", field=field, rule=rule)
    return kind
