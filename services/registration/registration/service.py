"""nameko entrypoints of the registration service: validate, apply the rules in
domain.py, persist, record events. Nothing else."""
import io
import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from kernel import exports, metrics, names, settings, uploads
from kernel.batch_copy import BatchCopyEntrypoints
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import EVENT_BATCH, handles, payload_ids, rpc, timer
from kernel.errors import NotFound, ValidationFailed
from kernel.rpc import RpcClient
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs

from certificate import events as certificate_events
from exam import events as exam_events
from payment import events as payment_events
from review import events as review_events

from registration import domain, events
from registration.models import (Application, ApplicationFile, Base, Batch, Institution,
                                 InstitutionProject, Material, MaterialUploader, Project,
                                 RegistrantRecount, TimelineEntry)
from registration.schemas import (EligibilitySchema, InstitutionSchema, ResubmitSchema,
                                  SubmitSchema, WithdrawSchema, application_schema)

APPLICATIONS = metrics.counter("skillcert_registration_applications_total",
                               "Applications by what happened to them", ["event"])
BY_STATUS = metrics.gauge("skillcert_registration_applications_by_status",
                          "Applications in each status", ["status"])
STAGE = metrics.gauge("skillcert_registration_stage",
                      "Applications of a batch and project that reached each stage "
                      "(registered, approved, paid, passed, failed, certified; the dashboard)",
                      ["batch_code", "project_code", "stage"])
RECOUNT_INTERVAL = 1        # seconds between the B1 counts sent to exam
RECOUNT_LIMIT = 5000        # marks taken per run (the rest in the next)


class RegistrationService(BatchCopyEntrypoints, ServiceBase):
    name = "registration"
    db = Database(Base)
    blobs = Blobs()
    exam = RpcClient("exam")
    batch_model = Batch
    batch_contract = exam_events.Batch   # how the copy loads exam's batches

    def refresh_business_metrics(self):
        counts = self._status_counts()
        by_status = {}
        for (_, _, status), n in counts.items():
            by_status[(status,)] = by_status.get((status,), 0) + n
        metrics.snapshot(BY_STATUS, by_status)
        metrics.snapshot(STAGE, domain.stage_counts(counts))

    def _status_counts(self):
        return {(b, p, s): n for b, p, s, n in self.db.execute(
            select(Application.batch_code, Application.project_code, Application.status,
                   func.count()).group_by(Application.batch_code, Application.project_code,
                                          Application.status))}

    @rpc
    def business_figures(self):
        """The figures skillcert_registration_stage is set from (the dashboard):
        per batch and project, the applications that reached each stage."""
        rows = {}
        for (batch, project, stage), n in domain.stage_counts(self._status_counts()).items():
            rows.setdefault((batch, project), {"batch_code": batch, "project_code": project})[
                stage] = n
        return {"stages": [rows[k] for k in sorted(rows)]}

    # --- reference data ----------------------------------------------------

    @rpc
    def load_reference_data(self):
        """Upsert the project catalogue; add the notices' institutions that are
        not there yet, and to those there the notices' authorisations of a year
        they have none of yet (I1; within a year they are managed at run time)."""
        projects = institutions = authorisations = 0
        for p in domain.catalogue_projects():
            row = self.db.get(Project, p["code"]) or Project(code=p["code"])
            row.name_zh, row.name_en = p["name_zh"], p["name_en"]
            row.condition, row.years = p["condition"], p["years"]
            self.db.add(row)
            projects += 1
        self.db.flush()
        for inst in domain.catalogue_institutions():
            if self.db.get(Institution, inst["code"]) is None:
                self._save_institution(dict(inst, active=True))
                institutions += 1
                continue
            years = set(self.db.scalars(select(InstitutionProject.year).where(
                InstitutionProject.institution_code == inst["code"])))
            for year, codes in inst["authorisations"].items():
                if int(year) not in years:
                    self.db.add_all(InstitutionProject(institution_code=inst["code"],
                                                       project_code=p, year=int(year))
                                    for p in sorted(set(codes)))
                    authorisations += 1
        self.db.flush()
        return {"projects": projects, "institutions_added": institutions,
                "authorisation_years_added": authorisations}

    @rpc
    def list_projects(self, year=None):
        if year is not None and not str(year).isdigit():
            raise ValidationFailed("VALIDATION_FAILED", "year is a number such as 2026",
                                   field="year")
        rows = self.db.scalars(select(Project).order_by(Project.code)).all()
        conditions = domain.conditions()
        return [{"code": p.code, "name_zh": p.name_zh, "name_en": p.name_en,
                 "years": p.years, "condition": conditions[p.condition]}
                for p in rows if year is None or int(year) in p.years]

    @rpc
    def list_institutions(self):
        return [self._institution(i) for i in
                self.db.scalars(select(Institution).order_by(Institution.code))]

    @rpc
    def save_institution(self, institution):
        data = load(InstitutionSchema(), institution)
        return self._save_institution(data)

    def _save_institution(self, data):
        """An institution with all its authorisations (I1: {year: [project codes]})."""
        wanted = {(p, int(year)) for year, codes in data["authorisations"].items()
                  for p in codes}
        unknown = sorted({p for p, _ in wanted if self.db.get(Project, p) is None})
        if unknown:
            raise NotFound("PROJECT_NOT_FOUND", f"unknown projects: {', '.join(unknown)}",
                           field="projects", details={"unknown": unknown})
        row = self.db.get(Institution, data["code"]) or Institution(code=data["code"])
        row.name, row.address, row.active = data["name"], data["address"], data["active"]
        self.db.add(row)
        self.db.execute(delete(InstitutionProject).where(
            InstitutionProject.institution_code == data["code"]))
        self.db.add_all(InstitutionProject(institution_code=data["code"], project_code=p,
                                           year=year) for p, year in sorted(wanted))
        self.db.flush()
        return self._institution(row)

    def _institution(self, row):
        authorisations = {}
        for project, year in self.db.execute(select(
                InstitutionProject.project_code, InstitutionProject.year).where(
                InstitutionProject.institution_code == row.code).order_by(
                InstitutionProject.year, InstitutionProject.project_code)):
            authorisations.setdefault(str(year), []).append(project)
        return {"code": row.code, "name": row.name, "address": row.address,
                "active": row.active, "authorisations": authorisations}

    # --- materials -----------------------------------------------------------

    @rpc
    def upload_material(self, upload, uploader=None):
        """A photo (M1) or a scan (M2), checked by content; returns its hash.
        ``uploader``: who uploaded it as the gateway names its callers
        (``candidate:<user name>``, ``institution:<code>``), recorded so that
        the uploader may read it before an application holds it."""
        out = uploads.accept(self.db, self.blobs, Material, upload)
        if uploader:
            uploads.record_uploader(self.db, MaterialUploader, out["hash"], uploader)
        return out

    @rpc
    def get_material(self, hash):
        return uploads.fetch(self.db, self.blobs, Material, hash)

    @rpc
    def material_readers(self, hashes):
        """For the gateway's file rule: of each known file, who uploaded it and the
        applications that hold it (ID number, name, channel, institution: what the
        gateway needs to decide whether a caller may read that application).
        Unknown hashes are left out."""
        out = uploads.uploaders_of(self.db, Material, MaterialUploader, hashes)
        if out:
            uploads.add_holders(out, self.db.execute(select(
                ApplicationFile.hash, Application.id_number, Application.name,
                Application.channel, Application.institution_code).join(
                Application, Application.id == ApplicationFile.application_id).where(
                ApplicationFile.hash.in_(list(out)))))
        return out

    def _index_files(self, app, new=False):
        """Record the files ``app`` holds (its readers may read them); a file it
        held before a resubmission stays recorded."""
        hashes = {app.photo} | {v for k, v in app.materials.items()
                                if k != "education_proof_kind" and v}
        held = set(self.db.scalars(select(ApplicationFile.hash).where(
            ApplicationFile.application_id == app.id))) if not new else set()
        self.db.add_all(ApplicationFile(hash=h, application_id=app.id)
                        for h in sorted(hashes - held))

    def _check_materials(self, materials, year):
        uploads.require_all(self.db, Material, [
            (f"materials.{field}", key, "photo" if field == "photo" else "scan")
            for field, key in materials.items() if field != "education_proof_kind"])
        photo = self.db.get(Material, (materials["photo"], "photo"))
        domain.check_photo(photo.size, year)          # M1: the batch's year's limit

    # --- applications ------------------------------------------------------

    @rpc
    @command(SubmitSchema)
    def submit_application(self, data):
        today = settings.today(self.config)
        batch = self._get_batch(data["batch_code"])
        project = self.db.get(Project, data["project_code"])
        if project is None:
            raise NotFound("PROJECT_NOT_FOUND", f"no project {data['project_code']}",
                           field="project_code")
        project = {"code": project.code, "name_zh": project.name_zh, "years": project.years,
                   "condition": project.condition}
        institution = None
        if data["institution_code"]:
            row = self.db.get(Institution, data["institution_code"])
            institution = row and self._institution(row)
        domain.check_registration_open(batch, today)
        domain.check_project_offered(project, batch)
        domain.check_channel(data["channel"], institution, project["code"],
                             data["first_review"], batch["year"])
        rid = domain.check_person(data["person"]["id_number"], batch["exam_date"])
        domain.check_not_duplicate(self.db.scalars(select(Application.status).where(
            Application.batch_code == batch["code"],
            Application.project_code == project["code"],
            Application.id_number == rid.number)).all())
        self._check_materials(data["materials"], batch["year"])
        precheck = domain.precheck(project["condition"], data["claim"], data["person"])
        now = utcnow()
        person = {k: v for k, v in data["person"].items() if k not in ("name", "id_number")}
        first_review = data["first_review"]
        if first_review:
            first_review = dict(first_review, reviewed_on=first_review["reviewed_on"].isoformat())
        app = Application(
            id=str(uuid.uuid4()), batch_code=batch["code"], project_code=project["code"],
            channel=data["channel"], institution_code=data["institution_code"],
            id_number=rid.number, name=data["person"]["name"], sex=rid.sex,
            birth_date=rid.birth_date, person=person, claim=data["claim"], precheck=precheck,
            first_review=first_review, photo=data["materials"]["photo"],
            materials={k: v for k, v in data["materials"].items() if k != "photo"},
            status="submitted", locked=False, submitted_at=now, updated_at=now, version=1)
        self.db.add(app)
        self._index_files(app, new=True)
        self._note(app, "submitted", data["channel"], details={"warnings": rid.warnings}
                   if rid.warnings else None)
        try:
            self.db.flush()
        except IntegrityError:       # a concurrent duplicate won the race (R3)
            self.db.rollback()
            raise domain.duplicate_won_the_race()
        out = self._dump(app, warnings=rid.warnings)
        events.APPLICATION_SUBMITTED.emit(self.db, **self._event_payload(app))
        self._recount_later(app.batch_code, app.project_code)
        APPLICATIONS.labels("submitted").inc()
        return out

    @rpc
    @command(ResubmitSchema)
    def resubmit_application(self, data):
        app = self._get_app(data["application_id"])
        batch = self._get_batch(app.batch_code)
        domain.check_resubmit(self._state(app), batch, settings.today(self.config))
        before = {"person": dict(app.person, name=app.name), "claim": app.claim,
                  "materials": dict(app.materials, photo=app.photo)}
        person = dict(before["person"], **data.get("person", {}))
        claim = dict(app.claim, **data.get("claim", {}))
        materials = dict(before["materials"], **data.get("materials", {}))
        self._check_materials(materials, batch["year"])
        project = self.db.get(Project, app.project_code)
        app.name = person.pop("name")
        app.person, app.claim = person, claim
        app.photo = materials.pop("photo")
        app.materials = materials
        app.precheck = domain.precheck(project.condition, claim, person)
        changed = domain.changed_fields(before, {"person": dict(person, name=app.name),
                                                 "claim": claim,
                                                 "materials": dict(materials, photo=app.photo)})
        self._move(app, "submitted", "candidate", data["note"] or "resubmitted after return",
                   details={"changed": changed})
        self._index_files(app)
        events.APPLICATION_RESUBMITTED.emit(self.db, **self._event_payload(app),
                                            changed=changed)
        APPLICATIONS.labels("resubmitted").inc()
        return self._dump(app)

    @rpc
    @command(WithdrawSchema)
    def withdraw_application(self, data):
        app = self._get_app(data["application_id"])
        domain.check_withdraw(self._state(app))
        counted = self._move(app, "withdrawn", data["actor"], data["reason"])
        events.APPLICATION_WITHDRAWN.emit(self.db, application_id=app.id,
                                          batch_code=app.batch_code,
                                          project_code=app.project_code,
                                          reason=data["reason"])
        if counted:
            self._recount_later(app.batch_code, app.project_code)
        APPLICATIONS.labels("withdrawn").inc()
        return self._dump(app)

    @rpc
    def check_eligibility(self, data):
        """The eligibility pre-check (申报条件) as the reviewer will see it, before
        submitting: met / not_met / needs_review with each check. It refuses
        nothing; the reviewer decides (V1)."""
        data = load(EligibilitySchema(), data)
        project = self.db.get(Project, data["project_code"])
        if project is None:
            raise NotFound("PROJECT_NOT_FOUND", "no such project", field="project_code")
        return domain.precheck(project.condition, data["claim"], data["person"])

    @rpc
    def registrant_counts(self, batch_code):
        """B1: 报名人数 of each project of a batch (domain.is_registrant: submitted
        and not withdrawn, rejected, not accepted, abandoned or cancelled), and
        whether it reaches the notice's 10. Staff decide the roster (exam keeps the
        override: 原则上)."""
        batch = self._get_batch(batch_code)
        rows = self.db.execute(select(Application.project_code, Application.status,
                                      func.count()).where(
            Application.batch_code == batch["code"]).group_by(
            Application.project_code, Application.status)).all()
        return {"batch_code": batch["code"], "minimum": domain.MIN_REGISTRANTS,
                "projects": domain.registrant_counts(rows)}

    @rpc
    def get_application(self, application_id):
        return self._dump(self._get_app(application_id), timeline=True)

    @rpc
    def find_applications(self, id_number, name):
        """A candidate's own applications: both the ID number and the name must match."""
        wanted = names.normalize(name)
        # compared in normal form on both sides: rows stored before kernel.names
        # (a trailing space, another middle dot) are found too
        rows = self.db.scalars(select(Application).where(
            Application.id_number == str(id_number).strip().upper())
            .order_by(Application.submitted_at)).all()
        return [self._dump(a, timeline=True) for a in rows
                if names.normalize_lenient(a.name) == wanted]

    @rpc
    def phones_on_file(self, id_number, name):
        """The phone numbers institutions entered on their registrations of this
        person (ID number and name both matching), the latest first: where the
        gateway sends a verification code (docs/verification.md). Numbers the
        person typed themselves (individual channel) are not on file. For the
        gateway only."""
        wanted = names.normalize(name)
        rows = self.db.execute(select(Application.name, Application.person).where(
            Application.id_number == str(id_number).strip().upper(),
            Application.channel == "institution")
            .order_by(Application.submitted_at.desc())).all()
        phones = []
        for stored, person in rows:
            phone = str((person or {}).get("phone") or "").strip()
            if phone and phone not in phones and names.normalize_lenient(stored) == wanted:
                phones.append(phone)
        return phones

    @rpc
    def list_institution_applications(self, institution_code, batch_code, status=None):
        query = select(Application).where(Application.institution_code == institution_code,
                                          Application.batch_code == batch_code)
        if status:
            query = query.where(Application.status == status)
        return [self._dump(a) for a in self.db.scalars(query.order_by(Application.submitted_at))]

    @rpc
    def institution_roster(self, institution_code, batch_code):
        """考核人员花名册: the institution's live candidates of a batch, as CSV."""
        inst = self.db.get(Institution, institution_code)
        if inst is None:
            raise NotFound("INSTITUTION_UNKNOWN", "no such institution",
                           field="institution_code")
        projects = {p.code: p.name_zh for p in self.db.scalars(select(Project))}
        rows = self.db.scalars(select(Application).where(
            Application.institution_code == institution_code,
            Application.batch_code == batch_code,
            Application.status.not_in(("withdrawn", "rejected", "not_accepted")))
            .order_by(Application.project_code, Application.submitted_at)).all()
        out = io.StringIO()
        writer = exports.writer(out)
        writer.writerow(["序号", "姓名", "性别", "身份证号", "考核项目", "文化程度", "工作单位",
                         "联系电话", "状态"])
        for n, a in enumerate(rows, 1):
            writer.writerow([n, a.name, "男" if a.sex == "M" else "女", a.id_number,
                             projects.get(a.project_code, a.project_code),
                             a.person.get("education"), a.person.get("work_unit"),
                             a.person.get("phone"), a.status])
        return {"institution": inst.name, "batch_code": batch_code, "count": len(rows),
                "filename": f"roster-{institution_code}-{batch_code}.csv",
                "csv": out.getvalue()}

    @timer(interval=RECOUNT_INTERVAL)
    def count_registrants(self):
        """B1: 报名人数 of each batch/project marked since the last run, counted
        once and sent to exam (which decides the roster) through the outbox; the
        marks counted are deleted in the same transaction. Counting here, not in
        each submission, keeps a submission's cost flat as a batch grows
        (docs/performance.md). Two replicas take different marks (SKIP LOCKED on
        PostgreSQL) but may count one pair at once; exam keeps the latest
        counted_at, which a scheduling delay can give the older count (the same
        race as the per-transaction count before)."""
        marks = self.db.execute(select(RegistrantRecount.id, RegistrantRecount.batch_code,
                                       RegistrantRecount.project_code)
                                .order_by(RegistrantRecount.id).limit(RECOUNT_LIMIT)
                                .with_for_update(skip_locked=True)).all()
        if not marks:
            return {"counted": 0}
        pairs = sorted({(m.batch_code, m.project_code) for m in marks})
        for batch_code, project_code in pairs:
            statuses = self.db.execute(select(Application.status, func.count()).where(
                Application.batch_code == batch_code,
                Application.project_code == project_code).group_by(Application.status)).all()
            events.REGISTRANTS_COUNTED.emit(
                self.db, batch_code=batch_code, project_code=project_code,
                registrants=sum(n for status, n in statuses if domain.is_registrant(status)),
                counted_at=utcnow().isoformat())
        self.db.execute(delete(RegistrantRecount).where(
            RegistrantRecount.id.in_([m.id for m in marks])))
        return {"counted": len(pairs)}

    # --- what other services tell us ---------------------------------------

    def _preload(self, events):
        """A batch's applications in one query (kernel handles(preload=...)): the
        handlers' ``db.get`` then finds them in the session."""
        self.db.scalars(select(Application).where(
            Application.id.in_(payload_ids(events)))).all()

    @handles("review", "application_approved", batch=EVENT_BATCH, preload=_preload)
    def on_approved(self, event):
        self._apply(event, "application_approved", review_events.APPLICATION_APPROVED)

    @handles("review", "application_rejected")
    def on_rejected(self, event):
        self._apply(event, "application_rejected", review_events.APPLICATION_REJECTED)

    @handles("review", "application_returned")
    def on_returned(self, event):
        self._apply(event, "application_returned", review_events.APPLICATION_RETURNED)

    @handles("review", "application_not_accepted")
    def on_not_accepted(self, event):
        cause = review_events.APPLICATION_NOT_ACCEPTED.load(event["payload"])["cause"]
        self._apply(event, "correction_not_accepted" if cause == "correction" else
                    "application_not_accepted", review_events.APPLICATION_NOT_ACCEPTED)

    @handles("payment", "payment_confirmed", batch=EVENT_BATCH, preload=_preload)
    def on_payment_confirmed(self, event):
        app = self._apply(event, "payment_confirmed", payment_events.PAYMENT_CONFIRMED)
        if app is not None:
            app.locked = True      # B2

    @handles("payment", "application_abandoned")
    def on_abandoned(self, event):
        self._apply(event, "application_abandoned", payment_events.APPLICATION_ABANDONED)

    @handles("exam", "result_finalized")
    def on_result_finalized(self, event):
        passed = bool(event["payload"].get("passed"))
        self._apply(event, "result_passed" if passed else "result_failed",
                    exam_events.RESULT_FINALIZED)

    @handles("certificate", "certificate_issued")
    def on_certificate_issued(self, event):
        self._apply(event, "certificate_issued", certificate_events.CERTIFICATE_ISSUED)

    @handles("certificate", "certificate_revoked")
    def on_certificate_revoked(self, event):
        self._apply(event, "certificate_revoked", certificate_events.CERTIFICATE_REVOKED)

    @handles("exam", "batch_cancelled")
    def on_batch_cancelled(self, event):
        data = exam_events.BATCH_CANCELLED.load(event["payload"])
        rows = self.db.scalars(select(Application).where(
            Application.batch_code == data["batch_code"],
            Application.project_code == data["project_code"])).all()
        counted = False
        for app in rows:
            target = domain.transition(app.status, "batch_cancelled")
            if target:
                counted |= self._move(app, target, event["producer"], data["reason"] or
                                      "batch cancelled (B1)",
                                      details={"event_id": event["event_id"]})
        if counted:
            self._recount_later(data["batch_code"], data["project_code"])

    def _apply(self, event, name, contract):
        """An event about one application, from its producer's ``contract``:
        registration reads its application_id, actor and reason; the rest of
        the contract's fields go into the timeline entry's details as sent."""
        payload = event["payload"]
        data = contract.load(payload, only=[f for f in ("application_id", "actor", "reason")
                                            if f in contract.fields])
        app = self.db.get(Application, data["application_id"])
        if app is None:
            raise NotFound("APPLICATION_NOT_FOUND", "event for an unknown application",
                           details={"application_id": data["application_id"]})
        target = domain.transition(app.status, name)
        details = {k: v for k, v in payload.items() if k in contract.fields
                   and k not in ("application_id", "actor", "reason")}
        details["event_id"] = event["event_id"]
        if target is None:
            self._note(app, app.status, event["producer"],
                       f"{name} ignored: the application is {app.status}", details)
            return None
        if self._move(app, target, data.get("actor") or event["producer"], data.get("reason"),
                      details):
            self._recount_later(app.batch_code, app.project_code)
        APPLICATIONS.labels(target).inc()
        return app

    # --- helpers -----------------------------------------------------------

    def _get_app(self, application_id):
        app = self.db.get(Application, str(application_id))
        if app is None:
            raise NotFound("APPLICATION_NOT_FOUND", "no such application",
                           field="application_id")
        return app

    def _state(self, app):
        return {"status": app.status, "locked": app.locked}

    def _move(self, app, status, actor, note=None, details=None):
        """Answers whether the move changed 报名人数 of the batch/project (B1)."""
        counted = domain.is_registrant(app.status) != domain.is_registrant(status)
        app.status = status
        app.updated_at = utcnow()
        app.version += 1
        self._note(app, status, actor, note, details)
        return counted

    def _recount_later(self, batch_code, project_code):
        """B1: 报名人数 of this batch/project changed; the count_registrants timer
        sends exam the new count (a mark in this transaction: no count here)."""
        self.db.add(RegistrantRecount(batch_code=batch_code, project_code=project_code))

    def _note(self, app, status, actor, note=None, details=None):
        self.db.add(TimelineEntry(application_id=app.id, at=utcnow(), status=status,
                                  actor=actor or "system", note=note, details=details))

    def _event_payload(self, app):
        return {"application_id": app.id, "batch_code": app.batch_code,
                "project_code": app.project_code, "channel": app.channel,
                "institution_code": app.institution_code, "id_number": app.id_number,
                "name": app.name, "sex": app.sex, "birth_date": app.birth_date.isoformat(),
                "person": app.person, "claim": app.claim, "precheck": app.precheck,
                "first_review": app.first_review, "photo": app.photo,
                "materials": app.materials, "submitted_at": utcnow().isoformat()}

    def _dump(self, app, timeline=False, warnings=None):
        out = {c: getattr(app, c) for c in (
            "id", "batch_code", "project_code", "channel", "institution_code", "id_number",
            "name", "sex", "birth_date", "person", "claim", "precheck", "first_review",
            "photo", "materials", "status", "locked", "submitted_at", "updated_at",
            "version")}
        if timeline:
            self.db.flush()
            out["timeline"] = [
                {"at": t.at, "status": t.status, "actor": t.actor, "note": t.note,
                 "details": t.details}
                for t in self.db.scalars(select(TimelineEntry).where(
                    TimelineEntry.application_id == app.id).order_by(TimelineEntry.id))]
        if warnings:
            out["warnings"] = list(warnings)
        return application_schema.dump(out)
