"""Tables of the certificate service's own database."""
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import Timestamp, make_base

Base = make_base()


class SigningKey(Base):
    """A public key that signed or signs certificates (the private half lives
    in the keys directory, never here). Rows are never deleted: old
    certificates keep verifying after a rotation."""
    __tablename__ = "signing_keys"
    kid: Mapped[str] = mapped_column(String(16), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))          # base64url, raw 32 bytes
    created_at = mapped_column(Timestamp(), nullable=False)
    retired_at = mapped_column(Timestamp(), nullable=True)


class ActiveKey(Base):
    """The one key that signs now: a single row (slot 1), so two replicas that
    start together cannot both make their own key the active one."""
    __tablename__ = "active_key"
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(ForeignKey("signing_keys.kid"))
    since = mapped_column(Timestamp(), nullable=False)


class NumberSequence(Base):
    """The last serial used per year (C2 numbering)."""
    __tablename__ = "number_sequences"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class PrintBatch(Base):
    __tablename__ = "print_batches"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)    # 2026-10-P1
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at = mapped_column(Timestamp(), nullable=False)


class Certificate(Base):
    __tablename__ = "certificates"
    number: Mapped[str] = mapped_column(String(14), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36), unique=True)   # C1: one each
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    project_code: Mapped[str] = mapped_column(String(80))
    project_name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(12))              # institution | individual
    institution_code = mapped_column(String(40), nullable=True, index=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    exam_date = mapped_column(Date, nullable=False)
    score = mapped_column(JSON, nullable=True)
    issued_on = mapped_column(Date, nullable=False)
    issued_at = mapped_column(Timestamp(), nullable=False)
    photo_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    kid: Mapped[str] = mapped_column(ForeignKey("signing_keys.kid"))
    signature: Mapped[str] = mapped_column(String(90))
    # the record format signed (domain.RECORD_FORMATS): rows from before SC2 are SC1
    record_format: Mapped[str] = mapped_column(String(4), default="SC2", server_default="SC1")
    status: Mapped[str] = mapped_column(String(10), default="valid")   # valid | revoked
    revoked_at = mapped_column(Timestamp(), nullable=True)
    revoked_on = mapped_column(Date, nullable=True)
    revocation_reason_code = mapped_column(String(30), nullable=True)
    revocation_reason = mapped_column(Text, nullable=True)
    revoked_by = mapped_column(String(100), nullable=True)
    paper_status: Mapped[str] = mapped_column(String(20), default="none")
    print_batch_code = mapped_column(ForeignKey("print_batches.code"), nullable=True,
                                     index=True)

    def to_dict(self):
        return {c.key: getattr(self, c.key) for c in self.__table__.columns}


class Handover(Base):
    """The ledger (证书台账): every time a paper certificate changes hands."""
    __tablename__ = "handovers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_number: Mapped[str] = mapped_column(ForeignKey("certificates.number"),
                                                    index=True)
    kind: Mapped[str] = mapped_column(String(30))  # center_to_institution | center_to_holder
    #                                                | institution_to_holder
    from_party: Mapped[str] = mapped_column(String(60))
    institution_code = mapped_column(String(40), nullable=True, index=True)
    receiver_name: Mapped[str] = mapped_column(String(50))
    receiver_id_number: Mapped[str] = mapped_column(String(18))
    id_document = mapped_column(JSON, nullable=True)
    registration_form = mapped_column(String(100), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    at = mapped_column(Timestamp(), nullable=False)
    handed_on = mapped_column(Date, nullable=False)              # local date


class Note(Base):
    """Events this service heard and did not act on, and why."""
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at = mapped_column(Timestamp(), nullable=False)
    event_id: Mapped[str] = mapped_column(String(36))
    application_id = mapped_column(String(36), nullable=True, index=True)
    note: Mapped[str] = mapped_column(Text)


class Credential(Base):
    """A certificate's verifiable credential (#19), the JSON text exactly as
    signed, and its place in a status list (one index per certificate)."""
    __tablename__ = "credentials"
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)
    certificate_number: Mapped[str] = mapped_column(ForeignKey("certificates.number"),
                                                    primary_key=True)
    status_list: Mapped[int] = mapped_column(ForeignKey("status_lists.id"), index=True)
    status_index: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(ForeignKey("signing_keys.kid"))
    issued_at = mapped_column(Timestamp(), nullable=False)
    # False for a certificate issued before credentials (the migration job): its
    # PDF stays the one issued, without the credential attached
    in_pdf: Mapped[bool] = mapped_column(Boolean, default=True)


class StatusList(Base):
    """A Bitstring Status List credential (statusPurpose revocation), signed
    again at every revocation of one of its certificates."""
    __tablename__ = "status_lists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    bits: Mapped[int] = mapped_column(Integer)
    document = mapped_column(Text, nullable=True)
    etag = mapped_column(String(64), nullable=True)
    updated_at = mapped_column(Timestamp(), nullable=False)


class CardCredential(Base):
    """An assessor card's verifiable credential (#19), made from assessor
    training's card events; its index is in the same status lists as the
    certificates' (the draw checks both tables)."""
    __tablename__ = "card_credentials"
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)
    card_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    status_list: Mapped[int] = mapped_column(ForeignKey("status_lists.id"), index=True)
    status_index: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(ForeignKey("signing_keys.kid"))
    issued_at = mapped_column(Timestamp(), nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
