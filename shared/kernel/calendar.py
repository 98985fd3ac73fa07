"""The working-day calendar loaded at run time (#15), shared by every service.

chinesecalendar knows the years it was released with (up to 2026 today); the
State Council publishes the next year's holidays late in the year. The
provincial administrator loads a year (its statutory holidays and make-up
working days, 调休) over RPC: ``exam.set_calendar_year`` (the gateway's
``PUT /api/admin/calendar/{year}``). How it reaches every service:

- the owner (exam, ``CalendarOwnerEntrypoints``) checks it (W1,
  ``kernel.workdays.check_year``), writes it into its kernel table
  ``calendar_year`` and emits ``exam.calendar_year_loaded`` in the same
  transaction (outbox);
- every service that counts working days (review, certificate:
  ``CalendarCopyEntrypoints``) applies that event to its own ``calendar_year``
  table (a newer ``version`` wins; a redelivery changes nothing) and then calls
  ``after_calendar_loaded(year)``, where it computes what was pending;
- every process hands its table to ``kernel.workdays`` (``refresh``) when its
  database dependency starts and with every outbox sweep (5 s), so a replica
  that did not receive the event (competing consumers) follows within seconds.

Until a year is loaded, what depends on it is pending: callers catch
CalendarUnavailable (``workdays.or_pending``), answer a pending state, and set
``skillcert_calendar_pending{service,year}`` (``set_pending``); an alert fires
on it (deploy/prometheus/alerts.yml). Nothing is guessed, nothing dead-letters.
"""
import logging
import threading

from marshmallow import fields, validate
from sqlalchemy import select

from kernel import metrics, workdays
from kernel.commands import command
from kernel.db import utcnow
from kernel.entrypoints import handles, rpc
from kernel.schemas import StrictSchema

log = logging.getLogger(__name__)

TABLE = "calendar_year"
FIRST_LIBRARY_YEAR = 2004         # chinesecalendar's first year

PENDING = metrics.CALENDAR_PENDING       # skillcert_calendar_pending{service,year}
_pending_lock = threading.Lock()
_pending_labels = {}


class SetCalendarYearSchema(StrictSchema):
    """A year's statutory holidays (weekdays off) and make-up working days
    (调休: weekend days worked), as the State Council's notice lists them (W1)."""
    year = fields.Integer(required=True)
    holidays = fields.List(fields.Raw(), required=True)
    workdays = fields.List(fields.Raw(), required=True)
    source = fields.String(required=True, validate=validate.Length(min=1, max=200),
                           metadata={"description": "the notice it comes from, e.g. "
                                     "国务院办公厅关于2027年部分节假日安排的通知"})
    actor = fields.String(required=True, validate=validate.Length(min=1, max=100))
    idempotency_key = fields.String(load_default=None, validate=validate.Length(max=100))


def _table(db):
    return db.info["tables"][TABLE]


def stored(db):
    """{year: row as a dict} of this service's table."""
    return {r.year: dict(r._mapping) for r in db.execute(select(_table(db)))}


def refresh(service, db):
    """Hand this service's loaded years to kernel.workdays."""
    workdays.use_loaded(service, {y: r for y, r in stored(db).items()})


def refresh_from_engine(service, engine, metadata):
    """At start: the stored rows, before any worker runs (a database not migrated
    yet, or no calendar table, leaves the process with what the library knows)."""
    table = metadata.tables.get(TABLE)
    if table is None:
        return
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(table)).all()
    except Exception:          # noqa: BLE001  (the table comes with the next migration)
        log.warning("%s: calendar table not readable yet", service)
        return
    workdays.use_loaded(service, {r.year: dict(r._mapping) for r in rows})


def keep(db, year, holidays, workdays_, source, loaded_by, version, loaded_at):
    """Store a year unless this table has that version or a newer one. True if kept."""
    table = _table(db)
    row = db.execute(select(table.c.version).where(table.c.year == year)).first()
    if row is not None and row.version >= version:
        return False
    values = {"holidays": [str(d) for d in holidays], "workdays": [str(d) for d in workdays_],
              "source": source, "loaded_by": loaded_by, "loaded_at": loaded_at,
              "version": version}
    if row is None:
        db.execute(table.insert().values(year=year, **values))
    else:
        db.execute(table.update().where(table.c.year == year).values(**values))
    return True


def years(db):
    """Every year the calendar knows, with its source: loaded at run time (who,
    when, from which notice), an override file, or the chinesecalendar release."""
    rows = stored(db)
    out = [{"year": y, "source": "loaded", "notice": r["source"], "loaded_by": r["loaded_by"],
            "loaded_at": r["loaded_at"].isoformat(), "version": r["version"],
            "holidays": len(r["holidays"]), "workdays": len(r["workdays"])}
           for y, r in rows.items()]
    for y, data in workdays.overrides().items():
        if y not in rows:
            out.append({"year": y, "source": "file", "holidays": len(data["holidays"]),
                        "workdays": len(data["workdays"])})
    known = {o["year"] for o in out}
    year = FIRST_LIBRARY_YEAR
    while workdays.library_covers(year):
        if year not in known:
            out.append({"year": year, "source": "chinesecalendar"})
        year += 1
    return sorted(out, key=lambda o: o["year"])


def set_pending(service, counts):
    """``skillcert_calendar_pending{service,year}`` = counts ({year: n}); this
    service's other years go back to nothing (a loaded year leaves the gauge)."""
    with _pending_lock:
        for year in _pending_labels.get(service, set()) - set(counts):
            try:
                PENDING.remove(service, str(year))
            except KeyError:
                pass
        for year, n in counts.items():
            PENDING.labels(service, str(year)).set(n)
        _pending_labels[service] = set(counts)


class CalendarOwnerEntrypoints:
    """The service that takes the administrator's years (exam):

        class ExamService(CalendarOwnerEntrypoints, ..., ServiceBase):
            calendar_event = exam_events.CALENDAR_YEAR_LOADED
    """
    calendar_event = None

    @rpc
    @command(SetCalendarYearSchema)
    def set_calendar_year(self, data):
        """W1: check the year, store it (version + 1 on a correction), tell every service."""
        holidays, workdays_ = workdays.check_year(data["year"], data["holidays"],
                                                  data["workdays"])
        table = _table(self.db)
        row = self.db.execute(select(table.c.version).where(
            table.c.year == data["year"])).first()
        version, now = (row.version + 1 if row else 1), utcnow()
        keep(self.db, data["year"], holidays, workdays_, data["source"], data["actor"],
             version, now)
        self.calendar_event.emit(self.db, year=data["year"],
                                 holidays=[d.isoformat() for d in holidays],
                                 workdays=[d.isoformat() for d in workdays_],
                                 source=data["source"], loaded_by=data["actor"],
                                 version=version, loaded_at=now.isoformat())
        self.db.flush()
        refresh(self.name, self.db)
        return {"year": data["year"], "version": version, "source": data["source"],
                "holidays": [d.isoformat() for d in holidays],
                "workdays": [d.isoformat() for d in workdays_]}

    @rpc
    def calendar_years(self):
        return years(self.db)


class CalendarCopyEntrypoints:
    """A service that counts working days keeps the loaded years (review, certificate).

        class ReviewService(CalendarCopyEntrypoints, ..., ServiceBase):
            calendar_contract = exam_events.CALENDAR_YEAR_LOADED

    ``after_calendar_loaded(year)``: compute what waited for that year, in the
    handler's transaction."""
    calendar_contract = None

    @handles("exam", "calendar_year_loaded")
    def on_calendar_year_loaded(self, event):
        p = self.calendar_contract.load(event["payload"])
        if keep(self.db, p["year"], p["holidays"], p["workdays"], p["source"], p["loaded_by"],
                p["version"], p["loaded_at"]):
            self.db.flush()
            refresh(self.name, self.db)
            self.after_calendar_loaded(p["year"])

    @rpc
    def calendar_years(self):
        return years(self.db)

    def after_calendar_loaded(self, year):
        """What a service derives from the calendar, filled in now."""
