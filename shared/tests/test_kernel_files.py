"""kernel.files: M1 (photo: JPEG/PNG under 50 KB) and M2 (scan: JPEG/PNG/PDF, 200-300 KB).

Every file here is built in the test and really decodes (or really does not): PNGs padded
with a tEXt chunk, JPEGs with COM segments, PDFs with an embedded attachment, each to an
exact byte count.
"""
import io
import os
import struct
import zipfile
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from kernel import files
from kernel.errors import RuleViolation

KB = 1024


def _noise_image(side=48):
    return Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))


def png_of_size(size):
    """A real PNG of exactly ``size`` bytes (noise, plus a tEXt chunk before IEND)."""
    buf = io.BytesIO()
    _noise_image().save(buf, "PNG")
    data = buf.getvalue()
    assert data.endswith(b"IEND\xaeB`\x82")
    head, iend = data[:-12], data[-12:]
    pad = size - len(data) - 12                    # a chunk costs 12 bytes + its data
    assert pad >= len(b"pad\0"), f"{size} is too small for a padded PNG"
    body = b"tEXt" + b"pad\0" + b"x" * (pad - 4)
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    out = head + chunk + iend
    assert len(out) == size
    return out


def jpeg_of_size(size):
    """A real JPEG of exactly ``size`` bytes (noise, plus COM segments after SOI)."""
    buf = io.BytesIO()
    _noise_image().save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    remaining = size - len(data)
    assert remaining >= 4, f"{size} is too small for a padded JPEG"
    segments = []
    while remaining:
        seg = min(remaining, 65537)                # 2 marker + 2 length + <= 65533 data
        if 0 < remaining - seg < 4:                # never leave less than a minimal segment
            seg -= 4
        segments.append(b"\xff\xfe" + struct.pack(">H", seg - 2) + b"p" * (seg - 4))
        remaining -= seg
    out = data[:2] + b"".join(segments) + data[2:]
    assert len(out) == size
    return out


def pdf_of_size(size):
    """A real one-page PDF of exactly ``size`` bytes (blank page + padded attachment)."""
    pad = max(size - 2000, 0)
    for _ in range(5):
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.add_attachment("padding.bin", b"\0" * pad)
        buf = io.BytesIO()
        writer.write(buf)
        out = buf.getvalue()
        if len(out) == size:
            return out
        pad += size - len(out)
    raise AssertionError(f"could not build a PDF of {size} bytes")


BUILDERS = {"jpeg": jpeg_of_size, "png": png_of_size, "pdf": pdf_of_size}


def assert_refused(data, purpose, code, rule):
    with pytest.raises(RuleViolation) as err:
        files.check(data, purpose, field="photo" if purpose == "photo" else "scan")
    assert err.value.code == code
    assert err.value.rule == rule
    assert err.value.field == ("photo" if purpose == "photo" else "scan")
    return err.value


def test_builders_make_files_that_really_decode():
    for kind, build in BUILDERS.items():
        data = build(210 * KB)
        assert len(data) == 210 * KB
        if kind == "pdf":
            assert len(PdfReader(io.BytesIO(data)).pages) == 1
        else:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                assert img.format == kind.upper() and img.size == (48, 48)


# M1: the photo ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["jpeg", "png"])
@pytest.mark.parametrize("size", [50 * 1000, 50 * KB - 1])
def test_M1_photo_just_under_50_KB_is_accepted(kind, size):
    """50,000 bytes ("50 KB" to some) and 51,199 are under 50 KB of 1,024 bytes."""
    assert files.check(BUILDERS[kind](size), "photo", photo_max=files.PHOTO_MAX) == kind


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_M1_photo_of_exactly_50_KB_is_refused(kind):
    with pytest.raises(RuleViolation) as err:
        files.check(BUILDERS[kind](50 * KB), "photo", photo_max=files.PHOTO_MAX)
    assert (err.value.code, err.value.rule) == ("FILE_SIZE", "M1")
    assert err.value.details["size"] == 50 * KB


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_M1_without_the_years_limit_a_larger_photo_is_accepted(kind):
    """The 2024 notice states no photo limit: without ``photo_max`` no size check."""
    assert files.check(BUILDERS[kind](80 * KB), "photo") == kind


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_M1_small_photo_is_accepted(kind):
    assert files.check(BUILDERS[kind](20 * KB), "photo") == kind


def test_M1_pdf_is_not_a_photo():
    assert_refused(pdf_of_size(30 * KB), "photo", "FILE_TYPE", "M1")


def test_M1_text_named_jpg_is_refused_by_content(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_text("this is not a picture\n" * 50)
    err = assert_refused(path.read_bytes(), "photo", "FILE_TYPE", "M1")
    assert err.details == {"detected": None}


def test_M1_zip_named_jpg_is_refused_by_content(tmp_path):
    path = tmp_path / "photo.jpg"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("photo.jpg", png_of_size(10 * KB))
    assert_refused(path.read_bytes(), "photo", "FILE_TYPE", "M1")


def test_M1_jpeg_header_then_garbage_is_corrupt():
    data = b"\xff\xd8\xff\xe0" + os.urandom(30 * KB)
    assert files.sniff(data) == "jpeg"
    assert_refused(data, "photo", "FILE_CORRUPT", "M1")


def test_M1_png_header_then_garbage_is_corrupt():
    assert_refused(b"\x89PNG\r\n\x1a\n" + os.urandom(30 * KB), "photo", "FILE_CORRUPT", "M1")


def test_M1_truncated_jpeg_is_corrupt():
    buf = io.BytesIO()
    _noise_image(160).save(buf, "JPEG", quality=95)
    data = buf.getvalue()
    assert len(data) < 50 * KB
    assert_refused(data[: len(data) // 2], "photo", "FILE_CORRUPT", "M1")


def test_M1_empty_file_is_refused():
    with pytest.raises(RuleViolation) as err:
        files.check(b"", "photo")
    assert err.value.code == "FILE_EMPTY"


# M2: scans -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["jpeg", "png", "pdf"])
@pytest.mark.parametrize("size", [200_000, 200 * KB, 250 * KB, 300_000, 300 * KB])
def test_M2_scan_from_200_to_300_KB_inclusive_is_accepted(kind, size):
    """200,000 bytes is "200 KB" to a person, and so is 307,200 "300 KB"."""
    assert files.check(BUILDERS[kind](size), "scan") == kind


@pytest.mark.parametrize("kind", ["jpeg", "png", "pdf"])
@pytest.mark.parametrize("size", [200_000 - 1, 300 * KB + 1])
def test_M2_scan_outside_200_to_300_KB_is_refused(kind, size):
    err = assert_refused(BUILDERS[kind](size), "scan", "FILE_SIZE", "M2")
    assert err.details == {"size": size, "min": 200_000, "max": 300 * KB}


def test_M2_text_named_pdf_is_refused_by_content():
    assert_refused(b"%PD not quite\n" + b"x" * (250 * KB), "scan", "FILE_TYPE", "M2")


def test_M2_zip_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("scan.pdf", os.urandom(250 * KB))
    assert_refused(buf.getvalue(), "scan", "FILE_TYPE", "M2")


def test_M2_jpeg_header_then_garbage_is_corrupt():
    assert_refused(b"\xff\xd8\xff\xe0" + os.urandom(250 * KB), "scan", "FILE_CORRUPT", "M2")


def test_M2_pdf_header_then_garbage_is_corrupt():
    assert_refused(b"%PDF-1.7\n" + os.urandom(250 * KB), "scan", "FILE_CORRUPT", "M2")


def test_M2_pdf_cut_before_its_cross_reference_table_is_corrupt():
    data = pdf_of_size(250 * KB)
    cut = data.rindex(b"xref")
    assert_refused(data[:cut] + b"\n" * (len(data) - cut), "scan", "FILE_CORRUPT", "M2")


def test_M2_pdf_without_pages_is_corrupt():
    writer = PdfWriter()
    writer.add_attachment("padding.bin", b"\0" * (250 * KB))
    buf = io.BytesIO()
    writer.write(buf)
    data = buf.getvalue()
    assert 200 * KB <= len(data) <= 300 * KB and files.sniff(data) == "pdf"
    assert_refused(data, "scan", "FILE_CORRUPT", "M2")


def test_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError):
        files.check(png_of_size(10 * KB), "avatar")


# --- pixel caps per purpose -------------------------------------------------------------

def _png(width, height, pad_to=None):
    """A one-colour PNG: small in bytes, ``width`` x ``height`` pixels; padded with
    a text chunk to ``pad_to`` bytes."""
    import io as _io
    import struct
    import zlib
    from PIL import Image
    out = _io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    data = out.getvalue()
    if pad_to and len(data) < pad_to:
        body = b"Comment\x00" + b"x" * (pad_to - len(data) - 12 - 8)
        chunk = struct.pack(">I", len(body)) + b"tEXt" + body + \
            struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
        data = data[:-12] + chunk + data[-12:]
    return data


def test_M1_photo_small_in_bytes_but_over_a_million_pixels_is_refused():
    data = _png(8000, 5000)                       # 40 MP in a few KB
    assert len(data) < 50 * 1024
    with pytest.raises(RuleViolation) as err:
        files.check(data, "photo", field="photo")
    assert (err.value.code, err.value.rule, err.value.field) == ("FILE_PIXELS", "M1", "photo")
    assert err.value.details["max_pixels"] == files.MAX_PIXELS["photo"] == 1_000_000
    with pytest.raises(RuleViolation) as err:
        files.check(_png(1001, 1000), "photo")    # just over 1 MP
    assert err.value.code == "FILE_PIXELS"
    assert files.check(_png(1000, 1000), "photo") == "png"


def test_M2_scan_over_its_pixel_cap_is_refused_an_a4_page_at_300_dpi_is_not():
    huge = _png(5000, 3000, pad_to=210 * 1024)     # 15 MP
    assert 200 * 1024 <= len(huge) <= 300 * 1024
    with pytest.raises(RuleViolation) as err:
        files.check(huge, "scan")
    assert (err.value.code, err.value.rule) == ("FILE_PIXELS", "M2")
    a4 = _png(2480, 3508, pad_to=210 * 1024)
    assert files.check(a4, "scan") == "png"


def test_receipts_keep_their_own_cap():
    assert files._decodes("png", _png(5000, 3000))          # 15 MP: a receipt may
    assert not files._decodes("png", _png(8000, 5001))
