"""Tables of the review service's own database."""
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.batches import BatchCopy
from kernel.db import Timestamp, make_base

Base = make_base()


class Batch(BatchCopy, Base):
    """Review's own copy of the exam service's batches (kernel.batches)."""


class Application(Base):
    """Review's view of an application, kept from registration's events."""
    __tablename__ = "applications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    project_code: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(12))            # institution | individual
    institution_code = mapped_column(String(40), nullable=True, index=True)
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), index=True)   # domain.STATUSES
    round: Mapped[int] = mapped_column(Integer, default=1)
    # what the reviewer sees: person, claim, precheck, first_review, photo,
    # materials, sex, birth_date, changed (resubmission)
    submission = mapped_column(JSON, nullable=False)
    submitted_at = mapped_column(Timestamp(), nullable=False)
    updated_at = mapped_column(Timestamp(), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}   # two reviewers at once: one wins


class Task(Base):
    """One review round of an application: opened by a submission or a
    resubmission, finished by a decision or closed (withdrawal, window, B1)."""
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    round: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))           # domain.STAGES
    state: Mapped[str] = mapped_column(String(10))           # open | decided | closed
    received_on = mapped_column(Date, nullable=False)
    due_on = mapped_column(Date, nullable=True)              # None: not known yet
    opened_at = mapped_column(Timestamp(), nullable=False)
    outcome = mapped_column(String(20), nullable=True)       # approved | rejected | returned
    reviewer = mapped_column(JSON, nullable=True)            # {name, role, institution_code}
    reason = mapped_column(Text, nullable=True)
    fields_to_fix = mapped_column(JSON, nullable=True)
    decided_at = mapped_column(Timestamp(), nullable=True)
    closed_reason = mapped_column(Text, nullable=True)
    closed_at = mapped_column(Timestamp(), nullable=True)

    __table_args__ = (
        UniqueConstraint("application_id", "round", name="uq_tasks_application_round"),
        Index("ix_tasks_state_due_on", "state", "due_on"),
    )


class HistoryEntry(Base):
    """What happened to an application in review, including events recorded and
    ignored (no foreign key: an event may name an application review never saw)."""
    __tablename__ = "history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    at = mapped_column(Timestamp(), nullable=False)
    what: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    note = mapped_column(Text, nullable=True)
    details = mapped_column(JSON, nullable=True)


class DishonestyRecord(Base):
    """R4: falsified material found in an application, recorded against the
    person (2024: "一经查实将认定为不诚信行为"), shown to reviewers whenever that
    person applies again. The person is keyed by a hash of the ID number
    (domain.person_key), never the number itself."""
    __tablename__ = "dishonesty_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    batch_code: Mapped[str] = mapped_column(String(20))
    project_code: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))        # domain.DISHONESTY_KINDS
    finding = mapped_column(Text, nullable=False)        # what was falsified
    materials = mapped_column(JSON, nullable=True)       # which fields / files
    recorded_by = mapped_column(JSON, nullable=False)    # {name, role}
    recorded_at = mapped_column(Timestamp(), nullable=False)
