"""The institution's bulk registration from the 考核人员花名册 workbook and the
batch's roster as .xlsx/.csv (docs/bulk-registration.md).

The import reads the workbook and the zip (gateway.roster_workbook, pure),
checks every row without writing anything, and answers each row's faults
(preview, ``submit`` false). With ``submit`` true it then uploads the files of
the valid rows (those already uploaded by the institution are not sent again)
and submits those rows with the bulk call (handlers.registration.submit_many,
the same as POST /institutions/{code}/applications), SUBMIT_CHUNK rows at a
time, so that the applications appear as the import goes: a row becomes an
application with all its files, or nothing. Each row's idempotency key is
the import's key (the hash of the batch, the workbook and the zip) and its
row number, so the same files imported twice create nothing twice: the
second import answers the applications of the first.
"""
import base64
import hashlib
import io
from datetime import date

import eventlet
from eventlet import tpool

from kernel import exports, settings
from kernel.errors import NotFound, ValidationFailed
from marshmallow import ValidationError

from registration.schemas import FirstReviewSchema

from gateway import domain, roster_workbook as rw
from gateway.handlers import files
from gateway.handlers.registration import submit_many
from gateway.web import File

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BODY = 1024 ** 3          # GATEWAY_MAX_IMPORT_BODY: this route's body limit
UPLOAD_CONCURRENCY = 8
SUBMIT_CHUNK = 100                   # rows whose files are uploaded, then submitted, at a time
LIVE = ("withdrawn",)                 # statuses that do not hold a person's place (R3)


# --- the catalogue as the import needs it ---------------------------------------------------

def _batch(ctx, batch_code):
    if not batch_code:
        raise ValidationFailed("VALIDATION_FAILED", "请选择考核批次", field="batch_code",
                               details={"errors": {"batch_code": ["required"]}})
    return ctx.rpc("exam").get_batch(batch_code)


def _institution(ctx, code):
    for inst in ctx.rpc("registration").list_institutions():
        if inst["code"] == code:
            return inst
    raise NotFound("INSTITUTION_UNKNOWN", "no such institution", field="institution_code")


def _projects(ctx, year):
    return ctx.rpc("registration").list_projects(year)


def authorised_projects(ctx, code, year):
    """(institution, the year's projects, the codes it may register for: I1)."""
    inst = _institution(ctx, code)
    projects = _projects(ctx, year)
    allowed = set((inst.get("authorisations") or {}).get(str(year), ()))
    return inst, projects, allowed


def template(ctx):
    """GET /institutions/{code}/roster-template: the roster template, its project
    list the institution's authorised projects of the batch's year."""
    code = ctx.path["institution_code"]
    batch = _batch(ctx, ctx.query.get("batch_code"))
    inst, projects, allowed = authorised_projects(ctx, code, batch["year"])
    names = [p["name_zh"] for p in projects if p["code"] in allowed]
    content = rw.template(names, inst["name"], batch["code"])
    return File(content, XLSX, f"考核人员花名册-{batch['code']}.xlsx")


# --- the import --------------------------------------------------------------------------------

def too_large(limit):
    return domain.PayloadTooLarge("BODY_TOO_LARGE", f"the body is larger than {limit} bytes",
                                  details={"max_bytes": limit})


def _form(ctx):
    request = ctx.request
    limit = int(settings.get(ctx.config, "GATEWAY_MAX_IMPORT_BODY", MAX_IMPORT_BODY))
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    request.max_content_length = limit
    if not (request.mimetype or "").startswith("multipart/form-data"):
        raise ValidationFailed("VALIDATION_FAILED", "须以 multipart/form-data 上传花名册和压缩包",
                               details={"errors": {"workbook": ["missing"]}})
    try:
        form, uploaded = request.form, request.files
    except Exception:                  # werkzeug's RequestEntityTooLarge
        raise too_large(limit) from None
    missing = {k: ["required"] for k in ("workbook", "materials") if k not in uploaded}
    if missing:
        raise ValidationFailed("VALIDATION_FAILED", "请上传花名册（.xlsx）和照片扫描件压缩包（.zip）",
                               field=sorted(missing)[0], details={"errors": missing})
    return form, uploaded


def _first_review(ctx, form):
    """The institution's 初审 of every row (V1) and its 报名质量责任承诺 (双承诺制)."""
    raw = {"reviewer": form.get("reviewer") or ctx.principal.name or ctx.principal.username,
           "reviewed_on": form.get("reviewed_on") or date.today().isoformat(),
           "opinion": form.get("opinion") or "pass",
           "pledge": str(form.get("pledge", "")).lower() in ("true", "1", "on", "yes")}
    try:
        loaded = FirstReviewSchema().load(raw)
    except ValidationError as exc:
        words = {"pledge": "须勾选报名质量责任承诺（双承诺制）", "reviewer": "请填写初审人",
                 "reviewed_on": "初审日期格式为 2026-11-02", "opinion": "初审意见须为“初审合格”"}
        name = sorted(exc.messages)[0]
        raise ValidationFailed("FIRST_REVIEW_INVALID", words.get(name, "初审信息不完整"),
                               field=f"first_review.{name}", rule="V1",
                               details={"errors": {f"first_review.{k}": v
                                                   for k, v in exc.messages.items()}})
    return dict(loaded, reviewed_on=loaded["reviewed_on"].isoformat())


def import_roster(ctx):
    """POST /institutions/{code}/roster-imports (multipart: batch_code, workbook,
    materials, submit, and with submit the first review: reviewer, reviewed_on,
    pledge)."""
    code = ctx.path["institution_code"]
    form, uploaded = _form(ctx)
    submit = str(form.get("submit", "")).lower() in ("true", "1", "on", "yes")
    first_review = _first_review(ctx, form) if submit else None
    batch = _batch(ctx, form.get("batch_code"))
    workbook = uploaded["workbook"].read()
    archive_file = uploaded["materials"].stream
    archive_file.seek(0)
    digest = hashlib.sha256(batch["code"].encode() + b"\0" + workbook + b"\0")
    for chunk in iter(lambda: archive_file.read(1 << 20), b""):
        digest.update(chunk)
    archive_file.seek(0)
    key = "roster:" + digest.hexdigest()[:40]
    _, rows = rw.read_workbook(workbook)
    if not rows:
        raise ValidationFailed("ROSTER_NO_ROWS", "花名册中没有考生（表头下一行起每行一名考生）",
                               field="workbook")
    archive, zipped, ignored = rw.read_zip(archive_file)
    inst, projects, allowed = authorised_projects(ctx, code, batch["year"])
    context = rw.Context(
        batch_code=batch["code"], exam_date=date.fromisoformat(str(batch["exam_date"])[:10]),
        projects={**{p["name_zh"]: p["code"] for p in projects},
                  **{p["code"]: p["code"] for p in projects}},
        authorised=allowed,
        conditions={p["code"]: [a["key"] for a in p["condition"].get("alternatives", ())]
                    for p in projects},
        condition_ids={p["code"]: p["condition"].get("id") for p in projects},
        first_review=first_review,
        photo_max=rw.files.PHOTO_MAX if int(batch["year"]) >= 2026 else None)
    _check_contents(archive, zipped, rows, context)
    registered = {(a["id_number"], a["project_code"]) for a in
                  ctx.rpc("registration").list_institution_applications(code, batch["code"])
                  if a["status"] not in LIVE}
    checked = rw.check_rows(rows, context, zipped)
    items = []
    for entry in checked:
        request = entry.pop("request")
        item = {**entry, "ok": request is not None, "registered": False}
        if request is not None:
            item["registered"] = (request["person"]["id_number"],
                                  request["project_code"]) in registered
            item["_request"] = request
        items.append(item)
    problems = _batch_problems(ctx, batch)
    answer = {"import_key": key, "batch_code": batch["code"], "institution": inst["name"],
              "submitted": False, "rows": len(items),
              "valid": sum(1 for i in items if i["ok"]),
              "invalid": sum(1 for i in items if not i["ok"]),
              "registered": sum(1 for i in items if i["registered"]),
              "problems": problems, "ignored_files": ignored[:100],
              "ignored_count": len(ignored)}
    if submit:
        valid = [i for i in items if i["ok"]]
        results = []
        # a part's files, then its rows: the applications appear as the import
        # goes (the page counts them for its progress bar), not all at the end
        for start in range(0, len(valid), SUBMIT_CHUNK):
            part = valid[start:start + SUBMIT_CHUNK]
            _upload(ctx, archive, zipped, part)
            results += submit_many(ctx, code, [dict(i["_request"], idempotency_key=
                                                    f"{key}:{i['row']}") for i in part])
        for item, result in zip(valid, results):
            if result["ok"]:
                item["application_id"], item["status"] = result["application_id"], result["status"]
            else:
                item["ok"] = False
                item["faults"] = [rw.service_fault(result["error"], item["row"])]
        answer.update(submitted=True, ok=sum(1 for r in results if r["ok"]),
                      failed=sum(1 for r in results if not r["ok"]))
        answer["invalid"] = sum(1 for i in items if not i["ok"])
    for item in items:
        item.pop("_request", None)
    answer["items"] = items
    return answer


def _batch_problems(ctx, batch):
    """What holds every row back: the batch's registration window (R1)."""
    if batch.get("status") == "cancelled":
        return [{"code": "BATCH_CANCELLED", "rule": "B1", "message": "该批次已取消"}]
    window = batch.get("registration") or {}
    from gateway.handlers.meta import clock_state
    today = clock_state(ctx)["today"]
    start, end = str(window.get("start", "")), str(window.get("end", ""))
    if start and end and not start <= today <= end:
        return [{"code": "REGISTRATION_WINDOW_CLOSED", "rule": "R1",
                 "message": f"本批次报名时间为 {start} 至 {end}，今天（{today}）不能提交"}]
    return []


def _check_contents(archive, zipped, rows, context):
    """kernel.files' check (M1/M2) of every file a row names, each content once."""
    wanted = set()
    for row in rows:
        number = (row.values.get("id_number") or "").strip().upper()
        wanted.add(number)
    verdicts = {}
    for number in wanted & set(zipped):
        for slot, entry in zipped[number].items():
            if entry.hash is None or entry.fault is not None:
                continue
            purpose = "photo" if slot == "photo" else "scan"
            if (entry.hash, purpose) not in verdicts:
                # decoding an image is CPU work: in a thread, so that the
                # gateway's other requests go on meanwhile (PIL frees the GIL)
                verdicts[(entry.hash, purpose)] = tpool.execute(
                    rw.check_file, archive.read(entry.name_in_zip), purpose, context.photo_max)
            entry.fault = verdicts[(entry.hash, purpose)]


def _upload(ctx, archive, zipped, valid):
    """Upload each file the valid rows hold, once; those the institution
    uploaded before are not sent again (material_readers)."""
    wanted = {}
    for item in valid:
        number = item["_request"]["person"]["id_number"]
        for slot, entry in zipped[number].items():
            wanted.setdefault((entry.hash, "photo" if slot == "photo" else "scan"), entry)
    readers = files.material_readers(ctx, [("x", h) for h, _ in wanted])
    mine = domain.uploader_key(ctx.principal)
    todo = [(k, e) for k, e in wanted.items()
            if mine not in ((readers.get(k[0]) or {}).get("uploaders") or ())]
    registration = ctx.rpc("registration")

    def one(job):
        (hash_, purpose), entry = job
        registration.upload_material(
            {"purpose": purpose, "content_base64": base64.b64encode(
                archive.read(entry.name_in_zip)).decode(), "filename": entry.name[-100:]},
            uploader=mine)

    for _ in eventlet.GreenPool(UPLOAD_CONCURRENCY).imap(one, todo):
        pass


# --- the batch's candidates -----------------------------------------------------------------------

SORTS = {"submitted_at", "name", "project", "status", "row"}


def _rows(ctx):
    code = ctx.path["institution_code"]
    q = ctx.query
    batch = q["batch_code"]
    apps = ctx.rpc("registration").list_institution_applications(code, batch, q.get("status"))
    names = {p["code"]: p["name_zh"] for p in _projects(ctx, None)}
    rows = [{"id": a["id"], "name": a["name"], "id_number": a["id_number"],
             "sex": "男" if a.get("sex") == "M" else "女",
             "project_code": a["project_code"],
             "project": names.get(a["project_code"], a["project_code"]),
             "education": rw.EDUCATION_ZH.get((a.get("person") or {}).get("education"), ""),
             "major": (a.get("person") or {}).get("major", ""),
             "occupation": (a.get("person") or {}).get("occupation", ""),
             "work_unit": (a.get("person") or {}).get("work_unit", ""),
             "phone": (a.get("person") or {}).get("phone", ""),
             "alternative": rw.ALTERNATIVE_ZH.get((a.get("claim") or {}).get("alternative"), ""),
             "status": a["status"], "status_zh": rw.STATUS_ZH.get(a["status"], a["status"]),
             "submitted_at": a.get("submitted_at"), "updated_at": a.get("updated_at")}
            for a in apps]
    if q.get("project_code"):
        rows = [r for r in rows if r["project_code"] == q["project_code"]]
    if q.get("q"):
        needle = q["q"].strip().upper()
        rows = [r for r in rows if needle in r["name"].upper() or needle in r["id_number"]]
    return rows


def applications(ctx):
    """GET /institutions/{code}/candidates: the batch's candidates, paged, sorted
    and filtered here (status, project, a name or ID number)."""
    q = ctx.query
    rows = _rows(ctx)
    sort = q.get("sort") or "submitted_at"
    desc = sort.startswith("-")
    field = sort.lstrip("-")
    if field not in SORTS or field == "row":
        field = "submitted_at"
    rows.sort(key=lambda r: (str(r.get(field) or ""), r["id"]), reverse=desc)
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    page, size = q.get("page") or 1, q.get("size") or 20
    return {"total": len(rows), "page": page, "size": size, "counts": counts,
            "items": rows[(page - 1) * size: page * size]}


EXPORT_COLUMNS = (("序号", None), ("姓名", "name"), ("性别", "sex"), ("身份证号", "id_number"),
                  ("考核项目", "project"), ("文化程度", "education"), ("所学专业", "major"),
                  ("职业（工种）", "occupation"), ("工作单位", "work_unit"), ("联系电话", "phone"),
                  ("符合的条件", "alternative"), ("审核状态", "status_zh"),
                  ("提交时间", "submitted_at"))


def _export_rows(ctx):
    rows = sorted(_rows(ctx), key=lambda r: (r["project"], str(r["submitted_at"] or "")))
    yield [h for h, _ in EXPORT_COLUMNS]
    for n, r in enumerate(rows, 1):
        yield [n] + [str(r.get(k) or "")[:19].replace("T", " ") if k == "submitted_at"
                     else r.get(k, "") for _, k in EXPORT_COLUMNS[1:]]


def _export_name(ctx):
    return f"考核人员花名册-{ctx.path['institution_code']}-{ctx.query['batch_code']}"


def export_csv(ctx):
    """GET /institutions/{code}/roster-export/csv: the roster of ``export`` as CSV."""
    out = io.StringIO()
    exports.writer(out).writerows(_export_rows(ctx))
    # a UTF-8 byte order mark so that spreadsheet programs show the Chinese
    return File("\ufeff" + out.getvalue(), "text/csv; charset=utf-8",
                _export_name(ctx) + ".csv")


def export(ctx):
    """GET /institutions/{code}/roster-export: 考核人员花名册 of the batch with its
    review status, codes in the notice's words; every text cell escaped
    (kernel.exports: no formula from user data)."""
    name = _export_name(ctx)
    rows = list(_export_rows(ctx))
    from openpyxl import Workbook
    from openpyxl.styles import Font
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "考核人员花名册"
    for row in rows:
        ws.append(exports.xlsx_row(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJKLM", (6, 10, 6, 22, 26, 12, 16, 16, 24, 14, 16, 10, 18)):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return File(out.getvalue(), XLSX, name + ".xlsx")

