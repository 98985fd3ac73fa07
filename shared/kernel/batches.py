"""A service's own copy of the exam service's batches, kept from its events.

Registration, review and payment each need a batch's windows; none reads the
exam database. This is the one shared module of the exam service's batch (a
business piece several services use, kept here rather than copied): its
columns (``BatchColumns``, which the exam service's own table uses too), the
copy's table and how a copy is kept. Each declares ``class Batch(BatchCopy, Base)`` and handles
``exam.batch_scheduled`` / ``exam.batch_updated`` with ``keep(session, Batch,
payload["batch"], contract)``, ``contract`` being the batch as exam declares it
(``exam.events.Batch``: the payload is declared once, by its producer; the kernel
does not import a service); versions only move forward, so redelivered or
reordered events do no harm. ``as_dict(row)`` gives the windows as (start, end) tuples
of dates, the shape the domain rules take.
"""
from sqlalchemy import JSON, Date, Integer, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from kernel.schemas import load

WINDOWS = ("registration", "review", "payment", "ticket")


class BatchColumns:
    """The columns of a batch, declared once: the exam service's own table
    (``exam.models.Batch``, which adds its sequence and update time) and every
    copy of it (``BatchCopy``) take them from here."""
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    exam_date = mapped_column(Date, nullable=False)
    registration_start = mapped_column(Date, nullable=False)
    registration_end = mapped_column(Date, nullable=False)
    review_start = mapped_column(Date, nullable=False)
    review_end = mapped_column(Date, nullable=False)
    payment_start = mapped_column(Date, nullable=False)
    payment_end = mapped_column(Date, nullable=False)
    ticket_start = mapped_column(Date, nullable=False)
    ticket_end = mapped_column(Date, nullable=False)
    re_review_working_days: Mapped[int] = mapped_column(Integer)
    accepted_id_documents = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    version: Mapped[int] = mapped_column(Integer, default=1)


class BatchCopy(BatchColumns):
    """A service's copy of the exam service's batches (the table ``batches``)."""
    __tablename__ = "batches"


def keep(session, model, raw, contract):
    """Apply a batch from an event or RPC, loaded with ``contract`` (the exam
    service's ``exam.events.Batch``); returns 1 if the copy changed."""
    data = load(contract(), raw)
    data.setdefault("status", "scheduled")
    data.setdefault("version", 1)
    row = session.get(model, data["code"])
    if row is None:
        # a sync and an event may insert the same batch at once: the loser of
        # the race finds the winner's row and carries on as an update
        try:
            with session.begin_nested():
                session.add(model(code=data["code"], **_columns(data)))
            return 1
        except IntegrityError:
            row = session.get(model, data["code"], populate_existing=True)
    if row.version >= data["version"]:
        return 0
    for key, value in _columns(data).items():
        setattr(row, key, value)
    session.flush()
    return 1


def _columns(data):
    out = {key: data[key] for key in ("year", "exam_date", "re_review_working_days",
                                       "accepted_id_documents", "status", "version")}
    for w in WINDOWS:
        out[f"{w}_start"], out[f"{w}_end"] = data[w]["start"], data[w]["end"]
    return out


def as_dict(row):
    out = {"code": row.code, "year": row.year, "exam_date": row.exam_date,
           "re_review_working_days": row.re_review_working_days,
           "accepted_id_documents": list(row.accepted_id_documents),
           "status": row.status, "version": row.version}
    for w in WINDOWS:
        out[w] = (getattr(row, f"{w}_start"), getattr(row, f"{w}_end"))
    return out


def to_wire(row):
    out = as_dict(row)
    out["exam_date"] = row.exam_date.isoformat()
    for w in WINDOWS:
        out[w] = {"start": out[w][0].isoformat(), "end": out[w][1].isoformat()}
    return out
