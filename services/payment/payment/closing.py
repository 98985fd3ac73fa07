"""The entrypoints that close payments: the end of the payment window (P4)
and a cancelled batch's refunds (B1). A mixin of PaymentService:

- ``close_payment_window``, ``close_payment_window_now`` (RPC) and the hourly
  timer ``close_payment_windows``: application_abandoned once per application;
- exam.``batch_cancelled``: paid items to the refund list, open ones cancelled;
  ``list_refunds``, ``record_refund`` (RPC).

The rules are payment.domain.payments; the rows payment.store.items/refunds."""
from sqlalchemy import select

from kernel import batches, settings
from kernel.commands import command
from kernel.entrypoints import handles, rpc, timer

from exam import events as exam_events

from payment import events, store
from payment.counters import PAYMENTS
from payment.domain import payments
from payment.models import Batch
from payment.schemas import RefundSchema

WINDOW_CHECK_INTERVAL = 3600       # seconds between P4 sweeps


class ClosingEntrypoints:

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
        items = store.items.open_in_batches(self.db, ended)
        abandoned = []
        for item in payments.to_abandon([dict(store.items.state(i), item=i) for i in items],
                                        ended, today):
            row = item["item"]
            end = ended[row.batch_code]["payment"][1]
            reason = (f"no confirmed payment by the end of the payment window ({end}): "
                      "deemed to have abandoned (P4)")
            if store.items.close(self.db, row, payments.ABANDONED, reason):
                events.APPLICATION_ABANDONED.emit(
                    self.db, application_id=row.application_id, batch_code=row.batch_code,
                    project_code=row.project_code, reason=reason)
                abandoned.append(row.application_id)
        PAYMENTS.labels("abandoned").inc(len(abandoned))
        return {"today": today.isoformat(), "abandoned": len(abandoned),
                "application_ids": abandoned}

    @handles("exam", "batch_cancelled")
    def on_batch_cancelled(self, event):
        data = exam_events.BATCH_CANCELLED.load(event["payload"])
        reason = data["reason"] or "batch cancelled (B1)"
        for item in store.items.of_batch_project(self.db, data["batch_code"],
                                                 data["project_code"]):
            target = payments.after_cancellation(item.status)
            if target == payments.REFUND_DUE:
                store.refunds.add_due(self.db, item, reason)
                store.items.close(self.db, item, payments.REFUND_DUE, reason,
                                  expect=(payments.PAID,))
                PAYMENTS.labels("refund_due").inc()
            elif target is not None:
                store.items.close(self.db, item, target, reason)

    @rpc
    @command(RefundSchema)
    def record_refund(self, data):
        """Finance paid a refund back: the entry leaves the list of refunds due."""
        row = store.refunds.record(self.db, data["application_id"], data["actor"], data["note"])
        store.items.mark_refunded(self.db, row.application_id)
        self.db.flush()
        return [r for r in store.refunds.listed(self.db, row.batch_code, row.project_code)
                if r["application_id"] == row.application_id][0]

    @rpc
    def list_refunds(self, batch_code=None, project_code=None, status=None):
        """The refund list of cancelled batches (B1): confirmed payments to pay back."""
        return store.refunds.listed(self.db, batch_code, project_code, status)

    @rpc
    def refunds_page(self, page=1, size=20, sort="listed_at", batch_code=None,
                     project_code=None, status=None, q=None):
        """One page of the refund list (B1), filtered and sorted in the database."""
        return store.refunds.page(self.db, page, size, sort, batch_code, project_code,
                                  status, q)
