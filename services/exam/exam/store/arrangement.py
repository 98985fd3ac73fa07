"""The arrangement (seats and ticket numbers) as stored."""
from sqlalchemy import delete, func, insert, select

from exam.domain.candidates import CandidateStatus
from exam.domain.rosters import ROSTER_HELD
from exam.models import BatchProject, Candidate, Dispatch, ExamSession, Seating
from exam.store import batches
from exam.store.rooms import session_order, sessions
from exam.store.scores import computer_scores, results_of

CONFIRMED = CandidateStatus.CONFIRMED


def set_sessions(db, batch_code, ordered):
    """New sessions drop the batch's arrangement and dispatch; says whether
    there was an arrangement."""
    db.execute(delete(ExamSession).where(ExamSession.batch_code == batch_code))
    db.add_all(ExamSession(batch_code=batch_code, **s) for s in ordered)
    cleared = db.execute(delete(Seating).where(Seating.batch_code == batch_code)).rowcount
    db.execute(delete(Dispatch).where(Dispatch.batch_code == batch_code))
    return bool(cleared)


def to_seat(db, batch_code, projects):
    """The confirmed candidates of the batch's ``projects``, as arrange() takes them."""
    return [{"application_id": c.application_id, "project_code": c.project_code,
             "institution_code": c.institution_code} for c in db.scalars(select(Candidate).where(
                 Candidate.batch_code == batch_code, Candidate.status == CONFIRMED,
                 Candidate.project_code.in_(projects)))]


def same_day(db, batch):
    """The seats other batches take on the batch's exam date: ([(batch, session,
    room, seat)], {batch: {session code: session}})."""
    others = db.execute(select(Seating.batch_code, Seating.session_code,
                               Seating.room_code, Seating.seat).where(
        Seating.exam_date == batch.exam_date, Seating.batch_code != batch.code)).all()
    times = {other: {s["code"]: s for s in sessions(db, other)}
             for other in dict.fromkeys(o[0] for o in others)}
    return others, times


def replace(db, batch_code, rows):
    """The batch's arrangement becomes ``rows``; its dispatch goes."""
    db.execute(delete(Seating).where(Seating.batch_code == batch_code))
    db.execute(delete(Dispatch).where(Dispatch.batch_code == batch_code))
    if rows:
        db.execute(insert(Seating), rows)


def summary(db, batch_code):
    counts = db.execute(
        select(Seating.session_code, Seating.room_code, Seating.project_code, func.count())
        .where(Seating.batch_code == batch_code)
        .group_by(Seating.session_code, Seating.room_code, Seating.project_code)).all()
    order = session_order(db, batch_code)
    rooms = sorted(({"session": s, "room": r, "project_code": p, "candidates": n}
                    for s, r, p, n in counts), key=lambda x: (order[x["session"]], x["room"]))
    unseated = db.scalar(select(func.count()).select_from(Candidate).join(
        BatchProject, (BatchProject.batch_code == Candidate.batch_code)
        & (BatchProject.project_code == Candidate.project_code)).outerjoin(
        Seating, Seating.application_id == Candidate.application_id).where(
        Candidate.batch_code == batch_code, Candidate.status == CONFIRMED,
        BatchProject.status == ROSTER_HELD, Seating.application_id.is_(None)))
    return {"batch_code": batch_code, "seated": sum(r["candidates"] for r in rooms),
            "unseated": unseated, "session_rooms": rooms}


def seated(db, batch_code, session_code=None, room_code=None):
    """Seats joined with their candidates, for one batch (and session, room)."""
    batches.get(db, batch_code)
    query = select(Seating, Candidate).join(
        Candidate, Candidate.application_id == Seating.application_id).where(
        Seating.batch_code == batch_code)
    if session_code:
        query = query.where(Seating.session_code == session_code)
    if room_code:
        query = query.where(Seating.room_code == room_code)
    return query


def view(db, batch_code, session_code=None, room_code=None):
    """The summary and the seat list (考生签到册), by session, room and seat."""
    query = seated(db, batch_code, session_code, room_code)
    out = summary(db, batch_code)
    out["seats"] = [
        {"ticket_number": s.ticket_number, "session": s.session_code, "room": s.room_code,
         "seat": s.seat, "project_code": s.project_code, "application_id": c.application_id,
         "name": c.name, "id_number": c.id_number, "institution_code": c.institution_code,
         "attendance": c.attendance}
        for s, c in db.execute(query.order_by(Seating.ticket_number))]
    return out


SEAT_COLUMNS = {"ticket_number": (Seating.ticket_number,),
                "seat": (Seating.session_code, Seating.room_code, Seating.seat),
                "name": (Candidate.name, Seating.ticket_number),
                "attendance": (Candidate.attendance, Seating.ticket_number)}


def seat_page(db, q):
    """One page of the seat list (exam.schemas.SeatListSchema ``q``): filtered,
    sorted and counted in the database; with each candidate's computer score
    and result when there are."""
    query = seated(db, q["batch_code"], q["session_code"], q["room_code"])
    if q["project_code"]:
        query = query.where(Seating.project_code == q["project_code"])
    if q["attendance"] == "pending":
        query = query.where(Candidate.attendance.is_(None))
    elif q["attendance"]:
        query = query.where(Candidate.attendance == q["attendance"])
    if q["ticket"]:
        query = query.where(Seating.ticket_number.startswith(q["ticket"], autoescape=True))
    total = db.scalar(select(func.count()).select_from(query.subquery()))
    column, descending = q["sort"].lstrip("-"), q["sort"].startswith("-")
    order = [c.desc() if descending else c.asc() for c in SEAT_COLUMNS[column]]
    rows = db.execute(query.order_by(*order, Seating.ticket_number)
                      .offset((q["page"] - 1) * q["size"]).limit(q["size"])).all()
    ids = [c.application_id for _, c in rows]
    computer, results = computer_scores(db, ids), results_of(db, ids)
    return {"batch_code": q["batch_code"], "total": total, "page": q["page"],
            "size": q["size"], "sort": q["sort"], "items": [
                {"ticket_number": s.ticket_number, "session": s.session_code,
                 "room": s.room_code, "seat": s.seat, "project_code": s.project_code,
                 "application_id": c.application_id, "name": c.name,
                 "id_number": c.id_number, "institution_code": c.institution_code,
                 "attendance": c.attendance,
                 "checked_in_at": (c.checked_in or {}).get("at"),
                 "computer": computer.get(c.application_id),
                 "result": results.get(c.application_id)} for s, c in rows]}
