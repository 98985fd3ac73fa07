"""The calendar's jobs of the exam service: the rosters' decision after the
payment window (B1), the no-shows after the exam day, and the publication and
finalization of the results (T5). A mixin of ExamService (exam.service), as
exam.catalogue is; each job is an RPC that takes ``today`` (an ISO date: ops
replay a missed day or rehearse a calendar), its ``_now`` twin that takes no
date (the gateway's staff routes) and a timer that looks every hour.
Each does what is due and is safe to run twice and on several replicas at once:
every change is claimed with a conditional UPDATE, so only one replica emits."""
from kernel import calendar, metrics
from kernel.entrypoints import rpc, timer
from kernel.errors import CalendarUnavailable

from exam import events, store
from exam.counters import CANDIDATES, FINALIZED, ROSTER
from exam.scoring import project_name
from exam.domain import candidates, publication, rosters, scores, supervision
from exam.domain.candidates import CandidateStatus

TIMER_INTERVAL = 3600       # the daily jobs look every hour; each is safe to run twice
FINALIZE_CHUNK = 200        # results finalized per unit of work (T5); see finish_finalization
FINALIZE_INTERVAL = 2       # seconds between finish_finalization's chunks


class CalendarJobs:

    def refresh_business_metrics(self):
        """skillcert_calendar_pending{service="exam",year}: batches not published
        yet whose hand-out day (T1) or publication (T5) waits for a working-day
        year nobody has loaded (W1); with every outbox sweep."""
        pending = {}
        for batch in store.batches.by_exam_date(self.db):
            if store.publication.get(self.db, batch.code) is None:
                year = publication.pending_year(batch.exam_date)
                if year is not None:
                    pending[year] = pending.get(year, 0) + 1
        calendar.set_pending(self.name, pending)
        metrics.snapshot(CANDIDATES, store.figures.stage_counts(self.db))

    @rpc
    def business_figures(self):
        """The figures skillcert_exam_candidates_by_stage is set from (the dashboard)."""
        rows = {}
        for (batch, project, stage), n in store.figures.stage_counts(self.db).items():
            rows.setdefault((batch, project), {"batch_code": batch, "project_code": project})[
                stage] = n
        return {"stages": [rows[k] for k in sorted(rows)]}

    # --- rosters (B1) ------------------------------------------------------------

    @rpc
    def close_rosters(self, today=None):
        """B1 for every batch whose payment window is over: each project with fewer
        than 10 registrants (max of registration's count and the confirmed) is cancelled (batch_cancelled), unless staff
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
        for batch in store.batches.by_exam_date(self.db):
            if not rosters.roster_due(batch.to_dict(), today):
                continue
            counts = store.rosters.confirmed_counts(self.db, batch.code)
            for bp in store.rosters.open_projects(self.db, batch.code):
                n = counts.get(bp.project_code, 0)
                status, reason = rosters.decide(n, bp.override, bp.registrants)
                if not store.rosters.claim_decision(self.db, bp, status, n, reason):
                    continue              # another replica decided it first
                if status == rosters.ROSTER_CANCELLED:
                    store.rosters.move_confirmed(self.db, bp, candidates.transition(
                        CandidateStatus.CONFIRMED, CandidateStatus.CANCELLED))
                    self._cancelled(bp, reason)
                    ROSTER.labels("cancelled").inc()
                decided.append({"batch_code": bp.batch_code, "project_code": bp.project_code,
                                "status": status, "confirmed": n,
                                "registrants": bp.registrants})
        return {"today": today.isoformat(), "decided": decided}

    def _cancelled(self, bp, reason):
        events.BATCH_CANCELLED.emit(self.db, batch_code=bp.batch_code,
                                    project_code=bp.project_code, reason=reason)

    # --- no-shows ------------------------------------------------------------------

    @rpc
    def mark_no_shows(self, today=None):
        """After the exam day, every seated candidate who did not check in is absent
        (缺考). Safe to run twice."""
        return {"absent": store.checkin.mark_no_shows(self.db, self._today(today))}

    @timer(interval=TIMER_INTERVAL)
    def mark_no_shows_daily(self):
        return {"absent": store.checkin.mark_no_shows(self.db, self._today())}

    @rpc
    def mark_no_shows_now(self):
        """mark_no_shows for the suite's today, no date taken (the gateway's route)."""
        return {"absent": store.checkin.mark_no_shows(self.db, self._today())}

    # --- publication and finalization (T5) ---------------------------------------

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

    @timer(interval=FINALIZE_INTERVAL)
    def finish_finalization(self):
        """T5: a finalization goes out FINALIZE_CHUNK results per unit of work, so
        that the staff's call answers in time and a transaction stays small
        whatever the batch's size (each result_finalized carries a passed
        candidate's photo); this timer sends the next chunk of each batch whose
        last run left results due, until none is left."""
        return {batch.code: self._finalize(batch, pub)
                for batch, pub in store.publication.finalizing(self.db)}

    def _run_publication(self, today):
        out = {"today": today.isoformat(), "published": [], "blocked": [], "finalized": {}}
        for batch in store.batches.by_exam_date(self.db, before=today):
            pub = store.publication.get(self.db, batch.code)
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
        first = publication.publication_due(batch.exam_date, today,
                                            store.publication.seated(self.db, batch.code))
        if first is None:
            return None
        store.checkin.mark_no_shows(self.db, today, batch.code)
        rows = store.publication.confirmed_seats(self.db, batch.code)
        waiting = publication.unverified([(s.session_code, s.room_code, c.attendance)
                                          for s, c in rows],
                                         store.scores.verified(self.db, batch.code))
        if waiting:
            out["blocked"].append({"batch_code": batch.code, "reason": "scores not verified",
                                   "session_rooms": [list(w) for w in waiting]})
            return None
        store.publication.absent_results(self.db, batch.code, rows)
        starts = max(first, today)
        pub = store.publication.publish(self.db, batch.code, starts,
                                        publication.publication_ends(starts))
        published = {"batch_code": batch.code, "starts_on": pub.starts_on.isoformat(),
                     "ends_on": pub.ends_on.isoformat(), "candidates": len(rows)}
        events.RESULTS_PUBLISHED.emit(self.db, **published)
        out["published"].append(dict(published))
        return pub

    def _finalize(self, batch, pub):
        """result_finalized once per result no open objection holds and whose
        session has its signed supervision record (T4, 002 二(九)); the event
        carries what the certificate needs (#14), so that it asks no one."""
        held = store.publication.held(self.db, batch.code)
        rows = store.publication.unfinalized(self.db, batch.code)
        sessions = store.publication.sessions_of(self.db, [r.application_id for r, _ in rows])
        signed = store.supervision.supervisions(self.db, batch.code)
        waiting = supervision.unsupervised(set(sessions.values()), signed)
        unsupervised = {a for a, s in sessions.items() if s in waiting}
        due = sorted(publication.finalizable([r.application_id for r, _ in rows],
                                             held | unsupervised))
        send, sent = set(due[:FINALIZE_CHUNK]), 0
        found = store.profiles.of(self.db, self.registration,
                                  sorted(a for a in send if a in sessions))
        for result, cand in rows:
            if result.application_id not in send or not store.publication.claim(self.db,
                                                                                 result):
                continue
            passed = scores.passed(result.final)
            profile, signed_by = found.get(cand.application_id), signed.get(
                sessions.get(cand.application_id))
            events.RESULT_FINALIZED.emit(
                self.db, application_id=cand.application_id, batch_code=batch.code,
                project_code=cand.project_code, id_number=cand.id_number,
                name=cand.name, passed=passed, score=scores.tenths_to_points(result.final),
                exam_date=batch.exam_date.isoformat(), roster_status=cand.status,
                project_name=project_name(cand.project_code),
                supervision=signed_by and {"name": signed_by["name"], "at": signed_by["at"]},
                **store.profiles.for_certificate(self.blobs, self.registration, profile,
                                                 cand.id_number, with_photo=passed))
            FINALIZED.labels(str(passed).lower()).inc()
            sent += 1
        if publication.finalized(sent, rows, held | unsupervised):
            store.publication.finalized(pub)
        pub.finalize_backlog = len(due) - len(send) or None
        out = {"sent": sent, "held": len(held)}
        if pub.finalize_backlog:
            out["remaining"] = pub.finalize_backlog
        if waiting:
            out["unsupervised"] = waiting
        return out
