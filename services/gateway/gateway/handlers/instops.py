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
import io
from datetime import date

from kernel import exports
from kernel.documents import Document
from kernel.errors import Forbidden, RuleViolation, ValidationFailed

from gateway import domain
from gateway.handlers.common import as_file
from gateway.route import PDF, XLSX
from gateway.web import File


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


# --- 《四川核发专项职业能力证书登记表》 (C4) ------------------------------------------------

FORM_TITLE = "四川核发专项职业能力证书登记表"
FORM_COLUMNS = (            # (header, width in mm): 186 mm between the 12 mm margins
    ("序号", 10), ("姓名", 18), ("性别", 9), ("身份证号码", 34), ("考核项目", 40),
    ("考核结果", 24), ("证书编号", 27), ("领取人签字", 24))
FORM_ROWS_PER_PAGE = 20
SEX_ZH = {"M": "男", "F": "女"}


def cn_date(iso):
    d = date.fromisoformat(str(iso)[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def registration_form_data(ctx):
    """What the 登记表 lists (C4): the institution's valid certificates of the
    batch (one per candidate who passed; a revoked one is not collected), once
    the collection day (the batch's working days after the exam) has come.

    Refused, rule C4: no certificate of the institution in the batch yet
    (REGISTRATION_FORM_EMPTY); the collection day in a year whose working-day
    calendar is not loaded (COLLECTION_PENDING_CALENDAR, ``details.year``);
    before the collection day (REGISTRATION_FORM_NOT_YET, ``details.collectable_from``
    ISO, ``collectable_from_zh`` as the page shows it, ``collection_working_days``)."""
    code, batch = ctx.path["institution_code"], ctx.query["batch_code"]
    certs = ctx.rpc("certificate").list_certificates(batch, code, "valid")
    if not certs:
        raise RuleViolation("REGISTRATION_FORM_EMPTY", f"institution {code} has no certificate "
                            f"in batch {batch} yet: the form would list nobody",
                            field="batch_code", rule="C4")
    pending = [c for c in certs if c.get("collection_state") == "pending_calendar"]
    if pending:
        year = pending[0].get("pending_year")
        raise RuleViolation("COLLECTION_PENDING_CALENDAR", f"the collection day of batch "
                            f"{batch} is in {year}, whose working-day calendar is not loaded "
                            "yet", field="batch_code", rule="C4", details={"year": year})
    waiting = [c for c in certs if c.get("collection_state") != "open"]
    if waiting:
        first = max(c["collectable_from"] for c in waiting)
        raise RuleViolation("REGISTRATION_FORM_NOT_YET", f"the registration form of batch "
                            f"{batch} is offered from {first}, the collection day "
                            f"({waiting[0]['collection_working_days']} working days after "
                            "the exam)", field="batch_code", rule="C4",
                            details={"collectable_from": first,
                                     "collectable_from_zh": cn_date(first),
                                     "collection_working_days":
                                         waiting[0]["collection_working_days"]})
    found = [i for i in ctx.rpc("registration").list_institutions() if i.get("code") == code]
    certs = sorted(certs, key=lambda c: c["number"])
    return {"institution_code": code,
            "institution_name": found[0].get("name") if found else code,
            "batch_code": batch,
            "exam_dates": sorted({c["exam_date"] for c in certs}),
            "projects": list(dict.fromkeys(c["project_name"] for c in certs)),
            "collectable_from": max(c["collectable_from"] for c in certs),
            "rows": [[n, c["name"], SEX_ZH.get(c.get("sex"), ""), c["id_number"],
                      c["project_name"], _result(c.get("score")), c["number"], ""]
                     for n, c in enumerate(certs, 1)]}


def _result(score):
    """考核结果: every certificate is of a pass (C1); the score beside it when known."""
    if isinstance(score, (int, float)) and not isinstance(score, bool):
        return f"合格（{score:g}分）"
    return "合格"


def _form_heading(form):
    return [f"报名机构：{form['institution_name']}（机构代码：{form['institution_code']}）",
            f"考核批次：{form['batch_code']}　　考核日期："
            + "、".join(cn_date(d) for d in form["exam_dates"])
            + f"　　合格人数：{len(form['rows'])} 人",
            "考核项目：" + "、".join(form["projects"])]


FORM_FOOT = ("负责人（签字）：", "（单位公章）", "经办人：", "联系电话：", "日期：　　　　年　　月　　日")
FORM_NOTE = ("注：考核结束30个工作日后，报名机构派专人凭负责人签字并加盖公章的本表原件到省职鉴中心"
             "办理证书；证书须及时发放给考生本人，领取人在本表签字，并做好证书台账登记工作，"
             "确保纸质证书去向溯源可查。")


def registration_form_pdf(ctx):
    """The 登记表 as an A4 PDF to print, sign and stamp (kernel.documents)."""
    form = registration_form_data(ctx)
    return File(render_registration_form(form), PDF,
                f"{FORM_TITLE}-{form['institution_code']}-{form['batch_code']}.pdf")


def render_registration_form(form):
    rows = form["rows"]
    pages = [rows[i:i + FORM_ROWS_PER_PAGE] for i in range(0, len(rows), FORM_ROWS_PER_PAGE)]
    doc = Document(title=f"{FORM_TITLE} {form['institution_code']} {form['batch_code']}",
                   subject=FORM_TITLE, author=form["institution_name"],
                   keywords=" ".join(r[6] for r in rows[:50]))
    for n, part in enumerate(pages, 1):
        if n > 1:
            doc.next_page()
        doc.text(105, 22, FORM_TITLE, size=18, align="center")
        y = 32
        for line in _form_heading(form):
            y = doc.wrap(12, y, line, width=186, size=10.5)
        y = _form_table(doc, y + 1, part)
        if n == len(pages):
            _form_foot(doc, y)
        doc.text(105, 288, f"第 {n} 页　共 {len(pages)} 页", size=9, align="center")
    return doc.finish()


def _form_table(doc, top, rows, head=10, height=8.5):
    """The grid: a header line and a row every ``height`` mm; returns its bottom."""
    bottom = top + head + height * len(rows)
    x = 12
    edges = [x]
    for _, w in FORM_COLUMNS:
        x += w
        edges.append(x)
    for e in edges:
        doc.line(e, top, e, bottom, width=0.5)
    for y in [top, top + head] + [top + head + height * (i + 1) for i in range(len(rows))]:
        doc.line(12, y, edges[-1], y, width=0.8 if y in (top, top + head) else 0.4)
    for (label, w), left in zip(FORM_COLUMNS, edges):
        doc.text(left + w / 2, top + 6.5, label, size=10, align="center")
    for i, row in enumerate(rows):
        base = top + head + height * i + 5.8
        for value, (_, w), left in zip(row, FORM_COLUMNS, edges):
            _cell(doc, left + w / 2, base, str(value), w - 2)
    return bottom


def _cell(doc, x, base, text, width):
    """A cell's text centred at 9 pt; a longer one (a project's name) on two lines."""
    if doc.width(text, 9) <= width or len(text) < 2:
        doc.text(x, base, text, size=doc.fit(text, 9, width, min_size=5), align="center")
        return
    cut = (len(text) + 1) // 2
    for part, y in ((text[:cut], base - 1.9), (text[cut:], base + 1.7)):
        doc.text(x, y, part, size=doc.fit(part, 8, width, min_size=5), align="center")


def _form_foot(doc, y):
    """The lines left blank for signing and the seal, then the notice's words."""
    y += 12
    doc.text(14, y, FORM_FOOT[0] + "＿＿＿＿＿＿＿＿", size=11)
    doc.text(150, y, FORM_FOOT[1], size=11)
    y += 10
    doc.text(14, y, FORM_FOOT[2] + "＿＿＿＿＿＿", size=11)
    doc.text(80, y, FORM_FOOT[3] + "＿＿＿＿＿＿＿＿", size=11)
    y += 10
    doc.text(14, y, FORM_FOOT[4], size=11)
    doc.wrap(14, y + 9, FORM_NOTE, width=182, size=9)


def registration_form_xlsx(ctx):
    """The same 登记表 as .xlsx (kernel.exports: no cell a formula), to fill in
    on a computer before printing."""
    from openpyxl import load_workbook
    form = registration_form_data(ctx)
    content = exports.workbook(FORM_TITLE, [h for h, _ in FORM_COLUMNS], form["rows"],
                               sheet="登记表")
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    heading = _form_heading(form)
    ws.insert_rows(2, amount=len(heading))
    for n, line in enumerate(heading, 2):
        ws.cell(row=n, column=1, value=exports.cell(line))
    last = ws.max_row + 2
    for n, line in enumerate((FORM_FOOT[0], FORM_FOOT[1], f"{FORM_FOOT[2]}　　　　{FORM_FOOT[3]}",
                              FORM_FOOT[4], FORM_NOTE)):
        ws.cell(row=last + n, column=1, value=exports.cell(line))
    out = io.BytesIO()
    wb.save(out)
    return File(out.getvalue(), XLSX,
                f"{FORM_TITLE}-{form['institution_code']}-{form['batch_code']}.xlsx")


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
