"""nameko entrypoints of the assessor-training service: validate, apply the rules
of assessor_training.domain (a module per area), persist, record events. Nothing else."""
import io
import uuid
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from kernel import exports, idnumber, metrics, privacy, settings, uploads
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import rpc, timer
from kernel.errors import Conflict, NotFound, ValidationFailed
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs

from assessor_training import events
from assessor_training.domain import (applications, cards, reference, review_chain, summary,
                                      track_record, training, training_periods)
from assessor_training.domain.review_chain import ApplicationStatus as Status
from assessor_training.models import (Application, Base, Card, CardHistory, CardProject,
                                      CardSerial, Material, Period, Review, StudyEntry, Unit)
from assessor_training.schemas import (ApplicationSchema, ExamScoreSchema, PeriodSchema,
                                       RenewSchema, ReviewSchema, RevokeSchema, StudySchema,
                                       UnitSchema, application_out, card_out)

APPLICATIONS = metrics.counter("skillcert_assessor_applications_total",
                               "Assessor-training applications by what happened to them",
                               ["event"])
CARDS = metrics.counter("skillcert_assessor_cards_total", "Assessor cards by what happened",
                        ["event"])

EXPIRING = metrics.gauge("skillcert_assessor_cards_expiring_30d",
                         "Valid assessor cards whose validity ends within 30 days")
HOURLY = 3600
# config key -> (Policy field, type): the figures the notice leaves to the center
POLICY_CONFIG = {"EXAM_PASS_SCORE": ("pass_score", int), "UNIT_PLACES": ("unit_places", int),
                 "A7_FLAG_SHARE": ("flag_share", float), "A7_BAR_SHARE": ("bar_share", float),
                 "A7_MIN_DECIDED": ("min_decided", int),
                 "A7_FLAGGED_PLACES_SHARE": ("flagged_places_share", float),
                 "RENEWAL_WINDOW_DAYS": ("renewal_window_days", int)}


def found(row, code, message, field, rule=None):
    """``row``, or NotFound with ``code`` when the lookup found nothing."""
    if row is None:
        raise NotFound(code, message, field=field, rule=rule)
    return row


class AssessorTrainingService(ServiceBase):
    name = "assessor_training"
    db = Database(Base)
    blobs = Blobs()

    def refresh_business_metrics(self):
        today = settings.today(self.config)
        EXPIRING.set(self.db.scalar(select(func.count()).select_from(Card).where(
            Card.status == "valid", Card.valid_until <= today + timedelta(days=30))))

    # --- reference data ----------------------------------------------------

    @rpc
    def load_reference_data(self):
        """Schedule the periods shipped with the service (the 2025 second period of
        the notice) that are not there yet."""
        added = 0
        for raw in reference.shipped_periods():
            data = training_periods.check_period(load(PeriodSchema(), raw))
            if self.db.get(Period, data["code"]) is None:
                self._add_period(data)
                added += 1
        return {"periods_added": added, "projects": len(reference.projects())}

    @rpc
    def list_projects(self):
        types = reference.project_types()
        return [dict(p, type_name_zh=types[p["type"]]["name_zh"])
                for p in reference.projects().values()]

    @rpc
    def list_project_types(self):
        by_type = {}
        for p in reference.projects().values():
            by_type.setdefault(p["type"], []).append(p["code"])
        return [dict(t, projects=by_type.get(code, []))
                for code, t in reference.project_types().items()]

    @rpc
    def list_regions(self):
        return list(reference.regions().values())

    # --- training periods (A1) ---------------------------------------------

    @rpc
    @command(PeriodSchema)
    def schedule_period(self, data):
        data = training_periods.check_period(data)
        if self.db.get(Period, data["code"]) is not None:
            raise Conflict("PERIOD_EXISTS", f"period {data['code']} already exists",
                           field="seq")
        return self._add_period(data)

    @rpc
    def get_period(self, code):
        return self._period_wire(self._get_period(code))

    @rpc
    def list_periods(self):
        return [self._period_wire(p) for p in
                self.db.scalars(select(Period).order_by(Period.exam_date))]

    def _add_period(self, data):
        deadlines = data["review_deadlines"]
        row = Period(
            code=data["code"], year=data["year"], seq=data["seq"], name=data["name"],
            application_start=data["application"][0], application_end=data["application"][1],
            unit_deadline=deadlines["unit"], municipal_deadline=deadlines["municipal"],
            provincial_deadline=deadlines["provincial"], study_start=data["study"][0],
            study_end=data["study"][1], required_study_hours=data["required_study_hours"],
            exam_date=data["exam_date"], exam_location=data["exam_location"],
            expected_trainees=data["expected_trainees"],
            places_per_unit=data["places_per_unit"], created_at=utcnow())
        self.db.add(row)
        self.db.flush()
        self.db.add(CardSerial(period_code=row.code, last=0))
        self.db.flush()
        return self._period_wire(row)

    def _get_period(self, code):
        return found(self.db.get(Period, str(code)), "PERIOD_NOT_FOUND",
                     f"no training period {code}", "period_code")

    @staticmethod
    def _period(row):
        return {"code": row.code, "year": row.year, "seq": row.seq, "name": row.name,
                "application": (row.application_start, row.application_end),
                "review_deadlines": {"unit": row.unit_deadline,
                                     "municipal": row.municipal_deadline,
                                     "provincial": row.provincial_deadline},
                "study": (row.study_start, row.study_end),
                "required_study_hours": row.required_study_hours, "exam_date": row.exam_date,
                "exam_minutes": training_periods.EXAM_MINUTES, "exam_location": row.exam_location,
                "expected_trainees": row.expected_trainees,
                "places_per_unit": row.places_per_unit}

    def _period_wire(self, row):
        out = self._period(row)
        for window in ("application", "study"):
            out[window] = {"start": out[window][0].isoformat(),
                           "end": out[window][1].isoformat()}
        out["review_deadlines"] = {k: v.isoformat() for k, v in out["review_deadlines"].items()}
        out["exam_date"] = row.exam_date.isoformat()
        return out

    # --- recommending units (A2) and their track record (A7) ---------------

    @rpc
    def save_unit(self, unit):
        data = load(UnitSchema(), unit)
        applications.check_unit_record(data, settings.today(self.config))
        row = self.db.get(Unit, data["code"]) or Unit(code=data["code"])
        for key, value in data.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        self.db.add(row)
        try:
            self.db.flush()
        except IntegrityError:
            self.db.rollback()
            raise Conflict("UNIT_NAME_TAKEN", f"another unit is named {data['name']}",
                           field="name")
        return self._unit_wire(row)

    @rpc
    def get_unit(self, code, period_code=None):
        """The unit with its track record (A7) and, for a period, its places."""
        row = self._get_unit(code)
        out = self._unit_wire(row)
        if period_code:
            period = self._get_period(period_code)
            allowed = self._places(period, out["record"]["standing"])
            out["places"] = {"period_code": period.code, "places": allowed,
                             "used": self._places_used(row.code, period.code)}
        return out

    @rpc
    def list_units(self, standing=None):
        units = [self._unit_wire(u) for u in self.db.scalars(select(Unit).order_by(Unit.code))]
        return [u for u in units if standing in (None, u["record"]["standing"])]

    def _get_unit(self, code):
        return found(self.db.get(Unit, str(code)), "UNIT_UNKNOWN",
                     f"no recommending unit {code} on record", "unit.code", "A2")

    @staticmethod
    def _unit(row):
        return {"code": row.code, "name": row.name, "kind": row.kind, "region": row.region,
                "filing_accepted_on": row.filing_accepted_on, "active": row.active}

    def _unit_wire(self, row):
        out = self._unit(row)
        accepted = out["filing_accepted_on"]
        out.update(filing_accepted_on=accepted and accepted.isoformat(), address=row.address,
                   contact=row.contact, chain=list(review_chain.chain(row.region)),
                   record=self._record(row.code))
        return out

    def _record(self, unit_code):
        """A7: of the unit's recommendations the centers decided, how many they rejected."""
        rejected = self.db.scalar(select(func.count()).select_from(Application).where(
            Application.unit_code == unit_code, Application.status == Status.REJECTED,
            Application.closed_step != "unit"))
        approved = self.db.scalar(select(func.count()).select_from(Application).where(
            Application.unit_code == unit_code, Application.status.in_(review_chain.TRAINED)))
        return track_record.standing(rejected, rejected + approved, self._policy())

    def _places(self, period, verdict):
        base = period.places_per_unit
        policy = self._policy()
        return track_record.places(policy.unit_places if base is None else base, verdict, policy)

    def _places_used(self, unit_code, period_code):
        return self.db.scalar(select(func.count()).select_from(Review).join(
            Application, Application.id == Review.application_id).where(
            Application.unit_code == unit_code, Application.period_code == period_code,
            Review.step == "unit", Review.decision == "approve"))

    def _policy(self):
        values = {field: cast(self.config[key]) for key, (field, cast) in POLICY_CONFIG.items()
                  if self.config.get(key) not in (None, "")}
        return reference.Policy(**values)

    # --- materials ----------------------------------------------------------

    @rpc
    def upload_material(self, upload):
        """A photo (M1) or a scan (M2), checked by content; returns its hash."""
        return uploads.accept(self.db, self.blobs, Material, upload)

    @rpc
    def get_material(self, hash):
        return uploads.fetch(self.db, self.blobs, Material, hash)

    def _check_materials(self, data):
        refs = [("materials.photo", data["materials"]["photo"], "photo")]
        refs += [(f"materials.{k}", v, "scan") for k, v in data["materials"].items()
                 if k != "photo" and v]
        person = data["person"]
        if person["title"]:
            refs.append(("person.title.certificate", person["title"]["certificate"], "scan"))
        refs += [(f"person.qualifications.{n}.certificate", q["certificate"], "scan")
                 for n, q in enumerate(person["qualifications"])]
        refs += [(f"conditions.{n}.evidence", h, "scan")
                 for n, c in enumerate(data["conditions"]) for h in c["evidence"]]
        uploads.require_all(self.db, Material, refs)

    # --- applications (申报) ---------------------------------------------------

    @rpc
    @command(ApplicationSchema)
    def submit_application(self, data):
        today = settings.today(self.config)
        period = self._period(self._get_period(data["period_code"]))
        training_periods.check_application_open(period, today)
        rid = idnumber.parse(data["person"]["id_number"])                      # R2
        unit = self._unit(self._get_unit(data["unit"]["code"]))
        applications.check_recommending_unit(unit, data["unit"])
        track_record.check_not_barred(unit, self._record(unit["code"]))
        project_type = applications.check_projects(data["projects"])
        conditions = applications.check_conditions(data["conditions"], data["person"])
        chars = applications.check_work_summary(data["work_summary"])
        self._check_materials(data)
        applications.check_not_duplicate(self.db.scalar(select(Application.status).where(
            Application.period_code == period["code"], Application.id_number == rid.number)))
        now = utcnow()
        person = {k: v for k, v in data["person"].items() if k not in ("name", "id_number")}
        person["filled_on"] = (data["filled_on"] or today).isoformat()
        declared = dict(data["unit"], filing_accepted_on=data["unit"]["filing_accepted_on"]
                        and data["unit"]["filing_accepted_on"].isoformat())
        app = Application(
            id=str(uuid.uuid4()), period_code=period["code"], unit_code=unit["code"],
            region=unit["region"], id_number=rid.number, name=data["person"]["name"],
            sex=rid.sex, birth_date=rid.birth_date, person=person, declared_unit=declared,
            projects=data["projects"], project_type=project_type, conditions=conditions,
            work_summary=data["work_summary"],
            pledge={"signed": True, "signed_on": data["pledge"]["signed_on"].isoformat()},
            materials=data["materials"], study_minutes=0, submitted_at=now, updated_at=now,
            status=review_chain.transition(None, Status.AWAITING_UNIT))
        self.db.add(app)
        try:
            self.db.flush()
        except IntegrityError:       # a concurrent duplicate won the race (AT1)
            self.db.rollback()
            applications.check_not_duplicate("submitted")
        APPLICATIONS.labels("submitted").inc()
        return self._app_wire(app, warnings=rid.warnings, chars=chars)

    @rpc
    def get_application(self, application_id):
        return self._app_wire(self._get_app(application_id))

    @rpc
    def find_applications(self, id_number):
        """A person's own applications, every period, newest first (the candidate's
        个人中心; the gateway passes the signed-in account's ID number)."""
        if not isinstance(id_number, str) or not id_number:
            raise ValidationFailed("VALIDATION_FAILED", "id_number: text expected",
                                   field="id_number")
        return [self._app_wire(a) for a in self.db.scalars(
            select(Application).where(Application.id_number == id_number.upper())
            .order_by(Application.submitted_at.desc()))]

    @rpc
    def list_applications(self, period_code, unit_code=None, region=None, status=None):
        """A review queue: a unit's (unit_code), a municipal center's (region) or the
        provincial center's (status=awaiting_provincial) applications of a period."""
        query = select(Application)
        for column, value in ((Application.period_code, period_code),
                              (Application.unit_code, unit_code),
                              (Application.region, region), (Application.status, status)):
            if value is not None and not isinstance(value, str):
                raise ValidationFailed("VALIDATION_FAILED", f"{column.key}: text expected",
                                       field=column.key)
            if value or column is Application.period_code:
                query = query.where(column == value)
        return [self._app_wire(a) for a in
                self.db.scalars(query.order_by(Application.submitted_at))]

    # --- the review chain (A1) ---------------------------------------------

    @rpc
    @command(ReviewSchema)
    def review_application(self, data):
        today = settings.today(self.config)
        app = self._get_app(data["application_id"])
        period = self._period(self._get_period(app.period_code))
        target = review_chain.check_review(self._state(app), data["step"], data["authority"],
                                           data["decision"], period, today)
        if data["step"] == "unit" and data["decision"] == "approve":
            # the unit's row is locked (PostgreSQL) so that concurrent approvals
            # count each other's places
            row = self.db.get(Unit, app.unit_code, with_for_update=True)
            unit, record = self._unit(row), self._record(row.code)
            track_record.check_not_barred(unit, record)
            track_record.check_places(unit, self._places_used(unit["code"], period["code"]),
                                      self._places(self.db.get(Period, period["code"]),
                                             record["standing"]), record)
        self.db.add(Review(application_id=app.id, step=data["step"],
                           authority=data["authority"], reviewer=data["reviewer"],
                           decision=data["decision"], reason=data["reason"],
                           decided_on=today, at=utcnow()))
        self._move(app, target, closed_step=data["step"] if target == Status.REJECTED else None)
        APPLICATIONS.labels(f"{data['step']}_{data['decision']}").inc()
        return self._app_wire(app)

    @rpc
    def lapse_overdue_reviews(self, today=None):
        """Applications still waiting on a step whose deadline passed are no longer
        accepted (逾期不再受理). Safe to run twice."""
        return self._lapse(self._date_arg(today, "today"))

    def _lapse(self, today):
        lapsed = []
        periods = {}
        for app in self.db.scalars(select(Application).where(
                Application.status.in_(review_chain.IN_REVIEW))).all():
            if app.period_code not in periods:
                periods[app.period_code] = self._period(self.db.get(Period, app.period_code))
            period = periods[app.period_code]
            step = review_chain.lapsed_step(self._state(app), period, today)
            if step is None:
                continue
            deadline = period["review_deadlines"][step]
            self.db.add(Review(application_id=app.id, step=step, authority="system",
                               reviewer="system", decision="lapsed", decided_on=today,
                               reason=f"逾期不再受理: the {step} review closed on {deadline}",
                               at=utcnow()))
            self._move(app, Status.LAPSED, closed_step=step)
            lapsed.append(app.id)
        APPLICATIONS.labels("lapsed").inc(len(lapsed))
        return {"today": today.isoformat(), "lapsed": lapsed}

    # --- study and exam (A5) -------------------------------------------------

    @rpc
    @command(StudySchema)
    def record_study_hours(self, data):
        app = self._get_app(data["application_id"])
        period = self._period(self._get_period(app.period_code))
        training.check_study_entry(app.status, period, data["studied_on"],
                                   settings.today(self.config))
        minutes = int(round(data["hours"] * 60))
        self.db.add(StudyEntry(application_id=app.id, studied_on=data["studied_on"],
                               minutes=minutes, course=data["course"], recorded_at=utcnow()))
        app.study_minutes += minutes
        app.updated_at = utcnow()
        self._flush()
        return self._study(app, period)

    @rpc
    def exam_roster(self, period_code):
        """The trainees of a period: who may sit the exam (A5) and who is short of hours."""
        period = self._period(self._get_period(period_code))
        rows = self.db.scalars(select(Application).where(
            Application.period_code == period["code"], Application.status == review_chain.ADMITTED)
            .order_by(Application.unit_code, Application.submitted_at)).all()
        need = training.minutes_required(period)
        entries = [dict(self._study(a, period), name=a.name, id_number=a.id_number,
                        unit_code=a.unit_code) for a in rows]
        return {"period_code": period["code"], "exam_date": period["exam_date"].isoformat(),
                "exam_minutes": training_periods.EXAM_MINUTES,
                "eligible": [e for e in entries if e["studied_minutes"] >= need],
                "short": [e for e in entries if e["studied_minutes"] < need]}

    @rpc
    @command(ExamScoreSchema)
    def record_exam_score(self, data):
        """The exam score; a pass issues the assessor card (A6) in the same transaction."""
        today = settings.today(self.config)
        app = self._get_app(data["application_id"])
        period_row = self._get_period(app.period_code)
        cards.check_no_card(self.db.scalar(select(Card.card_number).where(
            Card.application_id == app.id)))
        outcome = training.check_exam_result(app.status, self._period(period_row),
                                             app.study_minutes, data["score"], today,
                                             self._policy())
        app.exam_score, app.exam_recorded_at = data["score"], utcnow()
        self._move(app, outcome)
        if outcome == Status.PASSED:
            self._issue_card(app, period_row, today)
        APPLICATIONS.labels(outcome).inc()
        return self._app_wire(app)

    def _study(self, app, period):
        need = training.minutes_required(period)
        return {"application_id": app.id, "studied_minutes": app.study_minutes,
                "study_hours": round(app.study_minutes / 60, 2),
                "required_hours": period["required_study_hours"],
                "complete": app.study_minutes >= need}

    # --- cards (A6) ------------------------------------------------------------

    def _issue_card(self, app, period, today):
        self.db.execute(update(CardSerial).where(CardSerial.period_code == period.code)
                        .values(last=CardSerial.last + 1))     # row lock until commit
        serial = self.db.scalar(select(CardSerial.last).where(
            CardSerial.period_code == period.code))
        valid_from, valid_until = cards.card_validity(today)
        card = Card(card_number=cards.card_number(period.year, period.seq, serial),
                    application_id=app.id, period_code=period.code, id_number=app.id_number,
                    name=app.name, unit_code=app.unit_code, project_type=app.project_type,
                    valid_from=valid_from, valid_until=valid_until, status="valid",
                    issued_at=utcnow())
        self.db.add(card)
        self._flush()
        self.db.add_all(CardProject(card_number=card.card_number, project_code=p)
                        for p in app.projects)
        self._card_history(card, "issued", "provincial", f"exam score {app.exam_score}")
        events.CARD_ISSUED.emit(self.db, **self._card_event(card))
        CARDS.labels("issued").inc()
        return card

    @rpc
    def get_card(self, card_number):
        return self._card_wire(self._get_card(card_number), history=True)

    @rpc
    def find_cards(self, id_number):
        rows = self.db.scalars(select(Card).where(
            Card.id_number == str(id_number).strip().upper()).order_by(Card.issued_at))
        return [self._card_wire(c) for c in rows]

    @rpc
    def verify_card(self, card_number, on_date=None):
        """Public check of a card by its number: is it valid on ``on_date`` (today)?"""
        day = self._date_arg(on_date, "on_date")
        card = self._get_card(card_number)
        unit = self.db.get(Unit, card.unit_code)
        state = cards.card_state(self._card_state(card), day)
        return {"card_number": card.card_number, "on_date": day.isoformat(),
                "valid": state == "valid", "state": state, "name": card.name,
                "id_number": privacy.mask_id(card.id_number), "unit": unit.name,
                "projects": [{"code": p, "name_zh": reference.projects()[p]["name_zh"]}
                             for p in self._card_projects(card)],
                "valid_from": card.valid_from.isoformat(),
                "valid_until": card.valid_until.isoformat()}

    @rpc
    @command(RenewSchema)
    def renew_card(self, data):
        """Renewal review (复核): a valid card gets three more years."""
        card = self._get_card(data["card_number"])
        card.valid_until = cards.check_renewal(self._card_state(card),
                                               settings.today(self.config), self._policy())
        self._card_history(card, "renewed", data["reviewer"], data["reason"])
        events.CARD_ISSUED.emit(self.db, **self._card_event(card))
        CARDS.labels("renewed").inc()
        return self._card_wire(card, history=True)

    @rpc
    @command(RevokeSchema)
    def revoke_card(self, data):
        card = self._get_card(data["card_number"])
        cards.check_revocable(self._card_state(card))
        card.status, card.revoked_at, card.revoke_reason = "revoked", utcnow(), data["reason"]
        self._card_history(card, "revoked", data["actor"], data["reason"])
        events.CARD_REVOKED.emit(self.db, **self._card_event(card, reason=data["reason"]))
        CARDS.labels("revoked").inc()
        return self._card_wire(card, history=True)

    @rpc
    def expire_cards(self, today=None):
        """Cards past their last valid day become expired (card_expired). Safe to run
        twice: an expired card is not expired again."""
        return self._expire(self._date_arg(today, "today"))

    @timer(interval=HOURLY)
    def housekeeping(self):
        """Hourly: lapse the applications whose review step closed, expire the cards
        whose validity ended (both safe to repeat)."""
        today = settings.today(self.config)
        return {"lapsed": self._lapse(today)["lapsed"],
                "expired": self._expire(today)["expired"]}

    def _expire(self, today):
        expired = []
        due = self.db.scalars(select(Card).where(Card.status == "valid",
                                                 Card.valid_until < today)
                              .order_by(Card.card_number)).all()
        for card in due:
            if not cards.due_to_expire(self._card_state(card), today):
                continue
            card.status = "expired"
            self._card_history(card, "expired", "system", f"validity ended {card.valid_until}")
            events.CARD_EXPIRED.emit(self.db, **self._card_event(card))
            expired.append(card.card_number)
        CARDS.labels("expired").inc(len(expired))
        return {"today": today.isoformat(), "expired": expired}

    @rpc
    def valid_assessors(self, project_code, on_date=None):
        """Assessors whose card covers ``project_code`` and is valid on ``on_date``
        (not revoked, on_date inside the validity), with their unit: the exam
        service's dispatch list."""
        day = self._date_arg(on_date, "on_date")
        reference.project(project_code)
        rows = self.db.execute(
            select(Card, Unit, Application.person).join(
                CardProject, CardProject.card_number == Card.card_number).join(
                Unit, Unit.code == Card.unit_code).join(
                Application, Application.id == Card.application_id).where(
                CardProject.project_code == project_code, Card.status != "revoked",
                Card.valid_from <= day, Card.valid_until >= day)
            .order_by(Card.card_number)).all()
        return [{"card_number": card.card_number, "id_number": card.id_number,
                 "name": card.name, "unit": unit.name, "unit_code": unit.code,
                 "unit_region": unit.region, "work_unit": person.get("work_unit"),
                 "projects": self._card_projects(card),
                 "valid_from": card.valid_from.isoformat(),
                 "valid_until": card.valid_until.isoformat()} for card, unit, person in rows]

    def _get_card(self, number):
        compact = cards.check_card_number(number)
        return found(self.db.get(Card, compact), "CARD_NOT_FOUND", f"no assessor card {compact}",
                     "card_number", "A6")

    @staticmethod
    def _card_state(card):
        return {"status": card.status, "valid_from": card.valid_from,
                "valid_until": card.valid_until}

    def _card_projects(self, card):
        return sorted(self.db.scalars(select(CardProject.project_code).where(
            CardProject.card_number == card.card_number)))

    def _card_history(self, card, action, actor, note):
        self._flush()       # the card's change first: a concurrent one is CONCURRENT_UPDATE
        self.db.add(CardHistory(card_number=card.card_number, action=action, actor=actor,
                                note=note, valid_until=card.valid_until, at=utcnow()))

    def _card_event(self, card, **extra):
        unit = self.db.get(Unit, card.unit_code)
        return events.CARD_PAYLOAD.dump(dict(
            card_number=card.card_number, id_number=card.id_number, name=card.name,
            unit=unit.name, projects=self._card_projects(card), valid_from=card.valid_from,
            valid_until=card.valid_until, **extra))

    def _card_wire(self, card, history=False):
        unit = self.db.get(Unit, card.unit_code)
        region = reference.regions()[unit.region]
        out = {c: getattr(card, c) for c in (
            "card_number", "application_id", "period_code", "id_number", "name",
            "project_type", "valid_from", "valid_until", "status", "issued_at", "revoked_at",
            "revoke_reason")}
        out.update(unit={"code": unit.code, "name": unit.name, "region": unit.region},
                   projects=self._card_projects(card), collect_at=region["center_zh"])
        if history:
            self._flush()
            out["history"] = [
                {"action": h.action, "actor": h.actor, "note": h.note,
                 "valid_until": h.valid_until.isoformat(), "at": h.at.isoformat()}
                for h in self.db.scalars(select(CardHistory).where(
                    CardHistory.card_number == card.card_number).order_by(CardHistory.id))]
        return card_out.dump(out)

    # --- the summary table (汇总表, 附件2) -----------------------------------------

    @rpc
    def summary_table(self, period_code, unit_code, scope="certified"):
        """附件2 for one unit and period as CSV. scope "certified": the unit's people
        who passed and hold a card (to collect the cards); "recommended": everyone
        the unit recommended (approved at its step)."""
        if scope not in ("certified", "recommended"):
            raise ValidationFailed("VALIDATION_FAILED", "scope is certified or recommended",
                                   field="scope")
        period = self._get_period(period_code)
        unit = self._get_unit(unit_code)
        query = select(Application).where(Application.period_code == period.code,
                                          Application.unit_code == unit.code)
        if scope == "certified":
            query = query.where(Application.status == Status.PASSED)
        else:
            query = query.where(Application.id.in_(select(Review.application_id).where(
                Review.step == "unit", Review.decision == "approve")))
        rows = self.db.scalars(query.order_by(Application.submitted_at)).all()
        names = {code: p["name_zh"] for code, p in reference.projects().items()}
        out = io.StringIO()
        writer = exports.writer(out)
        writer.writerow(summary.SUMMARY_COLUMNS)
        for n, app in enumerate(rows, 1):
            writer.writerow(summary.summary_row(n, self._app_state(app),
                                                [names[p] for p in app.projects]))
        return {"title": summary.SUMMARY_TITLE, "unit": unit.name, "unit_code": unit.code,
                "period_code": period.code, "scope": scope, "count": len(rows),
                "filename": f"summary-{unit.code}-{period.code}-{scope}.csv",
                "csv": out.getvalue()}

    # --- helpers ----------------------------------------------------------------

    def _date_arg(self, value, field):
        return settings.day(self.config, value, field)

    def _flush(self):
        """Flush; a row another worker changed meanwhile (its version moved on) is
        a CONCURRENT_UPDATE, and nothing of this call is kept."""
        try:
            self.db.flush()
        except (StaleDataError, IntegrityError) as exc:
            self.db.rollback()
            raise Conflict("CONCURRENT_UPDATE", "this record was changed by someone else "
                           "meanwhile: reload it and try again",
                           details={"error": type(exc).__name__})

    def _get_app(self, application_id):
        return found(self.db.get(Application, str(application_id)), "APPLICATION_NOT_FOUND",
                     "no such application", "application_id")

    @staticmethod
    def _state(app):
        return {"status": app.status, "unit_code": app.unit_code, "region": app.region}

    @staticmethod
    def _app_state(app):
        return {"name": app.name, "sex": app.sex, "id_number": app.id_number,
                "person": app.person}

    def _move(self, app, status, closed_step=None):
        app.status = review_chain.transition(app.status, status)
        app.closed_step = closed_step
        app.updated_at = utcnow()
        self._flush()

    def _app_wire(self, app, warnings=None, chars=None):
        self._flush()
        out = {c: getattr(app, c) for c in (
            "id", "period_code", "unit_code", "region", "id_number", "name", "sex",
            "birth_date", "person", "declared_unit", "projects", "project_type", "conditions",
            "work_summary", "pledge", "materials", "status", "closed_step", "exam_score",
            "submitted_at", "updated_at", "version")}
        out["work_summary_chars"] = chars or applications.summary_length(app.work_summary)
        out["study_hours"] = round(app.study_minutes / 60, 2)
        out["card_number"] = self.db.scalar(select(Card.card_number).where(
            Card.application_id == app.id))
        out["chain"] = list(review_chain.chain(app.region))
        out["reviews"] = [
            {"step": r.step, "authority": r.authority, "reviewer": r.reviewer,
             "decision": r.decision, "reason": r.reason, "decided_on": r.decided_on,
             "at": r.at}
            for r in self.db.scalars(select(Review).where(
                Review.application_id == app.id).order_by(Review.id))]
        if warnings:
            out["warnings"] = list(warnings)
        return application_out.dump(out)
