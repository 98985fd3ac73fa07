"""An assessor applicant's uploads (AT2, project-local): the 2025 notice names
the documents (个人证件照, 盖章的申报表, 身份证复印件, 证书复印件及佐证材料,
单位参保证明, 聘用协议: 六(二)) but sets no format or size, so the candidates'
M1 (photo under 50 KB, stated by the 2026 exam notice) and M2 (scans 200-300 KB)
do not apply. A photo is a JPEG or PNG, a scan a JPEG, PNG or PDF, detected from
the bytes and opening; each at most the configured size (Policy.photo_max_kb,
scan_max_kb; KB = 1,024 bytes); no minimum."""
from kernel import files
from kernel.errors import RuleViolation

RULE = "AT2"
KINDS = {"photo": ("jpeg", "png"), "scan": ("jpeg", "png", "pdf")}
KB = 1024


def check_material(data, purpose, policy, field="content_base64"):
    """Return the detected kind ('jpeg', 'png', 'pdf') or raise RuleViolation (AT2)."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise RuleViolation("FILE_EMPTY", "the file is empty", field=field, rule=RULE)
    kind = files.sniff(data)
    if kind not in KINDS[purpose]:
        raise RuleViolation("FILE_TYPE", f"a {purpose} must be one of "
                            f"{', '.join(k.upper() for k in KINDS[purpose])}", field=field,
                            rule=RULE, details={"detected": kind})
    limit = (policy.photo_max_kb if purpose == "photo" else policy.scan_max_kb) * KB
    if len(data) > limit:
        raise RuleViolation("ASSESSOR_FILE_TOO_LARGE", f"a {purpose} may be at most {limit // KB} KB; it is "
                            f"{len(data) / KB:.1f} KB", field=field, rule=RULE,
                            details={"size": len(data), "max": limit})
    # scans' pixel cap for both: a phone photo of the applicant is several megapixels
    if not files.check_pixels(kind, data, "scan", field=field, rule=RULE):
        raise RuleViolation("FILE_CORRUPT", f"the file looks like {kind.upper()} but does not "
                            "open", field=field, rule=RULE)
    return kind
