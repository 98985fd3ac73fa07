"""Verification (C2, C3): by number, by QR payload, by the PDF file, by person.

Each answer checks the Ed25519 signature, not only the database row: a row
whose fields were changed after signing is reported as not genuine. Functions
take a Session and the Keyring so that the service and the benchmark
(benchmarks/bench_certificate.py) run the very same code. Lookups are plain
Core selects returning dicts (a third of the ORM's cost per lookup: this is
the hot path).
"""
import hashlib

from sqlalchemy import bindparam, select

from kernel import names
from kernel.errors import RuleViolation, ValidationFailed

from certificate import domain
from certificate.models import Certificate

TABLE = Certificate.__table__
BY_NUMBER = select(TABLE).where(TABLE.c.number == bindparam("value"))
BY_PDF = select(TABLE).where(TABLE.c.pdf_sha256 == bindparam("value")).limit(1)
BY_PERSON = select(TABLE).where(TABLE.c.id_number == bindparam("id_number")).order_by(
    TABLE.c.issued_at)


def _one(session, statement, value):
    row = session.execute(statement, {"value": value}).mappings().first()
    return dict(row) if row is not None else None


def judge(keyring, session, cert):
    """The verdict on a stored certificate (a dict of its columns): its record
    must verify."""
    reason = domain.check_signature(domain.record_of(cert), cert["signature"],
                                    keyring.public_key(session, cert["kid"]))
    if reason:
        return domain.not_genuine(reason)
    return _status(cert)


def _status(cert):
    if cert["status"] == "revoked":
        return domain.revoked(cert, cert["revoked_on"], cert["revocation_reason_code"],
                              cert["revocation_reason"])
    return domain.valid(cert)


def by_number(keyring, session, raw_number):
    number = domain.parse_number(raw_number)      # a mistyped number never gets here
    cert = _one(session, BY_NUMBER, number)
    if cert is None:
        return domain.not_genuine("unknown_number")
    return judge(keyring, session, cert)


def many_by_number(keyring, session, raw_numbers):
    """A verdict per number, in order; a malformed or mistyped number gets the
    verdict ``invalid_number`` (with its error code) instead of failing the lot."""
    out = []
    for raw in raw_numbers:
        try:
            out.append(by_number(keyring, session, raw))
        except (RuleViolation, ValidationFailed) as exc:
            out.append({"result": "invalid_number", "reason": exc.code, "message": exc.message,
                        "certificate": None, "revocation": None})
    return out


def by_qr(keyring, session, text, verify_url=None):
    try:
        record_text, signature = domain.split_qr(text, verify_url)
    except domain.ForeignAddress:
        return domain.not_genuine("foreign_address")
    except domain.Malformed:
        return domain.not_genuine("malformed")
    fields = domain.parse_record(record_text)
    reason = domain.check_signature(record_text, signature,
                                    keyring.public_key(session, fields["kid"]))
    if reason:
        return domain.not_genuine(reason)
    cert = _one(session, BY_NUMBER, fields["number"])
    if cert is None:
        return domain.not_genuine("unknown_number")
    if domain.record_of(cert) != record_text or cert["signature"] != signature:
        return domain.not_genuine("record_mismatch")
    # the row holds the very record and signature just verified
    return _status(cert)


def by_pdf(keyring, session, content):
    """A PDF is genuine when it is, byte for byte, one we issued."""
    cert = _one(session, BY_PDF, hashlib.sha256(content).hexdigest())
    if cert is None:
        return domain.not_genuine("pdf_altered")
    return judge(keyring, session, cert)


def by_person(keyring, session, id_number, name):
    """``name`` in normal form (kernel.names); a stored name is compared in
    normal form too (the signed record keeps the name as it was issued)."""
    rows = session.execute(BY_PERSON, {"id_number": id_number}).mappings()
    return [judge(keyring, session, dict(row)) for row in rows
            if names.normalize_lenient(row["name"]) == name]
