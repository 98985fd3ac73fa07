"""From a submitted application to a confirmed payment and a locked
registration (P1, P2, B2), with exam, registration and payment running on the
real broker and their own databases; the review service is played by
publishing its application_approved event."""
import base64

import pytest

from kernel.errors import RuleViolation
from kernel.testing import EventTap, publish_event, sample_jpeg, wait_until

from exam.service import ExamService
from payment import testing
from payment.service import PaymentService
from registration.service import RegistrationService

from payment_helpers import application, approved, upload_materials

BATCH = "2026-12"


@pytest.fixture
def suite(container_factory, db_url_for, service_config, rpc):
    containers = {
        "exam": container_factory(ExamService, service_config(db_url_for("exam"))),
        # the last day of 2026-12's registration window, the first of its payment window
        "registration": container_factory(RegistrationService, service_config(
            db_url_for("registration"), SKILLCERT_TODAY="2026-11-02")),
        "payment": container_factory(PaymentService, service_config(
            db_url_for("payment"), SKILLCERT_TODAY=testing.IN_WINDOW)),
    }
    for container in containers.values():
        container.start()
    rpc.registration.load_reference_data()
    rpc.payment.load_fee_schedule()
    rpc.exam.load_calendar()
    assert wait_until(lambda: len(rpc.registration.list_batches()) == 21
                      and len(rpc.payment.list_batches()) == 21, timeout=20)
    return containers


@pytest.mark.e2e
def test_P1_P2_B2_from_submission_to_confirmed_payment_and_locked_registration(
        suite, rpc, amqp_uri):
    materials = upload_materials(rpc, seed=41)
    own = rpc.registration.submit_application(application(
        materials, BATCH, "bigdata-platform-setup", "张伟", seq=41))
    inst = rpc.registration.submit_application(application(
        materials, BATCH, "business-data-analysis", "李娜", seq=42, channel="institution",
        institution_code="inst-02"))
    for app in (own, inst):
        publish_event(amqp_uri, "review", "application_approved", approved(app))
    assert wait_until(lambda: all(rpc.registration.get_application(a["id"])["status"]
                                  == "approved" for a in (own, inst)), timeout=15)
    assert wait_until(lambda: len(rpc.payment.list_items(BATCH)) == 2, timeout=15)

    receipt = rpc.payment.upload_receipt({"content_base64": base64.b64encode(
        sample_jpeg(7)).decode(), "filename": "回单.jpg"})["hash"]
    due = rpc.payment.get_payable(own["id"])["amount_due_fen"]
    individual = rpc.payment.submit_individual_payment({
        "application_id": own["id"], "candidate_id_number": own["id_number"],
        "receipt": testing.receipt(receipt, due, "张伟"), "note": "考试费"})
    order = rpc.payment.payment_order("inst-02", BATCH)
    institution = rpc.payment.submit_institution_payment({
        "institution_code": "inst-02", "batch_code": BATCH,
        "application_ids": [a["application_id"] for a in order["applications"]],
        "receipt": testing.receipt(receipt, order["total_fen"], "四川省科教兴川促进会"),
        "note": order["note"]})
    assert [a["application_id"] for a in institution["applications"]] == [inst["id"]]

    with EventTap(amqp_uri, "payment") as tap:
        for sub in (individual, institution):
            rpc.payment.confirm_submission({"submission_id": sub["id"], "actor": "财务王"})
        confirmed = tap.wait_for("payment_confirmed", count=2)
    assert sorted(e["payload"]["application_id"] for e in confirmed) == \
        sorted([own["id"], inst["id"]])

    def paid_and_locked():
        apps = [rpc.registration.get_application(a["id"]) for a in (own, inst)]
        return all(a["status"] == "paid" and a["locked"] for a in apps) and apps
    apps = wait_until(paid_and_locked, timeout=15)
    assert apps, "registration did not apply payment_confirmed"
    assert [t["status"] for t in apps[0]["timeline"]] == ["submitted", "approved", "paid"]
    with pytest.raises(RuleViolation) as err:            # B2: no change after confirmation
        rpc.registration.withdraw_application({"application_id": own["id"], "reason": "x"})
    assert (err.value.code, err.value.rule) == ("REGISTRATION_LOCKED", "B2")
    assert rpc.payment.close_payment_window(today=testing.AFTER_WINDOW)["abandoned"] == 0
