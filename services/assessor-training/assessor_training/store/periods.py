"""Training periods (A1) as stored: the row, the dict the rules take, the wire."""
from sqlalchemy import select

from kernel.db import utcnow

from assessor_training.domain import training_periods
from assessor_training.models import CardSerial, Period
from assessor_training.store.common import found


def get(db, code):
    return found(db.get(Period, str(code)), "PERIOD_NOT_FOUND", f"no training period {code}",
                 "period_code")


def find(db, code):
    return db.get(Period, str(code))


def add(db, data):
    deadlines = data["review_deadlines"]
    row = Period(
        code=data["code"], year=data["year"], seq=data["seq"], name=data["name"],
        application_start=data["application"][0], application_end=data["application"][1],
        unit_deadline=deadlines["unit"], municipal_deadline=deadlines["municipal"],
        provincial_deadline=deadlines["provincial"], study_start=data["study"][0],
        study_end=data["study"][1], required_study_hours=data["required_study_hours"],
        exam_date=data["exam_date"], exam_location=data["exam_location"],
        expected_trainees=data["expected_trainees"],
        places_per_unit=data["places_per_unit"], pass_score=data.get("pass_score"),
        sitting_capacity=data.get("sitting_capacity"), created_at=utcnow())
    db.add(row)
    db.flush()
    db.add(CardSerial(period_code=row.code, last=0))
    db.flush()
    return wire(row)


def as_dict(row):
    """The period as the rules take it (dates as dates)."""
    return {"code": row.code, "year": row.year, "seq": row.seq, "name": row.name,
            "application": (row.application_start, row.application_end),
            "review_deadlines": {"unit": row.unit_deadline,
                                 "municipal": row.municipal_deadline,
                                 "provincial": row.provincial_deadline},
            "study": (row.study_start, row.study_end),
            "required_study_hours": row.required_study_hours, "exam_date": row.exam_date,
            "exam_minutes": training_periods.EXAM_MINUTES, "exam_location": row.exam_location,
            "expected_trainees": row.expected_trainees,
            "places_per_unit": row.places_per_unit, "pass_score": row.pass_score,
            "sitting_capacity": row.sitting_capacity}


def wire(row):
    out = as_dict(row)
    for window in ("application", "study"):
        out[window] = {"start": out[window][0].isoformat(),
                       "end": out[window][1].isoformat()}
    out["review_deadlines"] = {k: v.isoformat() for k, v in out["review_deadlines"].items()}
    out["exam_date"] = row.exam_date.isoformat()
    return out


def listed(db):
    return [wire(p) for p in db.scalars(select(Period).order_by(Period.exam_date))]
