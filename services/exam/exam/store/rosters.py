"""Rosters (B1) and the candidates on them, as stored."""
from sqlalchemy import delete, func, select, update

from kernel import names
from kernel.db import utcnow
from kernel.errors import NotFound

from exam.domain.candidates import CandidateStatus
from exam.domain.rosters import ROSTER_OPEN
from exam.models import BatchProject, Candidate, Profile, Result, Seating
from exam.store.scores import result_view

CONFIRMED = CandidateStatus.CONFIRMED


def project(db, batch_code, project_code):
    """The roster of a batch/project, opened on first use."""
    bp = db.get(BatchProject, (batch_code, project_code))
    if bp is None:
        bp = BatchProject(batch_code=batch_code, project_code=project_code,
                          status=ROSTER_OPEN, confirmed=0)
        db.add(bp)
        db.flush()
    return bp


def count_registrants(db, data):
    """B1: keep registration's 报名人数 of a batch/project; the latest count wins
    (an older one arriving late changes nothing)."""
    bp = project(db, data["batch_code"], data["project_code"])
    if bp.registrants_counted_at is None or data["counted_at"] >= bp.registrants_counted_at:
        bp.registrants, bp.registrants_counted_at = data["registrants"], data["counted_at"]
        db.flush()
    return bp


def statuses(db, batch_code):
    """{project code: roster status} of a batch."""
    return {p.project_code: p.status for p in db.scalars(select(BatchProject).where(
        BatchProject.batch_code == batch_code))}


def open_projects(db, batch_code):
    return db.scalars(select(BatchProject).where(
        BatchProject.batch_code == batch_code,
        BatchProject.status == ROSTER_OPEN).order_by(BatchProject.project_code)).all()


def confirmed_counts(db, batch_code):
    """{project code: confirmed candidates} of a batch."""
    return dict(db.execute(
        select(Candidate.project_code, func.count()).where(
            Candidate.batch_code == batch_code, Candidate.status == CONFIRMED)
        .group_by(Candidate.project_code)).all())


def claim_decision(db, bp, status, confirmed, reason):
    """Record the roster's decision unless another replica did first."""
    return db.execute(update(BatchProject).where(
        BatchProject.batch_code == bp.batch_code,
        BatchProject.project_code == bp.project_code,
        BatchProject.status == ROSTER_OPEN).values(
        status=status, confirmed=confirmed, reason=reason, decided_at=utcnow())).rowcount


def move_confirmed(db, bp, status):
    """Every confirmed candidate of the roster to ``status`` (domain.candidates.transition's)."""
    db.execute(update(Candidate).where(
        Candidate.batch_code == bp.batch_code, Candidate.project_code == bp.project_code,
        Candidate.status == CONFIRMED).values(status=status, updated_at=utcnow()))


def override(db, bp, actor, reason):
    bp.override = {"actor": actor, "reason": reason, "at": utcnow().isoformat()}
    db.flush()


def project_view(db, bp):
    confirmed = db.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.batch_code == bp.batch_code, Candidate.project_code == bp.project_code,
        Candidate.status == CONFIRMED))
    return {"batch_code": bp.batch_code, "project_code": bp.project_code,
            "status": bp.status, "registrants": bp.registrants,
            "registrants_counted_at": bp.registrants_counted_at.isoformat()
            if bp.registrants_counted_at else None,
            "confirmed": confirmed, "confirmed_at_decision":
            bp.confirmed if bp.decided_at else None, "reason": bp.reason,
            "override": bp.override,
            "decided_at": bp.decided_at.isoformat() if bp.decided_at else None}


def roster(db, batch_code, project_code=None):
    projects = select(BatchProject).where(BatchProject.batch_code == batch_code)
    cands = select(Candidate).where(Candidate.batch_code == batch_code)
    if project_code:
        projects = projects.where(BatchProject.project_code == project_code)
        cands = cands.where(Candidate.project_code == project_code)
    seats = dict(db.execute(select(Seating.application_id, Seating.ticket_number)
                            .where(Seating.batch_code == batch_code)).all())
    profiled = db.scalar(select(func.count()).select_from(Candidate).join(
        Profile, Profile.application_id == Candidate.application_id).where(
        Candidate.batch_code == batch_code))
    return {"batch_code": batch_code, "profiles_known": profiled,
            "projects": [project_view(db, bp) for bp in db.scalars(
                projects.order_by(BatchProject.project_code))],
            "candidates": [candidate_view(c, seats.get(c.application_id))
                           for c in db.scalars(cands.order_by(
                               Candidate.project_code, Candidate.id_number))]}


# --- candidates ------------------------------------------------------------------

def candidate(db, application_id):
    return db.get(Candidate, str(application_id))


def candidate_or_new(db, application_id, now):
    return candidate(db, application_id) or Candidate(application_id=application_id,
                                                      confirmed_at=now)


def confirm(db, cand, data, status, now):
    """Keep payment's confirmation: the candidate's details and ``status``."""
    cand.batch_code, cand.project_code = data["batch_code"], data["project_code"]
    cand.institution_code = data["institution_code"]
    cand.id_number = data["id_number"].strip().upper()
    cand.name = names.normalize_lenient(data["name"])
    cand.status, cand.updated_at = status, now
    db.add(cand)


def abandon(db, cand, status):
    """Off the roster and off their seat."""
    cand.status, cand.updated_at = status, utcnow()
    db.execute(delete(Seating).where(Seating.application_id == cand.application_id))


def candidate_view(c, ticket_number=None):
    return {"application_id": c.application_id, "batch_code": c.batch_code,
            "project_code": c.project_code, "institution_code": c.institution_code,
            "id_number": c.id_number, "name": c.name, "status": c.status,
            "attendance": c.attendance, "checked_in": c.checked_in,
            "ticket_number": ticket_number}


def candidate_detail(db, application_id):
    """A candidate with their seat and result."""
    c = candidate(db, application_id)
    if c is None:
        raise NotFound("CANDIDATE_NOT_FOUND", "no candidate with this application",
                       field="application_id")
    seat = db.get(Seating, c.application_id)
    out = candidate_view(c, seat and seat.ticket_number)
    if seat:
        out["seat"] = {"session": seat.session_code, "room": seat.room_code, "seat": seat.seat}
    result = db.get(Result, c.application_id)
    out["result"] = result and result_view(result)
    return out
