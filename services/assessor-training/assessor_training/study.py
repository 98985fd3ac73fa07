"""The entrypoints of study and the training exam (A5): study hours, the exam
roster, the exam's score. A mixin of AssessorTrainingService:

    class AssessorTrainingService(StudyEntrypoints, ..., ServiceBase): ...

- ``record_study_hours``, ``exam_roster``, ``record_exam_score`` (RPC); a pass
  issues the card (``_issue_card`` of CardEntrypoints) in the same transaction.

The rules are assessor_training.domain.training; the rows
assessor_training.store.applications and .periods."""

from kernel import settings
from kernel.commands import command
from kernel.db import utcnow
from kernel.entrypoints import rpc

from assessor_training import store
from assessor_training.counters import APPLICATIONS
from assessor_training.domain import cards, training, training_periods
from assessor_training.domain.review_chain import ApplicationStatus as Status
from assessor_training.models import StudyEntry
from assessor_training.schemas import ExamScoreSchema, SittingPlanSchema, StudySchema



class StudyEntrypoints:

    @rpc
    @command(StudySchema)
    def record_study_hours(self, data):
        app = store.applications.get(self.db, data["application_id"])
        period = store.periods.as_dict(store.periods.get(self.db, app.period_code))
        training.check_study_entry(app.status, period, data["studied_on"],
                                   settings.today(self.config))
        minutes = int(round(data["hours"] * 60))
        self.db.add(StudyEntry(application_id=app.id, studied_on=data["studied_on"],
                               minutes=minutes, course=data["course"], recorded_at=utcnow()))
        app.study_minutes += minutes
        app.updated_at = utcnow()
        store.flush(self.db)
        return self._study(app, period)

    @rpc
    def exam_roster(self, period_code):
        """The trainees of a period: who may sit the exam (A5) and who is short of hours."""
        period = store.periods.as_dict(store.periods.get(self.db, period_code))
        rows = store.applications.admitted(self.db, period["code"])
        need = training.minutes_required(period)
        seats = store.sittings.seats_of(self.db, period["code"])
        entries = [dict(self._study(a, period), name=a.name, id_number=a.id_number,
                        unit_code=a.unit_code, sitting=seats.get(a.id)) for a in rows]
        return {"period_code": period["code"], "exam_date": period["exam_date"].isoformat(),
                "exam_minutes": training_periods.EXAM_MINUTES,
                "pass_score": training.pass_score(period, self._policy()),
                "eligible": [e for e in entries if e["studied_minutes"] >= need],
                "short": [e for e in entries if e["studied_minutes"] < need]}

    @rpc
    @command(SittingPlanSchema)
    def plan_sittings(self, data):
        """A1 "根据具体参培人数分批组织考试": seat the trainees who may sit the exam
        (admitted, with the study hours: A5) in sittings of the period's capacity,
        90 minutes each, one after another on the exam date. Trainees already
        seated keep their sitting; run again to seat those who completed their
        hours since. Returns the sittings."""
        period_row = store.periods.get(self.db, data["period_code"])
        period, policy = store.periods.as_dict(period_row), self._policy()
        need = training.minutes_required(period)
        seated = store.sittings.seated(self.db, period["code"])
        unseated = [a.id for a in store.applications.admitted(self.db, period["code"])
                    if a.study_minutes >= need and a.id not in seated]
        capacity = period["sitting_capacity"] or policy.sitting_capacity
        new, seats = training.assign_sittings(unseated, store.sittings.existing(
            self.db, period["code"]), capacity, policy.first_sitting_at,
            policy.sitting_break_minutes)
        store.sittings.add(self.db, period["code"], new, seats)
        return self.list_sittings(period["code"])

    @rpc
    def list_sittings(self, period_code):
        """The exam's sittings of a period with their trainees (A1)."""
        period = store.periods.get(self.db, period_code)
        return {"period_code": period.code, "exam_date": period.exam_date.isoformat(),
                "exam_minutes": training_periods.EXAM_MINUTES,
                "sittings": store.sittings.listed(self.db, period.code,
                                                  period.exam_date.isoformat())}

    @rpc
    @command(ExamScoreSchema)
    def record_exam_score(self, data):
        """The exam score; a pass issues the assessor card (A6) in the same transaction."""
        today = settings.today(self.config)
        app = store.applications.get(self.db, data["application_id"])
        period_row = store.periods.get(self.db, app.period_code)
        cards.check_no_card(store.cards.of_application(self.db, app.id))
        outcome = training.check_exam_result(app.status, store.periods.as_dict(period_row),
                                             app.study_minutes, data["score"], today,
                                             self._policy())
        app.exam_score, app.exam_recorded_at = data["score"], utcnow()
        store.applications.move(self.db, app, outcome)
        if outcome == Status.PASSED:
            self._issue_card(app, period_row, today)
        APPLICATIONS.labels(outcome).inc()
        return store.applications.wire(self.db, app)

    @staticmethod
    def _study(app, period):
        need = training.minutes_required(period)
        return {"application_id": app.id, "studied_minutes": app.study_minutes,
                "study_hours": round(app.study_minutes / 60, 2),
                "required_hours": period["required_study_hours"],
                "complete": app.study_minutes >= need}
