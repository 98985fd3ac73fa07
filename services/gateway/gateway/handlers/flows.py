"""Handlers that do more than relay: they fill in who is acting, or check that
the caller may see what they asked for (review, payment, exam, certificates,
assessor training)."""
from kernel.errors import Forbidden

from gateway import domain
from gateway.handlers import files
from gateway.handlers.common import as_file, part_key


# --- review ------------------------------------------------------------------------------

def reviewer(ctx):
    return {"reviewer": {"name": ctx.actor, "role": "center"}}


DECISIONS_PER_CALL = 200     # decide_many items per RPC (docs/performance.md)


def decide_many(ctx):
    """Many decisions (up to review's 1,000), DECISIONS_PER_CALL to an RPC, one
    call after the other: each item has its own outcome, so the parts answer as
    one call would; part ``n``'s idempotency key is ``<key>:<n>``, so a repeated
    request replays the parts that were recorded. At N=10,000 one call of 1,000
    took more than the gateway's 10 s while the services took in the previous
    sitting's events."""
    decisions, key = ctx.body["decisions"], ctx.body.get("idempotency_key")
    results = []
    for start in range(0, len(decisions), DECISIONS_PER_CALL):
        request = dict(ctx.body, decisions=decisions[start:start + DECISIONS_PER_CALL],
                       **reviewer(ctx))
        if key:
            request["idempotency_key"] = part_key(key, start // DECISIONS_PER_CALL)
        out = ctx.rpc("review").decide_many(request)
        results += [dict(r, index=r["index"] + start) for r in out["results"]]
    ok = sum(1 for r in results if r["ok"])
    return {"ok": ok, "failed": len(results) - ok, "results": results}


def decide(ctx):
    request = dict(ctx.body, application_id=ctx.path["application_id"], **reviewer(ctx))
    return ctx.rpc("review").decide(request)


# --- payment -------------------------------------------------------------------------------

def payable(ctx):
    found = ctx.rpc("payment").get_payable(ctx.path["application_id"])
    domain.check_application(ctx.principal, found)
    return found


def pay(ctx):
    """P2: a candidate pays for their own application (or has it paid for), with a
    receipt they uploaded."""
    payable(ctx)
    files.check_receipt(ctx)
    request = dict(ctx.body, application_id=ctx.path["application_id"], actor=ctx.actor,
                   candidate_id_number=ctx.principal.id_number)
    return ctx.rpc("payment").submit_individual_payment(request)


def submission(ctx):
    found = ctx.rpc("payment").get_submission(ctx.path["submission_id"])
    domain.check_institution(ctx.principal, found.get("institution_code"))
    return found


# --- exam ----------------------------------------------------------------------------------

def exam_candidate(ctx):
    found = ctx.rpc("exam").get_candidate(ctx.path["application_id"])
    domain.check_application(ctx.principal, found)
    return found


def my_ticket(ctx):
    p = ctx.principal
    return as_file(ctx.rpc("exam").download_ticket(p.id_number, p.name))


# --- certificates ----------------------------------------------------------------------------

def my_certificates(ctx):
    p = ctx.principal
    return ctx.rpc("certificate").find_certificates(p.id_number, p.name)


def my_certificate_pdf(ctx):
    p = ctx.principal
    return as_file(ctx.rpc("certificate").download_certificate(
        ctx.path["certificate_number"], p.id_number, p.name))


# --- assessor training -------------------------------------------------------------------------

def assessor_application(ctx, application_id=None):
    """An applicant sees their own; a recommending unit (an institution-operator
    account bound to the unit's code) its own applicants; a municipal center
    its region's; the provincial center every one."""
    found = ctx.rpc("assessor_training").get_application(
        application_id or ctx.path["application_id"])
    p = ctx.principal
    if p.role == domain.CANDIDATE and found.get("id_number") != p.id_number:
        raise Forbidden("NOT_YOUR_APPLICATION", "this application is not yours",
                        field="application_id")
    if p.role == domain.INSTITUTION and found.get("unit_code") != p.institution_code:
        raise Forbidden("OTHER_UNIT", "a unit sees only the applicants it recommends",
                        field="application_id")
    domain.check_region(p, found.get("region"))
    return found


def apply_as_assessor(ctx):
    person = ctx.body.get("person") or {}
    if str(person.get("id_number", "")).strip().upper() != ctx.principal.id_number:
        raise Forbidden("NOT_YOURSELF", "an applicant applies for themselves: the ID number "
                        "must be the account's", field="person.id_number")
    return ctx.rpc("assessor_training").submit_application(ctx.body)


def assessor_applications(ctx):
    q = dict(ctx.query)
    if ctx.principal.role == domain.INSTITUTION:
        if q.get("unit_code") not in (None, ctx.principal.institution_code):
            raise Forbidden("OTHER_UNIT", "a unit sees only the applicants it recommends",
                            field="unit_code")
        q["unit_code"] = ctx.principal.institution_code
    if ctx.principal.role == domain.MUNICIPAL:
        domain.check_region(ctx.principal, q.get("region") or ctx.principal.region)
        q["region"] = ctx.principal.region
    return ctx.rpc("assessor_training").list_applications(**q)


AUTHORITY = {domain.INSTITUTION: lambda p: p.institution_code,
             domain.MUNICIPAL: lambda p: p.region,
             domain.PROVINCIAL: lambda p: "provincial"}


def assessor_review(ctx):
    """A1: the unit (an institution operator bound to the unit's code), the
    municipal center (its region) or the provincial center decides its step;
    the authority comes from the account, never from the request."""
    p = ctx.principal
    request = dict(ctx.body, application_id=ctx.path["application_id"],
                   authority=AUTHORITY[p.role](p), reviewer=ctx.actor)
    return ctx.rpc("assessor_training").review_application(request)


def my_cards(ctx):
    return ctx.rpc("assessor_training").find_cards(ctx.principal.id_number)


def my_assessor_applications(ctx):
    return ctx.rpc("assessor_training").find_applications(ctx.principal.id_number)


def recommending_units(ctx):
    """What an applicant needs to name their unit: code, name, kind, region; not
    the unit's track record (A7), which is the centers' business."""
    return [{k: u.get(k) for k in ("code", "name", "kind", "region")}
            for u in ctx.rpc("assessor_training").list_units()]


def set_sessions(ctx):
    return ctx.rpc("exam").set_sessions(ctx.path["batch_code"], ctx.body["sessions"])


def institution_tickets(ctx):
    return as_file(ctx.rpc("exam").institution_tickets(
        {"institution_code": ctx.path["institution_code"],
         "batch_code": ctx.query["batch_code"], "part": ctx.query["part"]}))
