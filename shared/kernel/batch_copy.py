"""The entrypoints of a service that keeps a copy of the exam service's batches.

kernel.batches gives the table (``BatchCopy``) and the rules of the copy
(``keep``, ``as_dict``, ``to_wire``); ``BatchCopyEntrypoints`` gives what every
such service answers and hears, written once:

    class PaymentService(BatchCopyEntrypoints, ServiceBase):
        name = "payment"
        db = Database(Base)
        exam = RpcClient("exam")
        batch_model = Batch                      # class Batch(BatchCopy, Base)
        batch_contract = exam_events.Batch       # the batch as exam declares it

- ``list_batches()`` (RPC): the copy, as the exam service publishes batches;
- ``sync_batches()`` (RPC): pull every batch from exam (after a restore, or when
  events were missed); events keep the copy current otherwise;
- handlers of exam.batch_scheduled / exam.batch_updated;
- ``_get_batch(code)``: the batch as ``batches.as_dict`` gives it, or NotFound;
- ``after_batch_kept(code)``: a hook for what a service derives from a batch.
"""
from sqlalchemy import select

from kernel import batches
from kernel.entrypoints import handles, rpc
from kernel.errors import NotFound


class BatchCopyEntrypoints:
    batch_model = None
    batch_contract = None      # exam.events.Batch (the kernel imports no service)

    @rpc
    def list_batches(self):
        model = self.batch_model
        return [batches.to_wire(b) for b in
                self.db.scalars(select(model).order_by(model.exam_date))]

    @rpc
    def sync_batches(self):
        return {"updated": sum(self._keep_batch(b) for b in self.exam.list_batches())}

    @handles("exam", "batch_scheduled")
    def on_batch_scheduled(self, event):
        self._keep_batch(event["payload"]["batch"])

    @handles("exam", "batch_updated")
    def on_batch_updated(self, event):
        self._keep_batch(event["payload"]["batch"])

    def _keep_batch(self, raw):
        changed = batches.keep(self.db, self.batch_model, raw, self.batch_contract)
        if changed:
            self.after_batch_kept(raw["code"])
        return changed

    def after_batch_kept(self, code):
        """A service that derives something from a batch (review's due dates)
        refreshes it here, in the same transaction as the new copy."""

    def _get_batch(self, code):
        row = self.db.get(self.batch_model, str(code))
        if row is None:
            raise NotFound("BATCH_NOT_FOUND", f"no batch {code}", field="batch_code")
        return batches.as_dict(row)
