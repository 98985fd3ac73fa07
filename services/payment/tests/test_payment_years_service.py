"""Service tests of the year-specific payment rules (P1, P2; payment.domain.years)
over the real broker and database: a 2024 batch (000 五: the 三联单 from the
center's office, no proxy wording, no note asked of institutions) next to the
2026 batch of the other tests (001 五: the institution's note, the proxy
wording, no 三联单)."""
import pytest

from kernel.errors import RuleViolation
from kernel.testing import publish_event, wait_until

from payment import testing
from payment.testing import receipt

FEE = 20000


@pytest.fixture
def payment_2024(start_payment, rpc, amqp_uri):
    """Payment on the first day of 2024-12's payment window, both batches known."""
    container = start_payment(today=testing.IN_WINDOW_2024)
    for batch in (testing.BATCH_2024_12, testing.BATCH_2026_12):
        publish_event(amqp_uri, "exam", "batch_scheduled", {"batch": batch})
    rpc.payment.load_fee_schedule()
    assert wait_until(lambda: len(rpc.payment.list_batches()) == 2, timeout=10)
    return container


def individual(app, file_hash, payer, note=""):
    return {"application_id": app["application_id"], "candidate_id_number": app["id_number"],
            "receipt": dict(receipt(file_hash, FEE, payer), transfer_date="2024-11-18"),
            "note": note}


def test_P2_2024_an_individual_pays_after_the_center_issued_the_payment_slip(
        payment_2024, rpc, approve, receipt_file):
    [app] = approve(batch=testing.BATCH_2024)
    payable = rpc.payment.get_payable(app["application_id"])
    assert payable["payment_rules"] == {"notice_year": 2024, "institution_note": False,
                                        "proxy_note": False, "payment_slip": True}
    assert payable["payment_slip_office"].startswith("省职鉴中心5楼509室")
    assert "proxy_note" not in payable and payable["payment_slip"] is None
    file_hash = receipt_file()
    with pytest.raises(RuleViolation) as err:
        rpc.payment.submit_individual_payment(individual(app, file_hash, app["name"]))
    assert (err.value.code, err.value.rule) == ("PAYMENT_SLIP_MISSING", "P2")
    assert rpc.payment.get_payable(app["application_id"])["status"] == "payable"
    item = rpc.payment.issue_payment_slip({"application_id": app["application_id"],
                                           "slip_number": " No.0012345 ", "actor": "收费窗口"})
    assert item["payment_slip"]["number"] == "No.0012345"
    assert item["payment_slip"]["issued_by"] == "收费窗口"
    # paid by someone else: the 2024 notice asks for no wording
    sub = rpc.payment.submit_individual_payment(individual(app, file_hash, "李四", "考试费"))
    assert (sub["status"], sub["payer_kind"]) == ("submitted", "proxy")
    confirmed = rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务"})
    assert confirmed["status"] == "confirmed"


def test_P1_2024_an_institution_pays_without_the_2026_note(payment_2024, rpc, approve,
                                                           receipt_file):
    apps = approve(2, batch=testing.BATCH_2024, channel="institution",
                   institution_code="inst-02")
    sub = rpc.payment.submit_institution_payment({
        "institution_code": "inst-02", "batch_code": testing.BATCH_2024,
        "application_ids": [a["application_id"] for a in apps],
        "receipt": dict(receipt(receipt_file(), 2 * FEE, "四川省科教兴川促进会"),
                        transfer_date="2024-11-18"),
        "note": "考试费", "actor": "机构经办人"})
    assert sub["status"] == "submitted" and sub["expected_fen"] == 2 * FEE
    with pytest.raises(RuleViolation) as err:      # no 三联单 for an institution's candidate
        rpc.payment.issue_payment_slip({"application_id": apps[0]["application_id"],
                                        "slip_number": "0012346", "actor": "收费窗口"})
    assert (err.value.code, err.value.rule) == ("PAYMENT_SLIP_NOT_USED", "P2")


def test_P2_2026_has_no_payment_slip_and_keeps_the_proxy_wording(payment_2024, rpc, approve):
    [app] = approve()           # batch 2026-12
    payable = rpc.payment.get_payable(app["application_id"])
    assert payable["payment_rules"]["notice_year"] == 2026
    assert "{payer}" in payable["proxy_note"] and "payment_slip_office" not in payable
    with pytest.raises(RuleViolation) as err:
        rpc.payment.issue_payment_slip({"application_id": app["application_id"],
                                        "slip_number": "0012347", "actor": "收费窗口"})
    assert (err.value.code, err.value.rule) == ("PAYMENT_SLIP_NOT_USED", "P2")
