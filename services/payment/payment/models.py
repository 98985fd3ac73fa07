"""Tables of the payment service's own database. Money columns are integer fen."""
from sqlalchemy import (JSON, BigInteger, Date, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.batches import BatchCopy
from kernel.db import Timestamp, make_base

Base = make_base()


class Batch(BatchCopy, Base):
    """Payment's own copy of the exam service's batches (kernel.batches)."""


class Project(Base):
    """A project of the fee schedule: its Chinese name is what payment notes say (P2)."""
    __tablename__ = "projects"
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))


class Fee(Base):
    """F1: the fee of a project from a date on (the latest entry in force applies)."""
    __tablename__ = "fees"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_code: Mapped[str] = mapped_column(ForeignKey("projects.code"), index=True)
    effective_from = mapped_column(Date, nullable=False)
    amount_fen: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(100))
    set_at = mapped_column(Timestamp(), nullable=False)
    __table_args__ = (UniqueConstraint("project_code", "effective_from",
                                       name="uq_fees_project_date"),)


class Receipt(Base):
    """An uploaded bank receipt (M3), stored by its SHA-256."""
    __tablename__ = "receipts"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at = mapped_column(Timestamp(), nullable=False)


class ReceiptUploader(Base):
    """Who uploaded a receipt, as the gateway names its callers (``candidate:<user
    name>``, ``institution:<code>``): the uploader reads it before a payment holds it."""
    __tablename__ = "receipt_uploaders"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    uploader: Mapped[str] = mapped_column(String(120), primary_key=True)
    uploaded_at = mapped_column(Timestamp(), nullable=False)


class Item(Base):
    """What one approved application has to pay (from review.application_approved)."""
    __tablename__ = "items"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    project_code: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(12))            # institution | individual
    institution_code = mapped_column(String(40), nullable=True, index=True)
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    reference: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    submission_id = mapped_column(String(36), nullable=True)
    amount_fen = mapped_column(Integer, nullable=True)           # what was confirmed
    approved_at = mapped_column(Timestamp(), nullable=True)
    paid_at = mapped_column(Timestamp(), nullable=True)
    note = mapped_column(Text, nullable=True)                    # why it closed
    # P2 (2024 notice): the 三联单 the center's office issued to an individual
    slip_number = mapped_column(String(40), nullable=True)
    slip_issued_by = mapped_column(String(100), nullable=True)
    slip_issued_at = mapped_column(Timestamp(), nullable=True)
    updated_at = mapped_column(Timestamp(), nullable=False)


class Credit(Base):
    """A credit line of the center's bank statement (K1), unique by bank serial."""
    __tablename__ = "credits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bank_serial: Mapped[str] = mapped_column(String(64), unique=True)
    value_date = mapped_column(Date, nullable=False, index=True)
    amount_fen = mapped_column(BigInteger, nullable=False)
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_account: Mapped[str] = mapped_column(String(64), default="")
    note = mapped_column(Text, nullable=False, default="")
    statement_id = mapped_column(ForeignKey("statements.id"), nullable=False)
    line_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), index=True)  # unmatched|ambiguous|matched
    method = mapped_column(String(10), nullable=True)            # reference | name | manual
    candidates = mapped_column(JSON, nullable=True)
    matched_by = mapped_column(String(100), nullable=True)
    matched_at = mapped_column(Timestamp(), nullable=True)


class Statement(Base):
    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    imported_at = mapped_column(Timestamp(), nullable=False)
    summary = mapped_column(JSON, nullable=False)        # counts and the broken rows


class Submission(Base):
    """A payment submission: one transfer, its receipt, the applications it pays."""
    __tablename__ = "submissions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(10), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    payer_kind: Mapped[str] = mapped_column(String(12))          # institution | self | proxy
    institution_code = mapped_column(String(40), nullable=True, index=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_account: Mapped[str] = mapped_column(String(64), default="")
    payee_name: Mapped[str] = mapped_column(String(200))
    payee_account: Mapped[str] = mapped_column(String(64))
    amount_fen = mapped_column(BigInteger, nullable=False)       # on the receipt
    expected_fen = mapped_column(BigInteger, nullable=False)     # the fees due (F1)
    note = mapped_column(Text, nullable=False, default="")
    receipt_hash: Mapped[str] = mapped_column(ForeignKey("receipts.hash"))
    transfer_date = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at = mapped_column(Timestamp(), nullable=False)
    decided_by = mapped_column(String(100), nullable=True)
    decided_at = mapped_column(Timestamp(), nullable=True)
    decision_reason = mapped_column(Text, nullable=True)
    credit_id = mapped_column(ForeignKey("credits.id"), nullable=True, index=True)


class SubmissionLine(Base):
    __tablename__ = "submission_lines"
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("items.application_id"),
                                                primary_key=True, index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)             # the fee due (F1)


class Refund(Base):
    """B1: a confirmed payment of a cancelled batch, to be paid back."""
    __tablename__ = "refunds"
    application_id: Mapped[str] = mapped_column(ForeignKey("items.application_id"),
                                                primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    project_code: Mapped[str] = mapped_column(String(80))
    amount_fen: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[str] = mapped_column(String(36))
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_account: Mapped[str] = mapped_column(String(64), default="")
    reason = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # due | refunded
    listed_at = mapped_column(Timestamp(), nullable=False)
    refunded_by = mapped_column(String(100), nullable=True)
    refunded_at = mapped_column(Timestamp(), nullable=True)
    refund_note = mapped_column(Text, nullable=True)
