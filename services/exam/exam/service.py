"""nameko entrypoints of the exam service: validate (schemas), apply the rules
(domain.py), persist, record events. The batch catalogue, rosters (B1), rooms,
sessions and arrangement (T3), assessor dispatch (T4), admission tickets (T1),
check-in (T2), scores (T4) and publication (T5)."""
import base64
import uuid
from collections import Counter, defaultdict

from sqlalchemy import delete, func, insert, select, update

from kernel import idnumber, metrics, names, privacy, settings
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import handles, rpc, timer
from kernel.errors import (CalendarUnavailable, Conflict, Forbidden, NotFound, RuleViolation,
                           ValidationFailed)
from kernel.outbox import emit
from kernel.rpc import RpcClient
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs

from exam import domain, tickets
from exam.models import (Base, Batch, BatchProject, Candidate, Card, Dispatch, ExamSession,
                         Note, Objection, Profile, Publication, Result, Room, Score, ScoreSheet,
                         Seating, TicketPrint, Verification)
from exam.schemas import (AbandonedSchema, ApplicationSubmittedSchema, ArrangeSchema,
                          BatchRequestSchema, BatchSchema, CardEventSchema, CheckInSchema, ComputerScoresSchema,
                          InstitutionTicketsSchema, ObjectionSchema, OverrideSchema,
                          PaymentConfirmedSchema, PracticalScoresSchema, ResolveSchema,
                          RoomSchema, SessionsSchema, VerifySchema, batch_schema)

TIMER_INTERVAL = 3600       # the daily jobs look every hour; each is safe to run twice
ROSTER = metrics.counter("skillcert_exam_roster_total", "Roster changes", ["event"])
TICKETS = metrics.counter("skillcert_exam_tickets_total", "Admission tickets handed out",
                          ["channel", "late"])
CHECK_INS = metrics.counter("skillcert_exam_check_ins_total", "Candidates checked in", [])
FINALIZED = metrics.counter("skillcert_exam_results_finalized_total", "Results finalized",
                            ["passed"])


class ExamService(ServiceBase):
    name = "exam"
    db = Database(Base)
    blobs = Blobs()
    registration = RpcClient("registration")

    @rpc
    def list_batches(self, year=None):
        query = select(Batch).order_by(Batch.exam_date)
        if year is not None:
            if not str(year).isdigit():
                raise ValidationFailed("VALIDATION_FAILED", "year is a number such as 2026",
                                       field="year")
            query = query.where(Batch.year == int(year))
        return [batch_schema.dump(b.to_dict()) for b in self.db.scalars(query)]

    @rpc
    def get_batch(self, code):
        return batch_schema.dump(self._get(code).to_dict())

    @rpc
    def schedule_batch(self, batch):
        data = domain.check_batch(load(BatchSchema(), batch))
        if self.db.get(Batch, data["code"]) is not None:
            raise Conflict("BATCH_EXISTS", f"batch {data['code']} already exists",
                           field="code")
        return self._create(data)

    @rpc
    def update_batch(self, code, changes):
        row = self._get(code)
        if not isinstance(changes, dict):
            raise ValidationFailed("VALIDATION_FAILED", "changes must be an object of batch "
                                   "fields", field="changes")
        data = load(BatchSchema(partial=True), dict(changes, code=code))
        merged = dict(row.to_dict(), **data)
        domain.check_batch(merged)
        return self._update(row, merged)

    @rpc
    def load_calendar(self):
        """Upsert the 2024 and 2026 calendars shipped with the service."""
        created = updated = unchanged = 0
        for raw in domain.calendar_rows():
            data = domain.check_batch(load(BatchSchema(), raw))
            row = self.db.get(Batch, data["code"])
            if row is None:
                self._create(data)
                created += 1
            elif domain.changed_fields(row.to_dict(), data):
                self._update(row, dict(row.to_dict(), **data))
                updated += 1
            else:
                unchanged += 1
        return {"created": created, "updated": updated, "unchanged": unchanged}

    def _get(self, code):
        return self._batch(code, field="code")

    def _create(self, data):
        row = Batch(code=data["code"], status="scheduled", version=1, updated_at=utcnow())
        row.assign(data)
        self.db.add(row)
        self.db.flush()
        out = batch_schema.dump(row.to_dict())
        emit(self.db, "batch_scheduled", {"batch": out})
        return out

    def _update(self, row, merged):
        changed = domain.changed_fields(row.to_dict(), merged)
        if not changed:
            return batch_schema.dump(row.to_dict())
        row.assign(merged)
        row.version += 1
        row.updated_at = utcnow()
        self.db.flush()
        out = batch_schema.dump(row.to_dict())
        emit(self.db, "batch_updated", {"batch": out, "changed": changed})
        return out

    # --- common helpers ----------------------------------------------------------

    def _today(self, today=None):
        return settings.day(self.config, today)

    def _batch(self, code, field="batch_code"):
        row = self.db.get(Batch, str(code))
        if row is None:
            raise NotFound("BATCH_NOT_FOUND", f"no batch {code}", field=field)
        return row

    def _note(self, event, subject, note):
        self.db.add(Note(at=utcnow(), event_type=event["type"], subject=subject, note=note))

    @rpc
    def list_notes(self, subject=None):
        """Events that did not apply (recorded, not raised), newest first."""
        query = select(Note).order_by(Note.id.desc()).limit(500)
        if subject:
            query = query.where(Note.subject == subject)
        return [{"at": n.at.isoformat(), "event_type": n.event_type, "subject": n.subject,
                 "note": n.note} for n in self.db.scalars(query)]

    # --- rosters from payment's events; B1 ----------------------------------------

    @handles("payment", "payment_confirmed")
    def on_payment_confirmed(self, event):
        data = load(PaymentConfirmedSchema(), event["payload"])
        app_id = data["application_id"]
        if self.db.get(Batch, data["batch_code"]) is None:
            return self._note(event, app_id, f"unknown batch {data['batch_code']}: ignored")
        now = utcnow()
        cand = self.db.get(Candidate, app_id) or Candidate(application_id=app_id,
                                                            confirmed_at=now)
        cand.batch_code, cand.project_code = data["batch_code"], data["project_code"]
        cand.institution_code = data["institution_code"]
        cand.id_number = data["id_number"].strip().upper()
        cand.name = names.normalize_lenient(data["name"])
        cand.status, cand.updated_at = "confirmed", now
        self.db.add(cand)
        bp = self._batch_project(data["batch_code"], data["project_code"])
        if bp.status == domain.ROSTER_CANCELLED:
            cand.status = "cancelled"
            emit(self.db, "batch_cancelled", {"batch_code": bp.batch_code,
                                              "project_code": bp.project_code,
                                              "reason": bp.reason})
            self._note(event, app_id, "confirmed after the batch/project was cancelled (B1): "
                       "batch_cancelled sent again")
        elif bp.status == domain.ROSTER_HELD:
            self._note(event, app_id, "confirmed after the roster was decided: arrange the "
                       "batch again to seat this candidate")
        ROSTER.labels("confirmed").inc()

    @handles("payment", "application_abandoned")
    def on_application_abandoned(self, event):
        data = load(AbandonedSchema(), event["payload"])
        cand = self.db.get(Candidate, data["application_id"])
        if cand is None or cand.status != "confirmed":
            return self._note(event, data["application_id"],
                              "abandoned, and not on a roster: nothing to remove")
        cand.status, cand.updated_at = "abandoned", utcnow()
        self.db.execute(delete(Seating).where(Seating.application_id == cand.application_id))
        ROSTER.labels("abandoned").inc()

    def _batch_project(self, batch_code, project_code):
        bp = self.db.get(BatchProject, (batch_code, project_code))
        if bp is None:
            bp = BatchProject(batch_code=batch_code, project_code=project_code,
                              status=domain.ROSTER_OPEN, confirmed=0)
            self.db.add(bp)
            self.db.flush()
        return bp

    @rpc
    def close_rosters(self, today=None):
        """B1 for every batch whose payment window is over: each project with fewer
        than 10 confirmed candidates is cancelled (batch_cancelled), unless staff
        overrode; the others are held. Safe to run twice (and on two replicas)."""
        return self._close_rosters(self._today(today))

    @timer(interval=TIMER_INTERVAL)
    def close_rosters_daily(self):
        return self._close_rosters(self._today())

    @rpc
    def close_rosters_now(self):
        """close_rosters for the suite's today, no date taken: what the gateway's
        staff route calls (its broker user may call nothing dated, docs/architecture.md)."""
        return self._close_rosters(self._today())

    def _close_rosters(self, today):
        decided = []
        for batch in self.db.scalars(select(Batch).order_by(Batch.exam_date)):
            if not domain.roster_due(batch.to_dict(), today):
                continue
            counts = dict(self.db.execute(
                select(Candidate.project_code, func.count()).where(
                    Candidate.batch_code == batch.code, Candidate.status == "confirmed")
                .group_by(Candidate.project_code)).all())
            pending = self.db.scalars(select(BatchProject).where(
                BatchProject.batch_code == batch.code,
                BatchProject.status == domain.ROSTER_OPEN).order_by(BatchProject.project_code))
            for bp in pending.all():
                n = counts.get(bp.project_code, 0)
                status = domain.roster_decision(n, bp.override)
                reason = domain.cancellation_reason(n) if status == domain.ROSTER_CANCELLED \
                    else None
                claimed = self.db.execute(update(BatchProject).where(
                    BatchProject.batch_code == bp.batch_code,
                    BatchProject.project_code == bp.project_code,
                    BatchProject.status == domain.ROSTER_OPEN).values(
                    status=status, confirmed=n, reason=reason, decided_at=utcnow())).rowcount
                if not claimed:           # another replica decided it first
                    continue
                if status == domain.ROSTER_CANCELLED:
                    self.db.execute(update(Candidate).where(
                        Candidate.batch_code == bp.batch_code,
                        Candidate.project_code == bp.project_code,
                        Candidate.status == "confirmed").values(status="cancelled",
                                                                updated_at=utcnow()))
                    emit(self.db, "batch_cancelled", {"batch_code": bp.batch_code,
                                                      "project_code": bp.project_code,
                                                      "reason": reason})
                    ROSTER.labels("cancelled").inc()
                decided.append({"batch_code": bp.batch_code, "project_code": bp.project_code,
                                "status": status, "confirmed": n})
        return {"today": today.isoformat(), "decided": decided}

    @rpc
    @command(OverrideSchema)
    def override_minimum(self, data):
        """B1 says 原则上 (as a rule): staff may hold a batch/project with fewer than
        10 candidates. Recorded before the roster is decided."""
        self._batch(data["batch_code"])
        bp = self._batch_project(data["batch_code"], data["project_code"])
        domain.check_override(bp.status)
        bp.override = {"actor": data["actor"], "reason": data["reason"],
                       "at": utcnow().isoformat()}
        self.db.flush()
        return self._roster_project(bp)

    def _roster_project(self, bp):
        confirmed = self.db.scalar(select(func.count()).select_from(Candidate).where(
            Candidate.batch_code == bp.batch_code, Candidate.project_code == bp.project_code,
            Candidate.status == "confirmed"))
        return {"batch_code": bp.batch_code, "project_code": bp.project_code,
                "status": bp.status, "confirmed": confirmed, "confirmed_at_decision":
                bp.confirmed if bp.decided_at else None, "reason": bp.reason,
                "override": bp.override,
                "decided_at": bp.decided_at.isoformat() if bp.decided_at else None}

    @rpc
    def get_roster(self, batch_code, project_code=None):
        self._batch(batch_code)
        projects = select(BatchProject).where(BatchProject.batch_code == batch_code)
        cands = select(Candidate).where(Candidate.batch_code == batch_code)
        if project_code:
            projects = projects.where(BatchProject.project_code == project_code)
            cands = cands.where(Candidate.project_code == project_code)
        seats = dict(self.db.execute(select(Seating.application_id, Seating.ticket_number)
                                     .where(Seating.batch_code == batch_code)).all())
        profiled = self.db.scalar(select(func.count()).select_from(Candidate).join(
            Profile, Profile.application_id == Candidate.application_id).where(
            Candidate.batch_code == batch_code))
        return {"batch_code": batch_code, "profiles_known": profiled,
                "projects": [self._roster_project(bp) for bp in self.db.scalars(
                    projects.order_by(BatchProject.project_code))],
                "candidates": [self._candidate(c, seats.get(c.application_id))
                               for c in self.db.scalars(cands.order_by(
                                   Candidate.project_code, Candidate.id_number))]}

    def _candidate(self, c, ticket_number=None):
        return {"application_id": c.application_id, "batch_code": c.batch_code,
                "project_code": c.project_code, "institution_code": c.institution_code,
                "id_number": c.id_number, "name": c.name, "status": c.status,
                "attendance": c.attendance, "checked_in": c.checked_in,
                "ticket_number": ticket_number}

    @rpc
    def get_candidate(self, application_id):
        c = self._get_candidate(application_id)
        seat = self.db.get(Seating, c.application_id)
        out = self._candidate(c, seat and seat.ticket_number)
        if seat:
            out["seat"] = {"session": seat.session_code, "room": seat.room_code,
                           "seat": seat.seat}
        result = self.db.get(Result, c.application_id)
        out["result"] = result and self._result(result)
        return out

    def _get_candidate(self, application_id):
        c = self.db.get(Candidate, str(application_id))
        if c is None:
            raise NotFound("CANDIDATE_NOT_FOUND", "no candidate with this application",
                           field="application_id")
        return c

    # --- what registration tells us about an application --------------------------

    @handles("registration", "application_submitted")
    def on_application_submitted(self, event):
        self._keep_profile(event["payload"])

    @handles("registration", "application_resubmitted")
    def on_application_resubmitted(self, event):
        self._keep_profile(event["payload"])

    def _keep_profile(self, raw):
        data = load(ApplicationSubmittedSchema(), raw)
        row = self.db.get(Profile, data["application_id"])
        if row is not None and row.submitted_at and data["submitted_at"] \
                and row.submitted_at >= data["submitted_at"]:
            return                               # an older event arriving late
        row = row or Profile(application_id=data["application_id"])
        row.channel, row.institution_code = data["channel"], data["institution_code"]
        row.work_unit, row.photo = data["person"].get("work_unit"), data["photo"]
        row.submitted_at = data["submitted_at"]
        self.db.add(row)

    def _profiles(self, application_ids):
        """Profiles by application; one never seen in an event is fetched from
        registration (its data is locked once paid, B2, so the copy stays true)."""
        ids = list(application_ids)
        found = {p.application_id: p for p in self.db.scalars(
            select(Profile).where(Profile.application_id.in_(ids)))} if ids else {}
        for app_id in ids:
            if app_id not in found:
                app = self.registration.get_application(app_id)
                row = Profile(application_id=app_id, channel=app["channel"],
                              institution_code=app["institution_code"],
                              work_unit=(app.get("person") or {}).get("work_unit"),
                              photo=app["photo"], submitted_at=None)
                self.db.add(row)
                found[app_id] = row
        return found

    def _institution_names(self, cands):
        """Institution names by code, from registration (asked only when needed)."""
        if not any(c.institution_code for c in cands):
            return {}
        return {i["code"]: i["name"] for i in self.registration.list_institutions()}

    def _photo(self, key):
        try:
            return self.blobs.get(key)
        except KeyError:
            material = self.registration.get_material(key)
            return self.blobs.get(self.blobs.put(base64.b64decode(material["content_base64"])))

    # --- assessor cards from assessor_training -----------------------------------

    @handles("assessor_training", "card_issued")
    def on_card_issued(self, event):
        self._keep_card(event, domain.CARD_VALID)

    @handles("assessor_training", "card_expired")
    def on_card_expired(self, event):
        self._keep_card(event, domain.CARD_EXPIRED)

    @handles("assessor_training", "card_revoked")
    def on_card_revoked(self, event):
        self._keep_card(event, domain.CARD_REVOKED)

    def _keep_card(self, event, status):
        data = load(CardEventSchema(), event["payload"])
        row = self.db.get(Card, data["card_number"])
        if row is not None and row.status != domain.CARD_VALID and status == domain.CARD_VALID:
            return self._note(event, data["card_number"], f"card_issued for a card already "
                              f"{row.status}: ignored")
        row = row or Card(card_number=data["card_number"])
        row.id_number = data["id_number"].strip().upper()
        row.name = names.normalize_lenient(data["name"])
        row.unit, row.projects = data["unit"], sorted(set(data["projects"]))
        row.valid_from, row.valid_until = data["valid_from"], data["valid_until"]
        row.status, row.reason, row.updated_at = status, data["reason"], utcnow()
        self.db.add(row)

    @rpc
    def list_cards(self, id_number=None):
        query = select(Card).order_by(Card.card_number)
        if id_number:
            query = query.where(Card.id_number == str(id_number).strip().upper())
        return [self._card(c) for c in self.db.scalars(query)]

    def _card_dates(self, c):
        """A card as the domain's dispatch rules take it (dates as dates)."""
        return dict(self._card(c), valid_from=c.valid_from, valid_until=c.valid_until)

    def _card(self, c):
        return {"card_number": c.card_number, "id_number": c.id_number, "name": c.name,
                "unit": c.unit, "projects": list(c.projects),
                "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
                "status": c.status, "reason": c.reason}

    # --- rooms and sessions -----------------------------------------------------

    @rpc
    def save_room(self, room):
        """Create or change an exam room: named workstations and a spacing rule (T3).
        Its seats cannot change while an arrangement to come uses it."""
        data = domain.check_room(load(RoomSchema(), room))
        row = self.db.get(Room, data["code"])
        if row is not None and (row.seats != data["seats"] or row.spacing != data["spacing"]):
            in_use = self.db.scalar(select(func.count()).select_from(Seating).where(
                Seating.room_code == row.code, Seating.exam_date >= self._today()))
            if in_use:
                raise Conflict("ROOM_IN_USE", f"room {row.code} is arranged for an exam to "
                               "come; arrange that batch without it first", field="seats",
                               rule="T3", details={"seated": in_use})
        row = row or Room(code=data["code"])
        row.name, row.location, row.active = data["name"], data["location"], data["active"]
        row.seats, row.spacing, row.updated_at = data["seats"], data["spacing"], utcnow()
        self.db.add(row)
        return self._room(row)

    @rpc
    def list_rooms(self):
        return [self._room(r) for r in self.db.scalars(select(Room).order_by(Room.code))]

    def _room(self, r):
        return {"code": r.code, "name": r.name, "location": r.location, "seats": list(r.seats),
                "spacing": dict(r.spacing), "active": r.active,
                "usable": domain.usable_seats({"seats": r.seats, "spacing": r.spacing})}

    @rpc
    def set_sessions(self, batch_code, sessions):
        """The sessions of a batch's exam day (default: 上午 09:00-11:00 and 下午
        14:00-16:00). Changing them drops the batch's arrangement and dispatch:
        arrange again. Not once tickets are out (the ticket window has opened)."""
        batch = self._batch(batch_code)
        data = load(SessionsSchema(), {"sessions": sessions})
        ordered = domain.check_sessions(data["sessions"])
        self._check_before_tickets(batch)
        self.db.execute(delete(ExamSession).where(ExamSession.batch_code == batch.code))
        self.db.add_all(ExamSession(batch_code=batch.code, **s) for s in ordered)
        cleared = self.db.execute(delete(Seating).where(Seating.batch_code == batch.code)).rowcount
        self.db.execute(delete(Dispatch).where(Dispatch.batch_code == batch.code))
        return {"batch_code": batch.code, "sessions": ordered,
                "arrangement_cleared": bool(cleared)}

    @rpc
    def get_sessions(self, batch_code):
        self._batch(batch_code)
        return self._sessions(batch_code)

    def _sessions(self, batch_code):
        rows = self.db.scalars(select(ExamSession).where(
            ExamSession.batch_code == batch_code).order_by(ExamSession.starts)).all()
        if not rows:
            return [dict(s) for s in domain.DEFAULT_SESSIONS]
        return [{"code": s.code, "label": s.label, "starts": s.starts, "ends": s.ends}
                for s in rows]

    def _session_order(self, batch_code):
        return {s["code"]: n for n, s in enumerate(self._sessions(batch_code))}

    def _session(self, batch_code, code):
        found = [s for s in self._sessions(batch_code) if s["code"] == code]
        if not found:
            raise NotFound("SESSION_NOT_FOUND", f"batch {batch_code} has no session {code}",
                           field="session_code")
        return found[0]

    def _check_before_tickets(self, batch):
        today = self._today()
        if today >= batch.ticket_start:
            raise RuleViolation("ARRANGEMENT_FROZEN", f"the tickets of batch {batch.code} are "
                                f"out since {batch.ticket_start}: the arrangement stays as "
                                "printed", field="batch_code", rule="T1")

    # --- arrangement (T3) ----------------------------------------------------------

    @rpc
    @command(ArrangeSchema)
    def arrange(self, data):
        """Seat every confirmed candidate of the batch's held projects (T3)."""
        batch = self._batch(data["batch_code"])
        self._check_before_tickets(batch)
        projects = self.db.scalars(select(BatchProject).where(
            BatchProject.batch_code == batch.code)).all()
        undecided = sorted(p.project_code for p in projects if p.status == domain.ROSTER_OPEN)
        if undecided:
            raise RuleViolation("ROSTER_OPEN", "the rosters are decided after the payment "
                                f"window ({batch.payment_end}); still open: "
                                + ", ".join(undecided), field="batch_code", rule="B1",
                                details={"projects": undecided})
        held = [p.project_code for p in projects if p.status == domain.ROSTER_HELD]
        cands = self.db.scalars(select(Candidate).where(
            Candidate.batch_code == batch.code, Candidate.status == "confirmed",
            Candidate.project_code.in_(held))).all()
        rooms = self._arrangement_rooms(data["rooms"])
        sessions = self._sessions(batch.code)
        prior_use, blocked = self._same_day_use(batch, sessions)
        placed = domain.arrange(
            [{"application_id": c.application_id, "project_code": c.project_code,
              "institution_code": c.institution_code} for c in cands],
            [{"code": r.code, "usable": domain.usable_seats({"seats": r.seats,
                                                             "spacing": r.spacing})}
             for r in rooms],
            [s["code"] for s in sessions], prior_use, blocked)
        self.db.execute(delete(Seating).where(Seating.batch_code == batch.code))
        self.db.execute(delete(Dispatch).where(Dispatch.batch_code == batch.code))
        session_no = {s["code"]: n for n, s in enumerate(sessions, 1)}
        room_no = {r.code: n for n, r in enumerate(rooms, 1)}
        seat_no = {r.code: {seat: n for n, seat in enumerate(r.seats, 1)} for r in rooms}
        project = {c.application_id: c.project_code for c in cands}
        rows = [{"application_id": p["application_id"], "batch_code": batch.code,
                 "project_code": project[p["application_id"]], "session_code": p["session"],
                 "room_code": p["room"], "seat": p["seat"], "exam_date": batch.exam_date,
                 "ticket_number": domain.ticket_number(batch.code, session_no[p["session"]],
                                                       room_no[p["room"]],
                                                       seat_no[p["room"]][p["seat"]])}
                for p in placed]
        if rows:
            self.db.execute(insert(Seating), rows)
        return self._arrangement_summary(batch.code)

    def _arrangement_rooms(self, codes):
        query = select(Room).order_by(Room.code)
        if codes is None:
            rooms = self.db.scalars(query.where(Room.active.is_(True))).all()
        else:
            rooms = self.db.scalars(query.where(Room.code.in_(codes))).all()
            unknown = sorted(set(codes) - {r.code for r in rooms})
            if unknown:
                raise NotFound("ROOM_NOT_FOUND", f"no room {', '.join(unknown)}", field="rooms",
                               details={"unknown": unknown})
        if not rooms:
            raise RuleViolation("CAPACITY_SHORTFALL", "no exam room to arrange in",
                                field="rooms", rule="T3")
        if len(rooms) > domain.MAX_ROOMS:
            raise RuleViolation("TOO_MANY_ROOMS", f"one arrangement uses at most "
                                f"{domain.MAX_ROOMS} rooms (the ticket number has 3 digits "
                                "for the room)", field="rooms", rule="T1")
        return rooms

    def _same_day_use(self, batch, sessions):
        """Seats other batches on the same exam date use: the daily count per
        workstation (T3), and the seats taken in sessions overlapping ours."""
        prior_use, blocked = Counter(), defaultdict(set)
        others = self.db.execute(select(Seating.batch_code, Seating.session_code,
                                        Seating.room_code, Seating.seat).where(
            Seating.exam_date == batch.exam_date, Seating.batch_code != batch.code)).all()
        times = {}
        for other, session, room, seat in others:
            prior_use[(room, seat)] += 1
            if other not in times:
                times[other] = {s["code"]: s for s in self._sessions(other)}
            for mine in sessions:
                if domain.overlapping(mine, times[other][session]):
                    blocked[mine["code"]].add((room, seat))
        return prior_use, blocked

    def _arrangement_summary(self, batch_code):
        counts = self.db.execute(
            select(Seating.session_code, Seating.room_code, Seating.project_code, func.count())
            .where(Seating.batch_code == batch_code)
            .group_by(Seating.session_code, Seating.room_code, Seating.project_code)).all()
        order = self._session_order(batch_code)
        rooms = sorted(({"session": s, "room": r, "project_code": p, "candidates": n}
                        for s, r, p, n in counts), key=lambda x: (order[x["session"]], x["room"]))
        unseated = self.db.scalar(select(func.count()).select_from(Candidate).join(
            BatchProject, (BatchProject.batch_code == Candidate.batch_code)
            & (BatchProject.project_code == Candidate.project_code)).outerjoin(
            Seating, Seating.application_id == Candidate.application_id).where(
            Candidate.batch_code == batch_code, Candidate.status == "confirmed",
            BatchProject.status == domain.ROSTER_HELD, Seating.application_id.is_(None)))
        return {"batch_code": batch_code, "seated": sum(r["candidates"] for r in rooms),
                "unseated": unseated, "session_rooms": rooms}

    def _seated(self, batch_code, session_code=None, room_code=None):
        """Seats joined with their candidates, for one batch (and session, room)."""
        self._batch(batch_code)
        query = select(Seating, Candidate).join(
            Candidate, Candidate.application_id == Seating.application_id).where(
            Seating.batch_code == batch_code)
        if session_code:
            query = query.where(Seating.session_code == session_code)
        if room_code:
            query = query.where(Seating.room_code == room_code)
        return query

    @rpc
    def get_arrangement(self, batch_code, session_code=None, room_code=None):
        """The summary and the seat list (考生签到册), by session, room and seat."""
        query = self._seated(batch_code, session_code, room_code)
        out = self._arrangement_summary(batch_code)
        out["seats"] = [
            {"ticket_number": s.ticket_number, "session": s.session_code, "room": s.room_code,
             "seat": s.seat, "project_code": s.project_code, "application_id": c.application_id,
             "name": c.name, "id_number": c.id_number, "institution_code": c.institution_code,
             "attendance": c.attendance}
            for s, c in self.db.execute(query.order_by(Seating.ticket_number))]
        return out

    # --- assessor dispatch (T4) -------------------------------------------------------

    @rpc
    @command(BatchRequestSchema)
    def dispatch_assessors(self, data):
        """Three assessors and a quality supervisor for every session-room (T4)."""
        batch = self._batch(data["batch_code"])
        if self._today() > batch.exam_date:
            raise RuleViolation("EXAM_OVER", f"the exam of batch {batch.code} is over",
                                field="batch_code", rule="T4")
        if self.db.scalar(select(func.count()).select_from(ScoreSheet).where(
                ScoreSheet.batch_code == batch.code)):
            raise Conflict("SCORES_RECORDED", "scores are recorded for this batch: the "
                           "dispatch stays", field="batch_code", rule="T4")
        seats = self.db.execute(select(Seating.session_code, Seating.room_code,
                                       Seating.project_code, Seating.application_id).where(
            Seating.batch_code == batch.code)).all()
        if not seats:
            raise RuleViolation("NOT_ARRANGED", f"batch {batch.code} has no arrangement yet",
                                field="batch_code", rule="T3")
        profiles = self._profiles(sorted({s.application_id for s in seats}))
        cands = {c.application_id: c for c in self.db.scalars(select(Candidate).where(
            Candidate.batch_code == batch.code))}
        names = self._institution_names(cands.values())
        slots = {}
        for s in seats:
            slot = slots.setdefault((s.session_code, s.room_code), {
                "session": s.session_code, "room": s.room_code, "project": s.project_code,
                "units": set()})
            institution = cands[s.application_id].institution_code
            for unit in (names.get(institution), profiles[s.application_id].work_unit):
                if domain.unit_key(unit):
                    slot["units"].add(domain.unit_key(unit))
        order = self._session_order(batch.code)
        ordered = [slots[k] for k in sorted(slots, key=lambda k: (order[k[0]], k[1]))]
        cards = [self._card_dates(c) for c in self.db.scalars(select(Card).where(
            Card.status == domain.CARD_VALID))]
        staff = domain.dispatch(ordered, cards, batch.exam_date)
        self.db.execute(delete(Dispatch).where(Dispatch.batch_code == batch.code))
        self.db.execute(insert(Dispatch), [
            {"batch_code": batch.code, "session_code": a["session"], "room_code": a["room"],
             "id_number": a["id_number"], "role": a["role"], "project_code": a["project"],
             "card_number": a["card_number"], "name": a["name"], "unit": a["unit"]}
            for a in staff])
        return self._dispatch_view(batch.code)

    @rpc
    def get_dispatch(self, batch_code):
        """Each session-room's staff; ``card_valid`` is checked again now (a card
        revoked after the dispatch shows false: dispatch again)."""
        batch = self._batch(batch_code)
        return self._dispatch_view(batch.code, batch.exam_date)

    def _dispatch_view(self, batch_code, exam_date=None):
        exam_date = exam_date or self._batch(batch_code).exam_date
        cards = {c.card_number: self._card_dates(c) for c in self.db.scalars(select(Card))}
        order = self._session_order(batch_code)
        slots = {}
        for d in self.db.scalars(select(Dispatch).where(Dispatch.batch_code == batch_code)):
            slot = slots.setdefault((d.session_code, d.room_code), {
                "session": d.session_code, "room": d.room_code, "project_code": d.project_code,
                "assessors": [], "supervisor": None})
            person = {"id_number": d.id_number, "name": d.name, "unit": d.unit,
                      "card_number": d.card_number,
                      "card_valid": d.card_number in cards and domain.card_valid_for(
                          cards[d.card_number], d.project_code, exam_date)}
            if d.role == "supervisor":
                slot["supervisor"] = person
            else:
                slot["assessors"].append(person)
        for slot in slots.values():
            slot["assessors"].sort(key=lambda p: p["id_number"])
        return {"batch_code": batch_code, "session_rooms": [
            slots[k] for k in sorted(slots, key=lambda k: (order.get(k[0], 99), k[1]))]}

    # --- admission tickets (T1) -----------------------------------------------------

    @rpc
    def download_ticket(self, id_number, name):
        """An individual candidate's ticket, by ID number and name, inside the
        ticket window only (T1). Institution candidates get theirs from their
        institution."""
        today = self._today()
        cands = self.db.scalars(select(Candidate).where(
            Candidate.id_number == str(id_number).strip().upper(),
            Candidate.status == "confirmed")
            .order_by(Candidate.batch_code, Candidate.project_code)).all()
        wanted = names.normalize(name)      # both sides in normal form (kernel.names)
        cands = [c for c in cands if names.normalize_lenient(c.name) == wanted]
        if not cands:
            raise NotFound("TICKET_NOT_FOUND", "no confirmed-paid candidate with this ID number "
                           "and name", field="id_number", rule="T1")
        batches = {c.batch_code: self._batch(c.batch_code).to_dict() for c in cands}
        open_ = [c for c in cands if batches[c.batch_code]["ticket"]["start"] <= today
                 <= batches[c.batch_code]["ticket"]["end"]]
        if not open_:
            domain.check_ticket_window(batches[cands[-1].batch_code], today)
        mine = [c for c in open_ if not c.institution_code]
        if not mine:
            raise Forbidden("TICKET_VIA_INSTITUTION", "this candidate registered through an "
                            "institution, which prints and hands out the ticket",
                            field="id_number", rule="T1")
        pdf, numbers = self._tickets_pdf(mine)
        self._printed(mine[0].batch_code, "individual", mine[0].id_number, len(numbers), today,
                      late=False)
        return {"tickets": numbers, "filename": f"准考证-{numbers[0]}.pdf",
                "media_type": "application/pdf",
                "content_base64": base64.b64encode(pdf).decode()}

    @rpc
    def institution_tickets(self, request):
        """All of an institution's tickets of a batch in one PDF, a page each (T1),
        from the ticket window's first day; ``hand_out_by`` is the last day to hand
        them out (2 working days before the exam), ``late`` says it has passed."""
        data = load(InstitutionTicketsSchema(), request)
        batch = self._batch(data["batch_code"])
        today = self._today()
        late = domain.check_institution_printing(batch.to_dict(), today)
        cands = self.db.scalars(select(Candidate).where(
            Candidate.batch_code == batch.code, Candidate.status == "confirmed",
            Candidate.institution_code == data["institution_code"])).all()
        if not cands:
            raise NotFound("TICKET_NOT_FOUND", "the institution has no confirmed-paid candidate "
                           "in this batch", field="institution_code", rule="T1")
        pdf, numbers = self._tickets_pdf(cands)
        self._printed(batch.code, "institution", data["institution_code"], len(numbers), today,
                      late)
        return {"batch_code": batch.code, "institution_code": data["institution_code"],
                "tickets": numbers, "count": len(numbers),
                "hand_out_by": domain.hand_out_by(batch.exam_date).isoformat(), "late": late,
                "filename": f"准考证-{data['institution_code']}-{batch.code}.pdf",
                "media_type": "application/pdf",
                "content_base64": base64.b64encode(pdf).decode()}

    def _printed(self, batch_code, channel, requester, count, today, late):
        self.db.add(TicketPrint(batch_code=batch_code, channel=channel, requester=requester,
                                tickets=count, printed_on=today, late=late, at=utcnow()))
        TICKETS.labels(channel, str(late).lower()).inc(count)

    @rpc
    def ticket_prints(self, batch_code):
        """Who printed tickets when; institution prints after the hand-out day are late."""
        batch = self._batch(batch_code)
        return {"batch_code": batch.code,
                "hand_out_by": domain.hand_out_by(batch.exam_date).isoformat(),
                "prints": [{"channel": p.channel, "requester": p.requester,
                            "tickets": p.tickets, "printed_on": p.printed_on.isoformat(),
                            "late": p.late} for p in self.db.scalars(
                    select(TicketPrint).where(TicketPrint.batch_code == batch.code)
                    .order_by(TicketPrint.id))]}

    def _tickets_pdf(self, cands):
        seats = {s.application_id: s for s in self.db.scalars(select(Seating).where(
            Seating.application_id.in_([c.application_id for c in cands])))}
        unseated = [c.application_id for c in cands if c.application_id not in seats]
        if unseated:
            raise RuleViolation("NOT_ARRANGED", "no seat yet for " + ", ".join(unseated),
                                field="batch_code", rule="T1", details={"unseated": unseated})
        cands = sorted(cands, key=lambda c: seats[c.application_id].ticket_number)
        profiles = self._profiles([c.application_id for c in cands])
        projects = {p["code"]: p["name_zh"] for p in self.registration.list_projects()}
        institutions = self._institution_names(cands)
        rooms = {r.code: r for r in self.db.scalars(select(Room))}
        pages, batches, sessions = [], {}, {}
        for c in cands:
            seat = seats[c.application_id]
            if c.batch_code not in batches:
                batches[c.batch_code] = self._batch(c.batch_code)
                sessions[c.batch_code] = {s["code"]: s for s in self._sessions(c.batch_code)}
            batch, session = batches[c.batch_code], sessions[c.batch_code][seat.session_code]
            room = rooms[seat.room_code]
            pages.append({
                "ticket_number": seat.ticket_number, "name": c.name,
                "sex": "男" if idnumber.parse(c.id_number).sex == "M" else "女",
                "id_number": c.id_number,
                "project_name": projects.get(c.project_code, c.project_code),
                "exam_date": f"{batch.exam_date.year}年{batch.exam_date.month}月"
                             f"{batch.exam_date.day}日",
                "session_label": session["label"], "starts": session["starts"],
                "ends": session["ends"], "room_name": room.name, "location": room.location,
                "seat": seat.seat,
                "channel_label": institutions.get(c.institution_code, c.institution_code)
                if c.institution_code else "个人报名",
                "photo": self._photo(profiles[c.application_id].photo),
                "rules": domain.ticket_rules(batch.accepted_id_documents)})
        return tickets.render(pages), [p["ticket_number"] for p in pages]

    # --- check-in (T2) and no-shows ------------------------------------------------

    @rpc
    @command(CheckInSchema)
    def check_in(self, data):
        """On the exam day: the ticket and an ID document the batch accepts (T2)."""
        seat = self.db.scalar(select(Seating).where(
            Seating.ticket_number == data["ticket_number"]))
        if seat is None:
            raise NotFound("TICKET_NOT_FOUND", "no candidate has this ticket number",
                           field="ticket_number", rule="T2")
        cand = self.db.get(Candidate, seat.application_id)
        if cand.attendance != "present":
            batch = self._batch(seat.batch_code).to_dict()
            domain.check_document(batch, data["document"], cand.id_number, self._today())
            cand.attendance = "present"
            cand.checked_in = {"at": utcnow().isoformat(), "document": data["document"]["type"],
                               "by": data["staff"]}
            CHECK_INS.inc()
        return {"ticket_number": seat.ticket_number, "name": cand.name,
                "session": seat.session_code, "room": seat.room_code, "seat": seat.seat,
                "attendance": cand.attendance}

    @rpc
    def mark_no_shows(self, today=None):
        """After the exam day, every seated candidate who did not check in is absent
        (缺考). Safe to run twice."""
        return {"absent": self._mark_no_shows(self._today(today))}

    @timer(interval=TIMER_INTERVAL)
    def mark_no_shows_daily(self):
        return {"absent": self._mark_no_shows(self._today())}

    @rpc
    def mark_no_shows_now(self):
        """mark_no_shows for the suite's today, no date taken (the gateway's route)."""
        return {"absent": self._mark_no_shows(self._today())}

    def _mark_no_shows(self, today, batch_code=None):
        query = select(Candidate).join(Seating, Seating.application_id ==
                                       Candidate.application_id).where(
            Seating.exam_date < today, Candidate.attendance.is_(None),
            Candidate.status == "confirmed")
        if batch_code:
            query = query.where(Seating.batch_code == batch_code)
        marked = Counter()
        for cand in self.db.scalars(query):
            cand.attendance, cand.updated_at = "absent", utcnow()
            marked[cand.batch_code] += 1
        return dict(marked)

    # --- scores (T4) --------------------------------------------------------------------

    @rpc
    @command(ComputerScoresSchema)
    def import_computer_scores(self, data):
        """The computer-based part of one session, a CSV (layout in domain.parse_score_sheet)."""
        batch = self._batch(data["batch_code"])
        self._session(batch.code, data["session_code"])
        rows = domain.parse_score_sheet(data["csv"])
        seats = self._session_seats(batch.code, data["session_code"])
        scored = []
        for row in rows:
            where = f"line {row['line']}"
            seat = seats.get(row["ticket_number"])
            if seat is None:
                raise RuleViolation("CANDIDATE_NOT_IN_SESSION", f"{where}: ticket "
                                    f"{row['ticket_number']} is not in session "
                                    f"{data['session_code']}", field="csv", rule="T4",
                                    details={"line": row["line"]})
            seat, cand = seat
            if (row["id_number"], names.normalize_lenient(row["name"])) != \
                    (cand.id_number, cand.name):
                raise RuleViolation("SCORE_SHEET_MISMATCH", f"{where}: the ID number or name "
                                    f"is not that of ticket {row['ticket_number']}",
                                    field="csv", rule="T4", details={"line": row["line"]})
            scored.append((seat, cand, row["score"], where))
        return self._record_scores(batch.code, data["session_code"], None, "computer", "",
                                   data["recorded_by"], data["filename"], scored)

    @rpc
    @command(PracticalScoresSchema)
    def record_practical_scores(self, data):
        """One dispatched assessor's score sheet for a session-room (T4)."""
        batch = self._batch(data["batch_code"])
        assessor = data["assessor_id_number"].strip().upper()
        staff = self.db.get(Dispatch, (batch.code, data["session_code"], data["room_code"],
                                       assessor))
        if staff is None or staff.role != "assessor":
            raise Forbidden("NOT_DISPATCHED", "only the three assessors dispatched to this "
                            "session-room score it", field="assessor_id_number", rule="T4")
        seats = self._session_seats(batch.code, data["session_code"], data["room_code"])
        scored, seen = [], set()
        for n, row in enumerate(data["scores"]):
            where = f"scores.{n}"
            value = domain.parse_score(row["score"], field=f"{where}.score")
            if row["ticket_number"] in seen:
                raise Conflict("SCORE_SHEET_DUPLICATE", f"{where}: ticket {row['ticket_number']}"
                               " is twice on the sheet", field=f"{where}.ticket_number",
                               rule="T4")
            seen.add(row["ticket_number"])
            if row["ticket_number"] not in seats:
                raise RuleViolation("CANDIDATE_NOT_IN_SESSION", f"{where}: ticket "
                                    f"{row['ticket_number']} is not in this session-room",
                                    field=f"{where}.ticket_number", rule="T4")
            seat, cand = seats[row["ticket_number"]]
            scored.append((seat, cand, value, where))
        return self._record_scores(batch.code, data["session_code"], data["room_code"],
                                   "practical", assessor, staff.name, None, scored)

    def _session_seats(self, batch_code, session_code, room_code=None):
        self._session(batch_code, session_code)
        query = select(Seating, Candidate).join(
            Candidate, Candidate.application_id == Seating.application_id).where(
            Seating.batch_code == batch_code, Seating.session_code == session_code,
            Candidate.status == "confirmed")
        if room_code:
            query = query.where(Seating.room_code == room_code)
        return {s.ticket_number: (s, c) for s, c in self.db.execute(query)}

    def _record_scores(self, batch_code, session_code, room_code, part, assessor, by, filename,
                       scored):
        """Check every row, then record: a candidate's part is recorded once (the same
        value again is a repeat and changes nothing); absent candidates and
        verified rooms take no scores."""
        verified = {v.room_code for v in self.db.scalars(select(Verification).where(
            Verification.batch_code == batch_code, Verification.session_code == session_code))}
        new = []
        for seat, cand, value, where in scored:
            if cand.attendance != "present":
                raise RuleViolation("CANDIDATE_ABSENT", f"{where}: ticket {seat.ticket_number} "
                                    "did not check in", field="csv" if part == "computer"
                                    else f"{where}.ticket_number", rule="T4")
            if seat.room_code in verified:
                raise Conflict("SCORES_VERIFIED", f"{where}: the scores of room "
                               f"{seat.room_code} are verified", rule="T4",
                               field="room_code")
            old = self.db.get(Score, (cand.application_id, part, assessor))
            if old is not None and old.value != value:
                raise Conflict("SCORE_ALREADY_RECORDED", f"{where}: ticket "
                               f"{seat.ticket_number} already has a {part} score "
                               f"({old.value / 10:g}) from another sheet", rule="T4",
                               field="csv" if part == "computer" else f"{where}.score",
                               details={"ticket_number": seat.ticket_number})
            if old is None:
                new.append((cand.application_id, value))
        sheet = ScoreSheet(id=str(uuid.uuid4()), batch_code=batch_code,
                           session_code=session_code, room_code=room_code, part=part,
                           recorded_by=by, filename=filename, rows=len(scored), at=utcnow())
        self.db.add(sheet)
        if new:
            self.db.execute(insert(Score), [
                {"application_id": a, "part": part, "assessor": assessor, "value": v,
                 "sheet_id": sheet.id} for a, v in new])
        return {"sheet_id": sheet.id, "part": part, "session_code": session_code,
                "room_code": room_code, "rows": len(scored), "recorded": len(new),
                "repeated": len(scored) - len(new)}

    @rpc
    @command(VerifySchema)
    def verify_scores(self, data):
        """The score checker (核分员) signs a session-room off: every present candidate
        has the computer part and the three assessors' practical scores; the final
        scores then count. Rejecting clears the room's scores to be entered again."""
        batch = self._batch(data["batch_code"])
        key = (batch.code, data["session_code"], data["room_code"])
        if self.db.get(Verification, key) is not None:
            raise Conflict("SCORES_VERIFIED", "this session-room is already verified",
                           field="room_code", rule="T4")
        seats = self._session_seats(*key)
        if not seats:
            raise NotFound("SESSION_ROOM_EMPTY", "no candidate sits in this session-room",
                           field="room_code")
        present = [c for _, c in seats.values() if c.attendance == "present"]
        ids = [c.application_id for c in present]
        if not data["approve"]:
            cleared = self.db.execute(delete(Score).where(
                Score.application_id.in_(ids))).rowcount if ids else 0
            return {"batch_code": batch.code, "session_code": key[1], "room_code": key[2],
                    "status": "rejected", "cleared": cleared, "note": data["note"]}
        assessors = sorted(d.id_number for d in self.db.scalars(select(Dispatch).where(
            Dispatch.batch_code == batch.code, Dispatch.session_code == key[1],
            Dispatch.room_code == key[2], Dispatch.role == "assessor")))
        parts = defaultdict(dict)
        for s in self.db.scalars(select(Score).where(Score.application_id.in_(ids))):
            parts[s.application_id][(s.part, s.assessor)] = s.value
        finals = domain.room_results(ids, assessors, parts)
        for app_id, final in finals.items():
            row = self.db.get(Result, app_id) or Result(application_id=app_id)
            row.batch_code, row.final, row.absent = batch.code, final, False
            self.db.add(row)
        self.db.add(Verification(batch_code=batch.code, session_code=key[1], room_code=key[2],
                                 checker=data["checker"], at=utcnow()))
        return {"batch_code": batch.code, "session_code": key[1], "room_code": key[2],
                "status": "verified", "checker": data["checker"], "results": len(finals),
                "passed": sum(domain.passed(f) for f in finals.values())}

    @rpc
    def get_scores(self, batch_code, session_code=None, room_code=None):
        query = self._seated(batch_code, session_code, room_code)
        rows = self.db.execute(query.order_by(Seating.ticket_number)).all()
        ids = [c.application_id for _, c in rows]
        parts = defaultdict(list)
        for s in self.db.scalars(select(Score).where(Score.application_id.in_(ids))):
            parts[s.application_id].append(s)
        results = {r.application_id: r for r in self.db.scalars(
            select(Result).where(Result.application_id.in_(ids)))}
        verified = {(v.session_code, v.room_code) for v in self.db.scalars(
            select(Verification).where(Verification.batch_code == batch_code))}
        out = []
        for seat, c in rows:
            mine = parts[c.application_id]
            result = results.get(c.application_id)
            out.append({
                "ticket_number": seat.ticket_number, "application_id": c.application_id,
                "name": c.name, "session": seat.session_code, "room": seat.room_code,
                "attendance": c.attendance,
                "computer": next((s.value / 10 for s in mine if s.part == "computer"), None),
                "practical": {s.assessor: s.value / 10 for s in mine if s.part == "practical"},
                "verified": (seat.session_code, seat.room_code) in verified,
                "result": result and self._result(result)})
        return {"batch_code": batch_code, "candidates": out}

    def _result(self, r):
        return {"final": domain.tenths_to_points(r.final), "absent": r.absent,
                "passed": domain.passed(r.final), "label": domain.result_label(r.absent, r.final),
                "corrected": r.corrected,
                "finalized_at": r.finalized_at.isoformat() if r.finalized_at else None}

    # --- publication (T5) -------------------------------------------------------------

    @rpc
    def run_publication(self, today=None):
        """T5 for every batch: publish the results 5 working days after the exam once
        every session-room is verified; when the 5 working days of publication are
        over, send result_finalized once per candidate whose result no open
        objection holds. Safe to run twice (and on two replicas)."""
        return self._run_publication(self._today(today))

    @timer(interval=TIMER_INTERVAL)
    def run_publication_daily(self):
        return self._run_publication(self._today())

    @rpc
    def run_publication_now(self):
        """run_publication for the suite's today, no date taken (the gateway's route)."""
        return self._run_publication(self._today())

    def _run_publication(self, today):
        out = {"today": today.isoformat(), "published": [], "blocked": [], "finalized": {}}
        for batch in self.db.scalars(select(Batch).where(Batch.exam_date < today)
                                     .order_by(Batch.exam_date)):
            pub = self.db.get(Publication, batch.code)
            if pub is None:
                try:
                    pub = self._publish(batch, today, out)
                except CalendarUnavailable as err:
                    out["blocked"].append({"batch_code": batch.code, "reason": err.message})
                    continue
            if pub is not None and today > pub.ends_on and pub.finalized_at is None:
                out["finalized"][batch.code] = self._finalize(batch, pub)
        return out

    def _publish(self, batch, today, out):
        first, _ = domain.publication_period(batch.exam_date)
        seated = self.db.scalar(select(func.count()).select_from(Seating).where(
            Seating.batch_code == batch.code))
        if today < first or not seated:
            return None
        self._mark_no_shows(today, batch.code)
        verified = {(v.session_code, v.room_code) for v in self.db.scalars(
            select(Verification).where(Verification.batch_code == batch.code))}
        rows = self.db.execute(select(Seating, Candidate).join(
            Candidate, Candidate.application_id == Seating.application_id).where(
            Seating.batch_code == batch.code, Candidate.status == "confirmed")).all()
        waiting = sorted({(s.session_code, s.room_code) for s, c in rows
                          if c.attendance == "present"} - verified)
        if waiting:
            out["blocked"].append({"batch_code": batch.code, "reason": "scores not verified",
                                   "session_rooms": [list(w) for w in waiting]})
            return None
        for seat, cand in rows:
            if cand.attendance == "absent" and self.db.get(Result, cand.application_id) is None:
                self.db.add(Result(application_id=cand.application_id, batch_code=batch.code,
                                   final=None, absent=True))
        starts = max(first, today)
        pub = Publication(batch_code=batch.code, starts_on=starts,
                          ends_on=domain.publication_ends(starts), published_at=utcnow())
        self.db.add(pub)
        self.db.flush()
        emit(self.db, "results_published", {"batch_code": batch.code,
                                            "starts_on": pub.starts_on.isoformat(),
                                            "ends_on": pub.ends_on.isoformat(),
                                            "candidates": len(rows)})
        out["published"].append({"batch_code": batch.code, "starts_on": starts.isoformat(),
                                 "ends_on": pub.ends_on.isoformat(), "candidates": len(rows)})
        return pub

    def _finalize(self, batch, pub):
        held = set(self.db.scalars(select(Objection.application_id).where(
            Objection.batch_code == batch.code, Objection.status == "open")))
        rows = self.db.execute(select(Result, Candidate).join(
            Candidate, Candidate.application_id == Result.application_id).where(
            Result.batch_code == batch.code, Result.finalized_at.is_(None))).all()
        sent = 0
        for result, cand in rows:
            if cand.application_id in held:
                continue
            claimed = self.db.execute(update(Result).where(
                Result.application_id == result.application_id,
                Result.finalized_at.is_(None)).values(finalized_at=utcnow())).rowcount
            if not claimed:
                continue
            passed = domain.passed(result.final)
            emit(self.db, "result_finalized", {
                "application_id": cand.application_id, "batch_code": batch.code,
                "project_code": cand.project_code, "id_number": cand.id_number,
                "name": cand.name, "passed": passed,
                "score": domain.tenths_to_points(result.final),
                "exam_date": batch.exam_date.isoformat()})
            FINALIZED.labels(str(passed).lower()).inc()
            sent += 1
        if sent == len(rows) and not held:
            pub.finalized_at = utcnow()
        return {"sent": sent, "held": len(held)}

    @rpc
    def public_results(self, batch_code):
        """The public list (成绩公示): ticket number, name, masked ID number, project,
        score and result; as rows and as CSV. From the first day of publication."""
        batch = self._batch(batch_code)
        pub = self.db.get(Publication, batch.code)
        if pub is None:
            raise NotFound("RESULTS_NOT_PUBLISHED", f"the results of batch {batch.code} are "
                           "not published yet", field="batch_code", rule="T5")
        projects = {p["code"]: p["name_zh"] for p in self.registration.list_projects()}
        rows = []
        for result, cand, seat in self.db.execute(select(Result, Candidate, Seating).join(
                Candidate, Candidate.application_id == Result.application_id).join(
                Seating, Seating.application_id == Result.application_id).where(
                Result.batch_code == batch.code).order_by(Seating.ticket_number)):
            rows.append({"ticket_number": seat.ticket_number, "name": cand.name,
                         "id_number": privacy.mask_id(cand.id_number),
                         "project": projects.get(cand.project_code, cand.project_code),
                         "score": domain.tenths_to_points(result.final),
                         "result": domain.result_label(result.absent, result.final)})
        return {"batch_code": batch.code, "exam_date": batch.exam_date.isoformat(),
                "starts_on": pub.starts_on.isoformat(), "ends_on": pub.ends_on.isoformat(),
                "rows": rows, "filename": f"成绩公示-{batch.code}.csv",
                "csv": domain.public_list_csv(rows)}

    @rpc
    @command(ObjectionSchema)
    def lodge_objection(self, data):
        """A candidate objects to their result during publication (by ID number and
        name); the result is held until staff resolve it (T5)."""
        batch = self._batch(data["batch_code"])
        pub = self.db.get(Publication, batch.code)
        if pub is None:
            raise RuleViolation("RESULTS_NOT_PUBLISHED", "the results are not published yet",
                                field="batch_code", rule="T5")
        domain.check_objection_window((pub.starts_on, pub.ends_on), self._today())
        query = select(Candidate).join(Result, Result.application_id ==
                                       Candidate.application_id).where(
            Candidate.batch_code == batch.code,
            Candidate.id_number == data["id_number"].strip().upper())
        if data["project_code"]:
            query = query.where(Candidate.project_code == data["project_code"])
        wanted = names.normalize(data["name"])   # both sides in normal form (kernel.names)
        cands = [c for c in self.db.scalars(query).all()
                 if names.normalize_lenient(c.name) == wanted]
        if len(cands) != 1:
            raise NotFound("CANDIDATE_NOT_FOUND", "no published result for this ID number and "
                           "name" if not cands else "several results: name the project",
                           field="id_number" if not cands else "project_code", rule="T5")
        cand = cands[0]
        if self.db.scalar(select(Objection).where(Objection.application_id ==
                                                  cand.application_id,
                                                  Objection.status == "open")) is not None:
            raise Conflict("OBJECTION_OPEN", "an objection to this result is already open",
                           field="id_number", rule="T5")
        obj = Objection(id=str(uuid.uuid4()), application_id=cand.application_id,
                        batch_code=batch.code, reason=data["reason"], status="open",
                        lodged_at=utcnow())
        self.db.add(obj)
        return self._objection(obj)

    @rpc
    @command(ResolveSchema)
    def resolve_objection(self, data):
        """Staff dismiss an objection or correct the final score; the result is then
        finalized by the next publication run."""
        obj = self.db.get(Objection, data["objection_id"])
        if obj is None:
            raise NotFound("OBJECTION_NOT_FOUND", "no such objection", field="objection_id")
        if obj.status != "open":
            raise Conflict("OBJECTION_RESOLVED", f"the objection is already {obj.status}",
                           field="objection_id", rule="T5")
        resolution = {"by": data["actor"], "note": data["note"], "at": utcnow().isoformat()}
        if data["decision"] == "corrected":
            if data["final_score"] is None:
                raise ValidationFailed("VALIDATION_FAILED", "a correction gives the corrected "
                                       "final score", field="final_score", rule="T5")
            value = domain.parse_score(data["final_score"], field="final_score")
            result = self.db.get(Result, obj.application_id)
            result.corrected = {"by": data["actor"], "note": data["note"],
                                "before": domain.tenths_to_points(result.final),
                                "absent_before": result.absent}
            result.final, result.absent = value, False
            resolution["final"] = value / 10
        elif data["final_score"] is not None:
            raise ValidationFailed("VALIDATION_FAILED", "a dismissal keeps the score: give no "
                                   "final_score", field="final_score", rule="T5")
        obj.status, obj.resolution = data["decision"], resolution
        return self._objection(obj)

    @rpc
    def list_objections(self, batch_code):
        self._batch(batch_code)
        return [self._objection(o) for o in self.db.scalars(select(Objection).where(
            Objection.batch_code == batch_code).order_by(Objection.lodged_at))]

    def _objection(self, o):
        return {"id": o.id, "application_id": o.application_id, "batch_code": o.batch_code,
                "reason": o.reason, "status": o.status, "lodged_at": o.lodged_at.isoformat(),
                "resolution": o.resolution}
