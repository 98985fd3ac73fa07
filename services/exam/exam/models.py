"""Tables of the exam service's own database."""
from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kernel.batches import BatchColumns
from kernel.db import Timestamp, make_base

Base = make_base()


class Batch(BatchColumns, Base):
    """An exam plan (考核计划): one exam date and the four windows before it.
    Its columns are kernel.batches.BatchColumns (the same as every service's
    copy of it), with the year indexed, the sequence and the update time."""
    __tablename__ = "batches"
    year: Mapped[int] = mapped_column(Integer, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    updated_at = mapped_column(Timestamp(), nullable=False)

    def windows(self):
        return {w: {"start": getattr(self, f"{w}_start"), "end": getattr(self, f"{w}_end")}
                for w in ("registration", "review", "payment", "ticket")}

    def to_dict(self):
        """Dates as date objects; dump with BatchSchema for the wire."""
        out = {"code": self.code, "year": self.year, "seq": self.seq,
               "exam_date": self.exam_date,
               "re_review_working_days": self.re_review_working_days,
               "accepted_id_documents": list(self.accepted_id_documents),
               "status": self.status, "version": self.version}
        out.update(self.windows())
        return out

    def assign(self, batch):
        for key in ("year", "seq", "exam_date", "re_review_working_days",
                    "accepted_id_documents"):
            if key in batch:
                setattr(self, key, batch[key])
        for w in ("registration", "review", "payment", "ticket"):
            if w in batch:
                setattr(self, f"{w}_start", batch[w]["start"])
                setattr(self, f"{w}_end", batch[w]["end"])


# --- the exam: rosters, rooms, arrangement, dispatch, tickets, scores, publication ---

class BatchProject(Base):
    """One project of one batch: its roster decision (B1)."""
    __tablename__ = "batch_projects"
    batch_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    project_code: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="open")   # open | held | cancelled
    confirmed: Mapped[int] = mapped_column(Integer, default=0)     # counted at the decision
    reason = mapped_column(Text, nullable=True)
    override = mapped_column(JSON, nullable=True)                  # {actor, reason, at}
    decided_at = mapped_column(Timestamp(), nullable=True)
    # B1: 报名人数 as registration last counted it (registrants_counted), and when
    registrants = mapped_column(Integer, nullable=True)
    registrants_counted_at = mapped_column(Timestamp(), nullable=True)


class Candidate(Base):
    """A confirmed-paid candidate on a batch/project roster (payment's events)."""
    __tablename__ = "candidates"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    project_code: Mapped[str] = mapped_column(String(80))
    institution_code = mapped_column(String(40), nullable=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(12))        # confirmed | abandoned | cancelled
    attendance = mapped_column(String(10), nullable=True)  # present | absent
    checked_in = mapped_column(JSON, nullable=True)        # {at, document type, by}
    confirmed_at = mapped_column(Timestamp(), nullable=False)
    updated_at = mapped_column(Timestamp(), nullable=False)


class Profile(Base):
    """What the ticket and the dispatch need of an application (registration's
    events, or its get_application when an event was never seen)."""
    __tablename__ = "profiles"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12))
    institution_code = mapped_column(String(40), nullable=True)
    work_unit = mapped_column(String(200), nullable=True)
    sex = mapped_column(String(1), nullable=True)          # M | F, as registration has it
    photo: Mapped[str] = mapped_column(String(64))
    submitted_at = mapped_column(Timestamp(), nullable=True)


class Note(Base):
    """Events that did not apply (unknown batch, late confirmation, ...): kept, not raised."""
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at = mapped_column(Timestamp(), nullable=False)
    event_type: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(80), index=True)
    note: Mapped[str] = mapped_column(Text)


class Room(Base):
    __tablename__ = "rooms"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(String(300))
    seats = mapped_column(JSON, nullable=False)          # seat names in physical order
    spacing = mapped_column(JSON, nullable=False)        # {rule, seats?}
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at = mapped_column(Timestamp(), nullable=False)


class ExamSession(Base):
    """A session of a batch's exam day (morning, afternoon, ... configurable)."""
    __tablename__ = "sessions"
    batch_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    label: Mapped[str] = mapped_column(String(20))
    starts: Mapped[str] = mapped_column(String(5))       # HH:MM, Asia/Shanghai
    ends: Mapped[str] = mapped_column(String(5))


class Seating(Base):
    """A candidate's session, room, seat and ticket number (the arrangement)."""
    __tablename__ = "seatings"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    project_code: Mapped[str] = mapped_column(String(80))
    session_code: Mapped[str] = mapped_column(String(8))
    room_code: Mapped[str] = mapped_column(String(20))
    seat: Mapped[str] = mapped_column(String(40))
    ticket_number: Mapped[str] = mapped_column(String(13), unique=True)
    exam_date = mapped_column(Date, nullable=False, index=True)


class Card(Base):
    """An assessor card, kept from assessor_training's card events."""
    __tablename__ = "cards"
    card_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(200))
    projects = mapped_column(JSON, nullable=False)
    valid_from = mapped_column(Date, nullable=False)
    valid_until = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10))        # valid | expired | revoked
    reason = mapped_column(Text, nullable=True)
    updated_at = mapped_column(Timestamp(), nullable=False)


class Dispatch(Base):
    """Who staffs a session-room: three assessors and a quality supervisor (T4)."""
    __tablename__ = "dispatches"
    batch_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    session_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    room_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    role: Mapped[str] = mapped_column(String(12))          # assessor | supervisor
    project_code: Mapped[str] = mapped_column(String(80))
    card_number: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(200))


class TicketPrint(Base):
    """Every ticket handed out: who printed, when, and whether after the hand-out day (T1)."""
    __tablename__ = "ticket_prints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(12))       # institution | individual
    requester: Mapped[str] = mapped_column(String(40))     # institution code or ID number
    tickets: Mapped[int] = mapped_column(Integer)
    printed_on = mapped_column(Date, nullable=False)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    at = mapped_column(Timestamp(), nullable=False)


class Score(Base):
    """One part of a candidate's score, in tenths of a point: the computer-based
    part (assessor '') or one assessor's practical score."""
    __tablename__ = "scores"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    part: Mapped[str] = mapped_column(String(10), primary_key=True)   # computer | practical
    assessor: Mapped[str] = mapped_column(String(18), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    sheet_id: Mapped[str] = mapped_column(String(36), index=True)


class ScoreSheet(Base):
    __tablename__ = "score_sheets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    session_code: Mapped[str] = mapped_column(String(8))
    room_code = mapped_column(String(20), nullable=True)   # practical sheets only
    part: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(50))
    filename = mapped_column(String(200), nullable=True)
    rows: Mapped[int] = mapped_column(Integer)
    at = mapped_column(Timestamp(), nullable=False)


class ScoreSummary(Base):
    """A session-room's score summary sheet (成绩汇总表, T4): the recorder's totals
    under the overseer's eye, the score checker's check with the stamped and
    signed scan (then its results count), the paper's archiving."""
    __tablename__ = "score_summaries"
    batch_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    session_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    room_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))        # totalled | checked | archived
    totals = mapped_column(JSON, nullable=False)           # {application id: tenths}
    totalled = mapped_column(JSON, nullable=False)         # {recorder, overseer, at}
    checked = mapped_column(JSON, nullable=True)           # {checker, id_number, note, scan, at}
    archived = mapped_column(JSON, nullable=True)          # {by, location, at}


class SummaryScan(Base):
    """An uploaded scan of a stamped, signed score summary (kept by hash)."""
    __tablename__ = "summary_scans"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    uploader = mapped_column(String(100), nullable=True)
    uploaded_at = mapped_column(Timestamp(), nullable=False)


class SessionRecord(Base):
    """What the center records with a session (T4): the quality supervisor it
    dispatched, their signed supervision record, the assessors' meeting."""
    __tablename__ = "session_records"
    batch_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    session_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    supervisor = mapped_column(JSON, nullable=True)        # {name, id_number, unit, by, at}
    supervision = mapped_column(JSON, nullable=True)       # {record, name, id_number, at}
    meeting = mapped_column(JSON, nullable=True)           # {held_at, attendees, ..., by, at}


class Result(Base):
    """A candidate's result: final score (tenths) once verified; absent for a no-show."""
    __tablename__ = "results"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    final = mapped_column(Integer, nullable=True)
    absent: Mapped[bool] = mapped_column(Boolean, default=False)
    corrected = mapped_column(JSON, nullable=True)          # {by, note, before} after an objection
    finalized_at = mapped_column(Timestamp(), nullable=True)


class Publication(Base):
    """T5: a batch's results on the public list."""
    __tablename__ = "publications"
    batch_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    starts_on = mapped_column(Date, nullable=False)
    ends_on = mapped_column(Date, nullable=False)
    published_at = mapped_column(Timestamp(), nullable=False)
    finalized_at = mapped_column(Timestamp(), nullable=True)
    # results due but not sent by the last finalization run (its chunk was full):
    # finish_finalization sends them next (jobs.FINALIZE_CHUNK)
    finalize_backlog = mapped_column(Integer, nullable=True)


class Objection(Base):
    """A candidate's objection during publication; an open one holds the result (T5)."""
    __tablename__ = "objections"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    batch_code: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))        # open | dismissed | corrected
    lodged_at = mapped_column(Timestamp(), nullable=False)
    resolution = mapped_column(JSON, nullable=True)        # {by, note, at, final}
