"""The refund list of cancelled batches (B1)."""
from sqlalchemy import select

from kernel.db import utcnow

from payment.domain import payments
from payment.models import Item, Refund, Submission
from payment.store.common import iso, like, paged

SORTS = {"listed_at": Refund.listed_at, "amount_fen": Refund.amount_fen,
         "name": Item.name, "status": Refund.status, "refunded_at": Refund.refunded_at,
         "payer_name": Refund.payer_name}


def add_due(db, item, reason):
    """A confirmed payment of a cancelled batch goes on the refund list."""
    sub = db.get(Submission, item.submission_id)
    db.add(Refund(
        application_id=item.application_id, batch_code=item.batch_code,
        project_code=item.project_code, amount_fen=item.amount_fen,
        submission_id=item.submission_id, payer_name=sub.payer_name,
        payer_account=sub.payer_account, reason=reason, status="due", listed_at=utcnow()))


def listed(db, batch_code=None, project_code=None, status=None):
    query = select(Refund, Item).join(Item, Item.application_id == Refund.application_id)
    for column, value in ((Refund.batch_code, batch_code),
                          (Refund.project_code, project_code), (Refund.status, status)):
        if value:
            query = query.where(column == value)
    return [_view(r, i) for r, i in db.execute(
        query.order_by(Refund.listed_at, Refund.application_id))]


def _view(r, i):
    return {"application_id": r.application_id, "batch_code": r.batch_code,
            "project_code": r.project_code, "name": i.name, "id_number": i.id_number,
            "institution_code": i.institution_code, "amount_fen": r.amount_fen,
            "submission_id": r.submission_id, "payer_name": r.payer_name,
            "payer_account": r.payer_account, "reason": r.reason, "status": r.status,
            "listed_at": iso(r.listed_at), "refunded_by": r.refunded_by,
            "refunded_at": iso(r.refunded_at), "refund_note": r.refund_note}


def page(db, page=1, size=20, sort="listed_at", batch_code=None, project_code=None,
         status=None, q=None):
    """One page of the refund list, filtered and sorted in the database: ``q``
    in the candidate's or the payer's name. -> {items, total, page, size}."""
    query = select(Refund).join(Item, Item.application_id == Refund.application_id)
    for column, value in ((Refund.batch_code, batch_code),
                          (Refund.project_code, project_code), (Refund.status, status)):
        if value:
            query = query.where(column == value)
    if q and q.strip():
        pattern = like(q)
        query = query.where(Item.name.like(pattern, escape="\\")
                            | Refund.payer_name.like(pattern, escape="\\"))
    rows, total = paged(db, query, SORTS, sort, page, size, Refund.application_id)
    items = {i.application_id: i for i in db.scalars(select(Item).where(
        Item.application_id.in_([r.application_id for r in rows])))} if rows else {}
    return {"items": [_view(r, items[r.application_id]) for r in rows],
            "total": total, "page": page, "size": size}


def record(db, application_id, actor, note):
    """Finance paid it back: REFUND_NOT_FOUND / REFUND_RECORDED (B1) otherwise."""
    row = db.get(Refund, application_id)
    payments.check_refund_due(row and row.status)
    row.status, row.refunded_by, row.refunded_at = "refunded", actor, utcnow()
    row.refund_note = note
    return row
