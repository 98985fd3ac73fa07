"""What finance's console (web/src/views/finance) needs of payment: bank
statements as .xlsx as well as CSV, a long CSV imported in parts with the lines
of the whole file, and the lists paged, sorted and filtered in the database."""
import io
from datetime import date

import pytest
from openpyxl import Workbook

from kernel.errors import ValidationFailed

from payment import testing
from payment.domain import statements
from payment.testing import BATCH, b64, receipt

FEE = 20000
INST = "inst-02"


def workbook(rows, header=testing.STATEMENT_HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [["B001", "2026-11-16", "600.00", "C", "四川省科教兴川促进会", "5100", "SC12345678"],
        ["B002", "2026-11-16", "200.00", "C", "张三", "", "考试费"],
        ["B003", "2026-11-17", "abc", "C", "李四", "", ""],
        ["B004", "2026-11-17", "50.00", "D", "手续费", "", ""]]


def test_K1_an_xlsx_statement_reads_like_its_csv():
    csv_out = statements.parse_file(testing.statement_csv(ROWS).encode("utf-8"))
    xlsx_out = statements.parse_file(workbook(ROWS))
    assert xlsx_out == csv_out
    assert [c["bank_serial"] for c in xlsx_out["credits"]] == ["B001", "B002"]
    assert [b["line"] for b in xlsx_out["broken"]] == [4]
    # the cells as a bank's workbook types them: dates, numbers
    typed = [["B010", date(2026, 11, 16), 200.5, "贷", "王五", "", ""],
             ["B011", date(2026, 11, 17), 300, "C", "赵六", None, None]]
    credits = statements.parse_file(workbook(typed))["credits"]
    assert [(c["value_date"], c["amount_fen"]) for c in credits] == \
        [(date(2026, 11, 16), 20050), (date(2026, 11, 17), 30000)]


def test_K1_an_xlsx_that_does_not_open_is_STATEMENT_WORKBOOK():
    with pytest.raises(ValidationFailed) as err:
        statements.parse_file(statements.XLSX_MAGIC + b"not really a zip archive")
    assert (err.value.code, err.value.rule, err.value.field) == \
        ("STATEMENT_WORKBOOK", "K1", "content_base64")


def test_K1_a_part_of_a_long_csv_reports_the_lines_of_the_whole_file():
    part = testing.statement_csv(ROWS[2:])          # lines 4 and 5 of the whole file
    out = statements.parse_file(part.encode("utf-8"), line_offset=2)
    assert [b["line"] for b in out["broken"]] == [4]


def test_K1_statement_parts_and_an_xlsx_import_over_rpc(payment, rpc):
    first = rpc.payment.import_statement({
        "content_base64": b64(testing.statement_csv(ROWS[:2]).encode()), "actor": "财务"})
    second = rpc.payment.import_statement({
        "content_base64": b64(testing.statement_csv(ROWS[2:]).encode()), "actor": "财务",
        "line_offset": 2})
    assert (first["imported"], second["imported"], second["debits"]) == (2, 0, 1)
    assert [b["line"] for b in second["broken"]] == [4]
    book = rpc.payment.import_statement({
        "content_base64": b64(workbook([["X1", "2026-11-18", "88.00", "C", "陌生人", "", ""]])),
        "filename": "流水.xlsx", "actor": "财务"})
    assert book["imported"] == 1 and book["reconciliation"]["unmatched"] >= 1
    with pytest.raises(ValidationFailed) as err:
        rpc.payment.import_statement({"content_base64": b64(b"x"), "actor": "财务",
                                      "line_offset": -1})
    assert err.value.field == "line_offset"


def test_the_lists_of_finance_are_paged_sorted_and_filtered_on_the_server(
        payment, rpc, approve, receipt_file):
    apps = approve(5)
    file_hash = receipt_file()
    subs = []
    for n, app in enumerate(apps):
        amount = FEE if n != 3 else FEE - 100          # one receipt shows 1 yuan less
        subs.append(rpc.payment.submit_individual_payment({
            "application_id": app["application_id"], "candidate_id_number": app["id_number"],
            "receipt": receipt(file_hash, amount, app["name"]), "note": ""}))
    page1 = rpc.payment.submissions_page(page=1, size=2, sort="submitted_at",
                                         batch_code=BATCH)
    page3 = rpc.payment.submissions_page(page=3, size=2, sort="submitted_at",
                                         batch_code=BATCH)
    assert page1["total"] == 5 and len(page1["items"]) == 2 and len(page3["items"]) == 1
    assert [s["id"] for s in page1["items"]] == [subs[0]["id"], subs[1]["id"]]
    assert page1["items"][0]["headcount"] == 1
    low = rpc.payment.submissions_page(sort="difference_fen", size=1)["items"][0]
    assert low["id"] == subs[3]["id"] and low["difference_fen"] == -100
    mism = rpc.payment.submissions_page(mismatch=True)
    assert [s["id"] for s in mism["items"]] == [subs[3]["id"]]
    named = rpc.payment.submissions_page(q=apps[2]["name"][:2] + "%")
    assert named["total"] == 0                     # '%' is a character, not a wildcard
    by_name = rpc.payment.submissions_page(q=apps[2]["name"])
    assert subs[2]["id"] in [s["id"] for s in by_name["items"]]
    assert rpc.payment.submissions_page(credit="matched")["total"] == 0
    detail = rpc.payment.get_submission(subs[0]["id"])
    assert detail["applications"][0]["name"] == apps[0]["name"]
    for bad in ({"sort": "password"}, {"size": 1000}, {"page": 0}):
        with pytest.raises(ValidationFailed) as err:
            rpc.payment.submissions_page(**bad)
        assert err.value.field == next(iter(bad))
    rpc.payment.import_statement({"content_base64": b64(testing.statement_csv(
        [[f"P{n:03}", "2026-11-17", f"{n}.00", "C", f"付款人{n}", "", ""]
         for n in range(1, 8)]).encode()), "actor": "财务"})
    credits = rpc.payment.credits_page(page=2, size=3, sort="-amount_fen", q="付款人")
    assert credits["total"] == 7
    assert [c["bank_serial"] for c in credits["items"]] == ["P004", "P003", "P002"]
    assert rpc.payment.refunds_page(batch_code=BATCH) == \
        {"items": [], "total": 0, "page": 1, "size": 20}


def test_the_payment_report_of_a_batch_counts_its_applications_and_reconciles(
        payment, rpc, approve, receipt_file):
    apps = approve(2)
    file_hash = receipt_file()
    sub = rpc.payment.submit_individual_payment({
        "application_id": apps[0]["application_id"], "candidate_id_number": apps[0]["id_number"],
        "receipt": receipt(file_hash, FEE, apps[0]["name"]), "note": ""})
    rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务"})
    report = rpc.payment.batch_payment_report(BATCH)
    by_status = {(r["status"], r["channel"]): r for r in report["items"]}
    assert by_status[("paid", "individual")]["count"] == 1
    assert by_status[("paid", "individual")]["paid_fen"] == FEE
    assert by_status[("payable", "individual")]["count"] == 1
    assert report["reconciliation"]["totals"]["submissions_without_credit"] == 1
