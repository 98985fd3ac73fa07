"""The track record (A7) as stored: events against units and municipal centers,
the units' notices (通报), the municipal centers' places."""
from sqlalchemy import func, select

from kernel.db import utcnow

from assessor_training.models import Review, Application, MunicipalPlaces, TrackEvent, UnitNotice


def add_event(db, subject, code, kind, period_code, note, recorded_by, application_id=None):
    db.add(TrackEvent(subject=subject, code=code, kind=kind, period_code=period_code,
                      application_id=application_id, note=note, recorded_by=recorded_by,
                      at=utcnow()))


def counts(db, subject, code, period_code=None):
    """{kind: n} of the events against ``code`` (in a period, or ever)."""
    query = select(TrackEvent.kind, func.count()).where(
        TrackEvent.subject == subject, TrackEvent.code == code)
    if period_code is not None:
        query = query.where(TrackEvent.period_code == period_code)
    return dict(db.execute(query.group_by(TrackEvent.kind)).all())


def events(db, subject, code, period_code=None):
    query = select(TrackEvent).where(TrackEvent.subject == subject, TrackEvent.code == code)
    if period_code is not None:
        query = query.where(TrackEvent.period_code == period_code)
    return [{"kind": e.kind, "period_code": e.period_code, "application_id": e.application_id,
             "note": e.note, "recorded_by": e.recorded_by, "at": e.at.isoformat()}
            for e in db.scalars(query.order_by(TrackEvent.id))]


def notices(db, unit_code):
    return [{"reason": n.reason, "named_by": n.named_by, "named_on": n.named_on.isoformat(),
             "at": n.at.isoformat()}
            for n in db.scalars(select(UnitNotice).where(UnitNotice.unit_code == unit_code)
                                .order_by(UnitNotice.id))]


def add_notice(db, unit_code, reason, named_by, today):
    db.add(UnitNotice(unit_code=unit_code, reason=reason, named_by=named_by, named_on=today,
                      at=utcnow()))
    db.flush()


def places_of(db, period_code, region, lock=False):
    """The places left to the municipal center in the period (None: no cut); with
    ``lock`` the row is locked (PostgreSQL) so that concurrent approvals count
    each other."""
    row = db.get(MunicipalPlaces, (period_code, region), with_for_update=lock)
    return None if row is None else row.places


def set_places(db, period_code, region, places, reason, decided_by):
    row = db.get(MunicipalPlaces, (period_code, region)) or MunicipalPlaces(
        period_code=period_code, region=region)
    row.places, row.reason, row.decided_by, row.at = places, reason, decided_by, utcnow()
    db.add(row)
    db.flush()


def municipal_used(db, period_code, region):
    """The municipal center's approvals at its step in the period."""
    return db.scalar(select(func.count()).select_from(Review).join(
        Application, Application.id == Review.application_id).where(
        Application.region == region, Application.period_code == period_code,
        Review.step == "municipal", Review.decision == "approve"))


def municipal_regions(db, period_code):
    """Regions with an event or a places row in the period."""
    with_events = set(db.scalars(select(TrackEvent.code).where(
        TrackEvent.subject == "municipal", TrackEvent.period_code == period_code)))
    with_places = set(db.scalars(select(MunicipalPlaces.region).where(
        MunicipalPlaces.period_code == period_code)))
    return sorted(with_events | with_places)
