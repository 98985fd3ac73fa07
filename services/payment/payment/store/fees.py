"""The fee schedule (F1) as stored: projects and their dated fees."""
from datetime import date

from sqlalchemy import delete, func, select

from kernel.db import utcnow

from payment.domain import fee_schedule
from payment.models import Fee, Project
from payment.store.common import iso


def load_default(db, schedule):
    """Add the shipped schedule's fees for projects that have none yet; the number added."""
    added = 0
    for p in schedule["projects"]:
        if db.get(Project, p["project_code"]) is None:
            db.add(Project(code=p["project_code"], name_zh=p["project_name"]))
            db.flush()
        has_fee = db.scalar(select(func.count()).select_from(Fee).where(
            Fee.project_code == p["project_code"]))
        if not has_fee:
            for f in p["fees"]:
                db.add(Fee(project_code=p["project_code"],
                           effective_from=date.fromisoformat(f["effective_from"]),
                           amount_fen=int(f["amount_fen"]), set_by="fees.json",
                           set_at=utcnow()))
                added += 1
    db.flush()
    return added


def listed(db, project_code=None):
    query = select(Fee, Project.name_zh).join(Project).order_by(Fee.project_code,
                                                                Fee.effective_from)
    if project_code:
        query = query.where(Fee.project_code == project_code)
    return [{"project_code": f.project_code, "project_name": name,
             "effective_from": iso(f.effective_from), "amount_fen": f.amount_fen,
             "set_by": f.set_by, "set_at": iso(f.set_at)}
            for f, name in db.execute(query)]


def project_codes(db):
    return set(db.scalars(select(Project.code)))


def project_name(db, code):
    return db.get(Project, code).name_zh


def set_entries(db, entries, replace, actor):
    """Write checked fee entries; with ``replace`` the projects named keep only
    these. The codes of the projects named."""
    codes = sorted({e["project_code"] for e in entries})
    for e in entries:
        if e["project_name"]:
            row = db.get(Project, e["project_code"]) or Project(code=e["project_code"])
            row.name_zh = e["project_name"]
            db.add(row)
    db.flush()
    if replace:
        db.execute(delete(Fee).where(Fee.project_code.in_(codes)))
    for e in entries:
        row = db.scalar(select(Fee).where(Fee.project_code == e["project_code"],
                                          Fee.effective_from == e["effective_from"]))
        row = row or Fee(project_code=e["project_code"], effective_from=e["effective_from"])
        row.amount_fen, row.set_by, row.set_at = e["amount_fen"], actor, utcnow()
        db.add(row)
    db.flush()
    return codes


def fees_due(db, items, batch):
    """{application_id: fee in fen} for the items of one batch (F1)."""
    codes = {i.project_code for i in items}
    entries = [{"project_code": f.project_code, "effective_from": f.effective_from,
                "amount_fen": f.amount_fen}
               for f in db.scalars(select(Fee).where(Fee.project_code.in_(sorted(codes))))]
    on = fee_schedule.fee_date(batch)
    per_project = {code: fee_schedule.fee_in_force(entries, code, on) for code in codes}
    return {i.application_id: per_project[i.project_code] for i in items}
