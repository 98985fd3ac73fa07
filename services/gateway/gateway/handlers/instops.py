"""The institution operator's console after registration (缴费, 准考证, 成绩与证书,
考评员推荐) and the municipal center's console (its region's assessor
applications), #16.

An institution operator is held to its own institution by the dispatcher (the
path's ``institution_code``); a municipal center to its region here (the
account's region, never the request's). Tables come back as one page
``{items, total, page, size}``: a service that pages in its database does it
(payment.submissions_page); otherwise the service's list for one batch or
period (already filtered by institution, unit or region) is filtered, sorted
and cut here, on the server, never in the browser.
"""
from kernel.errors import Forbidden, ValidationFailed

from gateway import domain
from gateway.handlers.common import as_file


# --- paging of a service's list ---------------------------------------------------------

def page_of(rows, query, sorts, search=()):
    """One page of ``rows`` (dicts): ``q`` in the ``search`` keys, ``sort`` a key
    of ``sorts`` ('-' first: descending; None values last), then ``page`` and
    ``size``. An unknown sort is VALIDATION_FAILED on its field."""
    sort = query.get("sort") or sorts[0]
    key = sort.lstrip("-")
    if key not in sorts:
        raise ValidationFailed("VALIDATION_FAILED", f"sort by one of {', '.join(sorts)}",
                               field="sort", details={"errors": {"sort": [
                                   f"one of {', '.join(sorts)}, '-' before it to reverse"]}})
    text = (query.get("q") or "").strip().upper()
    if text:
        rows = [r for r in rows if any(text in str(r.get(k) or "").upper() for k in search)]
    present = [r for r in rows if r.get(key) is not None]
    absent = [r for r in rows if r.get(key) is None]
    present.sort(key=lambda r: _key(r[key]), reverse=sort.startswith("-"))
    rows = present + absent
    page, size = query.get("page") or 1, query.get("size") or 20
    return {"items": rows[(page - 1) * size:page * size], "total": len(rows),
            "page": page, "size": size}


def _key(value):
    return (0, value) if isinstance(value, (int, float)) else (1, str(value))


def _only(query, *names):
    return {n: query.get(n) for n in names if query.get(n) is not None}


# --- 缴费 (P1) -----------------------------------------------------------------------------

PAYMENT_SORTS = ("name", "project_code", "status", "amount_fen", "paid_at")


def payment_items(ctx):
    """The institution's payable candidates of a batch with their payment status."""
    q = ctx.query
    rows = ctx.rpc("payment").list_items(q["batch_code"], q.get("status"),
                                         ctx.path["institution_code"])
    return page_of(rows, q, PAYMENT_SORTS, search=("name", "id_number", "reference"))


def payment_submissions(ctx):
    """The institution's payment submissions: the center's 确认收费 or its reason
    for refusing, paged in payment's database."""
    q = ctx.query
    return ctx.rpc("payment").submissions_page(
        page=q.get("page") or 1, size=q.get("size") or 20, sort=q.get("sort") or "-submitted_at",
        institution_code=ctx.path["institution_code"], **_only(q, "batch_code", "status"))


# --- 准考证 (T1) ---------------------------------------------------------------------------

def ticket_status(ctx):
    return ctx.rpc("exam").institution_ticket_status(ctx.query["batch_code"],
                                                     ctx.path["institution_code"])


# --- 成绩 and 证书 (C4) ----------------------------------------------------------------------

RESULT_SORTS = ("name", "project_code", "status", "submitted_at")
RESULT_FIELDS = ("id", "batch_code", "project_code", "name", "id_number", "status",
                 "submitted_at", "updated_at")
RESULT_STATUSES = ("passed", "failed", "certified", "certificate_revoked")


def results(ctx):
    """The institution's candidates of a batch who have a result (合格, 不合格,
    证书已发), from registration's record of each application."""
    q = ctx.query
    found = ctx.rpc("registration").list_institution_applications(
        ctx.path["institution_code"], q["batch_code"], q.get("status"))
    rows = [{k: a.get(k) for k in RESULT_FIELDS} for a in found
            if a.get("status") in RESULT_STATUSES]
    return page_of(rows, q, RESULT_SORTS, search=("name", "id_number"))


CERTIFICATE_SORTS = ("number", "name", "project_name", "paper_status", "collectable_from")


def certificates(ctx):
    """The institution's certificates of a batch with the paper certificate's
    state and the day it may be collected (30 working days after the exam, C4)."""
    q = ctx.query
    rows = ctx.rpc("certificate").list_certificates(q["batch_code"],
                                                    ctx.path["institution_code"], q.get("status"))
    if q.get("paper_status"):
        rows = [r for r in rows if r.get("paper_status") == q["paper_status"]]
    return page_of(rows, q, CERTIFICATE_SORTS, search=("number", "name", "id_number"))


def certificate_ledger(ctx):
    """证书台账 of the institution as .xlsx: every handover of its certificates."""
    q = ctx.query
    request = dict(_only(q, "batch_code"), institution_code=ctx.path["institution_code"])
    for day in ("since", "until"):
        if q.get(day):
            request[day] = q[day].isoformat()
    return as_file(ctx.rpc("certificate").export_ledger_xlsx(request))


def certificate_trail(ctx):
    """The handovers of one certificate of the institution's candidates (the
    dispatcher holds the operator to the path's institution)."""
    found = ctx.rpc("certificate").get_certificate(ctx.path["certificate_number"])
    if found.get("institution_code") != ctx.path["institution_code"]:
        raise Forbidden("OTHER_INSTITUTION", "this certificate is not of this institution's "
                        "candidates", field="certificate_number")
    return found.get("ledger", [])


# --- 考评员推荐 (A1, A6, A7) -----------------------------------------------------------------

APPLICATION_SORTS = ("submitted_at", "name", "status", "project_type", "updated_at")
APPLICATION_FIELDS = ("id", "period_code", "unit_code", "region", "name", "id_number", "sex",
                      "projects", "project_type", "status", "closed_step", "submitted_at",
                      "updated_at", "chain", "reviews", "work_summary_chars")


def _applications(ctx, q, **who):
    found = ctx.rpc("assessor_training").list_applications(q["period_code"],
                                                           status=q.get("status"), **who)
    rows = []
    for a in found:
        row = {k: a.get(k) for k in APPLICATION_FIELDS}
        person = a.get("person") or {}
        row.update(work_unit=person.get("work_unit"), phone=person.get("phone"),
                   declared_unit=(a.get("declared_unit") or {}).get("name")
                   if isinstance(a.get("declared_unit"), dict) else a.get("declared_unit"))
        rows.append(row)
    return page_of(rows, q, APPLICATION_SORTS, search=("name", "id_number", "work_unit"))


def unit_applications(ctx):
    """The unit's applicants in a period (an institution-operator account bound to
    the unit's code: its first review, 单位推荐)."""
    return _applications(ctx, ctx.query, unit_code=ctx.path["institution_code"])


def unit_summary(ctx):
    """附件2 《考评员资格培训（复核）汇总表》 of the unit's people, .xlsx."""
    q = ctx.query
    return as_file(ctx.rpc("assessor_training").summary_workbook(
        q["period_code"], ctx.path["institution_code"], q.get("scope") or "recommended"))


def unit_standing(ctx):
    """The unit's standing (A7): its places in the period, returned recommendations,
    findings and a 通报 if any."""
    return ctx.rpc("assessor_training").get_unit(ctx.path["institution_code"],
                                                 ctx.query["period_code"])


def _region(ctx):
    """A municipal center's own region; the provincial center names one."""
    p = ctx.principal
    if p.role == domain.MUNICIPAL:
        domain.check_region(p, ctx.query.get("region") or p.region)
        return p.region
    if not ctx.query.get("region"):
        raise ValidationFailed("VALIDATION_FAILED", "region: the municipal center's region "
                               "code, e.g. 510600", field="region",
                               details={"errors": {"region": ["required"]}})
    return ctx.query["region"]


def municipal_applications(ctx):
    """The region's assessor applications of a period (市州职鉴中心's step)."""
    return _applications(ctx, ctx.query, region=_region(ctx))


def municipal_standing(ctx):
    """The center's places in the period and what lowered them (A7 (一)), with the
    period's review deadlines (A1)."""
    q = ctx.query
    out = ctx.rpc("assessor_training").municipal_standing(q["period_code"], _region(ctx))
    out["period"] = ctx.rpc("assessor_training").get_period(q["period_code"])
    return out
