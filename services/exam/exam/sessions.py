"""What the center records with a session (T4), a mixin of ExamService
(exam.service), as exam.catalogue is: the quality supervisor (质量督导员) it
dispatches (``assign_supervisor``) and their signed record of the session
(``record_supervision``, 002 二(九): the basis of the certificates, so no
result of a session without it is finalized), the assessors' meeting before
the exam (``record_assessor_meeting``, 考评工作会, 002 二(八)), and the session's
details with all three (``get_session``)."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

from kernel.commands import command
from kernel.db import utcnow
from kernel.entrypoints import rpc

from exam import schemas, store
from exam.domain import supervision

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _person(p):
    return {"name": p["name"], "id_number": p["id_number"].strip().upper(),
            "unit": p.get("unit"), "role": p.get("role")}


class SessionRecordEntrypoints:

    def _session_key(self, data):
        batch = self._batch(data["batch_code"])
        return batch, store.rooms.session(self.db, batch.code, data["session_code"])

    @rpc
    @command(schemas.SupervisorSchema)
    def assign_supervisor(self, data):
        """The center dispatches a staff person as the session's quality supervisor
        (not drawn from the assessor cards; not one of the session's assessors)."""
        batch, session = self._session_key(data)
        row = store.supervision.record(self.db, batch.code, session["code"])
        supervision.check_supervisor(data["supervisor"], store.dispatch.session_assessors(
            self.db, batch.code, session["code"]), row.supervision)
        store.supervision.save(self.db, row, supervisor=dict(
            _person(data["supervisor"]), by=data["assigned_by"], at=utcnow().isoformat()))
        return self._session_view(batch, session, row)

    @rpc
    @command(schemas.SupervisionSchema)
    def record_supervision(self, data):
        """The session's quality supervisor records the supervision and signs it
        (who, when); recorded once (the same record again changes nothing)."""
        batch, session = self._session_key(data)
        row = store.supervision.record(self.db, batch.code, session["code"])
        signer = _person(data["signed_by"])
        if not supervision.check_supervision(row.supervisor, signer["id_number"],
                                             row.supervision, data["record"]):
            store.supervision.save(self.db, row, supervision={
                "record": data["record"], "name": signer["name"],
                "id_number": signer["id_number"], "at": utcnow().isoformat()})
        return self._session_view(batch, session, row)

    @rpc
    @command(schemas.MeetingSchema)
    def record_assessor_meeting(self, data):
        """The assessors' meeting before the session (考评工作会): when, who attended,
        the unified standard, the roles, the process, how candidates were told.
        Held before the session starts, every assessor of the session present;
        recorded again, the newest record stands."""
        batch, session = self._session_key(data)
        starts = datetime.combine(batch.exam_date, time.fromisoformat(session["starts"]),
                                  SHANGHAI)
        held = data["held_at"].astimezone(SHANGHAI)
        attendees = [_person(a) for a in data["attendees"]]
        supervision.check_meeting(held, starts, attendees, store.dispatch.session_assessors(
            self.db, batch.code, session["code"]))
        row = store.supervision.record(self.db, batch.code, session["code"])
        store.supervision.save(self.db, row, meeting={
            "held_at": held.isoformat(), "attendees": attendees, "standard": data["standard"],
            "roles": data["roles"], "process": data["process"],
            "told_to_candidates": data["told_to_candidates"], "by": data["recorded_by"],
            "at": utcnow().isoformat()})
        return self._session_view(batch, session, row)

    @rpc
    def get_session(self, batch_code, session_code):
        """A session's details: times, its supervisor and supervision record, the
        assessors' meeting, and the score summaries of its rooms."""
        batch, session = self._session_key({"batch_code": batch_code,
                                            "session_code": session_code})
        return self._session_view(batch, session,
                                  store.supervision.record(self.db, batch.code, session["code"]))

    def _session_view(self, batch, session, row):
        return dict(session, batch_code=batch.code, exam_date=batch.exam_date.isoformat(),
                    **store.supervision.view(row),
                    score_summaries=store.summary.listed(self.db, batch.code, session["code"]))
