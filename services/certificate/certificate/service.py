"""nameko entrypoints of the certificate service: validate, apply the rules in
domain.py, persist, record events. Nothing else."""
import base64
import binascii
import hashlib
import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kernel import calendar, exports, idnumber, metrics, names, privacy, settings, workdays
from kernel.calendar import CalendarCopyEntrypoints
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import handles, rpc
from kernel.errors import Conflict, NotFound, ValidationFailed
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs

from exam import events as exam_events

from certificate import document, domain, events, signing, verification
from certificate.credential_entrypoints import CredentialEntrypoints
from certificate.keys import Keys
from certificate.models import (Base, Certificate, Handover, Note,
                                PrintBatch)
from certificate.schemas import (IndividualCollectionSchema, InstitutionCollectionSchema,
                                 InstitutionHandoverSchema, LedgerQuerySchema,
                                 PrintBatchSchema, RevokeSchema,
                                 RotateSchema)

SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULTS = {
    "CERTIFICATE_ISSUER": "四川省职业技能鉴定指导中心",
    "CERTIFICATE_ISSUER_CODE": "51",
    "CERTIFICATE_VERIFY_URL": "http://localhost:8080/certificates/verify",
    # C4, {batch year: {channel: working days after the exam}}: config.yaml, the
    # notices' sentences in docs/certificate.md
    "CERTIFICATE_COLLECTION_WORKING_DAYS": {2024: {"institution": 60, "individual": 60},
                                            2026: {"institution": 30, "individual": 30}},
}
MAX_PDF = 5 * 1024 * 1024
NUMBER_DRAWS = 20          # random serials tried before giving up (C2)

ISSUED = metrics.counter("skillcert_certificate_issued_total", "Certificates issued")
REVOKED = metrics.counter("skillcert_certificate_revoked_total", "Certificates revoked",
                          ["reason_code"])
VERIFICATIONS = metrics.counter("skillcert_certificate_verifications_total",
                                "Verifications by method and result", ["method", "result"])
HANDOVERS = metrics.counter("skillcert_certificate_handovers_total",
                            "Paper certificate handovers (ledger rows)", ["kind"])


class CertificateService(CredentialEntrypoints, CalendarCopyEntrypoints, ServiceBase):
    name = "certificate"
    calendar_contract = exam_events.CALENDAR_YEAR_LOADED     # W1: kernel.calendar
    db = Database(Base)
    blobs = Blobs()
    keys = Keys()

    def _setting(self, key):
        return settings.get(self.config, key, DEFAULTS[key])

    # --- issuance (C1) -------------------------------------------------------------

    @handles("exam", "result_finalized")
    def on_result_finalized(self, event):
        data = exam_events.RESULT_FINALIZED.load(event["payload"])
        existing = self.db.scalars(select(Certificate.number).where(
            Certificate.application_id == data["application_id"])).first()
        if existing:
            self._note(event, data["application_id"], f"certificate {existing} was already "
                       "issued for this application: nothing done")
            return
        if not data["passed"]:
            self._note(event, data["application_id"], "the candidate did not pass")
            return
        today = settings.today(self.config)
        skip = domain.check_issuable(data, today)
        if skip:
            self._note(event, data["application_id"], skip)
            return
        self._issue(data, today)

    def _issue(self, result, today):
        """Everything comes with exam's event (#14): nothing is asked of anyone."""
        photo = self._photo(result["photo"], result["photo_base64"])
        kid, key = self.keys.signer(self.db)
        cert = {
            "number": self._next_number(result["exam_date"].year),
            "application_id": result["application_id"], "batch_code": result["batch_code"],
            "project_code": result["project_code"], "project_name": result["project_name"],
            "channel": result["channel"],
            "institution_code": result["institution_code"],
            "id_number": result["id_number"],
            "name": names.normalize_lenient(result["name"]),
            "sex": result["sex"], "exam_date": result["exam_date"],
            "score": result["score"], "issued_on": today, "issued_at": utcnow(),
            "photo_sha256": hashlib.sha256(photo).hexdigest(), "kid": kid,
            "status": "valid", "paper_status": "none",
            "record_format": domain.RECORD_FORMAT}
        cert["signature"] = signing.sign(key, domain.record_of(cert).encode("utf-8"))
        credential = self._credential_of(cert, kid, key)        # #19, attached to the PDF
        cert["pdf_sha256"] = self.blobs.put(self._render(cert, photo, credential["document"]))
        self.db.add(Certificate(**cert))
        self.db.flush()      # a concurrent twin fails here on application_id (C1)
        self._keep_credential(credential)
        events.CERTIFICATE_ISSUED.emit(
            self.db, application_id=cert["application_id"], certificate_number=cert["number"],
            batch_code=cert["batch_code"], project_code=cert["project_code"],
            channel=cert["channel"], institution_code=cert["institution_code"],
            id_number=cert["id_number"], name=cert["name"], issued_on=today.isoformat(),
            issued_at=cert["issued_at"].isoformat(), kid=kid)
        ISSUED.inc()

    def _render(self, cert, photo, credential=None):
        record_text = domain.record_of(cert)
        qr = domain.qr_text(self._setting("CERTIFICATE_VERIFY_URL"),
                            domain.qr_payload(record_text, cert["signature"]))
        return document.render(cert, photo, qr, self._setting("CERTIFICATE_ISSUER"),
                               self._setting("CERTIFICATE_VERIFY_URL"), credential)

    def _next_number(self, year):
        """A random serial for the year (C2: numbers are not enumerable), unique:
        another draw when it is taken. A twin drawn at the same moment by another
        replica fails the flush on the primary key; the event is retried."""
        issuer = str(self._setting("CERTIFICATE_ISSUER_CODE"))
        return domain.draw_number(issuer, year,
                                  lambda number: self.db.get(Certificate, number) is None,
                                  NUMBER_DRAWS)

    def _photo(self, digest, content_base64):
        """The candidate's photo: our copy, else the bytes exam's event carries,
        which must be those of the hash (kept by it)."""
        if self.blobs.exists(digest):
            return self.blobs.get(digest)
        content = domain.photo_of(digest, content_base64)
        self.blobs.put(content)
        return content

    def _note(self, event, application_id, text):
        self.db.add(Note(at=utcnow(), event_id=event["event_id"],
                         application_id=application_id, note=text))

    @rpc
    def application_notes(self, application_id):
        """Events about an application that were heard and not acted on (ops)."""
        return [_wire({"at": n.at, "event_id": n.event_id, "note": n.note})
                for n in self.db.scalars(select(Note).where(
                    Note.application_id == str(application_id)).order_by(Note.id))]

    # --- query and verification (C1, C2, C3) ------------------------------------------

    def _counted(self, method, verdict):
        VERIFICATIONS.labels(method, verdict["result"]).inc()
        return verdict

    @rpc
    def verify_number(self, certificate_number):
        return self._counted("number", verification.by_number(self.keys, self.db,
                                                               certificate_number))

    @rpc
    def verify_numbers(self, certificate_numbers):
        """C2 in bulk (a roster, a gateway batching requests): up to 500 numbers."""
        if not isinstance(certificate_numbers, list) or not 1 <= len(certificate_numbers) <= 500:
            raise ValidationFailed("VALIDATION_FAILED", "a list of 1 to 500 certificate numbers",
                                   field="certificate_numbers")
        return [self._counted("numbers", v) for v in
                verification.many_by_number(self.keys, self.db, certificate_numbers)]

    @rpc
    def verify_qr(self, payload):
        return self._counted("qr", verification.by_qr(
            self.keys, self.db, payload, self._setting("CERTIFICATE_VERIFY_URL")))

    @rpc
    def verify_pdf(self, content_base64):
        content = _b64(content_base64, "content_base64", MAX_PDF)
        return self._counted("pdf", verification.by_pdf(self.keys, self.db, content))

    @rpc
    def find_certificates(self, id_number, name):
        """C1: a person's certificates by ID number and name (both must match)."""
        rid = idnumber.parse(id_number)
        verdicts = verification.by_person(self.keys, self.db, rid.number,
                                          names.normalize(name))
        for verdict in verdicts:
            self._counted("person", verdict)
        return verdicts

    @rpc
    def public_keys(self):
        """Every signing key's public half, for verifiers (C2)."""
        return {"algorithm": signing.ALGORITHM, "keys": self.keys.published(self.db)}

    @rpc
    def status_list(self):
        """The signed list of revoked certificates, for offline verifiers (R4, C2)."""
        rows = self.db.execute(select(Certificate.number, Certificate.revoked_on,
                                      Certificate.revocation_reason_code)
                               .where(Certificate.status == "revoked")
                               .order_by(Certificate.number)).all()
        kid, key = self.keys.signer(self.db)
        doc = domain.status_list(self._setting("CERTIFICATE_ISSUER"), kid, utcnow(), rows)
        return {"list": doc, "signature": signing.sign(key, domain.canonical(doc))}

    @rpc
    def download_certificate(self, certificate_number, id_number, name):
        """C3: the holder's e-certificate PDF (number, ID number and name must match)."""
        number = domain.parse_number(certificate_number)
        row = self.db.get(Certificate, number)
        person = idnumber.parse(id_number).number if isinstance(id_number, str) else None
        domain.check_holder_of(row.to_dict() if row is not None else None, person, name)
        domain.check_downloadable(row.to_dict())
        pdf = self._pdf(row)
        return {"filename": f"certificate-{number}.pdf", "media_type": "application/pdf",
                "sha256": row.pdf_sha256, "content_base64": base64.b64encode(pdf).decode()}

    def _pdf(self, row):
        """The stored PDF; re-made (byte-identical) if the file was lost."""
        try:
            return self.blobs.get(row.pdf_sha256)
        except KeyError:
            pdf = self._render(row.to_dict(), self._photo(row.photo_sha256),
                               self._embedded_credential(row.number))
            if self.blobs.put(pdf) != row.pdf_sha256:
                raise Conflict("PDF_NOT_REPRODUCIBLE", "the e-certificate could not be "
                               "re-made identically", details={"number": row.number})
            return pdf

    @rpc
    def get_certificate(self, certificate_number):
        """The full record (staff), with its paper trail."""
        row = self._get(domain.parse_number(certificate_number))
        out = _wire(row.to_dict())
        out.update(self._collection(row))
        out["ledger"] = self._ledger(row.number)
        return out

    @rpc
    def list_certificates(self, batch_code, institution_code=None, status=None):
        query = select(Certificate).where(Certificate.batch_code == str(batch_code))
        if institution_code:
            query = query.where(Certificate.institution_code == institution_code)
        if status:
            query = query.where(Certificate.status == status)
        today = settings.today(self.config)
        return [dict(_wire(r.to_dict()), **self._collection(r, today))
                for r in self.db.scalars(query.order_by(Certificate.number))]

    PAGE_SORTS = {"number": Certificate.number, "issued_on": Certificate.issued_on,
                  "project_name": Certificate.project_name,
                  "batch_code": Certificate.batch_code, "status": Certificate.status}

    @rpc
    def page_certificates(self, batch_code=None, status=None, paper_status=None,
                          number=None, page=1, size=20, sort="-issued_on"):
        """What was issued, a page at a time (the certificate office): filtered by
        batch, status, paper status and a certificate number's beginning, sorted
        by ``sort`` (number, issued_on, project_name, batch_code, status; "-" first:
        descending; the number breaks ties). {total, items}."""
        where = []
        for value, column in ((batch_code, Certificate.batch_code),
                              (status, Certificate.status),
                              (paper_status, Certificate.paper_status)):
            if value:
                where.append(column == str(value))
        if number:
            where.append(Certificate.number.startswith(str(number), autoescape=True))
        key = (sort or "-issued_on").lstrip("-")
        column = self.PAGE_SORTS.get(key)
        if column is None:
            raise ValidationFailed("SORT_UNKNOWN", f"cannot sort by {key}", field="sort")
        order = [column.desc() if (sort or "").startswith("-") else column, Certificate.number]
        page, size = max(int(page or 1), 1), min(max(int(size or 20), 1), 100)
        total = self.db.scalar(select(func.count()).select_from(Certificate).where(*where))
        today = settings.today(self.config)
        rows = self.db.scalars(select(Certificate).where(*where).order_by(*order)
                               .limit(size).offset((page - 1) * size))
        return {"total": total, "page": page, "size": size,
                "items": [dict(_wire(r.to_dict()), **self._collection(r, today)) for r in rows]}

    # --- revocation (R4) and keys -------------------------------------------------------

    @rpc
    @command(RevokeSchema)
    def revoke_certificate(self, data):
        return self._revoke(data)

    def _revoke(self, data):
        row = self._get(domain.parse_number(data["certificate_number"]))
        domain.check_revocable(row.to_dict())
        row.status, row.revoked_at = "revoked", utcnow()
        row.revoked_on = settings.today(self.config)
        row.revocation_reason_code, row.revocation_reason = data["reason_code"], data["reason"]
        row.revoked_by = data["actor"]
        self._credential_revoked(row.number)       # #19: its status list bit
        events.CERTIFICATE_REVOKED.emit(
            self.db, application_id=row.application_id, certificate_number=row.number,
            reason=data["reason"], reason_code=data["reason_code"],
            revoked_at=row.revoked_at.isoformat(), actor=data["actor"])
        REVOKED.labels(data["reason_code"]).inc()
        return _wire(row.to_dict())

    @rpc
    @command(RotateSchema)
    def rotate_signing_key(self, data):
        return self._rotate(data)

    def _rotate(self, data):
        kid = self.keys.rotate(self.db)
        return {"kid": kid, "keys": self.keys.published(self.db)}

    # --- paper certificates (C4) -----------------------------------------------------------

    @rpc
    @command(PrintBatchSchema)
    def create_print_batch(self, data):
        return self._print(data)

    def _print(self, data):
        rows = self.db.scalars(select(Certificate).where(
            Certificate.batch_code == data["batch_code"], Certificate.status == "valid",
            Certificate.paper_status == "none").order_by(Certificate.number)).all()
        domain.check_something_to_print(rows, data["batch_code"])
        seq = self.db.scalar(select(func.count()).select_from(PrintBatch).where(
            PrintBatch.batch_code == data["batch_code"])) + 1
        batch = PrintBatch(code=f"{data['batch_code']}-P{seq}", batch_code=data["batch_code"],
                           seq=seq, count=len(rows), created_by=data["actor"],
                           created_at=utcnow())
        self.db.add(batch)
        try:
            self.db.flush()
        except IntegrityError:
            raise Conflict("PRINT_BATCH_CONFLICT", "another print batch of this exam batch "
                           "was being made at the same time: try again", field="batch_code")
        for row in rows:
            row.paper_status, row.print_batch_code = "printed", batch.code
        return self._print_batch(batch)

    @rpc
    def get_print_batch(self, code):
        batch = self.db.get(PrintBatch, str(code))
        if batch is None:
            raise NotFound("PRINT_BATCH_NOT_FOUND", "no such print batch", field="code")
        return self._print_batch(batch)

    @rpc
    def list_print_batches(self, batch_code):
        return [_wire({"code": b.code, "batch_code": b.batch_code, "count": b.count,
                       "created_by": b.created_by, "created_at": b.created_at})
                for b in self.db.scalars(select(PrintBatch).where(
                    PrintBatch.batch_code == str(batch_code)).order_by(PrintBatch.seq))]

    def _print_batch(self, batch):
        rows = self.db.scalars(select(Certificate).where(
            Certificate.print_batch_code == batch.code).order_by(Certificate.number)).all()
        return _wire({"code": batch.code, "batch_code": batch.batch_code, "count": batch.count,
                      "created_by": batch.created_by, "created_at": batch.created_at,
                      "certificates": [{"number": r.number, "name": r.name,
                                        "id_number": r.id_number, "sex": r.sex,
                                        "project_name": r.project_name,
                                        "exam_date": r.exam_date.isoformat(),
                                        "issued_on": r.issued_on.isoformat(),
                                        "channel": r.channel,
                                        "institution_code": r.institution_code,
                                        "paper_status": r.paper_status} for r in rows]})

    @rpc
    @command(InstitutionCollectionSchema)
    def record_institution_collection(self, data):
        return self._institution_collection(data)

    def _institution_collection(self, data):
        collector = _person(data["collector"], "collector")
        if data["certificate_numbers"]:
            numbers = [domain.parse_number(n, "certificate_numbers")
                       for n in data["certificate_numbers"]]
            rows = [self._get(n) for n in dict.fromkeys(numbers)]
            domain.check_in_batch([(r.number, r.batch_code) for r in rows], data["batch_code"])
        else:
            rows = self.db.scalars(select(Certificate).where(
                Certificate.batch_code == data["batch_code"],
                Certificate.institution_code == data["institution_code"],
                Certificate.status == "valid", Certificate.paper_status == "printed")
                .order_by(Certificate.number)).all()
            domain.check_something_to_collect(rows, data["batch_code"])
        today = settings.today(self.config)
        for row in rows:              # every check first: all or nothing
            domain.check_institution_collection(row.to_dict(), data["institution_code"],
                                                today, self._collection_delays())
        entries = [self._hand_over(row, "center_to_institution", "center", collector,
                                   data["actor"], "with_institution",
                                   institution_code=data["institution_code"],
                                   registration_form=data["registration_form"])
                   for row in rows]
        return {"institution_code": data["institution_code"], "batch_code": data["batch_code"],
                "count": len(entries), "handovers": entries}

    @rpc
    @command(IndividualCollectionSchema)
    def record_individual_collection(self, data):
        return self._individual_collection(data)

    def _individual_collection(self, data):
        holder = _person(data["holder"], "holder")
        row = self._get(domain.parse_number(data["certificate_number"]))
        document_ = data["id_document"]
        domain.check_individual_collection(
            row.to_dict(), holder, document_, settings.today(self.config),
            self._collection_delays())
        return self._hand_over(row, "center_to_holder", "center", holder, data["actor"],
                               "with_holder", id_document=_wire(document_))

    @rpc
    @command(InstitutionHandoverSchema)
    def record_institution_handover(self, data):
        return self._institution_handover(data)

    def _institution_handover(self, data):
        receiver = _person(data["receiver"], "receiver")
        row = self._get(domain.parse_number(data["certificate_number"]))
        domain.check_institution_handover(row.to_dict(), data["institution_code"], receiver)
        return self._hand_over(row, "institution_to_holder", data["institution_code"],
                               receiver, data["actor"], "with_holder",
                               institution_code=data["institution_code"])

    def _hand_over(self, row, kind, from_party, receiver, actor, paper_status, **extra):
        now = utcnow()
        entry = Handover(certificate_number=row.number, kind=kind, from_party=from_party,
                         receiver_name=receiver["name"],
                         receiver_id_number=receiver["id_number"], actor=actor, at=now,
                         handed_on=now.astimezone(SHANGHAI).date(), **extra)
        self.db.add(entry)
        row.paper_status = paper_status
        self.db.flush()
        HANDOVERS.labels(kind).inc()
        return self._entry(entry, row)

    def refresh_business_metrics(self):
        """C4: skillcert_calendar_pending{service="certificate",year}: paper
        certificates not handed over whose collection day waits for a year's calendar."""
        rows = self.db.execute(select(Certificate.exam_date, Certificate.channel,
                                      func.count()).where(
            Certificate.status == "valid", Certificate.paper_status.in_(("none", "printed")))
            .group_by(Certificate.exam_date, Certificate.channel)).all()
        pending, delays = {}, self._collection_delays()
        for exam_date, channel, n in rows:
            days = domain.collection_working_days(delays, exam_date.year, channel)
            _, year = workdays.or_pending(domain.collectable_from, exam_date, days)
            if year is not None:
                pending[year] = pending.get(year, 0) + n
        calendar.set_pending(self.name, pending)

    def _collection_delays(self):
        """C4: CERTIFICATE_COLLECTION_WORKING_DAYS (a mapping in config.yaml, or JSON
        in the environment)."""
        value = self._setting("CERTIFICATE_COLLECTION_WORKING_DAYS")
        return json.loads(value) if isinstance(value, str) else value

    def _collection(self, row, today=None):
        """C4: the collection fields of a certificate's answer (pending_calendar
        while the year it reaches is not loaded)."""
        info = domain.collection(row.to_dict(), self._collection_delays(),
                                 today or settings.today(self.config))
        return _wire(info)

    @rpc
    def certificate_ledger(self, certificate_number):
        """C4: every handover of one paper certificate, oldest first."""
        return self._ledger(self._get(domain.parse_number(certificate_number)).number)

    def _ledger(self, number):
        row = self.db.get(Certificate, number)
        return [self._entry(h, row) for h in self.db.scalars(select(Handover).where(
            Handover.certificate_number == number).order_by(Handover.id))]

    def _entry(self, h, cert):
        return _wire({"id": h.id, "certificate_number": h.certificate_number, "kind": h.kind,
                      "from_party": h.from_party, "institution_code": h.institution_code,
                      "receiver_name": h.receiver_name,
                      "receiver_id_number": h.receiver_id_number,
                      "for_name": cert.name, "for_id_number": cert.id_number,
                      "id_document": h.id_document, "registration_form": h.registration_form,
                      "actor": h.actor, "at": h.at, "handed_on": h.handed_on})

    @rpc
    def export_ledger(self, query=None):
        """C4: the ledger (证书台账) as CSV, filtered by batch, institution, dates."""
        data, header, rows = self._ledger_table(query)
        out = io.StringIO()
        writer = exports.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return {"count": len(rows), "filename": self._ledger_name(data, "csv"),
                "csv": out.getvalue()}

    @rpc
    def export_ledger_xlsx(self, query=None):
        """C4: the same ledger as an .xlsx file (kernel.exports.workbook: no cell a
        formula), for an institution's 证书台账 or the center's."""
        data, header, rows = self._ledger_table(query)
        content = exports.workbook("证书台账", header, rows, sheet="证书台账")
        return {"count": len(rows), "filename": self._ledger_name(data, "xlsx"),
                "media_type": XLSX, "content_base64": base64.b64encode(content).decode()}

    def _ledger_table(self, query):
        data = load(LedgerQuerySchema(), query or {})
        q = select(Handover, Certificate).join(
            Certificate, Certificate.number == Handover.certificate_number)
        if data["batch_code"]:
            q = q.where(Certificate.batch_code == data["batch_code"])
        if data["institution_code"]:
            q = q.where(Handover.institution_code == data["institution_code"])
        if data["since"]:
            q = q.where(Handover.handed_on >= data["since"])
        if data["until"]:
            q = q.where(Handover.handed_on <= data["until"])
        found = self.db.execute(q.order_by(Handover.id)).all()
        header = ["序号", "证书编号", "持证人", "持证人身份证号", "考核项目", "考核批次",
                  "交接类型", "交出方", "接收人", "接收人身份证号", "报名机构",
                  "登记表编号", "经办人", "交接时间"]
        rows = [[n, c.number, c.name, privacy.mask_id(c.id_number), c.project_name,
                 c.batch_code, KINDS_ZH[h.kind], h.from_party, h.receiver_name,
                 privacy.mask_id(h.receiver_id_number), h.institution_code or "",
                 h.registration_form or "", h.actor,
                 h.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")]
                for n, (h, c) in enumerate(found, 1)]
        return data, header, rows

    @staticmethod
    def _ledger_name(data, ext):
        parts = [p for p in (data["batch_code"], data["institution_code"]) if p]
        return "-".join(["ledger"] + parts) + "." + ext

    # --- helpers ----------------------------------------------------------------------

    def _get(self, number):
        row = self.db.get(Certificate, number)
        if row is None:
            raise NotFound("CERTIFICATE_NOT_FOUND", f"no certificate {number}",
                           field="certificate_number")
        return row


KINDS_ZH = {"center_to_institution": "中心交报名机构", "center_to_holder": "中心交本人",
            "institution_to_holder": "报名机构交本人"}


def _person(person, field):
    """A person with a valid ID number (R2), the error naming ``field``."""
    return domain.person_at_collection(person, field)


def _b64(text, field, limit):
    if not isinstance(text, str):
        raise ValidationFailed("VALIDATION_FAILED", "base64 text expected", field=field)
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("VALIDATION_FAILED", "the file is not valid base64", field=field)
    if not content or len(content) > limit:
        raise ValidationFailed("VALIDATION_FAILED", f"the file must be 1 byte to {limit} bytes",
                               field=field)
    return content


def _wire(values):
    """Dates and timestamps as ISO text (the RPC payload is JSON)."""
    return {k: v.isoformat() if isinstance(v, (date, datetime)) else v
            for k, v in values.items()}
