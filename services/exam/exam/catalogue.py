"""The entrypoints of the batch catalogue (考核计划): the exam service's batches,
which registration, review and payment copy from its events (their side is
kernel.batch_copy.BatchCopyEntrypoints). A mixin of ExamService, like that one:

    class ExamService(CatalogueEntrypoints, ServiceBase): ...

- ``list_batches``, ``get_batch``, ``schedule_batch``, ``update_batch``,
  ``load_calendar`` (RPC); ``batch_scheduled`` / ``batch_updated`` emitted;
- ``_batch(code)``: the batch row, or BATCH_NOT_FOUND.

The rules are exam.domain.batches; the rows exam.store.batches."""
from kernel.entrypoints import rpc
from kernel.errors import Conflict, ValidationFailed
from kernel.schemas import load

from exam import events, store
from exam.domain import batches
from exam.schemas import BatchSchema


class CatalogueEntrypoints:

    def _batch(self, code, field="batch_code"):
        return store.batches.get(self.db, code, field)

    @rpc
    def list_batches(self, year=None):
        if year is not None and not str(year).isdigit():
            raise ValidationFailed("VALIDATION_FAILED", "year is a number such as 2026",
                                   field="year")
        return store.batches.listed(self.db, year)

    @rpc
    def get_batch(self, code):
        return store.batches.view(self._batch(code, field="code"))

    @rpc
    def schedule_batch(self, batch):
        data = batches.check_batch(load(BatchSchema(), batch))
        if store.batches.find(self.db, data["code"]) is not None:
            raise Conflict("BATCH_EXISTS", f"batch {data['code']} already exists", field="code")
        return self._create(data)

    @rpc
    def update_batch(self, code, changes):
        row = self._batch(code, field="code")
        if not isinstance(changes, dict):
            raise ValidationFailed("VALIDATION_FAILED", "changes must be an object of batch "
                                   "fields", field="changes")
        data = load(BatchSchema(partial=True), dict(changes, code=code))
        return self._update(row, batches.check_batch(dict(row.to_dict(), **data)))

    @rpc
    def load_calendar(self):
        """Upsert the 2024 and 2026 calendars shipped with the service."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for raw in batches.calendar_rows():
            data = batches.check_batch(load(BatchSchema(), raw))
            row = store.batches.find(self.db, data["code"])
            if row is None:
                self._create(data)
                counts["created"] += 1
            elif batches.changed_fields(row.to_dict(), data):
                self._update(row, dict(row.to_dict(), **data))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        return counts

    def _create(self, data):
        out = store.batches.create(self.db, data)
        events.BATCH_SCHEDULED.emit(self.db, batch=out)
        return out

    def _update(self, row, merged):
        changed = batches.changed_fields(row.to_dict(), merged)
        if not changed:
            return store.batches.view(row)
        out = store.batches.update(self.db, row, merged)
        events.BATCH_UPDATED.emit(self.db, batch=out, changed=changed)
        return out
