"""Unit tests of payment's pure rules (payment.domain) and the receipt check
(payment.domain.receipts): no broker, no database, no clock."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from kernel.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from kernel.testing import sample_jpeg

from payment import testing
from payment.domain import (fee_schedule, matching, notes, payments, receipts, reconciliation,
                            statements, wording)

EXAM = date(2026, 12, 5)
BATCH = {"code": "2026-12", "status": "scheduled", "exam_date": EXAM,
         "payment": (date(2026, 11, 16), date(2026, 11, 18))}
PROJECT = "大数据运行平台搭建"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_F1_fen_and_yuan_convert_exactly(fen):
    assert wording.parse_yuan(wording.yuan(fen)) == fen


def test_F1_amounts_in_yuan_are_read_without_floats():
    assert wording.parse_yuan("1,200.50") == 120050
    assert wording.parse_yuan("¥300") == 30000
    assert wording.parse_yuan("０.１") == 10          # full-width digits from a bank export
    for bad in ("1.234", "abc", "", "NaN", "1e3x"):
        with pytest.raises(ValueError):
            wording.parse_yuan(bad)


def test_F1_the_fee_in_force_on_the_first_day_of_the_payment_window_applies():
    entries = [{"project_code": "p", "effective_from": date(2024, 1, 1), "amount_fen": 20000},
               {"project_code": "p", "effective_from": date(2026, 11, 16), "amount_fen": 26000},
               {"project_code": "p", "effective_from": date(2026, 11, 17), "amount_fen": 30000},
               {"project_code": "q", "effective_from": date(2020, 1, 1), "amount_fen": 1}]
    on = fee_schedule.fee_date(BATCH)
    assert fee_schedule.fee_in_force(entries, "p", on) == 26000
    assert fee_schedule.fee_in_force(entries, "p", date(2025, 1, 1)) == 20000
    with pytest.raises(RuleViolation) as err:
        fee_schedule.fee_in_force(entries, "p", date(2023, 12, 31))
    assert (err.value.code, err.value.rule) == ("FEE_NOT_CONFIGURED", "F1")


def test_F1_the_default_schedule_covers_every_project_with_positive_fen():
    schedule = fee_schedule.default_fee_schedule()
    assert len(schedule["projects"]) == 22 and "473" in schedule["_placeholder"]
    for p in schedule["projects"]:
        assert p["project_name"] and all(isinstance(f["amount_fen"], int) and
                                         f["amount_fen"] > 0 for f in p["fees"])


def test_P4_payment_is_open_only_inside_the_window_and_not_for_a_cancelled_batch():
    payments.check_payment_open(BATCH, date(2026, 11, 16))
    payments.check_payment_open(BATCH, date(2026, 11, 18))
    for day, code in ((date(2026, 11, 15), "PAYMENT_WINDOW_NOT_OPEN"),
                      (date(2026, 11, 19), "PAYMENT_WINDOW_CLOSED")):
        with pytest.raises(RuleViolation) as err:
            payments.check_payment_open(BATCH, day)
        assert (err.value.code, err.value.rule) == (code, "P4")
    with pytest.raises(RuleViolation) as err:
        payments.check_payment_open(dict(BATCH, status="cancelled"), date(2026, 11, 16))
    assert err.value.rule == "B1"


def test_P4_open_items_of_ended_windows_are_abandoned_and_nothing_else():
    batches = {"2026-12": BATCH}
    items = [{"application_id": str(n), "batch_code": "2026-12", "status": s}
             for n, s in enumerate(("payable", "submitted", "paid", "withdrawn", "abandoned"))]
    items.append({"application_id": "x", "batch_code": "unknown", "status": "payable"})
    assert payments.to_abandon(items, batches, date(2026, 11, 18)) == []
    assert [i["application_id"] for i in payments.to_abandon(items, batches,
                                                             date(2026, 11, 19))] == ["0", "1"]


def test_B1_cancellation_refunds_confirmed_payments_and_closes_open_items():
    assert payments.after_cancellation("paid") == "refund_due"
    assert payments.after_cancellation("payable") == "cancelled"
    assert payments.after_cancellation("submitted") == "cancelled"
    assert payments.after_cancellation("abandoned") is None


def test_reference_codes_are_stable_and_found_in_messy_notes():
    inst = payments.item_reference("institution", "a1", "inst-02", "2026-12")
    assert inst == payments.item_reference("institution", "a2", "inst-02", "2026-12")
    assert inst != payments.item_reference("institution", "a1", "inst-02", "2026-11")
    own = payments.item_reference("individual", "a1", None, "2026-12")
    assert own != payments.item_reference("individual", "a2", None, "2026-12")
    assert len(inst) == 10 and inst.startswith("SC")
    messy = f"考核费 {inst[:5].lower()} {inst[5:]}，共3人"
    assert payments.find_references(messy) == [inst]


def item(**kw):
    base = {"application_id": "a1", "status": "payable", "channel": "institution",
            "institution_code": "inst-02", "batch_code": "2026-12",
            "id_number": "11010519491231002X", "submission_id": None}
    base.update(kw)
    return base


def test_P1_an_institution_pays_for_its_own_payable_candidates_of_one_batch():
    payments.check_institution_items([item()], "inst-02", "2026-12")
    cases = [(item(institution_code="inst-04"), Forbidden, "NOT_YOUR_CANDIDATE"),
             (item(channel="individual", institution_code=None), Forbidden,
              "NOT_YOUR_CANDIDATE"),
             (item(batch_code="2026-11"), RuleViolation, "MIXED_BATCHES"),
             (item(status="paid"), Conflict, "ALREADY_PAID"),
             (item(status="submitted", submission_id="s1"), Conflict, "ALREADY_SUBMITTED"),
             (item(status="abandoned"), RuleViolation, "APPLICATION_ABANDONED"),
             (item(status="withdrawn"), RuleViolation, "NOT_PAYABLE")]
    for bad, kind, code in cases:
        with pytest.raises(kind) as err:
            payments.check_institution_items([bad], "inst-02", "2026-12")
        assert err.value.code == code


def test_P2_an_individual_pays_for_their_own_application():
    mine = item(channel="individual", institution_code=None)
    payments.check_individual_item(mine, "11010519491231002x")
    with pytest.raises(Forbidden) as err:
        payments.check_individual_item(mine, "110105194912310029")
    assert err.value.code == "NOT_YOUR_APPLICATION"
    with pytest.raises(Forbidden) as err:
        payments.check_individual_item(item(), "11010519491231002X")
    assert (err.value.code, err.value.rule) == ("PAID_BY_INSTITUTION", "P1")


def test_P1_the_institution_note_states_exam_date_and_headcount():
    for note in ("考核日期2026年12月5日，人数12人", "2026-12-05 12人", "考核日期：2026.12.05 人数：12",
                 "20261205考试 12人 SCABCDEFGH"):
        notes.check_institution_note(note, EXAM, 12)
    for note, code in (("人数12人", "NOTE_EXAM_DATE_MISSING"),
                       ("考核日期2026年12月6日，人数12人", "NOTE_EXAM_DATE_WRONG"),
                       ("考核日期2026年12月5日", "NOTE_HEADCOUNT_MISSING"),
                       ("考核日期2026年12月5日，人数11人", "NOTE_HEADCOUNT_WRONG")):
        with pytest.raises(RuleViolation) as err:
            notes.check_institution_note(note, EXAM, 12)
        assert (err.value.code, err.value.rule) == (code, "P1")


def test_P2_the_proxy_note_follows_the_wording_and_errors_say_what_is_wrong():
    right = notes.proxy_note("李四", "张三", EXAM, PROJECT, 20000)
    assert right == "该笔费用由李四代张三缴纳2026年12月5日考试日期大数据运行平台搭建考试项目的费用，金额为200元"
    for ok in (right, right + "。", right.replace("，", ","), right.replace("200元", "200.00元"),
               right.replace("2026年12月5日", "2026-12-05"), " ".join(right)):
        notes.check_proxy_note(ok, "李四", "张三", EXAM, PROJECT, 20000)
    assert notes.is_proxy("李四", "张三") and not notes.is_proxy("张 三", "张三")

    def error(note, payer="李四"):
        with pytest.raises(RuleViolation) as err:
            notes.check_proxy_note(note, payer, "张三", EXAM, PROJECT, 20000)
        assert err.value.rule == "P2" and err.value.field == "note"
        assert err.value.details["expected"] == notes.proxy_note(payer, "张三", EXAM,
                                                                 PROJECT, 20000)
        return err.value

    e = error("李四代张三缴费")
    assert e.code == "PROXY_NOTE_WORDING" and "must start with '该笔费用由'" in e.message
    e = error(right.replace("考试项目的费用", "项目费用"))
    assert e.details["missing"] == "考试项目的费用，金额为"
    assert "after the exam project" in e.message
    e = error(right + "谢谢")
    assert "nothing may follow '元'" in e.message
    e = error(right.replace("张三", "张山").replace("2026年12月5日", "2026年12月6日"))
    assert e.code == "PROXY_NOTE_MISMATCH"
    assert [m["part"] for m in e.details["mismatches"]] == ["candidate", "exam_date"]
    e = error(right.replace("大数据运行平台搭建", "商业数据分析").replace("200元", "二百元"))
    assert [m["part"] for m in e.details["mismatches"]] == ["project", "amount"]
    e = error(right, payer="王五")
    assert e.details["mismatches"] == [{"part": "payer", "found": "李四", "expected": "王五"}]


def test_P3_the_payee_must_be_the_center():
    center = {"payee_name": "四川省职业技能鉴定指导中心", "payee_accounts": ["5105 0142 6208"]}
    ok = {"payee_name": "四川省职业技能鉴定指导中心", "payee_account": "510501426208",
          "payer_name": "张三", "amount_fen": 20000}
    payments.check_receipt_details(ok, center)
    payments.check_receipt_details(dict(ok, payee_name="四川省职业技能鉴定指导中心(财务)"), center)
    for bad, field in ((dict(ok, payee_account="5105 0142 6209"), "payee_account"),
                       (dict(ok, payee_name="成都某公司"), "payee_name")):
        with pytest.raises(RuleViolation) as err:
            payments.check_receipt_details(bad, center)
        assert (err.value.code, err.value.rule, err.value.field) == \
            ("PAYEE_NOT_CENTER", "P3", field)
    with pytest.raises(ValidationFailed):
        payments.check_receipt_details(dict(ok, amount_fen=0), center)


def test_F1_confirmation_refuses_an_amount_mismatch_and_shows_the_difference():
    sub = {"id": "s1", "status": "submitted", "amount_fen": 40000, "expected_fen": 40000}
    items = [item(status="submitted", submission_id="s1"),
             item(application_id="a2", status="submitted", submission_id="s1")]
    today = date(2026, 11, 17)
    payments.check_confirm(sub, items, BATCH, today, received_fen=40000, credit=40000)
    with pytest.raises(RuleViolation) as err:
        payments.check_confirm(dict(sub, amount_fen=35000), items, BATCH, today)
    assert err.value.details["difference_fen"] == -5000
    assert err.value.message.endswith("50.00 yuan short")
    with pytest.raises(RuleViolation) as err:
        payments.check_confirm(sub, items, BATCH, today, credit=41000)
    assert err.value.details["source"] == "the bank credit is"
    assert "10.00 yuan too much" in err.value.message
    with pytest.raises(Conflict) as err:
        payments.check_confirm(sub, [items[0], item(status="withdrawn")], BATCH, today)
    assert err.value.code == "ITEMS_NOT_PAYABLE"
    with pytest.raises(RuleViolation) as err:
        payments.check_confirm(sub, items, BATCH, date(2026, 11, 19))
    assert err.value.rule == "P4"
    with pytest.raises(Conflict):
        payments.check_confirm(dict(sub, status="confirmed"), items, BATCH, today)


def test_K1_statement_rows_are_read_and_broken_rows_reported_by_line():
    text = testing.statement_csv([
        ["S1", "2026-11-16", "200.00", "C", "张三", "", "note"],
        ["S2", "2026年11月16日", "0", "C", "李四", "", ""],
        ["S3", "2026-11-16", "200", "X", "李四", "", ""],
        ["S1", "2026-11-16", "200.00", "C", "张三", "", "note"],
        ["S1", "2026-11-16", "300.00", "C", "张三", "", "note"],
        ["S4", "2026-11-16", "-1.00", "借", "银行", "", "手续费"],
        ["S5", "2026-11-16", "1,000.00", "C", "某公司", "", ""],
        ["S6", "2026-11-16"],
    ]) + "S7,2026-11-17,12.30,C,\"多行\n附言的付款人\",,ok\nS8,2026-11-17,5,C,王五,,\n"
    out = statements.parse_statement(text)
    assert [c["bank_serial"] for c in out["credits"]] == ["S1", "S5", "S7", "S8"]
    assert out["credits"][1]["amount_fen"] == 100000
    assert [c["line"] for c in out["credits"]] == [2, 8, 10, 12]
    assert [(b["line"], b["error"][:14]) for b in out["broken"]] == [
        (3, "amount '0' mus"), (4, "direction 'X' "), (6, "bank serial S1"), (9, "2 columns; the")]
    assert (out["duplicates"], out["debits"], out["lines"]) == (1, 1, 10)
    gbk = statements.decode_statement(text.encode("gb18030"))
    assert statements.parse_statement(gbk)["credits"] == out["credits"]
    chinese = "交易流水号,交易日期,贷方金额,对方户名,附言\nC1,2026-11-16,200.00,张三,x\n"
    assert statements.parse_statement(chinese)["credits"][0]["payer_name"] == "张三"
    with pytest.raises(ValidationFailed) as err:
        statements.parse_statement("serial;date;amount\n")
    assert err.value.code == "STATEMENT_HEADER"


def credit(cid, amount, payer, note=""):
    return {"id": cid, "amount_fen": amount, "payer_name": payer, "note": note}


def sub(sid, amount, payer, reference=None):
    return {"id": sid, "amount_fen": amount, "payer_name": payer,
            "reference": reference or payments.reference_code(sid)}


def test_K1_matching_by_reference_first_then_amount_and_fuzzy_payer_name():
    subs = [sub("inst", 60000, "四川省科教兴川促进会", "SCAAAAAAAA"),
            sub("zhang", 20000, "张三"), sub("co", 20000, "成都数联科技有限公司"),
            sub("twin1", 20000, "王芳"), sub("twin2", 20000, "王芳"),
            sub("split1", 20000, "某协会", "SCBBBBBBBB"),
            sub("split2", 40000, "某协会", "SCBBBBBBBB")]
    credits = [credit(1, 60000, "别的名字", "考核日期 人数3 scaaaa aaaa"),
               credit(2, 20000, "张三"),
               credit(3, 20000, "成都数联科技有限公司(对公户)"),
               credit(4, 20000, "王芳"),
               credit(5, 60000, "某协会", "SCBBBBBBBB"),
               credit(6, 20000, "张山"),
               credit(7, 12345, "张三")]
    out = matching.match(credits, subs)
    matched = {m["credit"]: (m["submissions"], m["method"]) for m in out["matched"]}
    assert matched[1] == (["inst"], "reference")       # name differs: the reference decides
    assert matched[5] == (["split1", "split2"], "reference")    # one transfer, two submissions
    assert matched[2] == (["zhang"], "name")
    assert matched[3] == (["co"], "name")                       # fuzzy: 对公户 suffix
    assert [(a["credit"], sorted(a["candidates"])) for a in out["ambiguous"]] == \
        [(4, ["twin1", "twin2"])]
    assert sorted(out["unmatched"]) == [6, 7]     # 张山 is not 张三; no submission of 123.45


def test_K1_two_credits_wanting_one_submission_equally_are_left_for_a_person():
    out = matching.match([credit(1, 20000, "张三"), credit(2, 20000, "张三")],
                         [sub("zhang", 20000, "张三")])
    assert out["matched"] == [] and len(out["ambiguous"]) == 2
    out = matching.match([credit(1, 20000, "成都数联科技有限公司"),
                          credit(2, 20000, "成都数联科技有限公")],
                       [sub("co", 20000, "成都数联科技有限公司")])
    assert [m["credit"] for m in out["matched"]] == [1] and out["unmatched"] == [2]


def test_K1_the_report_shows_under_and_over_payments_and_what_is_missing():
    subs = [{"id": "a", "reference": "R", "status": "confirmed", "payer_name": "x",
             "amount_fen": 100, "expected_fen": 100, "credit_id": 1, "applications": ["1"]},
            {"id": "b", "reference": "R", "status": "submitted", "payer_name": "y",
             "amount_fen": 100, "expected_fen": 100, "credit_id": 2, "applications": ["2"]},
            {"id": "c", "reference": "R", "status": "submitted", "payer_name": "z",
             "amount_fen": 100, "expected_fen": 100, "credit_id": None, "applications": ["3"]}]

    def c(cid, amount, status, day=date(2026, 11, 17), covers=()):
        return {"id": cid, "bank_serial": f"S{cid}", "value_date": day, "amount_fen": amount,
                "payer_name": "p", "note": "", "status": status, "method": "name",
                "submissions": [{"id": s, "expected_fen": 100} for s in covers]}
    report = reconciliation.reconciliation_report(BATCH, subs, [
        c(1, 90, "matched", covers=["a"]), c(2, 150, "matched", covers=["b"]),
        c(3, 5, "unmatched"), c(4, 5, "ambiguous", day=date(2026, 11, 25)),
        c(5, 5, "unmatched", day=date(2026, 12, 1))])
    assert [m["difference_fen"] for m in report["underpayments"]] == [-10]
    assert [m["difference_fen"] for m in report["overpayments"]] == [50]
    assert [u["bank_serial"] for u in report["unmatched_credits"]] == ["S3", "S4"]
    assert [s["id"] for s in report["submissions_without_credit"]] == ["c"]
    assert report["totals"]["received_fen"] == 240 and report["totals"]["expected_fen"] == 300


def test_M3_a_receipt_is_a_jpeg_png_or_pdf_that_opens():
    assert receipts.check_receipt(sample_jpeg(1)) == "jpeg"
    assert receipts.check_receipt(testing.sample_pdf(2)) == "pdf"
    for data, code in ((b"", "FILE_EMPTY"), (b"GIF89a....", "FILE_TYPE"),
                       (b"%PDF-1.7 broken", "FILE_CORRUPT")):
        with pytest.raises(RuleViolation) as err:
            receipts.check_receipt(data, field="receipt")
        assert (err.value.code, err.value.rule, err.value.field) == (code, "M3", "receipt")
