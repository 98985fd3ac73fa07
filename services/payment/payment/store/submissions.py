"""Payment submissions (a receipt paying for one or more applications) and
the center's decisions on them."""
import uuid

from sqlalchemy import func, select, update

from kernel.db import utcnow
from kernel.errors import Conflict, NotFound

from payment.domain import payments
from payment.models import Credit, Item, Submission, SubmissionLine
from payment.store.common import iso, like, paged

SORTS = {"submitted_at": Submission.submitted_at, "amount_fen": Submission.amount_fen,
         "expected_fen": Submission.expected_fen, "payer_name": Submission.payer_name,
         "batch_code": Submission.batch_code, "status": Submission.status,
         "difference_fen": Submission.amount_fen - Submission.expected_fen,
         "decided_at": Submission.decided_at}


def get(db, submission_id):
    """The submission, or SUBMISSION_NOT_FOUND."""
    sub = db.get(Submission, str(submission_id))
    if sub is None:
        raise NotFound("SUBMISSION_NOT_FOUND", "no such payment submission",
                       field="submission_id")
    return sub


def create(db, items, fees, batch_code, data, channel, payer_kind, institution_code, actor):
    """The pending submission of ``items`` with its lines (the fees due)."""
    receipt = data["receipt"]
    sub = Submission(
        id=str(uuid.uuid4()), reference=items[0].reference, channel=channel,
        payer_kind=payer_kind, institution_code=institution_code, batch_code=batch_code,
        payer_name=receipt["payer_name"], payer_account=receipt["payer_account"],
        payee_name=receipt["payee_name"], payee_account=receipt["payee_account"],
        amount_fen=receipt["amount_fen"], expected_fen=sum(fees.values()),
        note=data["note"], receipt_hash=receipt["file"],
        transfer_date=receipt["transfer_date"], status=payments.PENDING,
        submitted_by=actor, submitted_at=utcnow())
    db.add(sub)
    db.flush()
    db.add_all(SubmissionLine(submission_id=sub.id, application_id=i.application_id,
                              amount_fen=fees[i.application_id]) for i in items)
    return sub


def lines(db, sub):
    return db.scalars(select(SubmissionLine).where(
        SubmissionLine.submission_id == sub.id)).all()


def view(db, sub, with_lines=True):
    out = {c: getattr(sub, c) for c in (
        "id", "reference", "channel", "payer_kind", "institution_code", "batch_code",
        "payer_name", "payer_account", "payee_name", "payee_account", "amount_fen",
        "expected_fen", "note", "receipt_hash", "status", "submitted_by", "decided_by",
        "decision_reason")}
    out.update(transfer_date=iso(sub.transfer_date), submitted_at=iso(sub.submitted_at),
               decided_at=iso(sub.decided_at), difference_fen=sub.amount_fen -
               sub.expected_fen)
    credit = db.get(Credit, sub.credit_id) if sub.credit_id else None
    out["credit"] = None if credit is None else {
        "bank_serial": credit.bank_serial, "value_date": iso(credit.value_date),
        "amount_fen": credit.amount_fen, "method": credit.method}
    if with_lines:
        rows = lines(db, sub)
        items = {i.application_id: i for i in db.scalars(select(Item).where(
            Item.application_id.in_([ln.application_id for ln in rows])))}
        out["applications"] = [
            {"application_id": ln.application_id, "amount_fen": ln.amount_fen,
             "name": getattr(items.get(ln.application_id), "name", None),
             "project_code": getattr(items.get(ln.application_id), "project_code", None)}
            for ln in rows]
    return out


def page(db, page=1, size=20, sort="-submitted_at", batch_code=None, status=None,
         institution_code=None, channel=None, q=None, credit=None, mismatch=None):
    """One page of submissions, filtered and sorted in the database: ``q`` in
    the payer's name, the reference or the id; ``credit`` "none" (no bank credit
    matched yet) or "matched"; ``mismatch`` True: the receipt's amount is not the
    fees due. Each row has its headcount. -> {items, total, page, size}."""
    query = select(Submission)
    for column, value in ((Submission.batch_code, batch_code), (Submission.status, status),
                          (Submission.institution_code, institution_code),
                          (Submission.channel, channel)):
        if value:
            query = query.where(column == value)
    if q and q.strip():
        pattern = like(q)
        query = query.where(Submission.payer_name.like(pattern, escape="\\")
                            | Submission.reference.like(pattern, escape="\\")
                            | Submission.id.like(pattern, escape="\\"))
    if credit == "none":
        query = query.where(Submission.credit_id.is_(None))
    elif credit == "matched":
        query = query.where(Submission.credit_id.is_not(None))
    if mismatch:
        query = query.where(Submission.amount_fen != Submission.expected_fen)
    rows, total = paged(db, query, SORTS, sort, page, size, Submission.id)
    heads = dict(db.execute(select(SubmissionLine.submission_id, func.count()).where(
        SubmissionLine.submission_id.in_([r.id for r in rows]))
        .group_by(SubmissionLine.submission_id)).all()) if rows else {}
    return {"items": [dict(view(db, r, with_lines=False), headcount=heads.get(r.id, 0))
                      for r in rows],
            "total": total, "page": page, "size": size}


def listed(db, batch_code=None, status=None, institution_code=None):
    query = select(Submission)
    if batch_code:
        query = query.where(Submission.batch_code == batch_code)
    if status:
        query = query.where(Submission.status == status)
    if institution_code:
        query = query.where(Submission.institution_code == institution_code)
    return [view(db, s, with_lines=False)
            for s in db.scalars(query.order_by(Submission.submitted_at))]


def state(sub):
    """The submission as the rules take it."""
    return {"id": sub.id, "channel": sub.channel, "status": sub.status,
            "amount_fen": sub.amount_fen, "expected_fen": sub.expected_fen,
            "credit_id": sub.credit_id}


def decide(db, sub, status, actor, reason, now):
    """Record the center's decision once (确认收费, P1/P2): SUBMISSION_DECIDED when
    someone else decided it meanwhile."""
    changed = db.execute(
        update(Submission).where(Submission.id == sub.id,
                                 Submission.status == payments.PENDING)
        .values(status=status, decided_by=actor, decided_at=now, decision_reason=reason),
        execution_options={"synchronize_session": False}).rowcount
    if changed != 1:
        raise Conflict("SUBMISSION_DECIDED", f"submission {sub.id} was just decided by "
                       "someone else", field="submission_id", rule=payments.rule_of(sub.channel))
    db.refresh(sub)


def release_credit(db, sub):
    """A rejected submission gives its bank credit back (unmatched again, K1)."""
    if sub.credit_id is None:
        return
    credit_id, sub.credit_id = sub.credit_id, None
    db.flush()
    still = db.scalar(select(func.count()).select_from(Submission).where(
        Submission.credit_id == credit_id))
    if not still:
        db.execute(update(Credit).where(Credit.id == credit_id).values(
            status="unmatched", method=None, candidates=None, matched_by=None,
            matched_at=None))


def sole_credit(db, sub):
    """The matched bank credit's amount when it pays this submission alone."""
    if sub.credit_id is None:
        return None
    shared = db.scalar(select(func.count()).select_from(Submission).where(
        Submission.credit_id == sub.credit_id))
    return db.get(Credit, sub.credit_id).amount_fen if shared == 1 else None


def pending_per_batch(db):
    return {(batch,): n for batch, n in db.execute(
        select(Submission.batch_code, func.count()).where(
            Submission.status == payments.PENDING).group_by(Submission.batch_code))}
