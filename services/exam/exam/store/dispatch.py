"""Assessor cards (from assessor_training) and the dispatch, as stored."""
from sqlalchemy import delete, insert, select

from kernel import names
from kernel.db import utcnow

from exam.domain.dispatch import ASSESSOR, CARD_VALID, card_valid_for
from exam.models import Candidate, Card, Dispatch, Seating
from exam.store import profiles
from exam.store.rooms import session_order


def card(db, card_number):
    return db.get(Card, card_number)


def keep_card(db, row, data, status):
    row = row or Card(card_number=data["card_number"])
    row.id_number = data["id_number"].strip().upper()
    row.name = names.normalize_lenient(data["name"])
    row.unit, row.projects = data["unit"], sorted(set(data["projects"]))
    row.valid_from, row.valid_until = data["valid_from"], data["valid_until"]
    row.status, row.reason, row.updated_at = status, data["reason"], utcnow()
    db.add(row)


def cards(db, id_number=None):
    query = select(Card).order_by(Card.card_number)
    if id_number:
        query = query.where(Card.id_number == str(id_number).strip().upper())
    return [card_view(c) for c in db.scalars(query)]


def card_view(c):
    return {"card_number": c.card_number, "id_number": c.id_number, "name": c.name,
            "unit": c.unit, "projects": list(c.projects),
            "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
            "status": c.status, "reason": c.reason}


def card_dates(c):
    """A card as the domain's dispatch rules take it (dates as dates)."""
    return dict(card_view(c), valid_from=c.valid_from, valid_until=c.valid_until)


def valid_cards(db):
    return [card_dates(c) for c in db.scalars(select(Card).where(Card.status == CARD_VALID))]


# --- the dispatch ----------------------------------------------------------------

def seats(db, batch_code):
    """[(session, room, project, application id)] of the batch's arrangement."""
    return [tuple(s) for s in db.execute(select(
        Seating.session_code, Seating.room_code, Seating.project_code,
        Seating.application_id).where(Seating.batch_code == batch_code)).all()]


def units(db, registration, batch_code, seats):
    """{application id: (its institution's name, the candidate's work unit)}."""
    found = profiles.of(db, registration, sorted({s[3] for s in seats}))
    cands = {c.application_id: c for c in db.scalars(select(Candidate).where(
        Candidate.batch_code == batch_code))}
    institutions = profiles.institution_names(
        registration, [c.institution_code for c in cands.values()])
    return {s[3]: (institutions.get(cands[s[3]].institution_code), found[s[3]].work_unit)
            for s in seats}


def replace(db, batch_code, staff):
    db.execute(delete(Dispatch).where(Dispatch.batch_code == batch_code))
    db.execute(insert(Dispatch), [
        {"batch_code": batch_code, "session_code": a["session"], "room_code": a["room"],
         "id_number": a["id_number"], "role": a["role"], "project_code": a["project"],
         "card_number": a["card_number"], "name": a["name"], "unit": a["unit"]}
        for a in staff])


def staff(db, batch_code, session_code, room_code, id_number):
    return db.get(Dispatch, (batch_code, session_code, room_code, id_number))


def assessors(db, batch_code, session_code, room_code):
    """The ID numbers of the assessors dispatched to a session-room, sorted."""
    return sorted(d.id_number for d in db.scalars(select(Dispatch).where(
        Dispatch.batch_code == batch_code, Dispatch.session_code == session_code,
        Dispatch.room_code == room_code, Dispatch.role == ASSESSOR)))


def session_assessors(db, batch_code, session_code):
    """The ID numbers of every assessor dispatched to any room of a session."""
    return sorted({d.id_number for d in db.scalars(select(Dispatch).where(
        Dispatch.batch_code == batch_code, Dispatch.session_code == session_code,
        Dispatch.role == ASSESSOR))})


def view(db, batch_code, exam_date):
    """Each session-room's staff, ``card_valid`` checked again on the exam date."""
    cards_ = {c.card_number: card_dates(c) for c in db.scalars(select(Card))}
    order = session_order(db, batch_code)
    slots = {}
    for d in db.scalars(select(Dispatch).where(Dispatch.batch_code == batch_code)):
        slot = slots.setdefault((d.session_code, d.room_code), {
            "session": d.session_code, "room": d.room_code, "project_code": d.project_code,
            "assessors": []})
        person = {"id_number": d.id_number, "name": d.name, "unit": d.unit,
                  "card_number": d.card_number,
                  "card_valid": d.card_number in cards_ and card_valid_for(
                      cards_[d.card_number], d.project_code, exam_date)}
        slot["assessors"].append(person)
    for slot in slots.values():
        slot["assessors"].sort(key=lambda p: p["id_number"])
    return {"batch_code": batch_code, "session_rooms": [
        slots[k] for k in sorted(slots, key=lambda k: (order.get(k[0], 99), k[1]))]}
