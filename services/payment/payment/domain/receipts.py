"""Payment receipts (银行回单) checked by content (M3), with kernel.files.

The payment service owns this rule (it moved here from the kernel: the kernel
keeps plumbing only). kernel.files sniffs and decodes the bytes and knows the two purposes of the registration materials (M1 photo,
M2 scan). A bank receipt follows its own rule, project-local ID M3: a JPEG,
PNG or PDF (detected from the bytes, never the file name) that really opens,
of at most 5 MB. The notices give no size for receipts; 5 MB holds a phone
photo of a paper receipt and any e-banking PDF. Receipts come only from the
payment service; a service that takes other payment proofs later calls the
payment service rather than copying this check.
"""
from kernel import files
from kernel.errors import RuleViolation

RECEIPT_MAX = 5 * 1024 * 1024
RECEIPT_KINDS = ("jpeg", "png", "pdf")
RULE = "M3"


def check_receipt(data, field="file"):
    """Return the detected kind ('jpeg', 'png', 'pdf') or raise RuleViolation (M3)."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise RuleViolation("FILE_EMPTY", "the receipt file is empty", field=field, rule=RULE)
    kind = files.sniff(data)
    if kind not in RECEIPT_KINDS:
        raise RuleViolation("FILE_TYPE", "a payment receipt must be an image (JPG, PNG) or a "
                            "PDF", field=field, rule=RULE, details={"detected": kind})
    if len(data) > RECEIPT_MAX:
        raise RuleViolation("FILE_SIZE", f"a payment receipt must be at most 5 MB; it is "
                            f"{len(data) / 1024 / 1024:.1f} MB", field=field, rule=RULE,
                            details={"size": len(data), "max": RECEIPT_MAX})
    if not files._decodes(kind, bytes(data)):
        raise RuleViolation("FILE_CORRUPT", f"the receipt looks like {kind.upper()} but does "
                            "not open", field=field, rule=RULE)
    return kind


def media_type(kind):
    return files.MEDIA_TYPES[kind]
