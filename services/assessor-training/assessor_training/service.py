"""nameko entrypoints of the assessor-training service: validate (schemas), apply
the rules (assessor_training.domain, a module per area), persist
(assessor_training.store, the same areas), record events. Nothing else.

This class holds the reference data, the training periods (A1), the materials,
the applications (A2-A4, AT1) and the review chain (A1); three mixins complete
it: the recommending units and their track record (assessor_training.units,
A7), study and the exam (assessor_training.study, A5) and the cards with the
summary table (assessor_training.cards, A6). The layout: docs/assessor-training.md,
"The code"."""
import uuid
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from kernel import idnumber, settings, uploads
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import rpc, timer
from kernel.errors import Conflict, ValidationFailed
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs

from assessor_training import store
from assessor_training.cards import CardEntrypoints
from assessor_training.counters import APPLICATIONS, EXPIRING
from assessor_training.domain import (applications, materials, reference, review_chain,
                                      track_record, training_periods)
from assessor_training.domain.review_chain import ApplicationStatus as Status
from assessor_training.models import Application, Base, Material, Period
from assessor_training.schemas import ApplicationSchema, PeriodSchema, ReviewSchema
from assessor_training.study import StudyEntrypoints
from assessor_training.units import UnitEntrypoints

HOURLY = 3600


class AssessorTrainingService(UnitEntrypoints, StudyEntrypoints, CardEntrypoints, ServiceBase):
    name = "assessor_training"
    db = Database(Base)
    blobs = Blobs()

    def refresh_business_metrics(self):
        EXPIRING.set(self._expiring()[1])

    def _expiring(self):
        today = settings.today(self.config)
        return today, store.cards.expiring(self.db, today + timedelta(days=30))

    @rpc
    def business_figures(self):
        """The figure skillcert_assessor_cards_expiring_30d is set from (the dashboard)."""
        today, n = self._expiring()
        return {"today": today.isoformat(), "cards_expiring_30d": n}

    # --- reference data ----------------------------------------------------

    @rpc
    def load_reference_data(self):
        """Schedule the periods shipped with the service (the 2025 second period of
        the notice) that are not there yet."""
        added = 0
        for raw in reference.shipped_periods():
            data = training_periods.check_period(load(PeriodSchema(), raw))
            if store.periods.find(self.db, data["code"]) is None:
                store.periods.add(self.db, data)
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
        if store.periods.find(self.db, data["code"]) is not None:
            raise Conflict("PERIOD_EXISTS", f"period {data['code']} already exists",
                           field="seq")
        return store.periods.add(self.db, data)

    @rpc
    def get_period(self, code):
        return store.periods.wire(store.periods.get(self.db, code))

    @rpc
    def list_periods(self):
        return store.periods.listed(self.db)

    # --- materials ----------------------------------------------------------

    @rpc
    def upload_material(self, upload):
        """A photo or a scan, checked by content with assessor training's own
        limits (AT2; not the candidates' M1/M2); returns its hash."""
        policy = self._policy()
        return uploads.accept(self.db, self.blobs, Material, upload,
                              check=lambda data, purpose, field: materials.check_material(
                                  data, purpose, policy, field))

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
        period = store.periods.as_dict(store.periods.get(self.db, data["period_code"]))
        training_periods.check_application_open(period, today)
        rid = idnumber.parse(data["person"]["id_number"])                      # R2
        unit = store.units.as_dict(store.units.get(self.db, data["unit"]["code"]))
        applications.check_recommending_unit(unit, data["unit"])
        track_record.check_not_barred(unit, self._record(unit["code"]))     # A7
        project_type = applications.check_projects(data["projects"])
        conditions = applications.check_conditions(data["conditions"], data["person"],
                                                   data["projects"])
        chars = applications.check_work_summary(data["work_summary"])
        self._check_materials(data)
        applications.check_not_duplicate(store.applications.existing_status(
            self.db, period["code"], rid.number))
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
        return store.applications.wire(self.db, app, warnings=rid.warnings, chars=chars)

    @rpc
    def get_application(self, application_id):
        return store.applications.wire(self.db, store.applications.get(self.db, application_id))

    @rpc
    def find_applications(self, id_number):
        """A person's own applications, every period, newest first (the candidate's
        个人中心; the gateway passes the signed-in account's ID number)."""
        if not isinstance(id_number, str) or not id_number:
            raise ValidationFailed("VALIDATION_FAILED", "id_number: text expected",
                                   field="id_number")
        return [store.applications.wire(self.db, a)
                for a in store.applications.of_person(self.db, id_number)]

    @rpc
    def list_applications(self, period_code, unit_code=None, region=None, status=None):
        """A review queue: a unit's (unit_code), a municipal center's (region) or the
        provincial center's (status=awaiting_provincial) applications of a period."""
        filters = {"period_code": period_code, "unit_code": unit_code, "region": region,
                   "status": status}
        for key, value in filters.items():
            if value is not None and not isinstance(value, str):
                raise ValidationFailed("VALIDATION_FAILED", f"{key}: text expected", field=key)
        return [store.applications.wire(self.db, a)
                for a in store.applications.queue(self.db, filters)]

    # --- the review chain (A1) ---------------------------------------------

    @rpc
    @command(ReviewSchema)
    def review_application(self, data):
        today = settings.today(self.config)
        app = store.applications.get(self.db, data["application_id"])
        period_row = store.periods.get(self.db, app.period_code)
        period = store.periods.as_dict(period_row)
        target = review_chain.check_review(store.applications.state(app), data["step"],
                                           data["authority"], data["decision"], period, today)
        # a unit's approvals lock its row (PostgreSQL) so that concurrent ones
        # count each other's places
        unit = store.units.get(self.db, app.unit_code, lock=data["step"] == "unit" and
                               data["decision"] == "approve")
        self._track_review(app, period_row, data, unit, today)            # A7
        store.applications.add_review(self.db, app, data["step"], data["authority"],
                                      data["reviewer"], data["decision"], data["reason"], today)
        store.applications.move(self.db, app, target, closed_step=data["step"]
                                if target == Status.REJECTED else None)
        APPLICATIONS.labels(f"{data['step']}_{data['decision']}").inc()
        return store.applications.wire(self.db, app)

    @rpc
    def lapse_overdue_reviews(self, today=None):
        """Applications still waiting on a step whose deadline passed are no longer
        accepted (逾期不再受理). Safe to run twice."""
        return self._lapse(settings.day(self.config, today, "today"))

    def _lapse(self, today):
        lapsed = []
        periods = {}
        for app in store.applications.in_review(self.db):
            if app.period_code not in periods:
                periods[app.period_code] = store.periods.as_dict(
                    self.db.get(Period, app.period_code))
            period = periods[app.period_code]
            step = review_chain.lapsed_step(store.applications.state(app), period, today)
            if step is None:
                continue
            deadline = period["review_deadlines"][step]
            store.applications.add_review(self.db, app, step, "system", "system", "lapsed",
                                          f"逾期不再受理: the {step} review closed on {deadline}",
                                          today)
            store.applications.move(self.db, app, Status.LAPSED, closed_step=step)
            lapsed.append(app.id)
        APPLICATIONS.labels("lapsed").inc(len(lapsed))
        return {"today": today.isoformat(), "lapsed": lapsed}

    @timer(interval=HOURLY)
    def housekeeping(self):
        """Hourly: lapse the applications whose review step closed, expire the cards
        whose validity ended (both safe to repeat)."""
        today = settings.today(self.config)
        return {"lapsed": self._lapse(today)["lapsed"],
                "expired": self._expire(today)["expired"]}
