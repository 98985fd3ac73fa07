"""Batches (exam plans) as stored."""
from sqlalchemy import select

from kernel.db import utcnow
from kernel.errors import NotFound

from exam.models import Batch
from exam.schemas import batch_schema


def get(db, code, field="batch_code"):
    row = db.get(Batch, str(code))
    if row is None:
        raise NotFound("BATCH_NOT_FOUND", f"no batch {code}", field=field)
    return row


def find(db, code):
    return db.get(Batch, str(code))


def dicts(db, codes):
    """{code: the batch as the rules take it (dates as dates)}."""
    return {code: get(db, code).to_dict() for code in codes}


def listed(db, year=None):
    query = select(Batch).order_by(Batch.exam_date)
    if year is not None:
        query = query.where(Batch.year == int(year))
    return [view(b) for b in db.scalars(query)]


def by_exam_date(db, before=None):
    query = select(Batch).order_by(Batch.exam_date)
    if before is not None:
        query = query.where(Batch.exam_date < before)
    return db.scalars(query)


def view(row):
    return batch_schema.dump(row.to_dict())


def create(db, data):
    row = Batch(code=data["code"], status="scheduled", version=1, updated_at=utcnow())
    row.assign(data)
    db.add(row)
    db.flush()
    return view(row)


def update(db, row, merged):
    row.assign(merged)
    row.version += 1
    row.updated_at = utcnow()
    db.flush()
    return view(row)
