"""The e-certificate (C3): an A4 PDF with the photo, the person, the project,
the dates, the number and the QR code, the CJK font embedded (kernel.documents).

The QR payload is also kept in the PDF's Keywords (``skillcert:<payload>``) so
that a tool can read it without decoding the image; the service itself
recognises its PDFs by their SHA-256 (verify_pdf).

The certificate's verifiable credential (#19) is attached to the PDF as the
embedded file ``certificate-<number>.json`` (a PDF file attachment, pypdf):
a wallet or a verifier takes it out of the file the holder has.
"""
import io

from pypdf import PdfReader, PdfWriter

from kernel.documents import PAGE_WIDTH_MM, Document

KEYWORDS_PREFIX = "skillcert:"
SEX = {"M": "男", "F": "女"}


def render(cert, photo, qr, issuer, verify_url, credential=None):
    """``cert``: the certificate's columns; ``photo``: JPEG/PNG bytes; ``qr``:
    the QR code's text; ``credential``: the credential's JSON text to attach, or
    None. Returns the PDF's bytes (the same for the same input)."""
    payload = qr.split("?p=", 1)[-1]
    doc = Document(title=f"专项职业能力证书 {cert['number']}",
                   subject="专项职业能力电子证书 Special Vocational Ability e-Certificate",
                   keywords=KEYWORDS_PREFIX + payload, author=issuer)
    mid = PAGE_WIDTH_MM / 2
    doc.frame(10, width=2.0, color=(0.55, 0.1, 0.1))
    doc.frame(13, width=0.6, color=(0.55, 0.1, 0.1))
    doc.text(mid, 45, "专项职业能力证书", size=30, align="center", color=(0.55, 0.1, 0.1))
    doc.text(mid, 55, "Special Vocational Ability Certificate", size=12, align="center",
             color=(0.3, 0.3, 0.3))
    doc.line(30, 62, 180, 62, width=0.6, color=(0.55, 0.1, 0.1))

    doc.image(140, 72, 35, 47, photo)
    rows = [("姓　　名", cert["name"]), ("性　　别", SEX.get(cert["sex"], "")),
            ("身份证号", cert["id_number"]), ("考核项目", cert["project_name"]),
            ("考核日期", _zh_date(cert["exam_date"])), ("发证日期", _zh_date(cert["issued_on"])),
            ("证书编号", cert["number"])]
    doc.fields(30, 80, rows, size=13, label_width=28, leading=11, max_width=105)

    y = doc.wrap(30, 170, f"{cert['name']}同志于{_zh_date(cert['exam_date'])}参加"
                 f"“{cert['project_name']}”专项职业能力考核，成绩合格，特发此证。",
                 width=150, size=13, leading=1.8)
    doc.text(30, y + 6, "This certifies that the holder passed the special vocational ability "
             "assessment named above.", size=9, color=(0.3, 0.3, 0.3))

    doc.text(30, 222, f"发证机构：{issuer}", size=12)
    doc.text(30, 231, f"发证日期：{_zh_date(cert['issued_on'])}", size=12)

    doc.qr(138, 208, 42, qr)
    doc.text(159, 257, "扫码核验 Scan to verify", size=8, align="center")
    doc.text(30, 262, f"核验：{verify_url}（证书编号或二维码）", size=8, color=(0.3, 0.3, 0.3))
    doc.text(30, 267, f"电子签名 Ed25519 · 密钥 {cert['kid']}", size=8, color=(0.3, 0.3, 0.3))
    pdf = doc.finish()
    if credential is not None:
        pdf = attach(pdf, credential_filename(cert["number"]), credential.encode("utf-8"))
    return pdf


def credential_filename(number):
    return f"certificate-{number}.json"


def attach(pdf, filename, data):
    """``pdf`` with ``data`` as an embedded file (deterministic: same bytes in,
    same bytes out)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(filename, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attached_credential(pdf):
    """The credential text attached to an e-certificate PDF, or None."""
    for name, contents in PdfReader(io.BytesIO(pdf)).attachments.items():
        if name.startswith("certificate-") and name.endswith(".json"):
            return contents[0].decode("utf-8")
    return None


def _zh_date(day):
    return f"{day.year}年{day.month}月{day.day}日"
