"""Score sheets, scores, verifications and results, as stored."""
import uuid
from collections import defaultdict

from sqlalchemy import delete, func, insert, select

from kernel.db import utcnow

from exam.domain.candidates import CandidateStatus
from exam.domain.publication import result_label
from exam.domain.scores import COMPUTER, PRACTICAL, passed, tenths_to_points
from exam.domain.summary import COUNTS
from exam.models import Candidate, Result, Score, ScoreSheet, ScoreSummary, Seating
from exam.store.rooms import session


def recorded(db, batch_code):
    """Whether any score sheet of the batch is recorded."""
    return bool(db.scalar(select(func.count()).select_from(ScoreSheet).where(
        ScoreSheet.batch_code == batch_code)))


def session_seats(db, batch_code, session_code, room_code=None):
    """{ticket number: the confirmed candidate seated there} of a session (and room)."""
    session(db, batch_code, session_code)
    query = select(Seating, Candidate).join(
        Candidate, Candidate.application_id == Seating.application_id).where(
        Seating.batch_code == batch_code, Seating.session_code == session_code,
        Candidate.status == CandidateStatus.CONFIRMED)
    if room_code:
        query = query.where(Seating.room_code == room_code)
    return {s.ticket_number: {"ticket_number": s.ticket_number, "room": s.room_code,
                              "application_id": c.application_id, "id_number": c.id_number,
                              "name": c.name, "attendance": c.attendance}
            for s, c in db.execute(query)}


def parts_recorded(db, application_ids, part, assessor):
    """{application id: the value of ``part`` by ``assessor`` already recorded}."""
    if not application_ids:
        return {}
    return dict(db.execute(select(Score.application_id, Score.value).where(
        Score.application_id.in_(application_ids), Score.part == part,
        Score.assessor == assessor)).all())


def verified_rooms(db, batch_code, session_code):
    """The rooms of the session whose score summary is checked (their results count)."""
    return {v.room_code for v in db.scalars(select(ScoreSummary).where(
        ScoreSummary.batch_code == batch_code, ScoreSummary.session_code == session_code,
        ScoreSummary.status.in_(COUNTS)))}


def verified(db, batch_code):
    """{(session, room)} of the batch whose score summary is checked."""
    return {(v.session_code, v.room_code) for v in db.scalars(
        select(ScoreSummary).where(ScoreSummary.batch_code == batch_code,
                                   ScoreSummary.status.in_(COUNTS)))}


def record(db, batch_code, session_code, room_code, part, assessor, by, filename, rows, new):
    """A sheet of ``rows`` rows, recording the ``new`` (application id, tenths)."""
    sheet = ScoreSheet(id=str(uuid.uuid4()), batch_code=batch_code,
                       session_code=session_code, room_code=room_code, part=part,
                       recorded_by=by, filename=filename, rows=rows, at=utcnow())
    db.add(sheet)
    if new:
        db.execute(insert(Score), [
            {"application_id": a, "part": part, "assessor": assessor, "value": v,
             "sheet_id": sheet.id} for a, v in new])
    return {"sheet_id": sheet.id, "part": part, "session_code": session_code,
            "room_code": room_code, "rows": rows, "recorded": len(new),
            "repeated": rows - len(new)}


def clear(db, application_ids):
    """A rejected verification: the scores of these candidates go."""
    return db.execute(delete(Score).where(
        Score.application_id.in_(application_ids))).rowcount if application_ids else 0


def parts(db, application_ids):
    """{application id: {(part, assessor): tenths}}."""
    found = defaultdict(dict)
    for s in db.scalars(select(Score).where(Score.application_id.in_(application_ids))):
        found[s.application_id][(s.part, s.assessor)] = s.value
    return found


def count_results(db, batch_code, finals):
    """The session-room's final scores count (its score summary is checked)."""
    for app_id, final in finals.items():
        row = db.get(Result, app_id) or Result(application_id=app_id)
        row.batch_code, row.final, row.absent = batch_code, final, False
        db.add(row)


def computer_scores(db, application_ids):
    """{application id: computer-based score in points} of these candidates."""
    return {s.application_id: s.value / 10 for s in db.scalars(select(Score).where(
        Score.application_id.in_(application_ids), Score.part == COMPUTER))}


def results_of(db, application_ids):
    """{application id: result_view} of these candidates' results."""
    return {r.application_id: result_view(r) for r in db.scalars(select(Result).where(
        Result.application_id.in_(application_ids)))}


def view(db, query, batch_code):
    """Per candidate of ``query`` (seats and candidates): the parts, verified, result."""
    rows = db.execute(query.order_by(Seating.ticket_number)).all()
    ids = [c.application_id for _, c in rows]
    found = defaultdict(list)
    for s in db.scalars(select(Score).where(Score.application_id.in_(ids))):
        found[s.application_id].append(s)
    results = {r.application_id: r for r in db.scalars(
        select(Result).where(Result.application_id.in_(ids)))}
    done = verified(db, batch_code)
    out = []
    for seat, c in rows:
        mine = found[c.application_id]
        result = results.get(c.application_id)
        out.append({
            "ticket_number": seat.ticket_number, "application_id": c.application_id,
            "name": c.name, "session": seat.session_code, "room": seat.room_code,
            "attendance": c.attendance,
            "computer": next((s.value / 10 for s in mine if s.part == COMPUTER), None),
            "practical": {s.assessor: s.value / 10 for s in mine if s.part == PRACTICAL},
            "verified": (seat.session_code, seat.room_code) in done,
            "result": result and result_view(result)})
    return {"batch_code": batch_code, "candidates": out}


def result_view(r):
    return {"final": tenths_to_points(r.final), "absent": r.absent,
            "passed": passed(r.final), "label": result_label(r.absent, r.final),
            "corrected": r.corrected,
            "finalized_at": r.finalized_at.isoformat() if r.finalized_at else None}
