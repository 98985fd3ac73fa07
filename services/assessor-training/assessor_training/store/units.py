"""Recommending units (A2) as stored, and the places they used."""
from sqlalchemy import func, select

from assessor_training.domain import review_chain
from assessor_training.models import Application, Review, Unit
from assessor_training.store.common import found


def get(db, code, lock=False):
    return found(db.get(Unit, str(code), with_for_update=lock), "UNIT_UNKNOWN",
                 f"no recommending unit {code} on record", "unit.code", "A2")


def as_dict(row):
    return {"code": row.code, "name": row.name, "kind": row.kind, "region": row.region,
            "filing_accepted_on": row.filing_accepted_on, "active": row.active}


def wire(row, record):
    out = as_dict(row)
    accepted = out["filing_accepted_on"]
    out.update(filing_accepted_on=accepted and accepted.isoformat(), address=row.address,
               contact=row.contact, chain=list(review_chain.chain(row.region)),
               record=record)
    return out


def all_rows(db):
    return db.scalars(select(Unit).order_by(Unit.code)).all()


def places_used(db, unit_code, period_code):
    """The unit's approvals at its own step in the period."""
    return db.scalar(select(func.count()).select_from(Review).join(
        Application, Application.id == Review.application_id).where(
        Application.unit_code == unit_code, Application.period_code == period_code,
        Review.step == "unit", Review.decision == "approve"))
