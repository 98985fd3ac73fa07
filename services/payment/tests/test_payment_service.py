"""Service tests of payment over the real broker and database.

Each test names the rule it checks: DOMAIN.md's P1-P4, B1, B2 and the
project-local F1 (fee schedule), K1 (bank reconciliation) and M3 (receipt
file) documented in payment/domain/ and payment/domain/receipts.py."""
import pytest

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from kernel.testing import EventTap, publish_event, sample_jpeg, wait_until

from payment import testing
from payment.testing import BATCH, PROJECT, PROJECT_NAME, b64, receipt

FEE = 20000            # the placeholder fee of bigdata-platform-setup in data/fees.json
INST = "inst-02"


def institution_submission(apps, file_hash, amount=None, note=None, **overrides):
    out = {"institution_code": INST, "batch_code": BATCH,
           "application_ids": [a["application_id"] for a in apps],
           "receipt": receipt(file_hash, FEE * len(apps) if amount is None else amount,
                              "四川省科教兴川促进会"),
           "note": note or f"考核日期2026年12月5日，人数{len(apps)}人", "actor": "机构经办人"}
    out.update(overrides)
    return out


def individual_submission(app, file_hash, payer=None, note="", amount=FEE, **overrides):
    out = {"application_id": app["application_id"], "candidate_id_number": app["id_number"],
           "receipt": receipt(file_hash, amount, payer or app["name"]), "note": note}
    out.update(overrides)
    return out


def test_F1_fee_schedule_loads_once_and_is_replaced_at_run_time(payment, rpc, approve):
    assert rpc.payment.load_fee_schedule() == {"projects": 22, "fees_added": 0}
    [fee] = rpc.payment.list_fees(PROJECT)
    assert fee["amount_fen"] == FEE and fee["project_name"] == PROJECT_NAME
    # a new amount from 2026-11-16 (the first day of 2026-12's payment window) on
    rpc.payment.set_fees({"fees": [{"project_code": PROJECT, "effective_from": "2026-11-16",
                                    "amount_fen": 26000}], "actor": "财务"})
    [app] = approve()
    assert rpc.payment.get_payable(app["application_id"])["amount_due_fen"] == 26000
    rpc.payment.set_fees({"fees": [{"project_code": PROJECT, "effective_from": "2026-11-17",
                                    "amount_fen": 30000}], "actor": "财务"})
    assert rpc.payment.get_payable(app["application_id"])["amount_due_fen"] == 26000
    replaced = rpc.payment.set_fees({"fees": [{"project_code": PROJECT,
                                               "effective_from": "2025-01-01",
                                               "amount_fen": 25000}],
                                     "replace": True, "actor": "财务"})
    assert [(f["effective_from"], f["amount_fen"]) for f in replaced] == [("2025-01-01", 25000)]
    assert rpc.payment.get_payable(app["application_id"])["amount_due_fen"] == 25000
    for bad in (0, -100, 200.5, "25000"):
        with pytest.raises(ValidationFailed) as err:
            rpc.payment.set_fees({"fees": [{"project_code": PROJECT,
                                            "effective_from": "2027-01-01",
                                            "amount_fen": bad}], "actor": "财务"})
        assert err.value.field == "fees.0.amount_fen"
    with pytest.raises(NotFound) as err:      # a new project needs its name for the notes
        rpc.payment.set_fees({"fees": [{"project_code": "new-project",
                                        "effective_from": "2027-01-01", "amount_fen": 100}],
                              "actor": "财务"})
    assert err.value.rule == "F1"
    assert len(rpc.payment.list_fees(PROJECT)) == 1


def test_P1_institution_pays_many_candidates_with_one_transfer_and_finance_confirms(
        payment, rpc, approve, receipt_file, amqp_uri):
    apps = approve(3, channel="institution", institution_code=INST)
    approve(1, channel="institution", institution_code="inst-04",
            project="carbon-financial-accounting")
    order = rpc.payment.payment_order(INST, BATCH)
    assert order["headcount"] == 3 and order["total_fen"] == 3 * FEE
    assert order["note"].startswith("考核日期2026年12月5日，人数3人")
    assert order["reference"] in order["note"]
    sub = rpc.payment.submit_institution_payment(institution_submission(
        apps, receipt_file(), note=order["note"]))
    assert sub["status"] == "submitted" and sub["expected_fen"] == 3 * FEE
    assert sub["payer_kind"] == "institution" and "warnings" not in sub
    assert sorted(a["application_id"] for a in sub["applications"]) == \
        sorted(a["application_id"] for a in apps)
    assert rpc.payment.payment_order(INST, BATCH)["headcount"] == 0
    with EventTap(amqp_uri, "payment") as tap:
        done = rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务王",
                                               "received_fen": 3 * FEE})
        events = tap.wait_for("payment_confirmed", count=3)
    assert done["status"] == "confirmed" and done["decided_by"] == "财务王"
    assert sorted(e["payload"]["application_id"] for e in events) == \
        sorted(a["application_id"] for a in apps)
    payload = events[0]["payload"]
    assert set(payload) == {"application_id", "batch_code", "project_code",
                            "institution_code", "id_number", "name", "amount_fen",
                            "submission_id", "confirmed_at", "actor"}
    assert (payload["amount_fen"], payload["institution_code"], payload["submission_id"]) == \
        (FEE, INST, sub["id"])
    assert {i["status"] for i in rpc.payment.list_items(BATCH, institution_code=INST)} == \
        {"paid"}
    with pytest.raises(Conflict) as err:               # decided once
        rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务王"})
    assert err.value.code == "SUBMISSION_DECIDED"


def test_P1_confirming_marks_each_application_paid_with_its_own_fee(
        payment, rpc, approve, receipt_file, amqp_uri):
    """确认收费 of candidates of two projects with two fees: each item is paid at
    its line's amount (the items are marked in one UPDATE per amount), and each
    payment_confirmed carries that amount."""
    other, other_fee = "carbon-financial-accounting", 30000
    rpc.payment.set_fees({"fees": [{"project_code": other, "effective_from": "2026-11-16",
                                    "amount_fen": other_fee}], "actor": "财务"})
    apps = approve(2, channel="institution", institution_code=INST) + approve(
        1, channel="institution", institution_code=INST, project=other)
    total = 2 * FEE + other_fee
    sub = rpc.payment.submit_institution_payment(institution_submission(
        apps, receipt_file(), amount=total))
    assert sub["expected_fen"] == total and "warnings" not in sub
    with EventTap(amqp_uri, "payment") as tap:
        done = rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务"})
        events = tap.wait_for("payment_confirmed", count=3)
    assert done["status"] == "confirmed"
    want = {a["application_id"]: other_fee if a["project_code"] == other else FEE
            for a in apps}
    assert {e["payload"]["application_id"]: e["payload"]["amount_fen"] for e in events} == want
    items = rpc.payment.list_items(BATCH, institution_code=INST)
    assert {i["application_id"]: (i["status"], i["amount_fen"]) for i in items} == \
        {app: ("paid", fen) for app, fen in want.items()}
    assert len({i["paid_at"] for i in items}) == 1 and items[0]["paid_at"]


def test_P1_an_institution_pays_only_for_its_own_approved_unpaid_candidates(
        payment, rpc, approve, receipt_file):
    mine = approve(2, channel="institution", institution_code=INST)
    other = approve(1, channel="institution", institution_code="inst-04",
                    project="carbon-financial-accounting")
    individual = approve(1)
    file_hash = receipt_file()
    with pytest.raises(Forbidden) as err:
        rpc.payment.submit_institution_payment(institution_submission(mine + other, file_hash))
    assert (err.value.code, err.value.rule) == ("NOT_YOUR_CANDIDATE", "P1")
    assert err.value.details["application_id"] == other[0]["application_id"]
    with pytest.raises(Forbidden):
        rpc.payment.submit_institution_payment(institution_submission(individual, file_hash))
    with pytest.raises(NotFound) as err:       # never approved (or unknown)
        rpc.payment.submit_institution_payment(institution_submission(
            mine + [{"application_id": "not-approved-1"}], file_hash))
    assert err.value.code == "NOT_APPROVED" and err.value.details["application_ids"] == \
        ["not-approved-1"]
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_institution_payment(institution_submission(
            mine, file_hash, note="考核日期2026年12月5日，人数3人"))
    assert (err.value.code, err.value.details["found"], err.value.details["expected"]) == \
        ("NOTE_HEADCOUNT_WRONG", 3, 2)
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_institution_payment(institution_submission(mine, file_hash,
                                                                      note="人数2人"))
    assert (err.value.code, err.value.rule) == ("NOTE_EXAM_DATE_MISSING", "P1")
    with pytest.raises(ValidationFailed) as err:
        rpc.payment.submit_institution_payment(institution_submission(
            mine, file_hash, application_ids=[mine[0]["application_id"]] * 2))
    assert err.value.field == "application_ids"
    # nothing changed: both are still payable
    assert {i["status"] for i in rpc.payment.list_items(BATCH, institution_code=INST)} == \
        {"payable"}
    sub = rpc.payment.submit_institution_payment(institution_submission(mine, file_hash))
    with pytest.raises(Conflict) as err:
        rpc.payment.submit_institution_payment(institution_submission(mine[:1], file_hash))
    assert err.value.code == "ALREADY_SUBMITTED"
    rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务"})
    with pytest.raises(Conflict) as err:
        rpc.payment.submit_institution_payment(institution_submission(mine[:1], file_hash))
    assert (err.value.code, err.value.rule) == ("ALREADY_PAID", "B2")


def test_P2_individual_and_proxy_payment_the_note_follows_the_required_wording(
        payment, rpc, approve, receipt_file):
    own, proxied = approve(2)
    file_hash = receipt_file()
    sub = rpc.payment.submit_individual_payment(individual_submission(own, file_hash))
    assert sub["payer_kind"] == "self" and sub["channel"] == "individual"
    payable = rpc.payment.get_payable(proxied["application_id"])
    expected = payable["proxy_note"].replace("{payer}", "李四")
    assert expected == (f"该笔费用由李四代{proxied['name']}缴纳2026年12月5日考试日期"
                        f"{PROJECT_NAME}考试项目的费用，金额为200元")
    wrong_amount = expected.replace("金额为200元", "金额为180元")
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_individual_payment(individual_submission(
            proxied, file_hash, payer="李四", note=wrong_amount))
    assert (err.value.code, err.value.rule, err.value.field) == \
        ("PROXY_NOTE_MISMATCH", "P2", "note")
    assert err.value.details["mismatches"] == [{"part": "amount", "found": "180",
                                                "expected": "200.00"}]
    assert "180 yuan, but the fee is 200.00 yuan" in err.value.message
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_individual_payment(individual_submission(
            proxied, file_hash, payer="李四", note="李四替张三交考试费200元"))
    assert err.value.code == "PROXY_NOTE_WORDING"
    assert "must start with '该笔费用由'" in err.value.message
    assert err.value.details["expected"] == expected
    with pytest.raises(RuleViolation) as err:       # the note names someone else as payer
        rpc.payment.submit_individual_payment(individual_submission(
            proxied, file_hash, payer="王五", note=expected))
    assert err.value.details["mismatches"][0]["part"] == "payer"
    with pytest.raises(Forbidden) as err:
        rpc.payment.submit_individual_payment(individual_submission(
            proxied, file_hash, candidate_id_number=own["id_number"]
            if own["id_number"] != proxied["id_number"] else "110101199003070000"))
    assert err.value.code == "NOT_YOUR_APPLICATION"
    ok = rpc.payment.submit_individual_payment(individual_submission(
        proxied, file_hash, payer="李四", note=expected + "。"))
    assert ok["payer_kind"] == "proxy" and ok["payer_name"] == "李四"
    [inst_app] = approve(1, channel="institution", institution_code=INST)
    with pytest.raises(Forbidden) as err:
        rpc.payment.submit_individual_payment(individual_submission(inst_app, file_hash))
    assert (err.value.code, err.value.rule) == ("PAID_BY_INSTITUTION", "P1")


def test_P3_receipt_details_are_required_and_the_payee_must_be_the_center(
        payment, rpc, approve, receipt_file):
    [app] = approve()
    file_hash = receipt_file()
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_individual_payment(individual_submission(
            app, file_hash, receipt=receipt(file_hash, FEE, app["name"],
                                            payee_account="6222 0000 1111 2222")))
    assert (err.value.code, err.value.rule, err.value.field) == \
        ("PAYEE_NOT_CENTER", "P3", "payee_account")
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_individual_payment(individual_submission(
            app, file_hash, receipt=receipt(file_hash, FEE, app["name"],
                                            payee_name="某某培训公司")))
    assert err.value.field == "payee_name"
    for amount in (0, -20000, 200.0):
        with pytest.raises(ValidationFailed) as err:
            rpc.payment.submit_individual_payment(individual_submission(
                app, file_hash, receipt=receipt(file_hash, amount, app["name"])))
        assert err.value.field == "receipt.amount_fen"
    no_payer = receipt(file_hash, FEE, app["name"])
    del no_payer["payer_name"]
    with pytest.raises(ValidationFailed) as err:
        rpc.payment.submit_individual_payment(individual_submission(app, file_hash,
                                                                    receipt=no_payer))
    assert err.value.field == "receipt.payer_name"
    with pytest.raises(NotFound) as err:
        rpc.payment.submit_individual_payment(individual_submission(app, "0" * 64))
    assert err.value.code == "RECEIPT_NOT_FOUND"
    assert rpc.payment.get_payable(app["application_id"])["status"] == "payable"


def test_M3_the_receipt_is_an_image_or_pdf_checked_by_content(payment, rpc):
    content = testing.sample_pdf()
    pdf = rpc.payment.upload_receipt({"content_base64": b64(content), "filename": "huidan.pdf"})
    assert pdf["media_type"] == "application/pdf"
    assert rpc.payment.get_receipt(pdf["hash"])["content_base64"] == b64(content)
    for content, code in ((b"%PDF-1.4 not really a pdf", "FILE_CORRUPT"),
                          (b"just text named receipt.jpg", "FILE_TYPE"),
                          (sample_jpeg(1)[:200], "FILE_CORRUPT"),
                          (bytes(6 * 1024 * 1024), "FILE_TYPE")):
        with pytest.raises(RuleViolation) as err:
            rpc.payment.upload_receipt({"content_base64": b64(content),
                                        "filename": "receipt.jpg"})
        assert (err.value.code, err.value.rule) == (code, "M3")
    big = sample_jpeg(2) + bytes(5 * 1024 * 1024)
    with pytest.raises(RuleViolation) as err:
        rpc.payment.upload_receipt({"content_base64": b64(big)})
    assert err.value.code == "FILE_SIZE"
    with pytest.raises(ValidationFailed):
        rpc.payment.upload_receipt({"content_base64": "%%%"})


def test_F1_amount_mismatch_is_refused_at_confirmation_with_the_difference(
        payment, rpc, approve, receipt_file):
    apps = approve(2, channel="institution", institution_code=INST)
    file_hash = receipt_file()
    sub = rpc.payment.submit_institution_payment(institution_submission(
        apps, file_hash, amount=2 * FEE - 5000))
    assert sub["difference_fen"] == -5000 and sub["warnings"][0].startswith("AMOUNT_MISMATCH")
    with pytest.raises(RuleViolation) as err:
        rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务"})
    assert (err.value.code, err.value.rule) == ("AMOUNT_MISMATCH", "F1")
    assert err.value.details["difference_fen"] == -5000
    assert "50.00 yuan short" in err.value.message
    assert rpc.payment.get_submission(sub["id"])["status"] == "submitted"
    with pytest.raises(ValidationFailed) as err:          # a rejection needs a reason
        rpc.payment.reject_submission({"submission_id": sub["id"], "actor": "财务"})
    assert err.value.field == "reason"
    rejected = rpc.payment.reject_submission({"submission_id": sub["id"], "actor": "财务",
                                              "reason": "金额不足，差50元"})
    assert rejected["status"] == "rejected" and rejected["decision_reason"] == "金额不足，差50元"
    assert rpc.payment.payment_order(INST, BATCH)["headcount"] == 2     # payable again
    again = rpc.payment.submit_institution_payment(institution_submission(apps, file_hash))
    with pytest.raises(RuleViolation) as err:     # what finance sees arrive is short too
        rpc.payment.confirm_submission({"submission_id": again["id"], "actor": "财务",
                                        "received_fen": 2 * FEE + 100})
    assert err.value.details == {"expected_fen": 2 * FEE, "amount_fen": 2 * FEE + 100,
                                 "difference_fen": 100, "source": "finance received"}
    assert rpc.payment.confirm_submission({"submission_id": again["id"], "actor": "财务",
                                           "received_fen": 2 * FEE})["status"] == "confirmed"


def test_idempotent_submission_returns_the_first_answer(payment, rpc, approve, receipt_file):
    [app] = approve()
    request = dict(individual_submission(app, receipt_file()), idempotency_key="pay-key-0001")
    first = rpc.payment.submit_individual_payment(request)
    assert rpc.payment.submit_individual_payment(request)["id"] == first["id"]
    with pytest.raises(Conflict) as err:
        rpc.payment.submit_individual_payment(dict(request, note="另一个请求"))
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"
    assert len(rpc.payment.list_submissions(batch_code=BATCH)) == 1


def test_P4_unpaid_applications_are_abandoned_once_at_the_end_of_the_window(
        payment, rpc, approve, receipt_file, amqp_uri, start_payment):
    paid, pending, unpaid = approve(3)
    file_hash = receipt_file()
    sub = rpc.payment.submit_individual_payment(individual_submission(paid, file_hash))
    rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务"})
    waiting = rpc.payment.submit_individual_payment(individual_submission(pending, file_hash))
    with EventTap(amqp_uri, "payment") as tap:
        assert rpc.payment.close_payment_window(today="2026-11-18")["abandoned"] == 0
        out = rpc.payment.close_payment_window(today=testing.AFTER_WINDOW)
        assert sorted(out["application_ids"]) == sorted([pending["application_id"],
                                                         unpaid["application_id"]])
        assert rpc.payment.close_payment_window(today=testing.AFTER_WINDOW)["abandoned"] == 0
        events = tap.wait_for("application_abandoned", count=2)
    assert sorted(e["payload"]["application_id"] for e in events) == \
        sorted(out["application_ids"])
    assert set(events[0]["payload"]) == {"application_id", "batch_code", "project_code",
                                         "reason"}
    assert "P4" in events[0]["payload"]["reason"]
    assert rpc.payment.get_submission(waiting["id"])["status"] == "lapsed"
    assert rpc.payment.get_payable(paid["application_id"])["status"] == "paid"
    payment.stop()
    start_payment(today=testing.AFTER_WINDOW)       # the next day, the service restarted
    [late] = approve()
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_individual_payment(individual_submission(late, file_hash))
    assert (err.value.code, err.value.rule) == ("PAYMENT_WINDOW_CLOSED", "P4")
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_individual_payment(individual_submission(pending, file_hash))
    assert (err.value.code, err.value.rule) == ("PAYMENT_WINDOW_CLOSED", "P4")


def test_B1_a_cancelled_batch_turns_confirmed_payments_into_a_refund_list(
        payment, rpc, approve, receipt_file, amqp_uri):
    paid, unpaid = approve(2)
    [other_project] = approve(1, project="business-data-analysis")
    file_hash = receipt_file()
    note = rpc.payment.get_payable(paid["application_id"])["proxy_note"].replace("{payer}",
                                                                                 "李四")
    sub = rpc.payment.submit_individual_payment(individual_submission(
        paid, file_hash, note=note,
        receipt=receipt(file_hash, FEE, "李四", payer_account="6222 0000 1111")))
    rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务"})
    event = publish_event(amqp_uri, "exam", "batch_cancelled", {
        "batch_code": BATCH, "project_code": PROJECT, "reason": "不足10人 (B1)"})
    publish_event(amqp_uri, "exam", "batch_cancelled", {          # a redelivery
        "batch_code": BATCH, "project_code": PROJECT, "reason": "不足10人 (B1)"},
        event_id=event["event_id"])
    assert wait_until(lambda: rpc.payment.list_refunds(batch_code=BATCH))
    [refund] = rpc.payment.list_refunds(batch_code=BATCH)
    assert (refund["application_id"], refund["amount_fen"], refund["payer_name"],
            refund["payer_account"], refund["status"]) == \
        (paid["application_id"], FEE, "李四", "6222 0000 1111", "due")
    assert wait_until(lambda: rpc.payment.get_payable(unpaid["application_id"])["status"]
                      == "cancelled")
    assert rpc.payment.get_payable(other_project["application_id"])["status"] == "payable"
    rpc.payment.record_refund({"application_id": paid["application_id"], "actor": "财务",
                               "note": "已原路退回"})
    assert rpc.payment.list_refunds(status="due") == []
    with pytest.raises(Conflict):
        rpc.payment.record_refund({"application_id": paid["application_id"], "actor": "财务"})


def test_events_about_unexpected_states_are_recorded_and_ignored(payment, rpc, approve,
                                                                 amqp_uri):
    [app] = approve()
    publish_event(amqp_uri, "review", "application_approved", app)       # approved again
    publish_event(amqp_uri, "registration", "application_withdrawn", {
        "application_id": app["application_id"], "batch_code": BATCH, "project_code": PROJECT,
        "reason": "个人原因"})
    publish_event(amqp_uri, "registration", "application_withdrawn", {   # unknown: ignored
        "application_id": "never-approved", "batch_code": BATCH, "project_code": PROJECT,
        "reason": "x"})
    assert wait_until(lambda: rpc.payment.get_payable(app["application_id"])["status"]
                      == "withdrawn")
    assert rpc.payment.close_payment_window(today=testing.AFTER_WINDOW)["abandoned"] == 0
    with pytest.raises(ValidationFailed) as err:
        rpc.payment.close_payment_window(today="next friday")
    assert err.value.field == "today"
    publish_event(amqp_uri, "review", "application_approved", {"application_id": "x-1"})
    # its own dead-letter queue: the module's vhost may hold other tests' leftovers
    queue = "evt-review-application_approved--payment.on_approved.dlq"
    assert wait_until(lambda: rpc.payment.dead_letters()["queues"].get(queue) == 1)


def test_K1_statement_import_matches_credits_and_reports_per_batch(payment, rpc, approve,
                                                                  receipt_file):
    inst_apps = approve(3, channel="institution", institution_code=INST)
    [zhang], [li], [twin_a], [twin_b], [nobody] = (approve(1, name=n) for n in (
        "张伟", "李娜", "刘洋", "陈静", "赵磊"))
    file_hash = receipt_file()
    order = rpc.payment.payment_order(INST, BATCH)
    s_inst = rpc.payment.submit_institution_payment(institution_submission(
        inst_apps, file_hash, note=order["note"]))
    s_zhang = rpc.payment.submit_individual_payment(individual_submission(zhang, file_hash))
    li_note = rpc.payment.get_payable(li["application_id"])["proxy_note"].replace(
        "{payer}", "成都数联科技有限公司")
    s_li = rpc.payment.submit_individual_payment(individual_submission(
        li, file_hash, payer="成都数联科技有限公司", note=li_note))
    # two people of the same name and amount: a bank credit from 王芳 cannot tell them apart
    s_twin_a = rpc.payment.submit_individual_payment(individual_submission(
        twin_a, file_hash, payer="王芳", note=rpc.payment.get_payable(
            twin_a["application_id"])["proxy_note"].replace("{payer}", "王芳")))
    s_twin_b = rpc.payment.submit_individual_payment(individual_submission(
        twin_b, file_hash, payer="王芳", note=rpc.payment.get_payable(
            twin_b["application_id"])["proxy_note"].replace("{payer}", "王芳")))
    s_nobody = rpc.payment.submit_individual_payment(individual_submission(nobody, file_hash))
    rows = [
        ["B001", "2026-11-16", "600.00", "C", "四川省科教兴川促进会", "5100", order["note"]],
        ["B002", "2026-11-16", "200.00", "C", zhang["name"], "", "考试费"],
        ["B003", "2026-11-16", "190.00", "贷", "成都数联科技有限公司（对公）", "", "代缴"],
        ["B004", "2026-11-17", "200.00", "C", "王 芳", "", ""],
        ["B005", "2026/11/17", "abc", "C", "赵六", "", ""],
        ["B006", "2026-11-17", "88.00", "C", "陌生人", "", "不明来款"],
        ["B007", "2026-11-17", "50.00", "D", "手续费", "", ""],
        ["", "2026-11-17", "10.00", "C", "某人", "", ""],
        ["B008", "2026-13-40", "10.00", "C", "某人", "", ""],
    ]
    text = testing.statement_csv(rows)
    out = rpc.payment.import_statement({"content_base64": b64(text.encode("utf-8")),
                                        "filename": "2026-11.csv", "actor": "财务"})
    assert (out["lines"], out["imported"], out["duplicates"], out["debits"]) == (9, 5, 0, 1)
    assert [(b["line"], b["error"].split(" ")[0]) for b in out["broken"]] == \
        [(6, "amount:"), (9, "bank_serial"), (10, "value_date")]
    assert out["reconciliation"] == {"matched": 2, "ambiguous": 1, "unmatched": 2}
    # a second import of the same file (and one new line) adds only the new line
    again = rpc.payment.import_statement({
        "content_base64": b64(testing.statement_csv(rows + [
            ["B009", "2026-11-18", "200.00", "C", "王芳", "", ""]])
            .encode("gb18030")), "actor": "财务"})
    assert (again["imported"], again["duplicates"], len(again["broken"])) == (1, 5, 3)
    assert again["reconciliation"] == {"matched": 0, "ambiguous": 2, "unmatched": 2}
    credits = {c["bank_serial"]: c for c in rpc.payment.list_credits()}
    assert credits["B001"]["method"] == "reference"
    assert credits["B001"]["submissions"] == [s_inst["id"]]
    assert credits["B002"]["submissions"] == [s_zhang["id"]]
    assert credits["B003"]["status"] == "unmatched"          # 190 != 200: not by name
    assert credits["B004"]["status"] == "ambiguous"          # tie: left for a person
    assert sorted(credits["B004"]["candidates"]["submissions"]) == \
        sorted([s_twin_a["id"], s_twin_b["id"]])
    # a person settles them
    rpc.payment.match_credit({"bank_serial": "B004", "submission_ids": [s_twin_a["id"]],
                              "actor": "财务"})
    rpc.payment.match_credit({"bank_serial": "B003", "submission_ids": [s_li["id"]],
                              "actor": "财务"})
    with pytest.raises(Conflict):
        rpc.payment.match_credit({"bank_serial": "B003", "submission_ids": [s_nobody["id"]],
                                  "actor": "财务"})
    assert rpc.payment.reconcile()["matched"] == 1             # B009 now finds twin_b
    report = rpc.payment.reconciliation_report(BATCH)
    matched = {m["bank_serial"]: m for m in report["matched"]}
    assert set(matched) == {"B001", "B002", "B003", "B004", "B009"}
    assert matched["B001"]["expected_fen"] == 3 * FEE and matched["B001"]["difference_fen"] == 0
    assert [u["bank_serial"] for u in report["underpayments"]] == ["B003"]
    assert report["underpayments"][0]["difference_fen"] == -1000
    assert report["overpayments"] == []
    assert [u["bank_serial"] for u in report["unmatched_credits"]] == ["B006"]
    assert [s["id"] for s in report["submissions_without_credit"]] == [s_nobody["id"]]
    assert report["totals"]["underpaid_fen"] == 1000
    with pytest.raises(ValidationFailed) as err:
        rpc.payment.import_statement({"content_base64": b64(b"serial,when\n1,2\n"),
                                      "actor": "财务"})
    assert err.value.code == "STATEMENT_HEADER"
