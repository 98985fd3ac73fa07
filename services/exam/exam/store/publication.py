"""Publications, the public list, objections and finalization, as stored."""
import uuid

from sqlalchemy import func, select, update

from kernel import privacy
from kernel.db import utcnow
from kernel.errors import NotFound

from exam.domain.candidates import CandidateStatus
from exam.domain.checkin import Attendance
from exam.domain.publication import CORRECTED, OPEN, public_list_csv, result_label
from exam.domain.scores import tenths_to_points
from exam.models import Batch, Candidate, Objection, Publication, Result, Seating
from exam.store import profiles
from exam.store.rosters import candidate_view


def get(db, batch_code):
    return db.get(Publication, batch_code)


def seated(db, batch_code):
    return db.scalar(select(func.count()).select_from(Seating).where(
        Seating.batch_code == batch_code))


def confirmed_seats(db, batch_code):
    """[(seat, candidate)] of the batch's confirmed candidates."""
    return db.execute(select(Seating, Candidate).join(
        Candidate, Candidate.application_id == Seating.application_id).where(
        Seating.batch_code == batch_code,
        Candidate.status == CandidateStatus.CONFIRMED)).all()


def absent_results(db, batch_code, rows):
    """A result (absent, no score) for every no-show of ``rows`` without one."""
    for _, cand in rows:
        if cand.attendance == Attendance.ABSENT and db.get(Result, cand.application_id) is None:
            db.add(Result(application_id=cand.application_id, batch_code=batch_code,
                          final=None, absent=True))


def publish(db, batch_code, starts, ends):
    pub = Publication(batch_code=batch_code, starts_on=starts, ends_on=ends,
                      published_at=utcnow())
    db.add(pub)
    db.flush()
    return pub


def held(db, batch_code):
    """The application ids of the batch with an open objection."""
    return set(db.scalars(select(Objection.application_id).where(
        Objection.batch_code == batch_code, Objection.status == OPEN)))


def unfinalized(db, batch_code):
    """[(result, candidate)] of the batch not finalized yet."""
    return db.execute(select(Result, Candidate).join(
        Candidate, Candidate.application_id == Result.application_id).where(
        Result.batch_code == batch_code, Result.finalized_at.is_(None))).all()


def finalizing(db):
    """[(batch, publication)] whose last finalization run left results due
    (finalize_backlog): the next chunk's."""
    return db.execute(select(Batch, Publication).join(
        Publication, Publication.batch_code == Batch.code).where(
        Publication.finalized_at.is_(None), Publication.finalize_backlog > 0)
        .order_by(Batch.exam_date)).all()


def sessions_of(db, application_ids):
    """{application id: its session code} of those seated."""
    if not application_ids:
        return {}
    return dict(db.execute(select(Seating.application_id, Seating.session_code).where(
        Seating.application_id.in_(application_ids))).all())


def claim(db, result):
    """Mark a result finalized unless another replica did first."""
    return db.execute(update(Result).where(
        Result.application_id == result.application_id,
        Result.finalized_at.is_(None)).values(finalized_at=utcnow())).rowcount


def finalized(pub):
    pub.finalized_at = utcnow()


def public_list(db, registration, batch, pub):
    """The public list (成绩公示): ticket number, name, masked ID number, project,
    score and result; as rows and as CSV."""
    projects = profiles.project_names(registration)
    rows = []
    for result, cand, seat in db.execute(select(Result, Candidate, Seating).join(
            Candidate, Candidate.application_id == Result.application_id).join(
            Seating, Seating.application_id == Result.application_id).where(
            Result.batch_code == batch.code).order_by(Seating.ticket_number)):
        rows.append({"ticket_number": seat.ticket_number, "name": cand.name,
                     "id_number": privacy.mask_id(cand.id_number),
                     "project": projects.get(cand.project_code, cand.project_code),
                     "score": tenths_to_points(result.final),
                     "result": result_label(result.absent, result.final)})
    return {"batch_code": batch.code, "exam_date": batch.exam_date.isoformat(),
            "starts_on": pub.starts_on.isoformat(), "ends_on": pub.ends_on.isoformat(),
            "rows": rows, "filename": f"成绩公示-{batch.code}.csv",
            "csv": public_list_csv(rows)}


# --- objections ------------------------------------------------------------------

def with_result(db, batch_code, id_number, project_code=None):
    """The batch's candidates with a result and this ID number (of the project if named)."""
    query = select(Candidate).join(Result, Result.application_id ==
                                   Candidate.application_id).where(
        Candidate.batch_code == batch_code,
        Candidate.id_number == id_number.strip().upper())
    if project_code:
        query = query.where(Candidate.project_code == project_code)
    return [candidate_view(c) for c in db.scalars(query)]


def open_objection(db, application_id):
    return db.scalar(select(Objection).where(Objection.application_id == application_id,
                                             Objection.status == OPEN)) is not None


def lodge(db, application_id, batch_code, reason):
    obj = Objection(id=str(uuid.uuid4()), application_id=application_id,
                    batch_code=batch_code, reason=reason, status=OPEN, lodged_at=utcnow())
    db.add(obj)
    return objection_view(obj)


def objection(db, objection_id):
    obj = db.get(Objection, objection_id)
    if obj is None:
        raise NotFound("OBJECTION_NOT_FOUND", "no such objection", field="objection_id")
    return obj


def resolve(db, obj, data, value):
    """Dismiss the objection, or correct the final score to ``value`` (tenths)."""
    resolution = {"by": data["actor"], "note": data["note"], "at": utcnow().isoformat()}
    if data["decision"] == CORRECTED:
        result = db.get(Result, obj.application_id)
        result.corrected = {"by": data["actor"], "note": data["note"],
                            "before": tenths_to_points(result.final),
                            "absent_before": result.absent}
        result.final, result.absent = value, False
        resolution["final"] = value / 10
    obj.status, obj.resolution = data["decision"], resolution
    return objection_view(obj)


def objections(db, batch_code):
    return [objection_view(o) for o in db.scalars(select(Objection).where(
        Objection.batch_code == batch_code).order_by(Objection.lodged_at))]


def objection_view(o):
    return {"id": o.id, "application_id": o.application_id, "batch_code": o.batch_code,
            "reason": o.reason, "status": o.status, "lodged_at": o.lodged_at.isoformat(),
            "resolution": o.resolution}
