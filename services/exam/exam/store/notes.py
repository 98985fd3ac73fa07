"""Events that did not apply: recorded, not raised."""
from sqlalchemy import select

from kernel.db import utcnow

from exam.models import Note


def add(db, event, subject, note):
    db.add(Note(at=utcnow(), event_type=event["type"], subject=subject, note=note))


def listed(db, subject=None):
    query = select(Note).order_by(Note.id.desc()).limit(500)
    if subject:
        query = query.where(Note.subject == subject)
    return [{"at": n.at.isoformat(), "event_type": n.event_type, "subject": n.subject,
             "note": n.note} for n in db.scalars(query)]
