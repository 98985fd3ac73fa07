"""Payable items: one per approved application, with its status (payment.domain.payments)."""
from sqlalchemy import func, select, update

from kernel import names
from kernel.db import utcnow
from kernel.errors import Conflict

from payment.domain import payments
from payment.models import Item, Submission
from payment.store.common import chunks, iso


def find(db, application_id):
    return db.get(Item, str(application_id))


def add_approved(db, data):
    """The payable item of an approved application (review.application_approved)."""
    db.add(Item(
        application_id=data["application_id"], batch_code=data["batch_code"],
        project_code=data["project_code"], channel=data["channel"],
        institution_code=data["institution_code"] if data["channel"] == "institution"
        else None, id_number=data["id_number"].strip().upper(),
        name=names.normalize_lenient(data["name"]),
        reference=payments.item_reference(data["channel"], data["application_id"],
                                          data["institution_code"], data["batch_code"]),
        status=payments.PAYABLE, approved_at=utcnow(), updated_at=utcnow()))


def get(db, application_id):
    """The item, or NOT_APPROVED (P1)."""
    return payments.check_approved(application_id, find(db, application_id))


def many(db, application_ids):
    """The items in the order asked, or NOT_APPROVED (P1) naming the missing."""
    found = {i.application_id: i for chunk in chunks(application_ids)
             for i in db.scalars(select(Item).where(Item.application_id.in_(chunk)))}
    return payments.check_all_approved(application_ids, found)


def view(item):
    return {"application_id": item.application_id, "batch_code": item.batch_code,
            "project_code": item.project_code, "channel": item.channel,
            "institution_code": item.institution_code, "id_number": item.id_number,
            "name": item.name, "reference": item.reference, "status": item.status,
            "submission_id": item.submission_id, "amount_fen": item.amount_fen,
            "paid_at": iso(item.paid_at), "note": item.note,
            "payment_slip": None if item.slip_number is None else {
                "number": item.slip_number, "issued_by": item.slip_issued_by,
                "issued_at": iso(item.slip_issued_at)}}


def issue_slip(db, item, number, actor):
    """Record the 三联单 the center's office issued (P2, 2024); a second one replaces it."""
    item.slip_number, item.slip_issued_by = number, actor
    item.slip_issued_at = item.updated_at = utcnow()
    db.flush()


def state(item):
    """The item as the rules take it."""
    return {"application_id": item.application_id, "status": item.status,
            "channel": item.channel, "institution_code": item.institution_code,
            "batch_code": item.batch_code, "id_number": item.id_number,
            "submission_id": item.submission_id}


def payable_of_institution(db, institution_code, batch_code):
    return db.scalars(select(Item).where(
        Item.institution_code == institution_code, Item.batch_code == batch_code,
        Item.channel == "institution", Item.status == payments.PAYABLE)
        .order_by(Item.project_code, Item.name)).all()


def listed(db, batch_code, status=None, institution_code=None):
    query = select(Item).where(Item.batch_code == batch_code)
    if status:
        query = query.where(Item.status == status)
    if institution_code:
        query = query.where(Item.institution_code == institution_code)
    return [view(i) for i in db.scalars(query.order_by(Item.approved_at))]


def counts(db, batch_code):
    """The batch's items by project, channel and status, with the money
    confirmed: [{project_code, channel, status, count, paid_fen}]."""
    return [{"project_code": p, "channel": c, "status": st, "count": n, "paid_fen": paid or 0}
            for p, c, st, n, paid in db.execute(
                select(Item.project_code, Item.channel, Item.status, func.count(),
                       func.sum(Item.amount_fen))
                .where(Item.batch_code == batch_code)
                .group_by(Item.project_code, Item.channel, Item.status)
                .order_by(Item.project_code, Item.channel, Item.status))]


def of_batch_project(db, batch_code, project_code):
    return db.scalars(select(Item).where(Item.batch_code == batch_code,
                                         Item.project_code == project_code)).all()


def open_in_batches(db, codes):
    return [i for chunk in chunks(sorted(codes)) for i in db.scalars(
        select(Item).where(Item.batch_code.in_(chunk), Item.status.in_(payments.OPEN_ITEM)))]


def close(db, item, status, note, expect=payments.OPEN_ITEM):
    """Move an open item to a closed status once, even with two replicas at it
    (conditional update); its pending submission lapses when nothing in it is
    waiting any more. True when this call made the change."""
    changed = db.execute(
        update(Item).where(Item.application_id == item.application_id,
                           Item.status.in_(expect))
        .values(status=status, note=note, updated_at=utcnow()),
        execution_options={"synchronize_session": False}).rowcount
    if changed != 1:
        return False
    sub_id = item.submission_id
    db.refresh(item)
    if sub_id:
        waiting = db.scalar(select(func.count()).select_from(Item).where(
            Item.submission_id == sub_id, Item.status == payments.SUBMITTED))
        if not waiting:
            db.execute(update(Submission).where(
                Submission.id == sub_id, Submission.status == payments.PENDING).values(
                status=payments.LAPSED, decided_by="system", decided_at=utcnow(),
                decision_reason=note))
    return True


def mark_submitted(db, application_ids, submission_id, channel):
    """Payable items become submitted in this submission, all of them or
    ALREADY_SUBMITTED (P1/P2: another submission took one of them meanwhile)."""
    changed = sum(db.execute(
        update(Item).where(Item.application_id.in_(chunk), Item.status == payments.PAYABLE)
        .values(status=payments.SUBMITTED, submission_id=submission_id, updated_at=utcnow()),
        execution_options={"synchronize_session": False}).rowcount
        for chunk in chunks(application_ids))
    if changed != len(application_ids):
        raise Conflict("ALREADY_SUBMITTED", "one of the applications was submitted by "
                       "another payment at the same time", field="application_ids",
                       rule=payments.rule_of(channel))


def mark_paid(db, items, amounts, now):
    """The ``items`` of a confirmed submission are paid, each its line's amount
    (``amounts``: application id -> fen): one UPDATE per amount and 500 items,
    not one per item (one institution pays for thousands). The loaded objects
    are expired, so a later read sees the new state."""
    by_amount = {}
    for item in items:
        by_amount.setdefault(amounts[item.application_id], []).append(item.application_id)
    for amount_fen, ids in by_amount.items():
        for chunk in chunks(ids):
            db.execute(update(Item).where(Item.application_id.in_(chunk))
                       .values(status=payments.PAID, paid_at=now, amount_fen=amount_fen,
                               updated_at=now),
                       execution_options={"synchronize_session": False})
    for item in items:
        db.expire(item)


def reopen(db, submission_id):
    """The submitted items of a rejected submission are payable again."""
    db.execute(update(Item).where(Item.submission_id == submission_id,
                                  Item.status == payments.SUBMITTED)
               .values(status=payments.PAYABLE, submission_id=None, updated_at=utcnow()),
               execution_options={"synchronize_session": False})


def mark_refunded(db, application_id):
    item = db.get(Item, application_id)
    item.status, item.updated_at = payments.REFUNDED, utcnow()
