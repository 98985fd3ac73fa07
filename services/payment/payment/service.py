"""nameko entrypoints of the payment service: validate, apply the rules of
payment.domain (a module per area), persist, record events. Nothing else."""
import base64
import binascii
import hashlib
import os
import uuid
from datetime import date

from sqlalchemy import case, delete, func, or_, select, update

from kernel import batches, metrics, names, settings, uploads
from kernel.batch_copy import BatchCopyEntrypoints
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import handles, rpc, timer
from kernel.errors import Conflict, NotFound, ValidationFailed
from kernel.rpc import RpcClient
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs

from exam import events as exam_events
from registration import events as registration_events
from review import events as review_events

from payment import events
from payment.domain import (fee_schedule, matching, notes, payments, receipts, reconciliation,
                            statements, wording)
from payment.models import (Base, Batch, Credit, Fee, Item, Project, Receipt, ReceiptUploader,
                            Refund, Statement, Submission, SubmissionLine)
from payment.schemas import (ConfirmSchema, IndividualPaymentSchema, InstitutionPaymentSchema,
                             ManualMatchSchema, RefundSchema, RejectSchema, SetFeesSchema,
                             StatementSchema, UploadReceiptSchema)

PAYMENTS = metrics.counter("skillcert_payment_items_total",
                           "Payable applications by what happened to them", ["event"])
CREDITS = metrics.counter("skillcert_payment_credits_total",
                          "Bank statement credits by reconciliation outcome", ["outcome"])
AWAITING = metrics.gauge("skillcert_payment_awaiting_confirmation",
                         "Payment submissions waiting for finance to confirm", ["batch_code"])
WINDOW_CHECK_INTERVAL = 3600       # seconds between P4 sweeps
CHUNK = 500                        # ids per IN (...) query


def _iso(value):
    return value.isoformat() if value is not None else None


def _decode_base64(text, field):
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("VALIDATION_FAILED", "the file is not valid base64", field=field)


class PaymentService(BatchCopyEntrypoints, ServiceBase):
    name = "payment"
    db = Database(Base)
    blobs = Blobs()
    exam = RpcClient("exam")
    batch_model = Batch          # list_batches, sync_batches and the exam batch handlers
    batch_contract = exam_events.Batch   # how the copy loads exam's batches

    def refresh_business_metrics(self):
        metrics.snapshot(AWAITING, {(batch,): n for batch, n in self.db.execute(
            select(Submission.batch_code, func.count()).where(
                Submission.status == payments.PENDING).group_by(Submission.batch_code))})

    # --- configuration ---------------------------------------------------------

    def _setting(self, key, default):
        return self.config.get(key) or os.environ.get(key) or default

    def _center(self):
        """The payee every receipt must show (P3): PAYMENT_PAYEE_NAME and
        PAYMENT_PAYEE_ACCOUNTS (comma-separated) in config or environment,
        else payment/data/center.json."""
        base = fee_schedule.default_center()
        accounts = self._setting("PAYMENT_PAYEE_ACCOUNTS", base["payee_accounts"])
        if isinstance(accounts, str):
            accounts = [a.strip() for a in accounts.split(",") if a.strip()]
        return {"payee_name": self._setting("PAYMENT_PAYEE_NAME", base["payee_name"]),
                "payee_accounts": list(accounts)}

    @rpc
    def payee(self):
        """Where to transfer: the center's name and account(s)."""
        return self._center()

    # --- fee schedule (F1) ---------------------------------------------------

    @rpc
    def load_fee_schedule(self):
        """Load payment/data/fees.json for projects that have no fee yet (a
        project whose fees were set at run time keeps them)."""
        schedule = fee_schedule.default_fee_schedule()
        added = 0
        for p in schedule["projects"]:
            project = self.db.get(Project, p["project_code"])
            if project is None:
                self.db.add(Project(code=p["project_code"], name_zh=p["project_name"]))
                self.db.flush()
            has_fee = self.db.scalar(select(func.count()).select_from(Fee).where(
                Fee.project_code == p["project_code"]))
            if not has_fee:
                for f in p["fees"]:
                    self.db.add(Fee(project_code=p["project_code"],
                                    effective_from=date.fromisoformat(f["effective_from"]),
                                    amount_fen=int(f["amount_fen"]), set_by="fees.json",
                                    set_at=utcnow()))
                    added += 1
        self.db.flush()
        return {"projects": len(schedule["projects"]), "fees_added": added}

    @rpc
    def list_fees(self, project_code=None):
        query = select(Fee, Project.name_zh).join(Project).order_by(Fee.project_code,
                                                                    Fee.effective_from)
        if project_code:
            query = query.where(Fee.project_code == project_code)
        return [{"project_code": f.project_code, "project_name": name,
                 "effective_from": _iso(f.effective_from), "amount_fen": f.amount_fen,
                 "set_by": f.set_by, "set_at": _iso(f.set_at)}
                for f, name in self.db.execute(query)]

    @rpc
    @command(SetFeesSchema, rule="F1")
    def set_fees(self, data):
        """Add or change fee entries; with ``replace`` the projects named get
        exactly the entries given (their other entries are removed)."""
        known = set(self.db.scalars(select(Project.code)))
        fee_schedule.check_fee_entries(data["fees"], known)
        codes = sorted({e["project_code"] for e in data["fees"]})
        for e in data["fees"]:
            if e["project_name"]:
                row = self.db.get(Project, e["project_code"]) or Project(code=e["project_code"])
                row.name_zh = e["project_name"]
                self.db.add(row)
        self.db.flush()
        if data["replace"]:
            self.db.execute(delete(Fee).where(Fee.project_code.in_(codes)))
        for e in data["fees"]:
            row = self.db.scalar(select(Fee).where(Fee.project_code == e["project_code"],
                                                   Fee.effective_from == e["effective_from"]))
            row = row or Fee(project_code=e["project_code"], effective_from=e["effective_from"])
            row.amount_fen, row.set_by, row.set_at = e["amount_fen"], data["actor"], utcnow()
            self.db.add(row)
        self.db.flush()
        out = [f for code in codes for f in self.list_fees(code)]
        return out

    def _fee_entries(self, project_codes):
        rows = self.db.scalars(select(Fee).where(Fee.project_code.in_(sorted(project_codes))))
        return [{"project_code": f.project_code, "effective_from": f.effective_from,
                 "amount_fen": f.amount_fen} for f in rows]

    def _fees_due(self, items, batch):
        """{application_id: fee in fen} for the items of one batch (F1)."""
        entries = self._fee_entries({i.project_code for i in items})
        on = fee_schedule.fee_date(batch)
        per_project = {code: fee_schedule.fee_in_force(entries, code, on)
                       for code in {i.project_code for i in items}}
        return {i.application_id: per_project[i.project_code] for i in items}

    # --- payable items -------------------------------------------------------

    @handles("review", "application_approved")
    def on_approved(self, event):
        data = review_events.APPLICATION_APPROVED.load(event["payload"])
        if self.db.get(Item, data["application_id"]) is not None:
            return      # approved twice (another event id): the item is already there
        self.db.add(Item(
            application_id=data["application_id"], batch_code=data["batch_code"],
            project_code=data["project_code"], channel=data["channel"],
            institution_code=data["institution_code"] if data["channel"] == "institution"
            else None, id_number=data["id_number"].strip().upper(),
            name=names.normalize_lenient(data["name"]),
            reference=payments.item_reference(data["channel"], data["application_id"],
                                              data["institution_code"], data["batch_code"]),
            status=payments.PAYABLE, approved_at=utcnow(), updated_at=utcnow()))
        PAYMENTS.labels("approved").inc()

    @handles("registration", "application_withdrawn")
    def on_withdrawn(self, event):
        data = registration_events.APPLICATION_WITHDRAWN.load(event["payload"])
        item = self.db.get(Item, data["application_id"])
        if item is not None and item.status in payments.OPEN_ITEM:
            self._close_item(item, payments.WITHDRAWN, data["reason"] or "withdrawn")

    @rpc
    def get_payable(self, application_id):
        """One application's payment: status, amount due, reference for the
        transfer note, the payee, and the note a proxy payer must write (P2)."""
        item = self._get_item(application_id)
        out = self._item_view(item)
        batch = self.db.get(Batch, item.batch_code)
        if batch is not None:
            batch = batches.as_dict(batch)
            due = self._fees_due([item], batch)[item.application_id]
            project = self.db.get(Project, item.project_code)
            out.update(amount_due_fen=due, exam_date=_iso(batch["exam_date"]),
                       payment_window=[_iso(d) for d in batch["payment"]])
            if item.channel == "individual":
                out["proxy_note"] = notes.proxy_note("{payer}", item.name, batch["exam_date"],
                                                     project.name_zh, due)
        out["payee"] = self._center()
        return out

    @rpc
    def payment_order(self, institution_code, batch_code):
        """What an institution transfers for its payable candidates of a batch
        (P1): the applications, the total, the reference and the note."""
        batch = self._get_batch(batch_code)
        items = self.db.scalars(select(Item).where(
            Item.institution_code == institution_code, Item.batch_code == batch_code,
            Item.channel == "institution", Item.status == payments.PAYABLE)
            .order_by(Item.project_code, Item.name)).all()
        fees = self._fees_due(items, batch) if items else {}
        reference = payments.item_reference("institution", None, institution_code, batch_code)
        return {"institution_code": institution_code, "batch_code": batch_code,
                "exam_date": _iso(batch["exam_date"]),
                "payment_window": [_iso(d) for d in batch["payment"]],
                "applications": [dict(self._item_view(i), amount_due_fen=fees[i.application_id])
                                 for i in items],
                "headcount": len(items), "total_fen": sum(fees.values()),
                "reference": reference,
                "note": notes.institution_note(batch["exam_date"], len(items), reference),
                "payee": self._center()}

    @rpc
    def list_items(self, batch_code, status=None, institution_code=None):
        query = select(Item).where(Item.batch_code == batch_code)
        if status:
            query = query.where(Item.status == status)
        if institution_code:
            query = query.where(Item.institution_code == institution_code)
        return [self._item_view(i) for i in self.db.scalars(query.order_by(Item.approved_at))]

    def _get_item(self, application_id):
        return payments.check_approved(application_id, self.db.get(Item, str(application_id)))

    def _item_view(self, item):
        return {"application_id": item.application_id, "batch_code": item.batch_code,
                "project_code": item.project_code, "channel": item.channel,
                "institution_code": item.institution_code, "id_number": item.id_number,
                "name": item.name, "reference": item.reference, "status": item.status,
                "submission_id": item.submission_id, "amount_fen": item.amount_fen,
                "paid_at": _iso(item.paid_at), "note": item.note}

    def _item_state(self, item):
        return {"application_id": item.application_id, "status": item.status,
                "channel": item.channel, "institution_code": item.institution_code,
                "batch_code": item.batch_code, "id_number": item.id_number,
                "submission_id": item.submission_id}

    # --- receipts (M3) -----------------------------------------------------------

    @rpc
    def upload_receipt(self, upload, uploader=None):
        """The bank receipt (银行回单): an image or a PDF, checked by content.
        ``uploader``: who uploaded it as the gateway names its callers, recorded
        so that the uploader may read it before a payment holds it."""
        data = load(UploadReceiptSchema(), upload)
        content = _decode_base64(data["content_base64"], "content_base64")
        kind = receipts.check_receipt(content, field="content_base64")
        key = self.blobs.put(content)
        if self.db.get(Receipt, key) is None:
            self.db.add(Receipt(hash=key, media_type=receipts.media_type(kind),
                                size=len(content), uploaded_at=utcnow()))
        if uploader:
            uploads.record_uploader(self.db, ReceiptUploader, key, uploader)
        return {"hash": key, "media_type": receipts.media_type(kind), "size": len(content)}

    @rpc
    def receipt_readers(self, hashes):
        """For the gateway's file rule: of each known receipt, who uploaded it and
        the applications of the payments that hold it (ID number, name, channel,
        institution). Unknown hashes are left out."""
        out = uploads.uploaders_of(self.db, Receipt, ReceiptUploader, hashes, what="receipt")
        if out:
            uploads.add_holders(out, self.db.execute(select(
                Submission.receipt_hash, Item.id_number, Item.name, Item.channel,
                Item.institution_code).join(
                SubmissionLine, SubmissionLine.submission_id == Submission.id).join(
                Item, Item.application_id == SubmissionLine.application_id).where(
                Submission.receipt_hash.in_(list(out)))))
        return out

    @rpc
    def get_receipt(self, hash):
        row = payments.check_receipt_on_file(self.db.get(Receipt, str(hash)))
        return {"hash": row.hash, "media_type": row.media_type,
                "content_base64": base64.b64encode(self.blobs.get(row.hash)).decode()}

    def _check_receipt(self, receipt):
        payments.check_receipt_on_file(self.db.get(Receipt, receipt["file"]), uploaded_first=True)
        payments.check_receipt_details(receipt, self._center())

    # --- submissions (P1, P2, P3) -----------------------------------------------

    @rpc
    @command(InstitutionPaymentSchema, rule="P1")
    def submit_institution_payment(self, data):
        """P1: one transfer for many approved candidates of the institution."""
        batch = self._get_batch(data["batch_code"])
        payments.check_payment_open(batch, settings.today(self.config))
        items = self._items(data["application_ids"])
        payments.check_institution_items([self._item_state(i) for i in items],
                                         data["institution_code"], batch["code"])
        self._check_receipt(data["receipt"])
        notes.check_institution_note(data["note"], batch["exam_date"], len(items))
        fees = self._fees_due(items, batch)
        sub = self._submit(items, fees, batch, data, channel="institution",
                           payer_kind="institution", institution_code=data["institution_code"],
                           actor=data["actor"] or data["institution_code"])
        return sub

    @rpc
    @command(IndividualPaymentSchema, rule="P2")
    def submit_individual_payment(self, data):
        """P2: a candidate's own payment, or a payment by someone else whose
        note follows the required wording."""
        item = self._get_item(data["application_id"])
        batch = self._get_batch(item.batch_code)
        payments.check_payment_open(batch, settings.today(self.config))
        payments.check_individual_item(self._item_state(item), data["candidate_id_number"])
        self._check_receipt(data["receipt"])
        fees = self._fees_due([item], batch)
        proxy = notes.is_proxy(data["receipt"]["payer_name"], item.name)
        if proxy:
            notes.check_proxy_note(data["note"], data["receipt"]["payer_name"], item.name,
                                   batch["exam_date"],
                                   self.db.get(Project, item.project_code).name_zh,
                                   fees[item.application_id])
        sub = self._submit([item], fees, batch, data, channel="individual",
                           payer_kind="proxy" if proxy else "self", institution_code=None,
                           actor=data["actor"] or item.id_number)
        return sub

    def _items(self, application_ids):
        found = {i.application_id: i for chunk in _chunks(application_ids)
                 for i in self.db.scalars(select(Item).where(Item.application_id.in_(chunk)))}
        return payments.check_all_approved(application_ids, found)

    def _submit(self, items, fees, batch, data, channel, payer_kind, institution_code, actor):
        receipt = data["receipt"]
        sub = Submission(
            id=str(uuid.uuid4()), reference=items[0].reference, channel=channel,
            payer_kind=payer_kind, institution_code=institution_code, batch_code=batch["code"],
            payer_name=receipt["payer_name"], payer_account=receipt["payer_account"],
            payee_name=receipt["payee_name"], payee_account=receipt["payee_account"],
            amount_fen=receipt["amount_fen"], expected_fen=sum(fees.values()),
            note=data["note"], receipt_hash=receipt["file"],
            transfer_date=receipt["transfer_date"], status=payments.PENDING,
            submitted_by=actor, submitted_at=utcnow())
        self.db.add(sub)
        self.db.flush()
        self.db.add_all(SubmissionLine(submission_id=sub.id, application_id=i.application_id,
                                       amount_fen=fees[i.application_id]) for i in items)
        ids = [i.application_id for i in items]
        changed = sum(self.db.execute(
            update(Item).where(Item.application_id.in_(chunk), Item.status == payments.PAYABLE)
            .values(status=payments.SUBMITTED, submission_id=sub.id, updated_at=utcnow()),
            execution_options={"synchronize_session": False}).rowcount
            for chunk in _chunks(ids))
        if changed != len(ids):          # another submission took one of them meanwhile
            raise Conflict("ALREADY_SUBMITTED", "one of the applications was submitted by "
                           "another payment at the same time", field="application_ids")
        PAYMENTS.labels("submitted").inc(len(ids))
        out = self._submission_view(sub)
        if sub.amount_fen != sub.expected_fen:
            diff = sub.amount_fen - sub.expected_fen
            out["warnings"] = [f"AMOUNT_MISMATCH: the receipt shows {wording.yuan(sub.amount_fen)}"
                               f" yuan, the fees due are {wording.yuan(sub.expected_fen)} yuan "
                               f"({wording.yuan(diff)}); the center will not confirm it so"]
        return out

    @rpc
    def get_submission(self, submission_id):
        return self._submission_view(self._get_submission(submission_id))

    @rpc
    def list_submissions(self, batch_code=None, status=None, institution_code=None):
        query = select(Submission)
        if batch_code:
            query = query.where(Submission.batch_code == batch_code)
        if status:
            query = query.where(Submission.status == status)
        if institution_code:
            query = query.where(Submission.institution_code == institution_code)
        return [self._submission_view(s, lines=False)
                for s in self.db.scalars(query.order_by(Submission.submitted_at))]

    def _get_submission(self, submission_id):
        sub = self.db.get(Submission, str(submission_id))
        if sub is None:
            raise NotFound("SUBMISSION_NOT_FOUND", "no such payment submission",
                           field="submission_id")
        return sub

    def _lines(self, sub):
        return self.db.scalars(select(SubmissionLine).where(
            SubmissionLine.submission_id == sub.id)).all()

    def _submission_view(self, sub, lines=True):
        out = {c: getattr(sub, c) for c in (
            "id", "reference", "channel", "payer_kind", "institution_code", "batch_code",
            "payer_name", "payer_account", "payee_name", "payee_account", "amount_fen",
            "expected_fen", "note", "receipt_hash", "status", "submitted_by", "decided_by",
            "decision_reason")}
        out.update(transfer_date=_iso(sub.transfer_date), submitted_at=_iso(sub.submitted_at),
                   decided_at=_iso(sub.decided_at), difference_fen=sub.amount_fen -
                   sub.expected_fen)
        credit = self.db.get(Credit, sub.credit_id) if sub.credit_id else None
        out["credit"] = None if credit is None else {
            "bank_serial": credit.bank_serial, "value_date": _iso(credit.value_date),
            "amount_fen": credit.amount_fen, "method": credit.method}
        if lines:
            out["applications"] = [{"application_id": ln.application_id,
                                    "amount_fen": ln.amount_fen} for ln in self._lines(sub)]
        return out

    # --- the center's decision ---------------------------------------------------

    @rpc
    @command(ConfirmSchema)
    def confirm_submission(self, data):
        """确认收费: every application of the submission is paid; one
        payment_confirmed per application (registration locks it, B2)."""
        sub = self._get_submission(data["submission_id"])
        lines = {ln.application_id: ln.amount_fen for ln in self._lines(sub)}
        items = self._items(list(lines))
        payments.check_confirm(self._submission_state(sub), [self._item_state(i) for i in items],
                               self._get_batch(sub.batch_code), settings.today(self.config),
                               received_fen=data["received_fen"], credit=self._sole_credit(sub))
        now = utcnow()
        self._decide(sub, payments.CONFIRMED, data["actor"], None, now)
        for item in items:
            item.status, item.paid_at = payments.PAID, now
            item.amount_fen = lines[item.application_id]
            item.updated_at = now
            events.PAYMENT_CONFIRMED.emit(
                self.db, application_id=item.application_id, batch_code=item.batch_code,
                project_code=item.project_code, institution_code=item.institution_code,
                id_number=item.id_number, name=item.name,
                amount_fen=lines[item.application_id], submission_id=sub.id,
                confirmed_at=now.isoformat(), actor=data["actor"])
        PAYMENTS.labels("confirmed").inc(len(items))
        self.db.flush()
        return self._submission_view(sub)

    @rpc
    @command(RejectSchema)
    def reject_submission(self, data):
        """The center refuses a submission with a reason; its applications can
        be paid again inside the window, and its bank credit is free again."""
        sub = self._get_submission(data["submission_id"])
        payments.check_decidable(self._submission_state(sub))
        self._decide(sub, payments.REJECTED, data["actor"], data["reason"], utcnow())
        self.db.execute(update(Item).where(Item.submission_id == sub.id,
                                           Item.status == payments.SUBMITTED)
                        .values(status=payments.PAYABLE, submission_id=None, updated_at=utcnow()),
                        execution_options={"synchronize_session": False})
        self._release_credit(sub)
        PAYMENTS.labels("rejected").inc()
        self.db.flush()
        return self._submission_view(sub)

    def _decide(self, sub, status, actor, reason, now):
        changed = self.db.execute(
            update(Submission).where(Submission.id == sub.id,
                                     Submission.status == payments.PENDING)
            .values(status=status, decided_by=actor, decided_at=now, decision_reason=reason),
            execution_options={"synchronize_session": False}).rowcount
        if changed != 1:                 # decided by someone else meanwhile
            raise Conflict("SUBMISSION_DECIDED", f"submission {sub.id} was just decided by "
                           "someone else", field="submission_id")
        self.db.refresh(sub)

    def _release_credit(self, sub):
        if sub.credit_id is None:
            return
        credit_id, sub.credit_id = sub.credit_id, None
        self.db.flush()
        still = self.db.scalar(select(func.count()).select_from(Submission).where(
            Submission.credit_id == credit_id))
        if not still:
            self.db.execute(update(Credit).where(Credit.id == credit_id).values(
                status="unmatched", method=None, candidates=None, matched_by=None,
                matched_at=None))

    def _sole_credit(self, sub):
        """The matched bank credit's amount when it pays this submission alone."""
        if sub.credit_id is None:
            return None
        shared = self.db.scalar(select(func.count()).select_from(Submission).where(
            Submission.credit_id == sub.credit_id))
        return self.db.get(Credit, sub.credit_id).amount_fen if shared == 1 else None

    def _submission_state(self, sub):
        return {"id": sub.id, "status": sub.status, "amount_fen": sub.amount_fen,
                "expected_fen": sub.expected_fen, "credit_id": sub.credit_id}

    # --- P4: the end of the payment window ----------------------------------------

    @rpc
    def close_payment_window(self, today=None):
        """Applications without a confirmed payment after their batch's payment
        window are abandoned (P4): application_abandoned once each; running it
        again finds nothing more to do."""
        return self._close_windows(settings.day(self.config, today))

    @timer(interval=WINDOW_CHECK_INTERVAL)
    def close_payment_windows(self):
        return self._close_windows(settings.today(self.config))

    @rpc
    def close_payment_window_now(self):
        """close_payment_window for the suite's today, no date taken: what the gateway's
        staff route calls (its broker user may call nothing dated, docs/architecture.md)."""
        return self._close_windows(settings.today(self.config))

    def _close_windows(self, today):
        ended = {b.code: batches.as_dict(b) for b in self.db.scalars(
            select(Batch).where(Batch.payment_end < today))}
        if not ended:
            return {"today": today.isoformat(), "abandoned": 0, "application_ids": []}
        items = [i for chunk in _chunks(sorted(ended)) for i in self.db.scalars(
            select(Item).where(Item.batch_code.in_(chunk),
                               Item.status.in_(payments.OPEN_ITEM)))]
        abandoned = []
        for item in payments.to_abandon([dict(self._item_state(i), item=i) for i in items],
                                        ended, today):
            row = item["item"]
            end = ended[row.batch_code]["payment"][1]
            reason = (f"no confirmed payment by the end of the payment window ({end}): "
                      "deemed to have abandoned (P4)")
            if self._close_item(row, payments.ABANDONED, reason, expect=payments.OPEN_ITEM):
                events.APPLICATION_ABANDONED.emit(
                    self.db, application_id=row.application_id, batch_code=row.batch_code,
                    project_code=row.project_code, reason=reason)
                abandoned.append(row.application_id)
        PAYMENTS.labels("abandoned").inc(len(abandoned))
        return {"today": today.isoformat(), "abandoned": len(abandoned),
                "application_ids": abandoned}

    def _close_item(self, item, status, note, expect=payments.OPEN_ITEM):
        """Move an open item to a closed status once, even with two replicas at
        it (conditional update); its pending submission lapses when nothing in
        it is waiting any more. True when this call made the change."""
        changed = self.db.execute(
            update(Item).where(Item.application_id == item.application_id,
                               Item.status.in_(expect))
            .values(status=status, note=note, updated_at=utcnow()),
            execution_options={"synchronize_session": False}).rowcount
        if changed != 1:
            return False
        sub_id = item.submission_id
        self.db.refresh(item)
        if sub_id:
            waiting = self.db.scalar(select(func.count()).select_from(Item).where(
                Item.submission_id == sub_id, Item.status == payments.SUBMITTED))
            if not waiting:
                self.db.execute(update(Submission).where(
                    Submission.id == sub_id, Submission.status == payments.PENDING).values(
                    status=payments.LAPSED, decided_by="system", decided_at=utcnow(),
                    decision_reason=note))
        return True

    # --- B1: a cancelled batch ------------------------------------------------------

    @handles("exam", "batch_cancelled")
    def on_batch_cancelled(self, event):
        data = exam_events.BATCH_CANCELLED.load(event["payload"])
        reason = data["reason"] or "batch cancelled (B1)"
        items = self.db.scalars(select(Item).where(Item.batch_code == data["batch_code"],
                                                   Item.project_code == data["project_code"]))
        for item in items.all():
            target = payments.after_cancellation(item.status)
            if target == payments.REFUND_DUE:
                sub = self.db.get(Submission, item.submission_id)
                self.db.add(Refund(
                    application_id=item.application_id, batch_code=item.batch_code,
                    project_code=item.project_code, amount_fen=item.amount_fen,
                    submission_id=item.submission_id, payer_name=sub.payer_name,
                    payer_account=sub.payer_account, reason=reason, status="due",
                    listed_at=utcnow()))
                self._close_item(item, payments.REFUND_DUE, reason, expect=(payments.PAID,))
                PAYMENTS.labels("refund_due").inc()
            elif target is not None:
                self._close_item(item, target, reason)

    @rpc
    def list_refunds(self, batch_code=None, project_code=None, status=None):
        """The refund list of cancelled batches (B1): confirmed payments to pay back."""
        query = select(Refund, Item).join(Item, Item.application_id == Refund.application_id)
        for column, value in ((Refund.batch_code, batch_code),
                              (Refund.project_code, project_code), (Refund.status, status)):
            if value:
                query = query.where(column == value)
        return [{"application_id": r.application_id, "batch_code": r.batch_code,
                 "project_code": r.project_code, "name": i.name, "id_number": i.id_number,
                 "institution_code": i.institution_code, "amount_fen": r.amount_fen,
                 "submission_id": r.submission_id, "payer_name": r.payer_name,
                 "payer_account": r.payer_account, "reason": r.reason, "status": r.status,
                 "listed_at": _iso(r.listed_at), "refunded_by": r.refunded_by,
                 "refunded_at": _iso(r.refunded_at), "refund_note": r.refund_note}
                for r, i in self.db.execute(query.order_by(Refund.listed_at,
                                                           Refund.application_id))]

    @rpc
    @command(RefundSchema)
    def record_refund(self, data):
        """Finance paid a refund back: the entry leaves the list of refunds due."""
        row = self.db.get(Refund, data["application_id"])
        payments.check_refund_due(row and row.status)
        row.status, row.refunded_by, row.refunded_at = "refunded", data["actor"], utcnow()
        row.refund_note = data["note"]
        item = self.db.get(Item, row.application_id)
        item.status, item.updated_at = payments.REFUNDED, utcnow()
        self.db.flush()
        return [r for r in self.list_refunds(row.batch_code, row.project_code)
                if r["application_id"] == row.application_id][0]

    # --- bank reconciliation (K1) ----------------------------------------------------

    @rpc
    @command(StatementSchema, rule="K1")
    def import_statement(self, data):
        """Import the center's bank statement (CSV, docs/payment.md) and match
        the new credits. Broken rows are reported with their line numbers while
        the good rows are imported; a bank serial already imported is ignored."""
        raw = _decode_base64(data["content_base64"], "content_base64")
        statements.check_statement_size(len(raw))
        parsed = statements.parse_statement(statements.decode_statement(raw))
        fresh, duplicates, broken = self._new_credits(parsed)
        statement = Statement(filename=data["filename"], sha256=hashlib.sha256(raw).hexdigest(),
                              actor=data["actor"], imported_at=utcnow(), summary={})
        self.db.add(statement)
        self.db.flush()
        rows = []
        for c in fresh:
            row = {k: v for k, v in c.items() if k != "line"}
            row.update(line_no=c["line"], statement_id=statement.id, status="unmatched",
                       candidates=None)
            rows.append(row)
        if rows:
            self.db.execute(Credit.__table__.insert(), rows)
        summary = {"lines": parsed["lines"], "imported": len(fresh),
                   "duplicates": duplicates, "debits": parsed["debits"],
                   "broken": [{"line": b["line"], "error": b["error"]} for b in broken]}
        statement.summary = summary
        CREDITS.labels("imported").inc(len(fresh))
        return dict(summary, statement_id=statement.id, filename=statement.filename,
                    reconciliation=self._reconcile())

    def _new_credits(self, parsed):
        """Credits not imported before; a serial already there with the same
        details is a duplicate, with other details it is reported as broken."""
        credits = parsed["credits"]
        existing = {}
        serials = [c["bank_serial"] for c in credits]
        for chunk in _chunks(serials):
            for row in self.db.execute(select(
                    Credit.bank_serial, Credit.value_date, Credit.amount_fen, Credit.payer_name)
                    .where(Credit.bank_serial.in_(chunk))).mappings():
                existing[row["bank_serial"]] = dict(row)
        fresh, duplicates, broken = [], parsed["duplicates"], list(parsed["broken"])
        for c in credits:
            old = existing.get(c["bank_serial"])
            if old is None:
                fresh.append(c)
            elif statements.same_credit(old, c):
                duplicates += 1
            else:
                broken.append({"line": c["line"], "error": f"bank serial {c['bank_serial']} "
                               "was imported before with other details"})
        broken.sort(key=lambda b: b["line"])
        return fresh, duplicates, broken

    @rpc
    def reconcile(self):
        """Match again every credit and submission that has no partner yet."""
        return self._reconcile()

    def _reconcile(self):
        credits = self.db.execute(select(
            Credit.id, Credit.amount_fen, Credit.payer_name, Credit.note, Credit.status).where(
            Credit.status != "matched").order_by(Credit.value_date, Credit.bank_serial)
        ).mappings().all()
        subs = self.db.execute(select(
            Submission.id, Submission.reference, Submission.amount_fen, Submission.payer_name)
            .where(Submission.credit_id.is_(None),
                   Submission.status.in_((payments.PENDING, payments.CONFIRMED)))
            .order_by(Submission.submitted_at)).mappings().all()
        if not credits:
            return {"matched": 0, "ambiguous": 0, "unmatched": 0}
        result = matching.match([dict(c) for c in credits], [dict(s) for s in subs])
        now = utcnow()
        # few statements whatever the size: one UPDATE per chunk and method,
        # the submission -> credit links as one CASE per chunk
        by_method = {}
        for m in result["matched"]:
            by_method.setdefault(m["method"], []).append(m["credit"])
        for method, ids in by_method.items():
            for chunk in _chunks(ids):
                self.db.execute(update(Credit).where(Credit.id.in_(chunk)).values(
                    status="matched", method=method, candidates=None, matched_by="system",
                    matched_at=now), execution_options={"synchronize_session": False})
        links = [(sid, m["credit"]) for m in result["matched"] for sid in m["submissions"]]
        for chunk in _chunks(links):
            self.db.execute(update(Submission).where(
                Submission.id.in_([sid for sid, _ in chunk])).values(
                credit_id=case(dict(chunk), value=Submission.id)),
                execution_options={"synchronize_session": False})
        was_ambiguous = {c["id"] for c in credits if c["status"] == "ambiguous"}
        rows = [{"id": a["credit"], "status": "ambiguous",
                 "candidates": {"submissions": a["candidates"], "reason": a["reason"]}}
                for a in result["ambiguous"]]
        rows += [{"id": c, "status": "unmatched", "candidates": None}
                 for c in result["unmatched"] if c in was_ambiguous]
        if rows:
            self.db.execute(update(Credit), rows)
        for outcome in ("matched", "ambiguous", "unmatched"):
            CREDITS.labels(outcome).inc(len(result[outcome]))
        return {k: len(v) for k, v in result.items()}

    @rpc
    @command(ManualMatchSchema, rule="K1")
    def match_credit(self, data):
        """A person settles a credit matching left open (a tie, a typo)."""
        credit = matching.check_credit_found(self.db.scalar(select(Credit).where(
            Credit.bank_serial == data["bank_serial"])), data["bank_serial"])
        subs = [self._get_submission(s) for s in dict.fromkeys(data["submission_ids"])]
        matching.check_manual_match(
            {"status": credit.status, "bank_serial": credit.bank_serial},
            [{"id": s.id, "status": s.status, "credit_id": s.credit_id} for s in subs])
        credit.status, credit.method, credit.candidates = "matched", "manual", None
        credit.matched_by, credit.matched_at = data["actor"], utcnow()
        for s in subs:
            s.credit_id = credit.id
        self.db.flush()
        return self._credit_view(credit)

    @rpc
    def list_credits(self, status=None, limit=500):
        limit = max(1, min(int(limit), 10000)) if str(limit).isdigit() else 500
        query = select(Credit).order_by(Credit.value_date, Credit.bank_serial).limit(limit)
        if status:
            query = query.where(Credit.status == status)
        return [self._credit_view(c) for c in self.db.scalars(query)]

    def _credit_view(self, c):
        subs = self.db.scalars(select(Submission.id).where(Submission.credit_id == c.id)).all()
        return {"bank_serial": c.bank_serial, "value_date": _iso(c.value_date),
                "amount_fen": c.amount_fen, "payer_name": c.payer_name,
                "payer_account": c.payer_account, "note": c.note, "status": c.status,
                "method": c.method, "candidates": c.candidates, "submissions": list(subs),
                "statement_id": c.statement_id, "line": c.line_no,
                "matched_by": c.matched_by, "matched_at": _iso(c.matched_at)}

    @rpc
    def reconciliation_report(self, batch_code):
        """Per batch: matched credits, unmatched credits, submissions without
        a credit, under- and over-payments (K1)."""
        batch = self._get_batch(batch_code)
        open_ = (Submission.batch_code == batch_code,
                 Submission.status.in_((payments.PENDING, payments.CONFIRMED)))
        subs = self.db.execute(select(
            Submission.id, Submission.reference, Submission.status, Submission.payer_name,
            Submission.amount_fen, Submission.expected_fen, Submission.credit_id)
            .where(*open_).order_by(Submission.submitted_at)).mappings().all()
        lines = {}
        for sid, app in self.db.execute(select(
                SubmissionLine.submission_id, SubmissionLine.application_id)
                .join(Submission).where(*open_)):
            lines.setdefault(sid, []).append(app)
        paid_by = select(Submission.credit_id).where(Submission.credit_id.is_not(None), *open_)
        start, end = batch["payment"]
        credits = self.db.execute(select(
            Credit.id, Credit.bank_serial, Credit.value_date, Credit.amount_fen,
            Credit.payer_name, Credit.note, Credit.status, Credit.method, Credit.candidates)
            .where(or_(Credit.id.in_(paid_by),
                       (Credit.status != "matched") &
                       (Credit.value_date >= start - reconciliation.UNMATCHED_CREDIT_MARGIN) &
                       (Credit.value_date <= end + reconciliation.UNMATCHED_CREDIT_MARGIN)))
            .order_by(Credit.value_date, Credit.bank_serial)).mappings().all()
        covered = {}
        for sid, cid, expected in self.db.execute(select(
                Submission.id, Submission.credit_id, Submission.expected_fen)
                .where(Submission.credit_id.in_(paid_by))):
            covered.setdefault(cid, []).append({"id": sid, "expected_fen": expected})
        return reconciliation.reconciliation_report(
            batch, [dict(s, applications=lines.get(s["id"], [])) for s in subs],
            [dict(c, candidates=(c["candidates"] or {}).get("submissions", []),
                  submissions=covered.get(c["id"], [])) for c in credits])


def _chunks(values, size=CHUNK):
    values = list(values)
    for n in range(0, len(values), size):
        yield values[n:n + size]
