"""数据看板 (#17): the figures the services' business gauges are set from,
gathered from each service's ``business_figures`` RPC (the same functions
``refresh_business_metrics`` sets skillcert_registration_stage,
skillcert_exam_candidates_by_stage, skillcert_review_overdue_tasks,
skillcert_payment_awaiting_confirmation and skillcert_assessor_cards_expiring_30d
from), so the portal and Prometheus show one figure. Each role sees its slice:
the provincial and municipal centers everything, a reviewer the stages and
the reviews overdue, finance the stages and the payments awaiting
confirmation, the exam and certificate staff the stages and the pass rates."""
from gateway.domain import (CERTIFICATE_OFFICER, EXAM_ADMIN, FINANCE, MUNICIPAL, PROVINCIAL,
                            REVIEWER)

STAGES = ("registered", "approved", "paid", "seated", "present", "passed", "certified")
EVERYTHING = ("stages", "pass_rates", "overdue_reviews", "awaiting_payments",
              "cards_expiring")
SLICES = {
    PROVINCIAL: EVERYTHING,
    MUNICIPAL: EVERYTHING,
    REVIEWER: ("stages", "overdue_reviews"),
    FINANCE: ("stages", "awaiting_payments"),
    EXAM_ADMIN: ("stages", "pass_rates"),
    CERTIFICATE_OFFICER: ("stages", "pass_rates"),
}


def dashboard(ctx):
    sections = SLICES[ctx.principal.role]
    batch = ctx.query.get("batch_code")
    out = {"sections": list(sections), "batch_code": batch}
    if "stages" in sections or "pass_rates" in sections:
        rows = merge_stages(ctx.rpc("registration").business_figures()["stages"],
                            ctx.rpc("exam").business_figures()["stages"])
        rows = [r for r in rows if not batch or r["batch_code"] == batch]
        out["batches"] = sorted({r["batch_code"] for r in rows}, reverse=True)
        if "stages" in sections:
            out["stages"] = rows
        if "pass_rates" in sections:
            out["pass_rates"] = pass_rates(rows)
    if "overdue_reviews" in sections:
        figures = ctx.rpc("review").business_figures()
        out["overdue_reviews"] = [r for r in figures["overdue"]
                                  if not batch or r["batch_code"] == batch]
    if "awaiting_payments" in sections:
        figures = ctx.rpc("payment").business_figures()
        out["awaiting_payments"] = [r for r in figures["awaiting"]
                                    if not batch or r["batch_code"] == batch]
    if "cards_expiring" in sections:
        out["cards_expiring_30d"] = \
            ctx.rpc("assessor_training").business_figures()["cards_expiring_30d"]
    return out


def merge_stages(registration, exam):
    """One row per batch and project with every stage of STAGES (and failed):
    registration's stages and exam's seated and present, 0 where one has none."""
    rows = {}
    for source in (registration, exam):
        for r in source:
            row = rows.setdefault((r["batch_code"], r["project_code"]), dict(
                {"batch_code": r["batch_code"], "project_code": r["project_code"],
                 "failed": 0}, **{s: 0 for s in STAGES}))
            row.update({k: v for k, v in r.items() if k in STAGES or k == "failed"})
    return [rows[k] for k in sorted(rows)]


def pass_rates(rows):
    """Per project (over the rows given): passed, failed, and passed / (passed +
    failed) as a fraction, None before any result."""
    by_project = {}
    for r in rows:
        p = by_project.setdefault(r["project_code"], {"project_code": r["project_code"],
                                                      "passed": 0, "failed": 0})
        p["passed"] += r["passed"]
        p["failed"] += r["failed"]
    for p in by_project.values():
        sat = p["passed"] + p["failed"]
        p["rate"] = round(p["passed"] / sat, 4) if sat else None
    return [by_project[k] for k in sorted(by_project)]
