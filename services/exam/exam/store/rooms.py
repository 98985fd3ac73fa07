"""Rooms and the sessions of a batch's exam day, as stored."""
from sqlalchemy import func, select

from kernel.db import utcnow
from kernel.errors import NotFound

from exam.domain.rooms import DEFAULT_SESSIONS, usable_seats
from exam.models import ExamSession, Room, Seating


def get(db, code):
    return db.get(Room, code)


def seated_from(db, code, today):
    """Seats of the room taken in an arrangement from ``today`` on."""
    return db.scalar(select(func.count()).select_from(Seating).where(
        Seating.room_code == code, Seating.exam_date >= today))


def save(db, row, data):
    row = row or Room(code=data["code"])
    row.name, row.location, row.active = data["name"], data["location"], data["active"]
    row.seats, row.spacing, row.updated_at = data["seats"], data["spacing"], utcnow()
    db.add(row)
    return view(row)


def listed(db):
    return [view(r) for r in db.scalars(select(Room).order_by(Room.code))]


def view(r):
    return {"code": r.code, "name": r.name, "location": r.location, "seats": list(r.seats),
            "spacing": dict(r.spacing), "active": r.active,
            "usable": usable_seats({"seats": r.seats, "spacing": r.spacing})}


def for_arrangement(db, codes):
    """The rooms named (every active room when None), in code order."""
    query = select(Room).order_by(Room.code)
    if codes is None:
        rooms = db.scalars(query.where(Room.active.is_(True))).all()
    else:
        rooms = db.scalars(query.where(Room.code.in_(codes))).all()
        unknown = sorted(set(codes) - {r.code for r in rooms})
        if unknown:
            raise NotFound("ROOM_NOT_FOUND", f"no room {', '.join(unknown)}", field="rooms",
                           details={"unknown": unknown})
    return [view(r) for r in rooms]


# --- sessions ------------------------------------------------------------------

def sessions(db, batch_code):
    rows = db.scalars(select(ExamSession).where(
        ExamSession.batch_code == batch_code).order_by(ExamSession.starts)).all()
    if not rows:
        return [dict(s) for s in DEFAULT_SESSIONS]
    return [{"code": s.code, "label": s.label, "starts": s.starts, "ends": s.ends}
            for s in rows]


def session_order(db, batch_code):
    return {s["code"]: n for n, s in enumerate(sessions(db, batch_code))}


def session(db, batch_code, code):
    found = [s for s in sessions(db, batch_code) if s["code"] == code]
    if not found:
        raise NotFound("SESSION_NOT_FOUND", f"batch {batch_code} has no session {code}",
                       field="session_code")
    return found[0]
