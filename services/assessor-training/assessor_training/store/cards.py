"""Assessor cards (A6) as stored: serials, projects, history, the card on the
wire and in its events."""
from sqlalchemy import func, select, update

from kernel import privacy
from kernel.db import utcnow

from assessor_training import events
from assessor_training.domain import cards, reference
from assessor_training.models import Application, Card, CardHistory, CardProject, CardSerial, Unit
from assessor_training.schemas import card_out
from assessor_training.store.common import flush, found


def get(db, number):
    compact = cards.check_card_number(number)
    return found(db.get(Card, compact), "CARD_NOT_FOUND", f"no assessor card {compact}",
                 "card_number", "A6")


def of_application(db, application_id):
    return db.scalar(select(Card.card_number).where(Card.application_id == application_id))


def of_person(db, id_number):
    return db.scalars(select(Card).where(
        Card.id_number == str(id_number).strip().upper()).order_by(Card.issued_at)).all()


def expiring(db, until):
    return db.scalar(select(func.count()).select_from(Card).where(
        Card.status == "valid", Card.valid_until <= until))


def due(db, today):
    return db.scalars(select(Card).where(Card.status == "valid", Card.valid_until < today)
                      .order_by(Card.card_number)).all()


def next_serial(db, period_code):
    db.execute(update(CardSerial).where(CardSerial.period_code == period_code)
               .values(last=CardSerial.last + 1))     # row lock until commit
    return db.scalar(select(CardSerial.last).where(CardSerial.period_code == period_code))


def add(db, card, projects):
    db.add(card)
    flush(db)
    db.add_all(CardProject(card_number=card.card_number, project_code=p) for p in projects)


def state(card):
    return {"status": card.status, "valid_from": card.valid_from,
            "valid_until": card.valid_until}


def projects_of(db, card):
    return sorted(db.scalars(select(CardProject.project_code).where(
        CardProject.card_number == card.card_number)))


def add_history(db, card, action, actor, note):
    flush(db)       # the card's change first: a concurrent one is CONCURRENT_UPDATE
    db.add(CardHistory(card_number=card.card_number, action=action, actor=actor,
                       note=note, valid_until=card.valid_until, at=utcnow()))


def event(db, card, **extra):
    unit = db.get(Unit, card.unit_code)
    return events.CARD_PAYLOAD.dump(dict(
        card_number=card.card_number, id_number=card.id_number, name=card.name,
        unit=unit.name, projects=projects_of(db, card), valid_from=card.valid_from,
        valid_until=card.valid_until, **extra))


def wire(db, card, history=False):
    unit = db.get(Unit, card.unit_code)
    region = reference.regions()[unit.region]
    out = {c: getattr(card, c) for c in (
        "card_number", "application_id", "period_code", "id_number", "name",
        "project_type", "valid_from", "valid_until", "status", "issued_at", "revoked_at",
        "revoke_reason")}
    out.update(unit={"code": unit.code, "name": unit.name, "region": unit.region},
               projects=projects_of(db, card), collect_at=region["center_zh"])
    if history:
        flush(db)
        out["history"] = [
            {"action": h.action, "actor": h.actor, "note": h.note,
             "valid_until": h.valid_until.isoformat(), "at": h.at.isoformat()}
            for h in db.scalars(select(CardHistory).where(
                CardHistory.card_number == card.card_number).order_by(CardHistory.id))]
    return card_out.dump(out)


def verification(db, card, day, state):
    unit = db.get(Unit, card.unit_code)
    return {"card_number": card.card_number, "on_date": day.isoformat(),
            "valid": state == "valid", "state": state, "name": card.name,
            "id_number": privacy.mask_id(card.id_number), "unit": unit.name,
            "projects": [{"code": p, "name_zh": reference.projects()[p]["name_zh"]}
                         for p in projects_of(db, card)],
            "valid_from": card.valid_from.isoformat(),
            "valid_until": card.valid_until.isoformat()}


def valid_for(db, project_code, day):
    """Cards covering the project, not revoked, valid on ``day``, with their unit."""
    rows = db.execute(
        select(Card, Unit, Application.person).join(
            CardProject, CardProject.card_number == Card.card_number).join(
            Unit, Unit.code == Card.unit_code).join(
            Application, Application.id == Card.application_id).where(
            CardProject.project_code == project_code, Card.status != "revoked",
            Card.valid_from <= day, Card.valid_until >= day)
        .order_by(Card.card_number)).all()
    return [{"card_number": card.card_number, "id_number": card.id_number,
             "name": card.name, "unit": unit.name, "unit_code": unit.code,
             "unit_region": unit.region, "work_unit": person.get("work_unit"),
             "projects": projects_of(db, card),
             "valid_from": card.valid_from.isoformat(),
             "valid_until": card.valid_until.isoformat()} for card, unit, person in rows]
