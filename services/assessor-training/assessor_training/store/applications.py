"""Applications (申报) and their reviews as stored, and the application on the wire."""
from sqlalchemy import select

from kernel.db import utcnow

from assessor_training.domain import applications, review_chain
from assessor_training.models import Application, Card, Review
from assessor_training.schemas import application_out
from assessor_training.store.common import flush, found


def get(db, application_id):
    return found(db.get(Application, str(application_id)), "APPLICATION_NOT_FOUND",
                 "no such application", "application_id")


def existing_status(db, period_code, id_number):
    return db.scalar(select(Application.status).where(
        Application.period_code == period_code, Application.id_number == id_number))


def state(app):
    """What the review chain's rules take of an application."""
    return {"status": app.status, "unit_code": app.unit_code, "region": app.region}


def person_state(app):
    """What the summary table's row takes of an application."""
    return {"name": app.name, "sex": app.sex, "id_number": app.id_number,
            "person": app.person}


def move(db, app, status, closed_step=None):
    app.status = review_chain.transition(app.status, status)
    app.closed_step = closed_step
    app.updated_at = utcnow()
    flush(db)


def add_review(db, app, step, authority, reviewer, decision, reason, today):
    db.add(Review(application_id=app.id, step=step, authority=authority, reviewer=reviewer,
                  decision=decision, reason=reason, decided_on=today, at=utcnow()))


def admitted(db, period_code):
    """The admitted trainees of a period (A5), by unit and submission."""
    return db.scalars(select(Application).where(
        Application.period_code == period_code,
        Application.status == review_chain.ADMITTED)
        .order_by(Application.unit_code, Application.submitted_at)).all()


def of_person(db, id_number):
    return db.scalars(select(Application).where(Application.id_number == id_number.upper())
                      .order_by(Application.submitted_at.desc())).all()


def queue(db, filters):
    """Applications matching ``filters`` ({column name: value}, None: any)."""
    query = select(Application)
    for key, value in filters.items():
        if value or key == "period_code":
            query = query.where(getattr(Application, key) == value)
    return db.scalars(query.order_by(Application.submitted_at)).all()


def in_review(db):
    return db.scalars(select(Application).where(
        Application.status.in_(review_chain.IN_REVIEW))).all()


def wire(db, app, warnings=None, chars=None):
    flush(db)
    out = {c: getattr(app, c) for c in (
        "id", "period_code", "unit_code", "region", "id_number", "name", "sex",
        "birth_date", "person", "declared_unit", "projects", "project_type", "conditions",
        "work_summary", "pledge", "materials", "status", "closed_step", "exam_score",
        "submitted_at", "updated_at", "version")}
    out["work_summary_chars"] = chars or applications.summary_length(app.work_summary)
    out["study_hours"] = round(app.study_minutes / 60, 2)
    out["card_number"] = db.scalar(select(Card.card_number).where(
        Card.application_id == app.id))
    out["chain"] = list(review_chain.chain(app.region))
    out["reviews"] = [
        {"step": r.step, "authority": r.authority, "reviewer": r.reviewer,
         "decision": r.decision, "reason": r.reason, "decided_on": r.decided_on,
         "at": r.at}
        for r in db.scalars(select(Review).where(
            Review.application_id == app.id).order_by(Review.id))]
    if warnings:
        out["warnings"] = list(warnings)
    return application_out.dump(out)
