"""Bulk registration from the 考核人员花名册 workbook over HTTP (gateway.handlers.roster):
template, preview, submit in one call, the same files twice, the roster export."""
import csv
import io
import zipfile

from openpyxl import load_workbook

from kernel.testing import sample_id_number, sample_photo, sample_scan

from gateway import roster_workbook as rw

from .conftest import BATCH, INSTITUTION

PROJECT = "bigdata-platform-setup"


def project_name(gateway):
    return next(p["name_zh"] for p in gateway.get("/projects", params={"year": 2026}).json()
                if p["code"] == PROJECT)


def filled(template_bytes, rows):
    wb = load_workbook(io.BytesIO(template_bytes))
    ws = wb["考核人员花名册"]
    for n, r in enumerate(rows, 2):
        for i, c in enumerate(rw.COLUMNS):
            ws.cell(row=n, column=i + 1, value=r.get(c.key, ""))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def person(n, name, project):
    return {"seq": n, "name": name, "id_number": sample_id_number("19900101", 300 + n),
            "project": project, "education": "高中/中专", "phone": "13900139000",
            "work_unit": "=HYPERLINK(\"http://x\")" if n == 1 else "成都某公司",
            "alternative": "学历条件", "computer_skills": "是", "current_graduate": "否",
            "proof_kind": "学历证书"}


def zipped(numbers, seed=0):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for k, n in enumerate(numbers):
            z.writestr(f"{n}.jpg", sample_photo(seed + k))
            for j, slot in enumerate(rw.SCAN_ZH):
                z.writestr(f"{n}-{rw.FILE_SLOTS[slot][0]}.jpg", sample_scan(seed + k * 10 + j))
    return out.getvalue()


def post(client, workbook, archive, **form):
    return client.request("POST", f"/institutions/{INSTITUTION}/roster-imports",
                          data={"batch_code": BATCH, **form},
                          files={"workbook": ("花名册.xlsx", workbook),
                                 "materials": ("材料.zip", archive)})


def test_I1_R3_M1_V1_an_institution_imports_a_roster_preview_then_submit_once(gateway, accounts):
    operator = accounts("institution_operator")
    r = operator.get(f"/institutions/{INSTITUTION}/roster-template", params={"batch_code": BATCH})
    assert r.status_code == 200, r.text
    name = project_name(gateway)
    rows = [person(1, "李一", name), person(2, "李二", name), person(3, "李三", name),
            dict(person(4, "李四", name), phone="123")]
    rows.append(dict(person(5, "李五", name), id_number=rows[0]["id_number"]))   # R3 in the file
    workbook = filled(r.content, rows)
    numbers = [p["id_number"] for p in rows[:4]]
    archive = zipped(numbers[:2] + numbers[3:])            # 李三 has no files (M1, M2)

    preview = post(operator, workbook, archive)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["rows"], body["valid"], body["invalid"], body["submitted"]) == (5, 2, 3, False)
    by_row = {i["row"]: i for i in body["items"]}
    assert {f["rule"] for f in by_row[4]["faults"]} == {"M1", "M2"}
    assert by_row[5]["faults"][0]["cell"] == "I5" and "联系电话" in by_row[5]["faults"][0]["message"]
    assert (by_row[6]["faults"][0]["code"], by_row[6]["faults"][0]["rule"]) == \
        ("ROSTER_DUPLICATE_ROW", "R3")
    listed = operator.get(f"/institutions/{INSTITUTION}/candidates", params={"batch_code": BATCH})
    assert listed.json()["total"] == 0                    # the preview wrote nothing

    refused = post(operator, workbook, archive, submit="true")
    assert (refused.status_code, refused.json()["code"], refused.json()["rule"]) == \
        (400, "FIRST_REVIEW_INVALID", "V1")                # no pledge (双承诺制)
    done = post(operator, workbook, archive, submit="true", reviewer="王老师",
                reviewed_on="2026-10-30", pledge="true")
    assert done.status_code == 200, done.text
    result = done.json()
    assert (result["ok"], result["failed"], result["invalid"]) == (2, 0, 3)
    ids = sorted(i["application_id"] for i in result["items"] if i.get("application_id"))
    app = operator.get(f"/applications/{ids[0]}").json()
    assert app["first_review"]["pledge"] is True and app["first_review"]["reviewer"] == "王老师"

    again = post(operator, workbook, archive, submit="true", reviewer="王老师",
                 reviewed_on="2026-10-30", pledge="true").json()
    assert sorted(i["application_id"] for i in again["items"] if i.get("application_id")) == ids
    page = operator.get(f"/institutions/{INSTITUTION}/candidates",
                        params={"batch_code": BATCH, "size": 1, "sort": "name"}).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["name"] == "李一"
    assert page["items"][0]["status_zh"] == "审核中"

    x = operator.get(f"/institutions/{INSTITUTION}/roster-export", params={"batch_code": BATCH})
    ws = load_workbook(io.BytesIO(x.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][5] == "文化程度" and values[1][5] == "高中/中专"
    assert values[1][11] == "审核中"
    assert all(not str(v).startswith("=") for row in values for v in row if v)   # no formula
    c = operator.get(f"/institutions/{INSTITUTION}/roster-export/csv",
                     params={"batch_code": BATCH})
    assert c.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert len(lines) == 3 and lines[0][0] == "序号"


def test_I1_another_institutions_import_and_lists_are_refused(gateway, accounts):
    operator = accounts("institution_operator")
    for path in ("roster-template", "candidates", "roster-export", "roster-export/csv"):
        r = operator.get(f"/institutions/inst-02/{path}", params={"batch_code": BATCH})
        assert (r.status_code, r.json()["code"]) == (403, "OTHER_INSTITUTION"), path
    r = operator.request("POST", "/institutions/inst-02/roster-imports",
                         data={"batch_code": BATCH}, files={"workbook": ("a.xlsx", b"x"),
                                                            "materials": ("a.zip", b"x")})
    assert (r.status_code, r.json()["code"]) == (403, "OTHER_INSTITUTION")


def test_a_file_that_is_no_workbook_is_refused_whole(gateway, accounts):
    operator = accounts("institution_operator")
    r = post(operator, b"not a workbook", zipped([]))
    assert (r.status_code, r.json()["code"]) == (400, "ROSTER_UNREADABLE")
    r = operator.request("POST", f"/institutions/{INSTITUTION}/roster-imports",
                         json={"batch_code": BATCH})
    assert r.status_code == 400
