"""Bank statements and their credits (K1) as stored: imports, the matches
written back, the reconciliation report's rows."""
from sqlalchemy import case, or_, select, update

from kernel.db import utcnow

from payment.domain import matching, payments, reconciliation, statements
from payment.models import Credit, Statement, Submission, SubmissionLine
from payment.store.common import chunks, iso, like, paged

SORTS = {"value_date": Credit.value_date, "amount_fen": Credit.amount_fen,
         "payer_name": Credit.payer_name, "bank_serial": Credit.bank_serial,
         "line": Credit.line_no, "status": Credit.status}

OPEN_SUBMISSION = (payments.PENDING, payments.CONFIRMED)


def new_credits(db, parsed):
    """Credits not imported before; a serial already there with the same
    details is a duplicate, with other details it is reported as broken."""
    credits = parsed["credits"]
    existing = {}
    for chunk in chunks([c["bank_serial"] for c in credits]):
        for row in db.execute(select(
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


def add_statement(db, filename, sha256, actor, fresh):
    """The statement's row and its new credits (unmatched)."""
    statement = Statement(filename=filename, sha256=sha256, actor=actor, imported_at=utcnow(),
                          summary={})
    db.add(statement)
    db.flush()
    rows = []
    for c in fresh:
        row = {k: v for k, v in c.items() if k != "line"}
        row.update(line_no=c["line"], statement_id=statement.id, status="unmatched",
                   candidates=None)
        rows.append(row)
    if rows:
        db.execute(Credit.__table__.insert(), rows)
    return statement


def reconcile(db):
    """Match every credit and submission without a partner (domain.matching)
    and write the outcome; the lists matching.match returned."""
    credits = db.execute(select(
        Credit.id, Credit.amount_fen, Credit.payer_name, Credit.note, Credit.status).where(
        Credit.status != "matched").order_by(Credit.value_date, Credit.bank_serial)
    ).mappings().all()
    if not credits:
        return {"matched": [], "ambiguous": [], "unmatched": []}
    subs = db.execute(select(
        Submission.id, Submission.reference, Submission.amount_fen, Submission.payer_name)
        .where(Submission.credit_id.is_(None), Submission.status.in_(OPEN_SUBMISSION))
        .order_by(Submission.submitted_at)).mappings().all()
    result = matching.match([dict(c) for c in credits], [dict(s) for s in subs])
    now = utcnow()
    # few statements whatever the size: one UPDATE per chunk and method,
    # the submission -> credit links as one CASE per chunk
    by_method = {}
    for m in result["matched"]:
        by_method.setdefault(m["method"], []).append(m["credit"])
    for method, ids in by_method.items():
        for chunk in chunks(ids):
            db.execute(update(Credit).where(Credit.id.in_(chunk)).values(
                status="matched", method=method, candidates=None, matched_by="system",
                matched_at=now), execution_options={"synchronize_session": False})
    links = [(sid, m["credit"]) for m in result["matched"] for sid in m["submissions"]]
    for chunk in chunks(links):
        db.execute(update(Submission).where(
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
        db.execute(update(Credit), rows)
    return result


def by_serial(db, bank_serial):
    """The credit, or CREDIT_NOT_FOUND (K1)."""
    return matching.check_credit_found(db.scalar(select(Credit).where(
        Credit.bank_serial == bank_serial)), bank_serial)


def match_by_hand(db, credit, subs, actor):
    credit.status, credit.method, credit.candidates = "matched", "manual", None
    credit.matched_by, credit.matched_at = actor, utcnow()
    for s in subs:
        s.credit_id = credit.id
    db.flush()


def view(db, c):
    subs = db.scalars(select(Submission.id).where(Submission.credit_id == c.id)).all()
    return {"bank_serial": c.bank_serial, "value_date": iso(c.value_date),
            "amount_fen": c.amount_fen, "payer_name": c.payer_name,
            "payer_account": c.payer_account, "note": c.note, "status": c.status,
            "method": c.method, "candidates": c.candidates, "submissions": list(subs),
            "statement_id": c.statement_id, "line": c.line_no,
            "matched_by": c.matched_by, "matched_at": iso(c.matched_at)}


def listed(db, status=None, limit=500):
    query = select(Credit).order_by(Credit.value_date, Credit.bank_serial).limit(limit)
    if status:
        query = query.where(Credit.status == status)
    return [view(db, c) for c in db.scalars(query)]


def page(db, page=1, size=20, sort="value_date", status=None, statement_id=None, q=None):
    """One page of bank credits, filtered and sorted in the database: ``q`` in
    the payer's name, the bank serial or the note. -> {items, total, page, size}."""
    query = select(Credit)
    if status:
        query = query.where(Credit.status == status)
    if statement_id:
        query = query.where(Credit.statement_id == int(statement_id))
    if q and q.strip():
        pattern = like(q)
        query = query.where(Credit.payer_name.like(pattern, escape="\\")
                            | Credit.bank_serial.like(pattern, escape="\\")
                            | Credit.note.like(pattern, escape="\\"))
    rows, total = paged(db, query, SORTS, sort, page, size, Credit.id)
    return {"items": [view(db, c) for c in rows], "total": total, "page": page, "size": size}


def report_rows(db, batch):
    """The batch's open submissions (with their applications) and the credits
    of the report: those paying them, and the unmatched ones booked around the
    payment window (reconciliation.UNMATCHED_CREDIT_MARGIN)."""
    open_ = (Submission.batch_code == batch["code"], Submission.status.in_(OPEN_SUBMISSION))
    subs = db.execute(select(
        Submission.id, Submission.reference, Submission.status, Submission.payer_name,
        Submission.amount_fen, Submission.expected_fen, Submission.credit_id)
        .where(*open_).order_by(Submission.submitted_at)).mappings().all()
    lines = {}
    for sid, app in db.execute(select(
            SubmissionLine.submission_id, SubmissionLine.application_id)
            .join(Submission).where(*open_)):
        lines.setdefault(sid, []).append(app)
    paid_by = select(Submission.credit_id).where(Submission.credit_id.is_not(None), *open_)
    start, end = batch["payment"]
    margin = reconciliation.UNMATCHED_CREDIT_MARGIN
    credits = db.execute(select(
        Credit.id, Credit.bank_serial, Credit.value_date, Credit.amount_fen,
        Credit.payer_name, Credit.note, Credit.status, Credit.method, Credit.candidates)
        .where(or_(Credit.id.in_(paid_by),
                   (Credit.status != "matched") & (Credit.value_date >= start - margin) &
                   (Credit.value_date <= end + margin)))
        .order_by(Credit.value_date, Credit.bank_serial)).mappings().all()
    covered = {}
    for sid, cid, expected in db.execute(select(
            Submission.id, Submission.credit_id, Submission.expected_fen)
            .where(Submission.credit_id.in_(paid_by))):
        covered.setdefault(cid, []).append({"id": sid, "expected_fen": expected})
    return ([dict(s, applications=lines.get(s["id"], [])) for s in subs],
            [dict(c, candidates=(c["candidates"] or {}).get("submissions", []),
                  submissions=covered.get(c["id"], [])) for c in credits])
