"""The exam's sittings (A1 分批组织考试) as stored."""
from sqlalchemy import func, select

from assessor_training.models import Application, Sitting, SittingSeat


def existing(db, period_code):
    """{seq: (capacity, used)} of the period's sittings."""
    used = dict(db.execute(select(SittingSeat.seq, func.count()).where(
        SittingSeat.period_code == period_code).group_by(SittingSeat.seq)).all())
    return {s.seq: (s.capacity, used.get(s.seq, 0)) for s in db.scalars(
        select(Sitting).where(Sitting.period_code == period_code))}


def seated(db, period_code):
    return set(db.scalars(select(SittingSeat.application_id).where(
        SittingSeat.period_code == period_code)))


def add(db, period_code, new, seats):
    db.add_all(Sitting(period_code=period_code, **s) for s in new)
    db.flush()
    db.add_all(SittingSeat(application_id=a, period_code=period_code, seq=seq)
               for a, seq in seats)
    db.flush()


def seats_of(db, period_code):
    """{application id: sitting seq} of the period's seated trainees (one query)."""
    return dict(db.execute(select(SittingSeat.application_id, SittingSeat.seq).where(
        SittingSeat.period_code == period_code)).all())


def listed(db, period_code, exam_date):
    seats = {}
    for seat, app in db.execute(select(SittingSeat, Application).join(
            Application, Application.id == SittingSeat.application_id).where(
            SittingSeat.period_code == period_code).order_by(Application.unit_code,
                                                             Application.submitted_at)):
        seats.setdefault(seat.seq, []).append({"application_id": app.id, "name": app.name,
                                               "unit_code": app.unit_code})
    return [{"seq": s.seq, "date": exam_date, "starts_at": s.starts_at, "ends_at": s.ends_at,
             "minutes": _minutes(s), "capacity": s.capacity, "trainees": seats.get(s.seq, [])}
            for s in db.scalars(select(Sitting).where(Sitting.period_code == period_code)
                                .order_by(Sitting.seq))]


def _minutes(sitting):
    def at(hhmm):
        h, m = hhmm.split(":")
        return int(h) * 60 + int(m)
    return at(sitting.ends_at) - at(sitting.starts_at)
