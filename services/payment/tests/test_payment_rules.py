"""Unit tests of the payment rules whose codes no unit test named before, by
area of payment.domain; each test names its rule ID (P1-P4, B1, F1, K1, M3)."""
from datetime import date

import pytest

from kernel.errors import Conflict, NotFound, RuleViolation, ValidationFailed

from payment.domain import fee_schedule, matching, payments, statements

BATCH = {"code": "2026-12", "status": "scheduled", "exam_date": date(2026, 12, 5),
         "payment": (date(2026, 11, 16), date(2026, 11, 18))}


def test_F1_the_fee_schedule_refuses_two_amounts_for_a_day_VALIDATION_FAILED():
    entry = {"project_code": "p", "effective_from": date(2026, 1, 1), "amount_fen": 20000}
    fee_schedule.check_fee_entries([entry], {"p"})
    with pytest.raises(ValidationFailed) as err:
        fee_schedule.check_fee_entries([entry, dict(entry, amount_fen=30000)], {"p"})
    assert (err.value.code, err.value.rule, err.value.field) == ("VALIDATION_FAILED", "F1",
                                                                 "fees.1")


def test_F1_a_new_project_in_the_schedule_needs_its_name_PROJECT_NOT_FOUND():
    entry = {"project_code": "new", "effective_from": date(2026, 1, 1), "amount_fen": 1}
    fee_schedule.check_fee_entries([dict(entry, project_name="新项目")], {"p"})
    with pytest.raises(NotFound) as err:
        fee_schedule.check_fee_entries([entry], {"p"})
    assert (err.value.code, err.value.rule, err.value.field) == ("PROJECT_NOT_FOUND", "F1",
                                                                 "fees.0.project_name")


def test_B1_a_cancelled_batch_takes_no_payment_BATCH_CANCELLED():
    payments.check_payment_open(BATCH, date(2026, 11, 16))
    with pytest.raises(RuleViolation) as err:
        payments.check_payment_open(dict(BATCH, status="cancelled"), date(2026, 11, 16))
    assert (err.value.code, err.value.rule) == ("BATCH_CANCELLED", "B1")


def test_P1_only_approved_applications_are_paid_for_NOT_APPROVED():
    item = object()
    assert payments.check_approved("a1", item) is item
    with pytest.raises(NotFound) as err:
        payments.check_approved("a1", None)
    assert (err.value.code, err.value.rule, err.value.details) == (
        "NOT_APPROVED", "P1", {"application_id": "a1"})
    assert payments.check_all_approved(["a2", "a1"], {"a1": 1, "a2": 2}) == [2, 1]
    with pytest.raises(NotFound) as err:
        payments.check_all_approved(["a1", "a3", "a4"], {"a1": 1})
    assert (err.value.code, err.value.field, err.value.details) == (
        "NOT_APPROVED", "application_ids", {"application_ids": ["a3", "a4"]})


def test_M3_a_receipt_is_one_uploaded_before_RECEIPT_NOT_FOUND():
    row = object()
    assert payments.check_receipt_on_file(row, uploaded_first=True) is row
    with pytest.raises(NotFound) as err:
        payments.check_receipt_on_file(None, uploaded_first=True)
    assert (err.value.code, err.value.rule, err.value.field) == ("RECEIPT_NOT_FOUND", "M3",
                                                                 "receipt.file")
    with pytest.raises(NotFound) as err:
        payments.check_receipt_on_file(None)
    assert (err.value.code, err.value.field) == ("RECEIPT_NOT_FOUND", "hash")


def test_P3_a_receipt_shows_more_than_zero_VALIDATION_FAILED():
    center = fee_schedule.default_center()
    receipt = {"amount_fen": 0, "payee_account": center["payee_accounts"][0],
               "payee_name": center["payee_name"]}
    with pytest.raises(ValidationFailed) as err:
        payments.check_receipt_details(receipt, center)
    assert (err.value.code, err.value.rule) == ("VALIDATION_FAILED", "P3")


def test_F1_the_money_confirmed_equals_the_fees_due_AMOUNT_MISMATCH():
    sub = {"id": "s1", "status": "submitted", "amount_fen": 20000, "expected_fen": 20000}
    items = [{"application_id": "a1", "status": "submitted", "submission_id": "s1"}]
    with pytest.raises(RuleViolation) as err:
        payments.check_confirm(sub, items, BATCH, date(2026, 11, 17), received_fen=19000)
    assert (err.value.code, err.value.rule, err.value.details["source"]) == (
        "AMOUNT_MISMATCH", "F1", "finance received")


def test_B1_a_refund_is_recorded_once_REFUND_NOT_FOUND_REFUND_RECORDED():
    payments.check_refund_due("due")
    with pytest.raises(NotFound) as err:
        payments.check_refund_due(None)
    assert (err.value.code, err.value.rule) == ("REFUND_NOT_FOUND", "B1")
    with pytest.raises(Conflict) as err:
        payments.check_refund_due("refunded")
    assert (err.value.code, err.value.rule) == ("REFUND_RECORDED", "B1")


def test_K1_a_statement_is_utf8_or_gb18030_text_STATEMENT_ENCODING():
    assert statements.decode_statement("流水号".encode("gb18030")) == "流水号"
    assert statements.decode_statement("\ufeff流水号".encode("utf-8")) == "流水号"
    with pytest.raises(ValidationFailed) as err:
        statements.decode_statement(b"\xff\xfe\x00\xd8\x00")
    assert (err.value.code, err.value.rule) == ("STATEMENT_ENCODING", "K1")


def test_K1_a_statement_without_a_header_is_STATEMENT_EMPTY():
    with pytest.raises(ValidationFailed) as err:
        statements.parse_statement("\n ,\n")
    assert (err.value.code, err.value.rule) == ("STATEMENT_EMPTY", "K1")


def test_K1_a_statement_file_is_at_most_20_MB_STATEMENT_TOO_LARGE():
    statements.check_statement_size(statements.STATEMENT_MAX)
    with pytest.raises(ValidationFailed) as err:
        statements.check_statement_size(statements.STATEMENT_MAX + 1)
    assert (err.value.code, err.value.rule) == ("STATEMENT_TOO_LARGE", "K1")


def test_K1_a_person_matches_a_credit_of_a_statement_CREDIT_NOT_FOUND():
    credit = object()
    assert matching.check_credit_found(credit, "B1") is credit
    with pytest.raises(NotFound) as err:
        matching.check_credit_found(None, "B1")
    assert (err.value.code, err.value.rule, err.value.field) == ("CREDIT_NOT_FOUND", "K1",
                                                                 "bank_serial")


def sub(**overrides):
    return dict({"id": "s1", "credit_id": None, "status": "submitted"}, **overrides)


def test_K1_a_manual_match_settles_what_is_open():
    open_credit = {"status": "ambiguous", "bank_serial": "B1"}
    matching.check_manual_match(open_credit, [sub(), sub(id="s2", status="confirmed")])
    cases = [({"status": "matched", "bank_serial": "B1"}, [sub()], Conflict, "CREDIT_MATCHED"),
             (open_credit, [sub(credit_id="c9")], Conflict, "SUBMISSION_MATCHED"),
             (open_credit, [sub(status="rejected")], RuleViolation, "SUBMISSION_CLOSED"),
             (open_credit, [sub(status="lapsed")], RuleViolation, "SUBMISSION_CLOSED")]
    for credit, subs, kind, code in cases:
        with pytest.raises(kind) as err:
            matching.check_manual_match(credit, subs)
        assert (err.value.code, err.value.rule) == (code, "K1")


def _item(status="payable", channel="individual", **extra):
    return {"application_id": "a1", "status": status, "channel": channel,
            "institution_code": "inst" if channel == "institution" else None,
            "batch_code": "2026-12", "submission_id": None, "id_number": "510104199503159198",
            **extra}


def test_B2_a_confirmed_payment_is_not_paid_again_ALREADY_PAID():
    with pytest.raises(Conflict) as err:
        payments.check_item_payable(_item("paid"))
    assert (err.value.code, err.value.rule, err.value.field) == ("ALREADY_PAID", "B2",
                                                                 "application_ids")


def test_P4_an_application_unpaid_in_its_window_is_abandoned_APPLICATION_ABANDONED():
    with pytest.raises(RuleViolation) as err:
        payments.check_item_payable(_item("abandoned"))
    assert (err.value.code, err.value.rule) == ("APPLICATION_ABANDONED", "P4")


def test_P1_an_institutions_candidate_is_paid_by_the_institution_PAID_BY_INSTITUTION():
    from kernel.errors import Forbidden
    with pytest.raises(Forbidden) as err:
        payments.check_individual_item(_item(channel="institution"), "510104199503159198")
    assert (err.value.code, err.value.rule, err.value.field) == ("PAID_BY_INSTITUTION", "P1",
                                                                 "application_id")
    payments.check_individual_item(_item(), "510104199503159198")      # their own: fine
