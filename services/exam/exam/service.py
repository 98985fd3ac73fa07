"""nameko entrypoints of the exam service: validate (schemas), apply the rules
(exam.domain, a module per area), persist (exam.store, the same areas), record
events. Rosters (B1) and a candidate's status (CS1), rooms, sessions and
arrangement (T3), assessor dispatch (T4), admission tickets (T1), check-in (T2),
scores (T4) and publication (T5). Mixins complete the class: the batch
catalogue (exam.catalogue), the calendar's jobs (exam.jobs: rosters closed,
no-shows, publication), the score summary sheet (exam.scoring: totals, the
checker, the scan, the archive) and the session's records (exam.sessions:
the quality supervisor, the assessors' meeting). The layout: docs/exam.md, "The code"."""
import base64

from kernel import settings
from kernel.calendar import CalendarOwnerEntrypoints
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import EVENT_BATCH, handles, rpc
from kernel.rpc import RpcClient
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs

from assessor_training import events as card_events
from payment import events as payment_events
from registration import events as registration_events

from exam import events as exam_events, schemas, store, ticket_pdf
from exam.catalogue import CatalogueEntrypoints
from exam.counters import CHECK_INS, ROSTER, TICKETS
from exam.domain import (arrangement, candidates, checkin, dispatch, publication, rooms,
                         rosters, scores, tickets)
from exam.domain.candidates import CandidateStatus
from exam.domain.checkin import Attendance
from exam.jobs import CalendarJobs
from exam.scoring import ScoreSummaryEntrypoints
from exam.sessions import SessionRecordEntrypoints
from exam.models import Base

PDF = "application/pdf"


class ExamService(CatalogueEntrypoints, CalendarJobs, ScoreSummaryEntrypoints,
                  SessionRecordEntrypoints, CalendarOwnerEntrypoints, ServiceBase):
    name = "exam"
    calendar_event = exam_events.CALENDAR_YEAR_LOADED       # W1 (kernel.calendar)
    db = Database(Base)
    blobs = Blobs()
    registration = RpcClient("registration")

    def _today(self, today=None):
        return settings.day(self.config, today)

    @rpc
    def list_notes(self, subject=None):
        """Events that did not apply (recorded, not raised), newest first."""
        return store.notes.listed(self.db, subject)

    # --- rosters from payment's events (B1); a candidate's status (CS1) -----------

    @handles("payment", "payment_confirmed", batch=EVENT_BATCH)
    def on_payment_confirmed(self, event):
        data = payment_events.PAYMENT_CONFIRMED.load(event["payload"])
        app_id, now = data["application_id"], utcnow()
        if store.batches.find(self.db, data["batch_code"]) is None:
            return store.notes.add(self.db, event, app_id,
                                   f"unknown batch {data['batch_code']}: ignored")
        bp = store.rosters.project(self.db, data["batch_code"], data["project_code"])
        cand = store.rosters.candidate_or_new(self.db, app_id, now)
        target = candidates.on_confirmation(bp.status == rosters.ROSTER_CANCELLED)
        store.rosters.confirm(self.db, cand, data, candidates.transition(cand.status, target),
                              now)
        if bp.status == rosters.ROSTER_CANCELLED:
            self._cancelled(bp, bp.reason)
            store.notes.add(self.db, event, app_id, "confirmed after the batch/project was "
                            "cancelled (B1): batch_cancelled sent again")
        elif bp.status == rosters.ROSTER_HELD:
            store.notes.add(self.db, event, app_id, "confirmed after the roster was decided: "
                            "arrange the batch again to seat this candidate")
        ROSTER.labels("confirmed").inc()

    @handles("payment", "application_abandoned")
    def on_application_abandoned(self, event):
        data = payment_events.APPLICATION_ABANDONED.load(event["payload"])
        cand = store.rosters.candidate(self.db, data["application_id"])
        if cand is None or not candidates.may(cand.status, CandidateStatus.ABANDONED):
            return store.notes.add(self.db, event, data["application_id"],
                                   "abandoned, and not on a roster: nothing to remove")
        store.rosters.abandon(self.db, cand,
                              candidates.transition(cand.status, CandidateStatus.ABANDONED))
        ROSTER.labels("abandoned").inc()

    @rpc
    @command(schemas.OverrideSchema)
    def override_minimum(self, data):
        """B1 says 原则上 (as a rule): staff may hold a batch/project with fewer than
        10 candidates. Recorded before the roster is decided."""
        self._batch(data["batch_code"])
        bp = store.rosters.project(self.db, data["batch_code"], data["project_code"])
        rosters.check_override(bp.status)
        store.rosters.override(self.db, bp, data["actor"], data["reason"])
        return store.rosters.project_view(self.db, bp)

    @rpc
    def get_roster(self, batch_code, project_code=None):
        self._batch(batch_code)
        return store.rosters.roster(self.db, batch_code, project_code)

    @rpc
    def get_candidate(self, application_id):
        return store.rosters.candidate_detail(self.db, application_id)

    # --- what registration tells us about an application; assessor cards ---------

    @handles("registration", "application_submitted", batch=EVENT_BATCH)
    def on_application_submitted(self, event):
        store.profiles.keep(self.db, registration_events.APPLICATION_SUBMITTED.load(
            event["payload"]))

    @handles("registration", "application_resubmitted")
    def on_application_resubmitted(self, event):
        store.profiles.keep(self.db, registration_events.APPLICATION_RESUBMITTED.load(
            event["payload"]))

    @handles("registration", "registrants_counted")
    def on_registrants_counted(self, event):
        """B1: 报名人数 of a batch/project, kept on its roster (the latest count wins)."""
        store.rosters.count_registrants(self.db, registration_events.REGISTRANTS_COUNTED.load(
            event["payload"]))

    @handles("assessor_training", "card_issued")
    def on_card_issued(self, event):
        self._keep_card(event, dispatch.CARD_VALID)

    @handles("assessor_training", "card_expired")
    def on_card_expired(self, event):
        self._keep_card(event, dispatch.CARD_EXPIRED)

    @handles("assessor_training", "card_revoked")
    def on_card_revoked(self, event):
        self._keep_card(event, dispatch.CARD_REVOKED)

    def _keep_card(self, event, status):
        data = card_events.CARD_ISSUED.load(event["payload"])
        row = store.dispatch.card(self.db, data["card_number"])
        if not dispatch.card_event_applies(row and row.status, status):
            return store.notes.add(self.db, event, data["card_number"], f"card_issued for a "
                                   f"card already {row.status}: ignored")
        store.dispatch.keep_card(self.db, row, data, status)

    @rpc
    def list_cards(self, id_number=None):
        return store.dispatch.cards(self.db, id_number)

    # --- rooms and sessions (T3) --------------------------------------------------

    @rpc
    def save_room(self, room):
        """Create or change an exam room: named workstations and a spacing rule (T3).
        Its seats cannot change while an arrangement to come uses it."""
        data = rooms.check_room(load(schemas.RoomSchema(), room))
        row = store.rooms.get(self.db, data["code"])
        rooms.check_room_change(row and store.rooms.view(row), data,
                                store.rooms.seated_from(self.db, data["code"], self._today()))
        return store.rooms.save(self.db, row, data)

    @rpc
    def list_rooms(self):
        return store.rooms.listed(self.db)

    @rpc
    def set_sessions(self, batch_code, sessions):
        """The sessions of a batch's exam day (default: 上午 09:00-11:00 and 下午
        14:00-16:00). Changing them drops the batch's arrangement and dispatch:
        arrange again. Not once tickets are out (the ticket window has opened)."""
        batch = self._batch(batch_code)
        data = load(schemas.SessionsSchema(), {"sessions": sessions})
        ordered = rooms.check_sessions(data["sessions"])
        arrangement.check_before_tickets(batch.code, batch.ticket_start, self._today())
        cleared = store.arrangement.set_sessions(self.db, batch.code, ordered)
        return {"batch_code": batch.code, "sessions": ordered, "arrangement_cleared": cleared}

    @rpc
    def get_sessions(self, batch_code):
        self._batch(batch_code)
        return store.rooms.sessions(self.db, batch_code)

    # --- arrangement (T3) ----------------------------------------------------------

    @rpc
    @command(schemas.ArrangeSchema)
    def arrange(self, data):
        """Seat every confirmed candidate of the batch's held projects (T3)."""
        batch = self._batch(data["batch_code"])
        arrangement.check_before_tickets(batch.code, batch.ticket_start, self._today())
        held = rosters.check_decided(store.rosters.statuses(self.db, batch.code),
                                     batch.payment_end)
        cands = store.arrangement.to_seat(self.db, batch.code, held)
        chosen = arrangement.check_rooms(store.rooms.for_arrangement(self.db, data["rooms"]))
        sessions = store.rooms.sessions(self.db, batch.code)
        prior_use, blocked = arrangement.same_day_use(
            sessions, *store.arrangement.same_day(self.db, batch))
        placed = arrangement.arrange(cands, arrangement.room_capacity(chosen),
                                     [s["code"] for s in sessions], prior_use, blocked)
        store.arrangement.replace(self.db, batch.code, arrangement.seatings(
            batch.code, batch.exam_date, placed, cands, chosen, sessions))
        return store.arrangement.summary(self.db, batch.code)

    @rpc
    def get_arrangement(self, batch_code, session_code=None, room_code=None):
        """The summary and the seat list (考生签到册), by session, room and seat."""
        return store.arrangement.view(self.db, batch_code, session_code, room_code)

    @rpc
    def list_seats(self, batch_code, **query):
        """One page of the seat list for the console's tables: filtered by session,
        room, project, attendance and a ticket number's beginning, sorted, paged
        (schemas.SeatListSchema); each row with its computer score and result."""
        q = load(schemas.SeatListSchema(), dict(
            {k: v for k, v in query.items() if v is not None}, batch_code=batch_code))
        return store.arrangement.seat_page(self.db, q)

    # --- assessor dispatch (T4) -------------------------------------------------------

    @rpc
    @command(schemas.BatchRequestSchema)
    def dispatch_assessors(self, data):
        """Three assessors for every session-room (T4); the quality supervisor is the
        center's (assign_supervisor)."""
        batch = self._batch(data["batch_code"])
        seats = store.dispatch.seats(self.db, batch.code)
        dispatch.check_dispatch_allowed(batch.code, batch.exam_date, self._today(),
                                        store.scores.recorded(self.db, batch.code), seats)
        units = store.dispatch.units(self.db, self.registration, batch.code, seats)
        slots = dispatch.slots(seats, units, store.rooms.session_order(self.db, batch.code))
        staff = dispatch.dispatch(slots, store.dispatch.valid_cards(self.db), batch.exam_date)
        store.dispatch.replace(self.db, batch.code, staff)
        return store.dispatch.view(self.db, batch.code, batch.exam_date)

    @rpc
    def get_dispatch(self, batch_code):
        """Each session-room's staff; ``card_valid`` is checked again now (a card
        revoked after the dispatch shows false: dispatch again)."""
        batch = self._batch(batch_code)
        return store.dispatch.view(self.db, batch.code, batch.exam_date)

    # --- admission tickets (T1) -----------------------------------------------------

    @rpc
    def download_ticket(self, id_number, name):
        """An individual candidate's ticket, by ID number and name, inside the
        ticket window only (T1). Institution candidates get theirs from their
        institution."""
        today = self._today()
        cands = tickets.named(store.tickets.confirmed_with_id(self.db, id_number), name)
        mine = tickets.individual_tickets(
            cands, store.batches.dicts(self.db, {c["batch_code"] for c in cands}), today)
        pdf, numbers = self._tickets_pdf(mine)
        self._printed(mine[0]["batch_code"], "individual", mine[0]["id_number"], numbers, today,
                      late=False)
        return {"tickets": numbers, "filename": f"准考证-{numbers[0]}.pdf", "media_type": PDF,
                "content_base64": base64.b64encode(pdf).decode()}

    @rpc
    def institution_tickets(self, request):
        """An institution's tickets of a batch, a page each (T1), in PDFs of at most
        tickets.TICKETS_PER_PDF (``part``, in ticket-number order), from the ticket
        window's first day; ``hand_out_by`` is the last day to hand
        them out (2 working days before the exam), ``late`` says it has passed."""
        data = load(schemas.InstitutionTicketsSchema(), request)
        batch, institution = self._batch(data["batch_code"]), data["institution_code"]
        today = self._today()
        late = tickets.check_institution_printing(batch.to_dict(), today)
        hand_out = tickets.hand_out_by(batch.exam_date)
        cands = tickets.check_institution_candidates(
            store.tickets.confirmed_of_institution(self.db, batch.code, institution))
        seats = store.tickets.seats(self.db, [c["application_id"] for c in cands])
        tickets.check_seated([c["application_id"] for c in cands], seats)
        chosen, parts = tickets.part_of(
            sorted(cands, key=lambda c: seats[c["application_id"]].ticket_number), data["part"])
        pdf, numbers = self._tickets_pdf(chosen)
        self._printed(batch.code, "institution", institution, numbers, today, late)
        suffix = f"-{data['part']}of{parts}" if parts > 1 else ""
        return {"batch_code": batch.code, "institution_code": institution, "tickets": numbers,
                "count": len(numbers), "total": len(cands), "part": data["part"],
                "parts": parts, "late": late,
                "hand_out_by": hand_out and hand_out.isoformat(),   # None: calendar pending
                "filename": f"准考证-{institution}-{batch.code}{suffix}.pdf", "media_type": PDF,
                "content_base64": base64.b64encode(pdf).decode()}

    def _tickets_pdf(self, cands):
        seats = store.tickets.seats(self.db, [c["application_id"] for c in cands])
        tickets.check_seated([c["application_id"] for c in cands], seats)
        pages = store.tickets.pages(self.db, self.registration, self.blobs, cands, seats)
        return ticket_pdf.render(pages), [p["ticket_number"] for p in pages]

    def _printed(self, batch_code, channel, requester, numbers, today, late):
        store.tickets.printed(self.db, batch_code, channel, requester, len(numbers), today, late)
        TICKETS.labels(channel, str(late).lower()).inc(len(numbers))

    @rpc
    def ticket_prints(self, batch_code):
        """Who printed tickets when; institution prints after the hand-out day are late."""
        return store.tickets.prints(self.db, self._batch(batch_code))

    @rpc
    def institution_ticket_status(self, batch_code, institution_code):
        """T1 for an institution's console before it prints: the ticket window, the
        exam day, the last day to hand the tickets out (2 working days before the
        exam; None while the year's calendar is pending), how many of its
        candidates have a ticket, and its own prints."""
        batch = self._batch(batch_code)
        status = store.tickets.prints(self.db, batch)
        count = len(store.tickets.confirmed_of_institution(self.db, batch.code,
                                                           institution_code))
        return {"batch_code": batch.code, "institution_code": institution_code,
                "exam_date": batch.exam_date.isoformat(),
                "ticket_window": [batch.ticket_start.isoformat(), batch.ticket_end.isoformat()],
                "hand_out_by": status["hand_out_by"],
                "candidates": count, "per_pdf": tickets.TICKETS_PER_PDF,
                "parts": tickets.parts(count),
                "prints": [p for p in status["prints"] if p["channel"] == "institution"
                           and p["requester"] == institution_code]}

    # --- check-in (T2) and no-shows ------------------------------------------------

    @rpc
    @command(schemas.CheckInSchema)
    def check_in(self, data):
        """On the exam day: the ticket and an ID document the batch accepts (T2)."""
        seat = checkin.check_ticket(store.checkin.seat(self.db, data["ticket_number"]))
        cand = store.rosters.candidate(self.db, seat.application_id)
        if cand.attendance != Attendance.PRESENT:
            checkin.check_document(self._batch(seat.batch_code).to_dict(), data["document"],
                                   cand.id_number, self._today())
            store.checkin.present(cand, data["document"]["type"], data["staff"])
            CHECK_INS.inc()
        return store.checkin.view(seat, cand)

    # --- scores (T4) --------------------------------------------------------------------

    @rpc
    @command(schemas.ComputerScoresSchema)
    def import_computer_scores(self, data):
        """The computer-based part of one session, a CSV (layout: scores.parse_score_sheet)."""
        batch, session = self._batch(data["batch_code"]), data["session_code"]
        store.rooms.session(self.db, batch.code, session)
        rows = scores.parse_score_sheet(data["csv"])
        seats = store.scores.session_seats(self.db, batch.code, session)
        return self._record(batch.code, session, None, scores.COMPUTER, "", data["recorded_by"],
                            data["filename"], seats, scores.computer_rows(rows, seats, session))

    @rpc
    @command(schemas.PracticalScoresSchema)
    def record_practical_scores(self, data):
        """One dispatched assessor's score sheet for a session-room (T4), for a
        project whose assessment has an on-site practical part."""
        key = (self._batch(data["batch_code"]).code, data["session_code"], data["room_code"])
        project = store.summary.room_project(self.db, *key)
        scores.check_practical_part(self._assessment(project), project)
        assessor = data["assessor_id_number"].strip().upper()
        staff = store.dispatch.staff(self.db, *key, assessor)
        scores.check_dispatched(staff and staff.role)
        seats = store.scores.session_seats(self.db, *key)
        return self._record(*key, scores.PRACTICAL, assessor, staff.name, None, seats,
                            scores.practical_rows(data["scores"], seats))

    def _record(self, batch_code, session_code, room_code, part, assessor, by, filename,
                seats, scored):
        """Check every row, then record the sheet (T4)."""
        old = store.scores.parts_recorded(
            self.db, [seats[t]["application_id"] for t, _, _ in scored], part, assessor)
        new = scores.to_record(part, [
            dict(seats[t], value=v, where=w, old=old.get(seats[t]["application_id"]))
            for t, v, w in scored], store.scores.verified_rooms(self.db, batch_code,
                                                                session_code))
        return store.scores.record(self.db, batch_code, session_code, room_code, part,
                                   assessor, by, filename, len(scored), new)

    @rpc
    def get_scores(self, batch_code, session_code=None, room_code=None):
        query = store.arrangement.seated(self.db, batch_code, session_code, room_code)
        return store.scores.view(self.db, query, batch_code)

    # --- publication (T5) -------------------------------------------------------------

    @rpc
    def public_results(self, batch_code):
        """The public list (成绩公示): ticket number, name, masked ID number, project,
        score and result; as rows and as CSV. From the first day of publication."""
        batch = self._batch(batch_code)
        pub = store.publication.get(self.db, batch.code)
        publication.check_listed(pub, batch.code)
        return store.publication.public_list(self.db, self.registration, batch, pub)

    @rpc
    @command(schemas.ObjectionSchema)
    def lodge_objection(self, data):
        """A candidate objects to their result during publication (by ID number and
        name); the result is held until staff resolve it (T5)."""
        batch = self._batch(data["batch_code"])
        pub = store.publication.get(self.db, batch.code)
        publication.check_objection_allowed(pub and (pub.starts_on, pub.ends_on), self._today())
        cand = publication.objecting_candidate(store.publication.with_result(
            self.db, batch.code, data["id_number"], data["project_code"]), data["name"])
        publication.check_no_open_objection(
            store.publication.open_objection(self.db, cand["application_id"]))
        return store.publication.lodge(self.db, cand["application_id"], batch.code,
                                       data["reason"])

    @rpc
    @command(schemas.ResolveSchema)
    def resolve_objection(self, data):
        """Staff dismiss an objection or correct the final score; the result is then
        finalized by the next publication run."""
        obj = store.publication.objection(self.db, data["objection_id"])
        publication.check_unresolved(obj.status)
        value = publication.corrected_score(data["decision"], data["final_score"])
        return store.publication.resolve(self.db, obj, data, value)

    @rpc
    def list_objections(self, batch_code):
        self._batch(batch_code)
        return store.publication.objections(self.db, batch_code)
