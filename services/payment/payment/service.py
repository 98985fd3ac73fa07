"""nameko entrypoints of the payment service: validate (schemas), apply the
rules (payment.domain, a module per area), persist (payment.store, the same
areas), record events. Payable items from review's approvals, receipts (M3),
submissions (P1 institutions, P2 individuals, P3 the receipt) and the center's
decision (确认收费). Three mixins complete the class: the fee schedule and the
payee (payment.fees), the end of the window and refunds (payment.closing: P4,
B1) and the bank reconciliation (payment.bank: K1). The layout: docs/payment.md,
"The code"."""
import base64

from kernel import batches, metrics, settings
from kernel.batch_copy import BatchCopyEntrypoints
from kernel.commands import command
from kernel.db import Database, utcnow
from kernel.entrypoints import EVENT_BATCH, handles, rpc
from kernel.rpc import RpcClient
from kernel.schemas import load
from kernel.service import ServiceBase
from kernel.storage import Blobs
from kernel.uploads import decode_base64

from exam import events as exam_events
from registration import events as registration_events
from review import events as review_events

from payment import events, store
from payment.bank import BankEntrypoints
from payment.closing import ClosingEntrypoints
from payment.counters import AWAITING, PAYMENTS
from payment.domain import notes, payments, receipts, wording, years
from payment.fees import FeeEntrypoints
from payment.models import Base, Batch
from payment.schemas import (ConfirmSchema, IndividualPaymentSchema, InstitutionPaymentSchema,
                             PaymentSlipSchema, RejectSchema, UploadReceiptSchema)
from payment.store.common import iso


class PaymentService(FeeEntrypoints, ClosingEntrypoints, BankEntrypoints,
                     BatchCopyEntrypoints, ServiceBase):
    name = "payment"
    db = Database(Base)
    blobs = Blobs()
    exam = RpcClient("exam")
    batch_model = Batch          # list_batches, sync_batches and the exam batch handlers
    batch_contract = exam_events.Batch   # how the copy loads exam's batches

    def refresh_business_metrics(self):
        metrics.snapshot(AWAITING, store.submissions.pending_per_batch(self.db))

    @rpc
    def business_figures(self):
        """The figures skillcert_payment_awaiting_confirmation is set from (the dashboard)."""
        return {"awaiting": [{"batch_code": b, "count": n} for (b,), n in
                             sorted(store.submissions.pending_per_batch(self.db).items())]}

    # --- payable items -------------------------------------------------------

    @handles("review", "application_approved", batch=EVENT_BATCH)
    def on_approved(self, event):
        data = review_events.APPLICATION_APPROVED.load(event["payload"])
        if store.items.find(self.db, data["application_id"]) is not None:
            return      # approved twice (another event id): the item is already there
        store.items.add_approved(self.db, data)
        PAYMENTS.labels("approved").inc()

    @handles("registration", "application_withdrawn")
    def on_withdrawn(self, event):
        data = registration_events.APPLICATION_WITHDRAWN.load(event["payload"])
        item = store.items.find(self.db, data["application_id"])
        if item is not None and item.status in payments.OPEN_ITEM:
            store.items.close(self.db, item, payments.WITHDRAWN, data["reason"] or "withdrawn")

    @rpc
    def get_payable(self, application_id):
        """One application's payment: status, amount due, reference for the
        transfer note, the payee, the rules of the batch's year (payment.domain.years)
        and, by them, the note a proxy payer must write (P2, 2026) or where the
        三联单 is issued (P2, 2024)."""
        item = store.items.get(self.db, application_id)
        out = store.items.view(item)
        batch = self.db.get(Batch, item.batch_code)
        if batch is not None:
            batch = batches.as_dict(batch)
            rules = years.rules_for(batch["year"])
            due = self._fees_due([item], batch)[item.application_id]
            out.update(amount_due_fen=due, exam_date=iso(batch["exam_date"]),
                       payment_window=[iso(d) for d in batch["payment"]],
                       payment_rules=rules.as_dict())
            if item.channel == "individual" and rules.payment_slip:
                out["payment_slip_office"] = self._slip_office()
            if item.channel == "individual" and rules.proxy_note:
                out["proxy_note"] = notes.proxy_note(
                    "{payer}", item.name, batch["exam_date"],
                    store.fees.project_name(self.db, item.project_code), due)
        out["payee"] = self._center()
        return out

    @rpc
    def payment_order(self, institution_code, batch_code):
        """What an institution transfers for its payable candidates of a batch
        (P1): the applications, the total, the reference and the note."""
        batch = self._get_batch(batch_code)
        items = store.items.payable_of_institution(self.db, institution_code, batch_code)
        fees = self._fees_due(items, batch) if items else {}
        reference = payments.item_reference("institution", None, institution_code, batch_code)
        return {"institution_code": institution_code, "batch_code": batch_code,
                "exam_date": iso(batch["exam_date"]),
                "payment_window": [iso(d) for d in batch["payment"]],
                "applications": [dict(store.items.view(i), amount_due_fen=fees[i.application_id])
                                 for i in items],
                "headcount": len(items), "total_fen": sum(fees.values()),
                "reference": reference,
                "note": notes.institution_note(batch["exam_date"], len(items), reference),
                "payee": self._center()}

    @rpc
    def list_items(self, batch_code, status=None, institution_code=None):
        return store.items.listed(self.db, batch_code, status, institution_code)

    # --- receipts (M3) -----------------------------------------------------------

    @rpc
    def upload_receipt(self, upload, uploader=None):
        """The bank receipt (银行回单): an image or a PDF, checked by content.
        ``uploader``: who uploaded it as the gateway names its callers, recorded
        so that the uploader may read it before a payment holds it."""
        data = load(UploadReceiptSchema(), upload)
        content = decode_base64(data["content_base64"], "content_base64", "M3")
        kind = receipts.check_receipt(content, field="content_base64")
        key = self.blobs.put(content)
        store.receipts.add(self.db, key, receipts.media_type(kind), len(content), uploader)
        return {"hash": key, "media_type": receipts.media_type(kind), "size": len(content)}

    @rpc
    def receipt_readers(self, hashes):
        """For the gateway's file rule: of each known receipt, who uploaded it and
        the applications of the payments that hold it (ID number, name, channel,
        institution). Unknown hashes are left out."""
        return store.receipts.readers(self.db, hashes)

    @rpc
    def get_receipt(self, hash):
        row = store.receipts.get(self.db, hash)
        return {"hash": row.hash, "media_type": row.media_type,
                "content_base64": base64.b64encode(self.blobs.get(row.hash)).decode()}

    def _check_receipt(self, receipt):
        store.receipts.get(self.db, receipt["file"], uploaded_first=True)
        payments.check_receipt_details(receipt, self._center())

    # --- submissions (P1, P2, P3) -----------------------------------------------

    @rpc
    @command(InstitutionPaymentSchema, rule="P1")
    def submit_institution_payment(self, data):
        """P1: one transfer for many approved candidates of the institution."""
        batch = self._get_batch(data["batch_code"])
        payments.check_payment_open(batch, settings.today(self.config))
        items = store.items.many(self.db, data["application_ids"])
        payments.check_institution_items([store.items.state(i) for i in items],
                                         data["institution_code"], batch["code"])
        self._check_receipt(data["receipt"])
        if years.rules_for(batch["year"]).institution_note:
            notes.check_institution_note(data["note"], batch["exam_date"], len(items))
        return self._submit(items, batch, data, channel="institution",
                            payer_kind="institution", institution_code=data["institution_code"],
                            actor=data["actor"] or data["institution_code"])

    @rpc
    @command(IndividualPaymentSchema, rule="P2")
    def submit_individual_payment(self, data):
        """P2: a candidate's own payment, or a payment by someone else whose
        note follows the required wording (2026); a 2024 one follows the 三联单
        the center issued."""
        item = store.items.get(self.db, data["application_id"])
        batch = self._get_batch(item.batch_code)
        rules = years.rules_for(batch["year"])
        payments.check_payment_open(batch, settings.today(self.config))
        payments.check_individual_item(store.items.state(item), data["candidate_id_number"])
        years.check_slip_issued(item.slip_number, rules)
        self._check_receipt(data["receipt"])
        proxy = notes.is_proxy(data["receipt"]["payer_name"], item.name)
        if proxy and rules.proxy_note:
            notes.check_proxy_note(data["note"], data["receipt"]["payer_name"], item.name,
                                   batch["exam_date"],
                                   store.fees.project_name(self.db, item.project_code),
                                   self._fees_due([item], batch)[item.application_id])
        return self._submit([item], batch, data, channel="individual",
                            payer_kind="proxy" if proxy else "self", institution_code=None,
                            actor=data["actor"] or item.id_number)

    @rpc
    @command(PaymentSlipSchema, rule="P2")
    def issue_payment_slip(self, data):
        """P2 (2024, 000 五): the center's office issued the 三联单 to an individual
        candidate in the payment window; the candidate may now pay and submit."""
        item = store.items.get(self.db, data["application_id"])
        batch = self._get_batch(item.batch_code)
        years.check_slip_issuable(store.items.state(item), years.rules_for(batch["year"]))
        payments.check_payment_open(batch, settings.today(self.config))
        payments.check_item_payable(store.items.state(item))
        store.items.issue_slip(self.db, item, data["slip_number"].strip(), data["actor"])
        return store.items.view(item)

    def _submit(self, items, batch, data, channel, payer_kind, institution_code, actor):
        fees = self._fees_due(items, batch)
        sub = store.submissions.create(self.db, items, fees, batch["code"], data, channel,
                                       payer_kind, institution_code, actor)
        ids = [i.application_id for i in items]
        store.items.mark_submitted(self.db, ids, sub.id, channel)
        PAYMENTS.labels("submitted").inc(len(ids))
        out = store.submissions.view(self.db, sub)
        if sub.amount_fen != sub.expected_fen:
            diff = sub.amount_fen - sub.expected_fen
            out["warnings"] = [f"AMOUNT_MISMATCH: the receipt shows {wording.yuan(sub.amount_fen)}"
                               f" yuan, the fees due are {wording.yuan(sub.expected_fen)} yuan "
                               f"({wording.yuan(diff)}); the center will not confirm it so"]
        return out

    @rpc
    def get_submission(self, submission_id):
        return store.submissions.view(self.db, store.submissions.get(self.db, submission_id))

    @rpc
    def list_submissions(self, batch_code=None, status=None, institution_code=None):
        return store.submissions.listed(self.db, batch_code, status, institution_code)

    @rpc
    def submissions_page(self, page=1, size=20, sort="-submitted_at", batch_code=None,
                         status=None, institution_code=None, channel=None, q=None,
                         credit=None, mismatch=None):
        """Finance's list: one page of submissions, filtered and sorted in the
        database (payment.store.submissions.page)."""
        return store.submissions.page(self.db, page, size, sort, batch_code, status,
                                      institution_code, channel, q, credit, mismatch)

    # --- the center's decision ---------------------------------------------------

    @rpc
    @command(ConfirmSchema)
    def confirm_submission(self, data):
        """确认收费: every application of the submission is paid; one
        payment_confirmed per application (registration locks it, B2)."""
        sub = store.submissions.get(self.db, data["submission_id"])
        lines = {ln.application_id: ln.amount_fen for ln in store.submissions.lines(self.db, sub)}
        items = store.items.many(self.db, list(lines))
        payments.check_confirm(store.submissions.state(sub),
                               [store.items.state(i) for i in items],
                               self._get_batch(sub.batch_code), settings.today(self.config),
                               received_fen=data["received_fen"],
                               credit=store.submissions.sole_credit(self.db, sub))
        now = utcnow()
        store.submissions.decide(self.db, sub, payments.CONFIRMED, data["actor"], None, now)
        events.PAYMENT_CONFIRMED.emit_many(self.db, (dict(
            application_id=item.application_id, batch_code=item.batch_code,
            project_code=item.project_code, institution_code=item.institution_code,
            id_number=item.id_number, name=item.name, amount_fen=lines[item.application_id],
            submission_id=sub.id, confirmed_at=now.isoformat(), actor=data["actor"])
            for item in items))
        store.items.mark_paid(self.db, items, lines, now)
        PAYMENTS.labels("confirmed").inc(len(items))
        self.db.flush()
        return store.submissions.view(self.db, sub)

    @rpc
    @command(RejectSchema)
    def reject_submission(self, data):
        """The center refuses a submission with a reason; its applications can
        be paid again inside the window, and its bank credit is free again."""
        sub = store.submissions.get(self.db, data["submission_id"])
        payments.check_decidable(store.submissions.state(sub))
        store.submissions.decide(self.db, sub, payments.REJECTED, data["actor"], data["reason"],
                                 utcnow())
        store.items.reopen(self.db, sub.id)
        store.submissions.release_credit(self.db, sub)
        PAYMENTS.labels("rejected").inc()
        self.db.flush()
        return store.submissions.view(self.db, sub)
