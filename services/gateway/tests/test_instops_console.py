"""The institution operator's and the municipal center's console routes (#16):
their tables page, sort and filter on the server; an operator never reaches
another institution's, a municipal center never another region's."""
import base64
import hashlib
import io
import uuid

import pytest

from kernel import documents, idnumber
from kernel.errors import ValidationFailed
from kernel.testing import publish_event, sample_id_number, sample_photo, wait_until

from gateway.handlers.instops import page_of
from gateway.routes_instops import ROUTES

from .conftest import ADMIN, BATCH, INSTITUTION, PASSWORD, Client, bound_url

ROWS = [{"name": "王五", "status": "paid", "amount_fen": 30000},
        {"name": "张三", "status": "submitted", "amount_fen": None},
        {"name": "李四", "status": "paid", "amount_fen": 10000}]


def test_a_page_is_filtered_then_sorted_then_cut():
    out = page_of(ROWS, {"sort": "-amount_fen", "page": 1, "size": 2}, ("name", "amount_fen"))
    assert [r["name"] for r in out["items"]] == ["王五", "李四"]     # None last
    assert (out["total"], out["page"], out["size"]) == (3, 1, 2)
    second = page_of(ROWS, {"sort": "-amount_fen", "page": 2, "size": 2}, ("name", "amount_fen"))
    assert [r["name"] for r in second["items"]] == ["张三"]
    found = page_of(ROWS, {"q": "李", "page": 1, "size": 20}, ("name",), search=("name",))
    assert [r["name"] for r in found["items"]] == ["李四"] and found["total"] == 1
    with pytest.raises(ValidationFailed) as err:
        page_of(ROWS, {"sort": "id_number"}, ("name",))
    assert err.value.field == "sort"


def test_an_operator_is_refused_every_console_route_of_another_institution(suite_gateway,
                                                                            accounts):
    operator = accounts("institution_operator")
    params = {"batch_code": BATCH, "period_code": "2025-2"}
    routes = [r for r in ROUTES if "{institution_code}" in r.path]
    assert len(routes) >= 9
    for route in routes:
        path = route.path.replace("{certificate_number}", "51-2026-000001")
        taken = {k: v for k, v in params.items()
                 if route.query and k in route.query().fields}
        r = operator.get(path.replace("{institution_code}", "inst-02"), params=taken)
        assert (r.status_code, r.json()["code"]) == (403, "OTHER_INSTITUTION"), path
    mine = operator.get(f"/institutions/{INSTITUTION}/results",
                        params={"batch_code": BATCH, "size": 5})
    assert mine.status_code == 200, mine.text
    assert mine.json() == {"items": [], "total": 0, "page": 1, "size": 5}
    bad = operator.get(f"/institutions/{INSTITUTION}/payment-items",
                       params={"batch_code": BATCH, "sort": "id_number"})
    assert (bad.status_code, bad.json()["field"]) == (400, "sort")


def test_a_municipal_center_sees_only_its_own_region(suite_gateway, accounts):
    center = accounts("municipal_center", region="510600")
    for path in ("/municipal/assessor-applications", "/municipal/standing"):
        r = center.get(path, params={"period_code": "2025-2", "region": "510100"})
        assert (r.status_code, r.json()["code"]) == (403, "OTHER_REGION"), path
    admin = accounts("provincial_center")
    r = admin.get("/municipal/standing", params={"period_code": "2025-2"})
    assert (r.status_code, r.json()["field"]) == (400, "region")


# --- 《四川核发专项职业能力证书登记表》 (C4) -------------------------------------------------

CERT_TODAY = "2026-12-10"        # the certificate service's today
OPEN_BATCH, OPEN_EXAM = "2026-10", "2026-10-24"       # collection day 2026-12-04: open
EARLY_BATCH, EARLY_EXAM = "2026-11", "2026-11-07"     # collection day 2026-12-18: not yet


def _passed(amqp_uri, batch, exam_date, seq, name, institution_code, passed=True, score=78):
    """exam.result_finalized for a new application (what certificate issues from, #14)."""
    photo = sample_photo(seq)
    number = sample_id_number("19900101", seq, female=seq % 2 == 0)
    application_id = str(uuid.uuid4())
    publish_event(amqp_uri, "exam", "result_finalized", {
        "application_id": application_id, "batch_code": batch,
        "project_code": "bigdata-platform-setup", "id_number": number, "name": name,
        "passed": passed, "score": score, "exam_date": exam_date, "roster_status": "confirmed",
        "sex": idnumber.parse(number).sex,
        "channel": "institution" if institution_code else "individual",
        "institution_code": institution_code, "project_name": "大数据运行平台搭建",
        "photo": hashlib.sha256(photo).hexdigest(),
        "photo_base64": base64.b64encode(photo).decode(),
        "supervision": {"name": "督导员甲", "at": f"{exam_date}T11:00:00+08:00"}})
    return {"application_id": application_id, "name": name, "id_number": number}


def _operator(gateway, institution_code):
    admin = gateway.login(*ADMIN)
    username = f"inst-op-{uuid.uuid4().hex[:8]}"
    r = admin.post("/admin/accounts", {"username": username, "password": PASSWORD,
                                       "name": "报名机构经办人", "role": "institution_operator",
                                       "institution_code": institution_code})
    assert r.status_code == 201, r.text
    return admin, gateway.login(username, PASSWORD)


def test_C4_the_registration_form_lists_the_institutions_passed_candidates_from_the_collection_day(
        start_suite, start_gateway, amqp_uri, rpc):
    start_suite(certificate=CERT_TODAY)
    center, operator = _operator(Client(bound_url(start_gateway())), INSTITUTION)
    mine = [_passed(amqp_uri, OPEN_BATCH, OPEN_EXAM, n, name, INSTITUTION, score=score)
            for n, name, score in ((11, "张三", 78), (12, "李四", 91.5), (13, "王五", 80))]
    failed = _passed(amqp_uri, OPEN_BATCH, OPEN_EXAM, 14, "赵六", INSTITUTION, passed=False,
                     score=41)
    theirs = _passed(amqp_uri, OPEN_BATCH, OPEN_EXAM, 15, "钱七", "inst-02")
    alone = _passed(amqp_uri, OPEN_BATCH, OPEN_EXAM, 16, "孙八", None)
    later = _passed(amqp_uri, EARLY_BATCH, EARLY_EXAM, 17, "周九", INSTITUTION)
    assert wait_until(lambda: len(rpc.certificate.list_certificates(OPEN_BATCH)) == 5
                      and rpc.certificate.list_certificates(EARLY_BATCH), timeout=40)
    assert wait_until(lambda: rpc.certificate.application_notes(failed["application_id"]),
                      timeout=20)
    # one of the institution's certificates revoked: it is not collected, not listed
    revoked = next(c for c in rpc.certificate.list_certificates(OPEN_BATCH, INSTITUTION)
                   if c["name"] == "王五")
    rpc.certificate.revoke_certificate({"certificate_number": revoked["number"],
                                        "reason_code": "issued_in_error",
                                        "reason": "测试撤销", "actor": "test"})
    path = f"/institutions/{INSTITUTION}/certificate-registration-form"

    r = operator.get(path, params={"batch_code": OPEN_BATCH})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/pdf")
    assert documents.pdf_fonts(r.content) and all(e for _, e in documents.pdf_fonts(r.content))
    text = documents.pdf_text(r.content)
    assert "四川核发专项职业能力证书登记表" in text
    assert "报名机构：四川省职业技能鉴定指导中心（机构代码：inst-01）" in text
    assert "考核批次：2026-10" in text and "2026年10月24日" in text and "合格人数：2 人" in text
    expected = sorted(rpc.certificate.list_certificates(OPEN_BATCH, INSTITUTION, "valid"),
                      key=lambda c: c["number"])
    assert sorted(c["name"] for c in expected) == ["张三", "李四"]
    for c in expected:
        assert c["number"] in text and c["id_number"] in text and c["name"] in text
    for who in (failed, theirs, alone, later, {"name": "王五", "id_number": mine[2]["id_number"]}):
        assert who["name"] not in text and who["id_number"] not in text
    assert "合格（78分）" in text and "合格（91.5分）" in text
    for words in ("领取人签字", "负责人（签字）", "（单位公章）", "经办人", "联系电话", "日期"):
        assert words in text, words

    x = operator.get(path + "/xlsx", params={"batch_code": OPEN_BATCH})
    assert x.status_code == 200, x.text
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(x.content)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][0] == "四川核发专项职业能力证书登记表"
    header = cells.index(["序号", "姓名", "性别", "身份证号码", "考核项目", "考核结果", "证书编号",
                          "领取人签字"])
    rows = cells[header + 1:header + 1 + len(expected)]
    assert [(r[0], r[1], r[3], r[6]) for r in rows] == [
        (n, c["name"], c["id_number"], c["number"]) for n, c in enumerate(expected, 1)]
    assert cells[header + 1 + len(expected)][0] is None        # no fourth candidate
    assert not any(isinstance(v, str) and v.startswith("=") for row in cells for v in row)

    # before the collection day: refused, C4, with the day it opens
    early = operator.get(path, params={"batch_code": EARLY_BATCH})
    body = early.json()
    assert (early.status_code, body["code"], body["rule"]) == (
        422, "REGISTRATION_FORM_NOT_YET", "C4")
    assert body["details"]["collectable_from"] == "2026-12-18"
    assert body["details"]["collectable_from_zh"] == "2026年12月18日"
    assert body["details"]["collection_working_days"] == 30
    assert operator.get(path + "/xlsx", params={"batch_code": EARLY_BATCH}).json()["code"] == \
        "REGISTRATION_FORM_NOT_YET"
    # a batch with no certificate of the institution
    empty = operator.get(path, params={"batch_code": BATCH}).json()
    assert (empty["code"], empty["rule"]) == ("REGISTRATION_FORM_EMPTY", "C4")
    # another institution's form is refused; the provincial center reads any
    for other in (path, path + "/xlsx"):
        r = operator.get(other.replace(INSTITUTION, "inst-02"), params={"batch_code": OPEN_BATCH})
        assert (r.status_code, r.json()["code"]) == (403, "OTHER_INSTITUTION")
    r = center.get(path.replace(INSTITUTION, "inst-02"), params={"batch_code": OPEN_BATCH})
    assert r.status_code == 200, r.text
    text = documents.pdf_text(r.content)
    assert theirs["id_number"] in text and "张三" not in text
