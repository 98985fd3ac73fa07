"""What the center records with a session: its quality supervisor, the signed
supervision record, the assessors' meeting (session_records)."""
from sqlalchemy import select

from exam.models import SessionRecord


def record(db, batch_code, session_code):
    """The session's record (a new, unsaved one when there is none)."""
    return db.get(SessionRecord, (batch_code, session_code)) or SessionRecord(
        batch_code=batch_code, session_code=session_code)


def save(db, row, **values):
    for k, v in values.items():
        setattr(row, k, v)
    db.add(row)


def supervised(db, batch_code):
    """The session codes of the batch with a signed supervision record."""
    return {r.session_code for r in db.scalars(select(SessionRecord).where(
        SessionRecord.batch_code == batch_code, SessionRecord.supervision.is_not(None)))}


def supervisions(db, batch_code):
    """{session code: the supervision record} of the batch."""
    return {r.session_code: r.supervision for r in db.scalars(select(SessionRecord).where(
        SessionRecord.batch_code == batch_code)) if r.supervision}


def _person(p):
    return p and {k: v for k, v in p.items() if k != "id_number"}


def view(row):
    """The session's records, ID numbers left out (names, when, by whom)."""
    meeting = row.meeting and dict(row.meeting, attendees=[
        _person(a) for a in row.meeting.get("attendees", [])])
    return {"supervisor": _person(row.supervisor), "supervision": _person(row.supervision),
            "meeting": meeting}
