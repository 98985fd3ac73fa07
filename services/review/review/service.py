"""nameko entrypoints of the review service: validate, apply the rules in
domain.py, persist, record events. Nothing else."""
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm.exc import StaleDataError

from kernel import batches, calendar, metrics, settings
from kernel.db import Database, utcnow
from kernel.entrypoints import EVENT_BATCH, handles, payload_ids, rpc, timer
from kernel.errors import Conflict, NotFound
from kernel.rpc import RpcClient
from kernel.schemas import load
from kernel.batch_copy import BatchCopyEntrypoints
from kernel.calendar import CalendarCopyEntrypoints
from kernel.commands import command
from kernel.service import ServiceBase

from exam import events as exam_events
from registration import events as registration_events

from review import bulk, domain, events
from review.models import Application, Base, Batch, DishonestyRecord, HistoryEntry, Task
from review.schemas import (DaySchema, DecideManySchema, DecideSchema, DecisionSchema,
                            DishonestySchema, SortedQueueSchema, dishonesty_record_schema,
                            queue_item_schema, review_schema)

DECISIONS = metrics.counter("skillcert_review_decisions_total",
                            "Review decisions by outcome (V2)", ["outcome"])
OVERDUE = metrics.gauge("skillcert_review_overdue_tasks",
                        "Open review tasks past their due date (V1)", ["batch_code", "stage"])
WINDOW_CHECK_INTERVAL = 600      # seconds between runs of close_review_window
OVERDUE_INTERVAL = 60            # seconds between refreshes of the overdue gauge

# who the application is: copied from registration's events, repeated in review's
HEAD = ("batch_code", "project_code", "channel", "institution_code", "id_number", "name")
# what the reviewer sees besides
SNAPSHOT = ("person", "claim", "precheck", "first_review", "photo", "materials", "sex",
            "birth_date", "changed")


class ReviewService(BatchCopyEntrypoints, CalendarCopyEntrypoints, ServiceBase):
    name = "review"
    calendar_contract = exam_events.CALENDAR_YEAR_LOADED   # W1: the years loaded at run time
    db = Database(Base)
    exam = RpcClient("exam")
    batch_model = Batch        # list_batches, sync_batches and the exam batch handlers
    batch_contract = exam_events.Batch   # how the copy loads exam's batches

    # --- batches: a copy of the exam service's (kernel.batch_copy) ------------

    @handles("exam", "batch_cancelled")
    def on_batch_cancelled(self, event):
        """B1: the open tasks and pending corrections of that project end."""
        data = exam_events.BATCH_CANCELLED.load(event["payload"])
        apps = self.db.scalars(select(Application).where(
            Application.batch_code == data["batch_code"],
            Application.project_code == data["project_code"],
            Application.status.in_((domain.PENDING, "returned")))).all()
        for app in apps:
            self._close(app, "cancelled", event["producer"],
                        data["reason"] or "batch cancelled (B1)", event)

    def after_batch_kept(self, code):
        """Open tasks' due dates follow their batch's new settings (V1)."""
        self._set_due_dates(Task.state == "open", Application.batch_code == code)

    def after_calendar_loaded(self, year):
        """V1: due dates that waited for a working-day year are computed now."""
        self._set_due_dates(Task.state == "open", Task.due_on.is_(None))

    def refresh_business_metrics(self):
        """skillcert_calendar_pending{service="review",year}: open tasks whose due
        date (V1) waits for a year's working-day calendar."""
        cache, pending = {}, {}
        for task, app in self.db.execute(select(Task, Application).join(Application).where(
                Task.state == "open", Task.due_on.is_(None))).all():
            year = domain.due_pending_year(app.channel, task.received_on,
                                           self._batch(app.batch_code, cache))
            if year is not None:
                pending[year] = pending.get(year, 0) + 1
        calendar.set_pending(self.name, pending)

    def _batch(self, code, cache=None):
        if cache is not None and code in cache:
            return cache[code]
        row = self.db.get(Batch, code)
        found = batches.as_dict(row) if row is not None else None
        if cache is not None:
            cache[code] = found
        return found

    # --- what registration tells us ------------------------------------------

    def _preload(self, events):
        """A batch's applications in one query (kernel handles(preload=...)):
        what ``_known`` answers for them, None for one review has not seen."""
        ids = payload_ids(events)
        known = dict.fromkeys(ids)
        known.update((app.id, app) for app in self.db.scalars(
            select(Application).where(Application.id.in_(ids))))
        self.db.info["applications"] = known

    def _known(self, application_id):
        known = self.db.info.get("applications")
        if known is not None and application_id in known:
            return known[application_id]
        return self.db.get(Application, application_id)

    @handles("registration", "application_submitted", batch=EVENT_BATCH, preload=_preload)
    def on_submitted(self, event):
        data = registration_events.APPLICATION_SUBMITTED.load(event["payload"])
        app = self._known(data["application_id"])
        if app is not None:
            self._note(app.id, "ignored", event["producer"], "application_submitted ignored: "
                       f"the application is already known ({app.status})", event)
            return
        self._open(data, event)

    @handles("registration", "application_resubmitted")
    def on_resubmitted(self, event):
        data = registration_events.APPLICATION_RESUBMITTED.load(event["payload"])
        app = self.db.get(Application, data["application_id"])
        if app is None:                       # its submission never reached us
            self._open(data, event)
            return
        if not domain.on_resubmitted(app.status):
            self._note(app.id, "ignored", event["producer"], "application_resubmitted "
                       f"ignored: the application is {app.status}", event)
            return
        self._open(data, event, app)

    @handles("registration", "application_withdrawn")
    def on_withdrawn(self, event):
        data = registration_events.APPLICATION_WITHDRAWN.load(event["payload"])
        app = self.db.get(Application, data["application_id"])
        target = domain.on_withdrawn(app.status) if app is not None else None
        if target is None:
            self._note(data["application_id"], "ignored", event["producer"],
                       "application_withdrawn ignored: " + (
                           f"the application is {app.status}" if app else
                           "review never saw this application"), event)
            return
        self._close(app, target, event["producer"], data["reason"], event)

    def _open(self, data, event, app=None):
        """A new review round (task) for a submission or a resubmission."""
        now = utcnow()
        snapshot = {k: data[k] for k in SNAPSHOT}
        if app is None:
            app = Application(id=data["application_id"], round=0)
            self.db.add(app)
            if "applications" in self.db.info:       # a later event of the batch sees it
                self.db.info["applications"][app.id] = app
        for key in HEAD + ("submitted_at",):
            setattr(app, key, data[key])
        app.submission, app.status, app.updated_at = snapshot, domain.PENDING, now
        app.round += 1
        received = domain.received_on(data["submitted_at"])
        due = domain.due_on(app.channel, received,
                            self._batch(app.batch_code, self.db.info.setdefault("batches", {})))
        task = Task(application_id=app.id, round=app.round, stage=domain.stage_for(app.channel),
                    state="open", received_on=received, due_on=due, opened_at=now)
        self.db.add(task)      # flushed with the batch's others (executemany) at the commit
        self._note(app.id, "task_opened", event["producer"], event["type"], event,
                   round=app.round, stage=task.stage, received_on=received.isoformat(),
                   due_on=due and due.isoformat(), changed=data["changed"])

    def _close(self, app, status, actor, reason, event):
        now = utcnow()
        task = self.db.scalars(select(Task).where(Task.application_id == app.id,
                                                  Task.state == "open")).first()
        if task is not None:
            task.state, task.closed_reason, task.closed_at = "closed", reason or status, now
        app.status, app.updated_at = status, now
        self._note(app.id, status, actor, reason, event)

    # --- decisions -------------------------------------------------------------

    @rpc
    @command(DecideSchema)
    def decide(self, data):
        """One decision (approve, reject, return) on one application."""
        reviewer = data.pop("reviewer")
        out = self._decide(data, reviewer, settings.today(self.config), {})
        DECISIONS.labels(out["status"]).inc()
        return out

    @rpc
    @command(DecideManySchema)
    def decide_many(self, data):
        """Many decisions in one sitting, each with its own outcome: an item that
        fails changes nothing and does not stop the others."""
        today, cache = settings.today(self.config), {}
        tasks = self._prefetch([i.get("application_id") for i in data["decisions"]
                                if isinstance(i, dict)])

        def one(item):
            return self._decide(load(DecisionSchema(), item), data["reviewer"], today, cache,
                                tasks)

        results = bulk.each(self.db, data["decisions"], one, ident=lambda item: {
            "application_id": item.get("application_id") if isinstance(item, dict) else None})
        for r in results:
            if r["ok"]:
                DECISIONS.labels(r["status"]).inc()
        return dict(bulk.summary(results), results=results)

    def _prefetch(self, ids):
        """Load a sitting's applications (into the session) and their latest tasks
        in two queries instead of two per decision."""
        ids = sorted({i for i in ids if isinstance(i, str)})
        if not ids:
            return {}
        self.db.scalars(select(Application).where(Application.id.in_(ids))).all()
        latest = {}
        for task in self.db.scalars(select(Task).where(Task.application_id.in_(ids))
                                    .order_by(Task.round)):
            latest[task.application_id] = task
        return latest

    def _decide(self, d, reviewer, today, cache, tasks=None):
        domain.check_decision(d["decision"], d["reason"], d["fields_to_fix"])
        app = self._get_app(d["application_id"])
        task = tasks[app.id] if tasks and app.id in tasks else self._latest_task(app.id)
        domain.check_can_decide(self._state(app, task), self._batch(app.batch_code, cache),
                                task.due_on if task else None, reviewer, today,
                                d["decision"])
        now = utcnow()
        status = domain.decision_outcome(d["decision"], app.channel, task.round)
        reason = (d["reason"] or "").strip() or None
        fields_to_fix = list(d["fields_to_fix"]) if d["decision"] == "return" else None
        task.state, task.outcome, task.reviewer = "decided", status, reviewer
        task.reason, task.fields_to_fix, task.decided_at = reason, fields_to_fix, now
        app.status, app.updated_at = status, now
        self._note(app.id, status, reviewer["name"], reason, None, round=task.round,
                   reviewer=reviewer, fields_to_fix=fields_to_fix,
                   rule=domain.RESUBMISSION_STILL_WRONG if status == "not_accepted" else None)
        try:
            self.db.flush()
        except StaleDataError:
            raise Conflict("DECIDED_CONCURRENTLY", "another decision on this application was "
                           "recorded at the same moment; reload it", field="application_id")
        if status == "not_accepted":          # V2: the correction is still wrong
            events.APPLICATION_NOT_ACCEPTED.emit(
                self.db, application_id=app.id, batch_code=app.batch_code,
                project_code=app.project_code, cause="correction",
                reason=f"{reason} — {domain.RESUBMISSION_STILL_WRONG}")
        else:
            payload = dict(self._head(app), actor=reviewer["name"], reason=reason,
                           decided_at=now.isoformat())
            if status == "returned":
                payload["fields_to_fix"] = fields_to_fix
            events.BY_STATUS[status].emit(self.db, **payload)
        return {"application_id": app.id, "status": status, "round": task.round,
                "decided_at": now.isoformat()}

    def _state(self, app, task):
        last = None
        if task is not None and task.state == "decided":
            last = {"outcome": task.outcome, "by": (task.reviewer or {}).get("name"),
                    "at": task.decided_at.isoformat(), "round": task.round}
        return {"status": app.status, "channel": app.channel,
                "institution_code": app.institution_code, "last_decision": last}

    # --- the end of the review window (V2) -------------------------------------

    @timer(interval=WINDOW_CHECK_INTERVAL)
    @rpc
    def close_review_window(self, today=None):
        """Returned applications not resubmitted by the end of their batch's review
        window are no longer accepted. Safe to run twice, and on two replicas at once:
        each application is closed by a conditional update, and only once."""
        day = load(DaySchema(), {"today": today})["today"] or settings.today(self.config)
        rows = self.db.execute(select(Application.id, Application.batch_code,
                                      Application.project_code)
                               .where(Application.status == "returned")).all()
        cache, closed = {}, []
        for row in rows:
            if not domain.closes_as_not_accepted("returned", self._batch(row.batch_code, cache),
                                                 day):
                continue
            now = utcnow()
            done = self.db.execute(
                update(Application)
                .where(Application.id == row.id, Application.status == "returned")
                .values(status="not_accepted", updated_at=now, version=Application.version + 1)
                .execution_options(synchronize_session=False)).rowcount
            if not done:          # another run closed it first
                continue
            self._note(row.id, "not_accepted", "system", domain.NOT_ACCEPTED_REASON, None,
                       review_window_end=cache[row.batch_code]["review"][1].isoformat())
            events.APPLICATION_NOT_ACCEPTED.emit(
                self.db, application_id=row.id, batch_code=row.batch_code,
                project_code=row.project_code, reason=domain.NOT_ACCEPTED_REASON,
                cause="window")
            closed.append(row.id)
        return {"today": day.isoformat(), "closed": len(closed), "application_ids": closed}

    @rpc
    def close_review_window_now(self):
        """close_review_window for the suite's today, no date taken: what the gateway's
        staff route calls (its broker user may call nothing dated, docs/architecture.md)."""
        return self.close_review_window()

    # --- falsified material, recorded against the person (R4) ---------------------

    @rpc
    @command(DishonestySchema)
    def record_dishonesty(self, data):
        """R4: a center reviewer records falsified material found in an
        application against the person (2024: 不诚信行为): who, when, what, by
        whom. Reviewers see it whenever the person applies again. It decides
        nothing: the reviewer rejects or returns the application as usual."""
        app = self._get_app(data["application_id"])
        batch = self._batch(app.batch_code)
        domain.check_can_record_dishonesty(data["reviewer"], batch)
        reviewer = {"name": data["reviewer"]["name"], "role": data["reviewer"]["role"]}
        row = DishonestyRecord(
            person_key=domain.person_key(app.id_number), application_id=app.id,
            batch_code=app.batch_code, project_code=app.project_code, year=batch["year"],
            kind=domain.dishonesty_kind(batch["year"]), finding=data["finding"].strip(),
            materials=list(data["materials"]), recorded_by=reviewer, recorded_at=utcnow())
        self.db.add(row)
        self.db.flush()
        self._note(app.id, "dishonesty_recorded", reviewer["name"], None, None,
                   record_id=row.id, kind=row.kind, rule="R4")
        return self._dishonesty(row)

    @rpc
    def dishonesty_of(self, application_id):
        """R4: the records against the person of this application, newest first."""
        app = self._get_app(application_id)
        return [self._dishonesty(r) for r in self._records_of(app.id_number)]

    def _records_of(self, id_number):
        return self.db.scalars(select(DishonestyRecord).where(
            DishonestyRecord.person_key == domain.person_key(id_number))
            .order_by(DishonestyRecord.recorded_at.desc(), DishonestyRecord.id.desc())).all()

    def _record_counts(self, apps):
        keys = {a.id: domain.person_key(a.id_number) for a in apps}
        if not keys:
            return {}
        counts = dict(self.db.execute(select(DishonestyRecord.person_key, func.count())
                                      .where(DishonestyRecord.person_key.in_(
                                          set(keys.values())))
                                      .group_by(DishonestyRecord.person_key)).all())
        return {app_id: counts.get(key, 0) for app_id, key in keys.items()}

    @staticmethod
    def _dishonesty(row):
        return dishonesty_record_schema.dump(row)

    # --- work queues -------------------------------------------------------------

    @rpc
    def get_review(self, application_id):
        """The application as the reviewer sees it: pre-check, materials, first
        review, the current task and every round, and the history."""
        app = self._get_app(application_id)
        tasks = self.db.scalars(select(Task).where(Task.application_id == app.id)
                                .order_by(Task.round)).all()
        history = self.db.scalars(select(HistoryEntry).where(
            HistoryEntry.application_id == app.id).order_by(HistoryEntry.id)).all()
        open_task = next((t for t in tasks if t.state == "open"), None)
        return review_schema.dump(dict(
            self._head(app), **{c: getattr(app, c) for c in (
                "status", "round", "submission", "submitted_at", "updated_at")},
            task=open_task, tasks=tasks, history=history,
            dishonesty=self._records_of(app.id_number)))

    @rpc
    def list_pending(self, batch_code=None, project_code=None, institution_code=None,
                     stage=None, limit=200, offset=0, channel=None, overdue=None, sort=None):
        """The open tasks, filtered by batch, project, institution, stage, channel
        and being overdue (V1), the earliest due first unless ``sort`` says
        otherwise (due_on, received_on, project_code, institution_code, name;
        "-" first: descending); a page of ``limit`` from ``offset``."""
        q = load(SortedQueueSchema(), {"batch_code": batch_code, "project_code": project_code,
                                 "institution_code": institution_code, "stage": stage,
                                 "channel": channel, "overdue": overdue, "sort": sort,
                                 "limit": limit, "offset": offset})
        today = settings.today(self.config)
        where = self._queue_filters(q)
        if q["channel"]:
            where.append(Application.channel == q["channel"])
        if q["overdue"] is True:
            where.append(Task.due_on < today)
        elif q["overdue"] is False:
            where.append(or_(Task.due_on.is_(None), Task.due_on >= today))
        total = self.db.scalar(select(func.count()).select_from(Task).join(Application)
                               .where(*where))
        rows = self.db.execute(self._queue_query(where, q["sort"]).limit(q["limit"])
                               .offset(q["offset"])).all()
        records = self._record_counts([a for _, a in rows])
        return {"total": total, "items": [self._queue_item(t, a, today, records)
                                          for t, a in rows]}

    @rpc
    def queue_summary(self, batch_code=None):
        """Open tasks counted by batch, project, institution and stage, with how
        many of them are overdue (V1)."""
        today = settings.today(self.config)
        where = self._queue_filters(load(DaySchema(), {"batch_code": batch_code}))
        overdue = func.sum(case((Task.due_on < today, 1), else_=0))
        rows = self.db.execute(
            select(Application.batch_code, Application.project_code,
                   Application.institution_code, Task.stage, func.count(), overdue)
            .select_from(Task).join(Application).where(*where)
            .group_by(Application.batch_code, Application.project_code,
                      Application.institution_code, Task.stage)
            .order_by(Application.batch_code, Application.project_code,
                      Application.institution_code.is_not(None),    # individual first
                      Application.institution_code, Task.stage)).all()
        return [{"batch_code": b, "project_code": p, "institution_code": i, "stage": s,
                 "pending": n, "overdue": int(o or 0)} for b, p, i, s, n, o in rows]

    @rpc
    def list_overdue(self, batch_code=None, today=None):
        """Open tasks past their due date (V1), the longest overdue first."""
        q = load(DaySchema(), {"today": today, "batch_code": batch_code})
        day = q["today"] or settings.today(self.config)
        where = self._queue_filters(q) + [Task.due_on < day]
        rows = self.db.execute(self._queue_query(where)).all()
        records = self._record_counts([a for _, a in rows])
        return [self._queue_item(t, a, day, records) for t, a in rows]

    @timer(interval=OVERDUE_INTERVAL)
    @rpc
    def refresh_overdue(self, today=None):
        """Fill in due dates that could not be known yet (batch or calendar year
        missing then) and set the overdue gauge."""
        day = load(DaySchema(), {"today": today})["today"] or settings.today(self.config)
        filled = self._set_due_dates(Task.state == "open", Task.due_on.is_(None))
        rows = self._overdue_counts(day)
        metrics.snapshot(OVERDUE, {(b, s): n for b, s, n in rows})
        return {"today": day.isoformat(), "filled": filled,
                "overdue": sum(n for _, _, n in rows),
                "by_batch": {f"{b}/{s}": n for b, s, n in rows}}

    def _overdue_counts(self, day):
        """(batch_code, stage, open tasks past their due date on ``day``): what
        skillcert_review_overdue_tasks is set from."""
        return self.db.execute(
            select(Application.batch_code, Task.stage, func.count())
            .select_from(Task).join(Application)
            .where(Task.state == "open", Task.due_on < day)
            .group_by(Application.batch_code, Task.stage)
            .order_by(Application.batch_code, Task.stage)).all()

    @rpc
    def business_figures(self):
        """The figures the overdue gauge is set from (the dashboard), today."""
        day = settings.today(self.config)
        return {"today": day.isoformat(), "overdue": [
            {"batch_code": b, "stage": s, "count": n} for b, s, n in self._overdue_counts(day)]}

    def _queue_filters(self, q):
        where = [Task.state == "open"]
        for key, column in (("batch_code", Application.batch_code),
                            ("project_code", Application.project_code),
                            ("institution_code", Application.institution_code),
                            ("stage", Task.stage)):
            if q.get(key):
                where.append(column == q[key])
        return where

    SORT_COLUMNS = {"due_on": Task.due_on, "received_on": Task.received_on,
                    "project_code": Application.project_code,
                    "institution_code": Application.institution_code,
                    "name": Application.name}

    def _queue_query(self, where, sort=None):
        """The earliest due first (an unknown due date last); ``sort`` puts its
        column first (NULLs last either way) and keeps that order after it, so a
        page boundary never splits equal rows differently on two calls."""
        order = []
        if sort:
            key = sort.lstrip("-")
            column = self.SORT_COLUMNS[key]
            order += [column.is_(None), column.desc() if sort.startswith("-") else column]
        order += [Task.due_on.is_(None), Task.due_on, Task.received_on, Application.id]
        return select(Task, Application).join(Application).where(*where).order_by(*order)

    def _queue_item(self, task, app, today, records=None):
        return queue_item_schema.dump(dict(
            self._head(app), dishonesty_records=(records or {}).get(app.id, 0),
            stage=task.stage, round=task.round,
            received_on=task.received_on, due_on=task.due_on,
            overdue=domain.is_overdue(task.due_on, today),
            overdue_workdays=domain.overdue_by(task.due_on, today),
            due_in_workdays=domain.workdays_left(task.due_on, today),
            precheck_outcome=(app.submission.get("precheck") or {}).get("outcome")))

    def _set_due_dates(self, *where):
        """Recompute the due date of the open tasks matching ``where``."""
        cache, changed = {}, 0
        rows = self.db.execute(select(Task, Application).join(Application).where(*where)).all()
        for task, app in rows:
            due = domain.due_on(app.channel, task.received_on, self._batch(app.batch_code, cache))
            if due != task.due_on:
                task.due_on = due
                changed += 1
        return changed

    # --- helpers ---------------------------------------------------------------

    @staticmethod
    def _head(app):
        return {"application_id": app.id, **{key: getattr(app, key) for key in HEAD}}

    def _get_app(self, application_id):
        app = self.db.get(Application, str(application_id))
        if app is None:
            raise NotFound("APPLICATION_NOT_FOUND", "review has no such application",
                           field="application_id")
        return app

    def _latest_task(self, application_id):
        return self.db.scalars(select(Task).where(Task.application_id == application_id)
                               .order_by(Task.round.desc()).limit(1)).first()

    def _note(self, application_id, what, actor, note=None, event=None, **details):
        if event is not None:
            details["event_id"] = event["event_id"]
        details = {k: v for k, v in details.items() if v is not None}
        self.db.add(HistoryEntry(application_id=application_id, at=utcnow(), what=what,
                                 actor=actor or "system", note=note, details=details or None))
