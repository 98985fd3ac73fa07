"""Certificate look-ups by person compare names in normal form on both sides:
a certificate issued before kernel.names (its signed name with a trailing space
or another middle dot) is still found, and still verifies (C1, C2)."""
from datetime import date, datetime, timezone

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kernel.testing import sample_id_number

from certificate import domain, signing, verification
from certificate.models import Base, Certificate, SigningKey

ID = sample_id_number("19950315", 7)


class Keyring:
    def __init__(self, key):
        self.kid, self.key = signing.key_id(key), key

    def public_key(self, session, kid):
        return self.key.public_key() if kid == self.kid else None


def test_C1_old_certificate_with_an_unnormalised_signed_name_is_found_and_valid():
    key = signing.generate()
    ring = Keyring(key)
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    now = datetime(2026, 11, 20, tzinfo=timezone.utc)
    cert = {"number": domain.make_number("51", 2026, 42), "application_id": "a1",
            "batch_code": "2026-10", "project_code": "p", "project_name": "大数据运行平台搭建",
            "channel": "individual", "institution_code": None, "id_number": ID,
            "name": "阿依古丽•买买提 ", "sex": "M", "exam_date": date(2026, 10, 24),
            "score": 78, "issued_on": date(2026, 11, 20), "issued_at": now,
            "photo_sha256": "0" * 64, "pdf_sha256": "1" * 64, "kid": ring.kid,
            "status": "valid", "paper_status": "none", "record_format": "SC1"}
    cert["signature"] = signing.sign(key, domain.record_of(cert).encode())
    with Session(engine) as session:
        session.add(SigningKey(kid=ring.kid, algorithm="Ed25519", public_key="x",
                               created_at=now))
        session.add(Certificate(**cert))
        session.commit()
        [verdict] = verification.by_person(ring, session, ID, "阿依古丽·买买提")
        assert verdict["result"] == "valid"
        assert verification.by_person(ring, session, ID, "阿依古丽") == []
