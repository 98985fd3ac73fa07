"""Tables of the assessor-training service's own database."""
from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import Timestamp, make_base
from kernel.uploads import MaterialRecord

Base = make_base()


class Period(Base):
    """A training period (培训班): windows, review deadlines, study, exam (A1)."""
    __tablename__ = "periods"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)      # "2025-2"
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    application_start = mapped_column(Date, nullable=False)
    application_end = mapped_column(Date, nullable=False)
    unit_deadline = mapped_column(Date, nullable=False)
    municipal_deadline = mapped_column(Date, nullable=False)
    provincial_deadline = mapped_column(Date, nullable=False)
    study_start = mapped_column(Date, nullable=False)
    study_end = mapped_column(Date, nullable=False)
    required_study_hours: Mapped[int] = mapped_column(Integer)
    exam_date = mapped_column(Date, nullable=False)
    exam_location: Mapped[str] = mapped_column(String(300), default="")
    expected_trainees: Mapped[int] = mapped_column(Integer)
    places_per_unit = mapped_column(Integer, nullable=True)     # None: the configured figure
    pass_score = mapped_column(Integer, nullable=True)          # A5; None: EXAM_PASS_SCORE
    sitting_capacity = mapped_column(Integer, nullable=True)    # A1; None: EXAM_SITTING_CAPACITY
    created_at = mapped_column(Timestamp(), nullable=False)

    __table_args__ = (UniqueConstraint("year", "seq"),)


class Unit(Base):
    """A recommending unit (推荐单位): filed, or proposed with its acceptance date (A2)."""
    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))                 # filed | proposed
    region: Mapped[str] = mapped_column(String(6))                # 510100, ... 510000 = 省直
    filing_accepted_on = mapped_column(Date, nullable=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at = mapped_column(Timestamp(), nullable=False)


class Material(MaterialRecord, Base):
    """Uploaded photos and scans (kernel.uploads)."""


class Application(Base):
    """One person's declaration (申报表) for one period, and where it stands."""
    __tablename__ = "applications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    region: Mapped[str] = mapped_column(String(6), index=True)   # the unit's, at submission
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date = mapped_column(Date, nullable=False)
    person = mapped_column(JSON, nullable=False)       # the rest of the form's personal part
    declared_unit = mapped_column(JSON, nullable=False)   # kind, filing_accepted_on as declared
    projects = mapped_column(JSON, nullable=False)
    project_type: Mapped[str] = mapped_column(String(40))
    conditions = mapped_column(JSON, nullable=False)
    work_summary = mapped_column(Text, nullable=False)
    pledge = mapped_column(JSON, nullable=False)
    materials = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(24), index=True)
    closed_step = mapped_column(String(12), nullable=True)   # the step that rejected / lapsed
    study_minutes: Mapped[int] = mapped_column(Integer, default=0)
    exam_score = mapped_column(Integer, nullable=True)
    exam_recorded_at = mapped_column(Timestamp(), nullable=True)
    submitted_at = mapped_column(Timestamp(), nullable=False)
    updated_at = mapped_column(Timestamp(), nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (UniqueConstraint("period_code", "id_number"),)     # AT1
    __mapper_args__ = {"version_id_col": version}     # concurrent changes: CONCURRENT_UPDATE


class Review(Base):
    """One step of the review chain (A1)."""
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    step: Mapped[str] = mapped_column(String(12))
    authority: Mapped[str] = mapped_column(String(40))
    reviewer: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(10))     # approve | reject | lapsed
    reason = mapped_column(Text, nullable=False)
    decided_on = mapped_column(Date, nullable=False)
    at = mapped_column(Timestamp(), nullable=False)


class StudyEntry(Base):
    """Study time reported for a trainee (A5)."""
    __tablename__ = "study_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    studied_on = mapped_column(Date, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer)
    course: Mapped[str] = mapped_column(String(200), default="")
    recorded_at = mapped_column(Timestamp(), nullable=False)


class Card(Base):
    """An assessor card (考评员资格证卡, A6)."""
    __tablename__ = "cards"
    card_number: Mapped[str] = mapped_column(String(14), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), index=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    project_type: Mapped[str] = mapped_column(String(40))
    valid_from = mapped_column(Date, nullable=False)
    valid_until = mapped_column(Date, nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)     # valid | expired | revoked
    issued_at = mapped_column(Timestamp(), nullable=False)
    revoked_at = mapped_column(Timestamp(), nullable=True)
    revoke_reason = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CardProject(Base):
    __tablename__ = "card_projects"
    card_number: Mapped[str] = mapped_column(ForeignKey("cards.card_number"), primary_key=True)
    project_code: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class CardHistory(Base):
    """What happened to a card: issued, renewed, revoked, expired."""
    __tablename__ = "card_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_number: Mapped[str] = mapped_column(ForeignKey("cards.card_number"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(100))
    note = mapped_column(Text, nullable=True)
    valid_until = mapped_column(Date, nullable=False)
    at = mapped_column(Timestamp(), nullable=False)


class CardSerial(Base):
    """The last card serial of a period (card numbers, A6); updated under a row lock."""
    __tablename__ = "card_serials"
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class TrackEvent(Base):
    """A7: what a unit's or a municipal center's record is made of: a returned
    recommendation, an application let through and found ineligible, a finding."""
    __tablename__ = "track_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(10))          # unit | municipal
    code: Mapped[str] = mapped_column(String(40), index=True)  # unit code | region code
    kind: Mapped[str] = mapped_column(String(30))
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), index=True)
    application_id = mapped_column(ForeignKey("applications.id"), nullable=True)
    note = mapped_column(Text, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(100))
    at = mapped_column(Timestamp(), nullable=False)


class UnitNotice(Base):
    """A7 通报 of a unit: who named it, when, why; from then on it is not accepted."""
    __tablename__ = "unit_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    reason = mapped_column(Text, nullable=False)
    named_by: Mapped[str] = mapped_column(String(100))
    named_on = mapped_column(Date, nullable=False)
    at = mapped_column(Timestamp(), nullable=False)


class MunicipalPlaces(Base):
    """A7 减少参培人员名额: the places the provincial center leaves a municipal center
    in a period (approvals at its step)."""
    __tablename__ = "municipal_places"
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), primary_key=True)
    region: Mapped[str] = mapped_column(String(6), primary_key=True)
    places: Mapped[int] = mapped_column(Integer)
    reason = mapped_column(Text, nullable=False)
    decided_by: Mapped[str] = mapped_column(String(100))
    at = mapped_column(Timestamp(), nullable=False)


class Sitting(Base):
    """A1 分批组织考试: one sitting of a period's exam (90 minutes)."""
    __tablename__ = "sittings"
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[str] = mapped_column(String(5))       # HH:MM on the exam date
    ends_at: Mapped[str] = mapped_column(String(5))
    capacity: Mapped[int] = mapped_column(Integer)


class SittingSeat(Base):
    """A trainee's sitting."""
    __tablename__ = "sitting_seats"
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    period_code: Mapped[str] = mapped_column(String(10), index=True)
    seq: Mapped[int] = mapped_column(Integer)
