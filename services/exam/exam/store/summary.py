"""Score summary sheets (成绩汇总表) of session-rooms and their uploaded scans."""
from sqlalchemy import select

from kernel.db import utcnow
from kernel.errors import NotFound

from exam.domain.summary import ARCHIVED, CHECKED, TOTALLED
from exam.models import ScoreSummary, Seating, SummaryScan


def get(db, batch_code, session_code, room_code):
    return db.get(ScoreSummary, (batch_code, session_code, room_code))


def room_project(db, batch_code, session_code, room_code):
    """The project of a session-room (one project per session-room, T3)."""
    project = db.scalar(select(Seating.project_code).where(
        Seating.batch_code == batch_code, Seating.session_code == session_code,
        Seating.room_code == room_code).limit(1))
    if project is None:
        raise NotFound("SESSION_ROOM_EMPTY", "no candidate sits in this session-room",
                       field="room_code")
    return project


def total(db, row, key, totals, recorder, overseer):
    """The recorder's totals (again, until checked)."""
    row = row or ScoreSummary(batch_code=key[0], session_code=key[1], room_code=key[2])
    row.status, row.totals = TOTALLED, dict(totals)
    row.totalled = {"recorder": recorder, "overseer": overseer, "at": utcnow().isoformat()}
    row.checked = row.archived = None
    db.add(row)
    return row


def check(db, row, data):
    row.status = CHECKED
    row.checked = {"checker": data["checker"], "id_number": data["checker_id_number"],
                   "note": data["note"], "scan": data["scan"], "at": utcnow().isoformat()}
    db.add(row)


def archive(db, row, by, location):
    row.status = ARCHIVED
    row.archived = {"by": by, "location": location, "at": utcnow().isoformat()}
    db.add(row)


def clear(db, row):
    """A rejected check: the sheet goes with the room's scores."""
    if row is not None:
        db.delete(row)


def view(row, key=None):
    if row is None:
        return {"batch_code": key[0], "session_code": key[1], "room_code": key[2],
                "status": None, "totalled": None, "checked": None, "archived": None}
    checked = row.checked and {k: v for k, v in row.checked.items() if k != "id_number"}
    return {"batch_code": row.batch_code, "session_code": row.session_code,
            "room_code": row.room_code, "status": row.status, "results": len(row.totals),
            "totalled": row.totalled, "checked": checked, "archived": row.archived}


def listed(db, batch_code, session_code):
    return [view(r) for r in db.scalars(select(ScoreSummary).where(
        ScoreSummary.batch_code == batch_code, ScoreSummary.session_code == session_code)
        .order_by(ScoreSummary.room_code))]


def scan_known(db, key):
    return key is not None and db.get(SummaryScan, key) is not None


def add_scan(db, key, media_type, size, uploader):
    if db.get(SummaryScan, key) is None:
        db.add(SummaryScan(hash=key, media_type=media_type, size=size, uploader=uploader,
                           uploaded_at=utcnow()))
