"""nameko entrypoints of the exam service (this slice: the batch catalogue)."""
from sqlalchemy import select

from kernel.db import Database, utcnow
from kernel.entrypoints import rpc
from kernel.errors import Conflict, NotFound
from kernel.outbox import emit
from kernel.schemas import load
from kernel.service import ServiceBase

from exam import domain
from exam.models import Base, Batch
from exam.schemas import BatchSchema, batch_schema


class ExamService(ServiceBase):
    name = "exam"
    db = Database(Base)

    @rpc
    def list_batches(self, year=None):
        query = select(Batch).order_by(Batch.exam_date)
        if year is not None:
            query = query.where(Batch.year == int(year))
        return [batch_schema.dump(b.to_dict()) for b in self.db.scalars(query)]

    @rpc
    def get_batch(self, code):
        return batch_schema.dump(self._get(code).to_dict())

    @rpc
    def schedule_batch(self, batch):
        data = domain.check_batch(load(BatchSchema(), batch))
        if self.db.get(Batch, data["code"]) is not None:
            raise Conflict("BATCH_EXISTS", f"batch {data['code']} already exists",
                           field="code")
        return self._create(data)

    @rpc
    def update_batch(self, code, changes):
        row = self._get(code)
        data = load(BatchSchema(partial=True), dict(changes, code=code))
        merged = dict(row.to_dict(), **data)
        domain.check_batch(merged)
        return self._update(row, merged)

    @rpc
    def load_calendar(self):
        """Upsert the 2024 and 2026 calendars shipped with the service."""
        created = updated = unchanged = 0
        for raw in domain.calendar_rows():
            data = domain.check_batch(load(BatchSchema(), raw))
            row = self.db.get(Batch, data["code"])
            if row is None:
                self._create(data)
                created += 1
            elif domain.changed_fields(row.to_dict(), data):
                self._update(row, dict(row.to_dict(), **data))
                updated += 1
            else:
                unchanged += 1
        return {"created": created, "updated": updated, "unchanged": unchanged}

    def _get(self, code):
        row = self.db.get(Batch, code)
        if row is None:
            raise NotFound("BATCH_NOT_FOUND", f"no batch {code}", field="code")
        return row

    def _create(self, data):
        row = Batch(code=data["code"], status="scheduled", version=1, updated_at=utcnow())
        row.assign(data)
        self.db.add(row)
        self.db.flush()
        out = batch_schema.dump(row.to_dict())
        emit(self.db, "batch_scheduled", {"batch": out})
        return out

    def _update(self, row, merged):
        changed = domain.changed_fields(row.to_dict(), merged)
        if not changed:
            return batch_schema.dump(row.to_dict())
        row.assign(merged)
        row.version += 1
        row.updated_at = utcnow()
        self.db.flush()
        out = batch_schema.dump(row.to_dict())
        emit(self.db, "batch_updated", {"batch": out, "changed": changed})
        return out
