"""Check-in and no-shows, as stored."""
from collections import Counter

from sqlalchemy import select

from kernel.db import utcnow

from exam.domain.candidates import CandidateStatus
from exam.domain.checkin import Attendance
from exam.models import Candidate, Seating


def seat(db, ticket_number):
    return db.scalar(select(Seating).where(Seating.ticket_number == ticket_number))


def present(cand, document_type, staff):
    cand.attendance = Attendance.PRESENT.value
    cand.checked_in = {"at": utcnow().isoformat(), "document": document_type, "by": staff}


def view(seat, cand):
    return {"ticket_number": seat.ticket_number, "name": cand.name,
            "session": seat.session_code, "room": seat.room_code, "seat": seat.seat,
            "attendance": cand.attendance}


def mark_no_shows(db, today, batch_code=None):
    """Every confirmed candidate seated before ``today`` who did not check in
    is absent (缺考). Returns {batch code: candidates marked}."""
    query = select(Candidate).join(Seating, Seating.application_id ==
                                   Candidate.application_id).where(
        Seating.exam_date < today, Candidate.attendance.is_(None),
        Candidate.status == CandidateStatus.CONFIRMED)
    if batch_code:
        query = query.where(Seating.batch_code == batch_code)
    marked = Counter()
    for cand in db.scalars(query):
        cand.attendance, cand.updated_at = Attendance.ABSENT.value, utcnow()
        marked[cand.batch_code] += 1
    return dict(marked)
