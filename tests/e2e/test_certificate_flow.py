"""End to end: exam, registration and certificate together on the real broker.

Review, payment and the exam's result (with what the certificate needs of the
application and the session's supervision, #14) are played with publish_event; the rest
is the real services: an application is submitted, approved, paid, passed, its
certificate issued (C1) and registration marks it certified; the holder
downloads the e-certificate (C3), its text and QR code are read back from the
rendered page and verified online and offline (C2); one altered byte of the
signed payload fails verification.
"""
import base64
import uuid

import pytest

from kernel import documents
from kernel.testing import (EventTap, publish_event, sample_id_number, sample_photo,
                            sample_scan, wait_until)

from certificate import domain
from certificate.service import CertificateService
from exam.service import ExamService
from registration.service import RegistrationService

pytestmark = pytest.mark.e2e

BATCH, PROJECT = "2026-12", "bigdata-platform-setup"      # exam on 2026-12-05


@pytest.fixture
def suite(container_factory, db_url_for, service_config, rpc):
    def start(cls, service, **extra):
        container = container_factory(cls, service_config(db_url_for(service), **extra))
        container.start()
        return container
    start(ExamService, "exam")
    start(RegistrationService, "registration", SKILLCERT_TODAY="2026-11-02")
    start(CertificateService, "certificate", SKILLCERT_TODAY="2026-12-21",
          HANDLER_RETRY_DELAYS="0.2,0.5,1,2")
    rpc.registration.load_reference_data()
    rpc.exam.load_calendar()
    assert wait_until(lambda: len(rpc.registration.list_batches()) == 21, timeout=30)


def upload(rpc, purpose, content):
    return rpc.registration.upload_material({
        "purpose": purpose, "content_base64": base64.b64encode(content).decode()})["hash"]


def status_of(rpc, application_id):
    return rpc.registration.get_application(application_id)["status"]


def test_C1_C2_C3_a_passed_candidate_gets_a_verifiable_e_certificate(suite, rpc, amqp_uri):
    seed = uuid.uuid4().int % 10**6
    photo = sample_photo(seed)
    materials = {"photo": upload(rpc, "photo", photo),
                 "education_proof_kind": "diploma"}
    for n, kind in enumerate(("application_form", "integrity_pledge", "education_proof",
                              "id_card_front", "id_card_back")):
        materials[kind] = upload(rpc, "scan", sample_scan(seed * 10 + n))
    id_number = sample_id_number("19960520", 23, female=True)
    app = rpc.registration.submit_application({
        "batch_code": BATCH, "project_code": PROJECT, "channel": "individual",
        "person": {"name": "陈晓梅", "id_number": id_number, "education": "high_school",
                   "phone": "13800138000"},
        "claim": {"alternative": "education", "computer_skills": True},
        "materials": materials, "candidate_pledge": True})

    publish_event(amqp_uri, "review", "application_approved", {
        "application_id": app["id"], "batch_code": BATCH, "project_code": PROJECT,
        "actor": "复审员A"})
    assert wait_until(lambda: status_of(rpc, app["id"]) == "approved", timeout=30)
    publish_event(amqp_uri, "payment", "payment_confirmed", {
        "application_id": app["id"], "batch_code": BATCH, "project_code": PROJECT,
        "amount_fen": 30000, "actor": "财务"})
    assert wait_until(lambda: status_of(rpc, app["id"]) == "paid", timeout=30)
    with EventTap(amqp_uri, "certificate") as tap:
        publish_event(amqp_uri, "exam", "result_finalized", {
            "application_id": app["id"], "batch_code": BATCH, "project_code": PROJECT,
            "id_number": id_number, "name": "陈晓梅", "passed": True, "score": 86,
            "exam_date": "2026-12-05",
            # what the certificate needs rides with the result (#14): nobody is asked
            "roster_status": "confirmed", "sex": "F", "channel": "individual",
            "institution_code": None, "project_name": "大数据运行平台搭建",
            "photo": materials["photo"], "photo_base64": base64.b64encode(photo).decode(),
            "supervision": {"name": "督导员甲", "at": "2026-12-05T11:30:00+08:00"}})
        [issued] = tap.wait_for("certificate_issued", timeout=30)
    number = issued["payload"]["certificate_number"]
    assert issued["payload"]["application_id"] == app["id"]
    assert wait_until(lambda: status_of(rpc, app["id"]) == "certified", timeout=30)
    timeline = [t["status"] for t in rpc.registration.get_application(app["id"])["timeline"]]
    assert timeline == ["submitted", "approved", "paid", "passed", "certified"]

    out = rpc.certificate.download_certificate(number, id_number, "陈晓梅")
    pdf = base64.b64decode(out["content_base64"])
    text = documents.pdf_text(pdf)
    for expected in ("专项职业能力证书", "陈晓梅", id_number, "大数据运行平台搭建", number,
                     "2026年12月5日", "2026年12月21日"):
        assert expected in text, expected
    assert all(embedded for _, embedded in documents.pdf_fonts(pdf))
    [qr] = documents.decode_qr(documents.render_page(pdf))
    online = rpc.certificate.verify_qr(qr)
    assert online["result"] == "valid" and online["certificate"]["number"] == number
    assert rpc.certificate.verify_number(number)["result"] == "valid"
    offline = domain.verify_offline(qr, rpc.certificate.public_keys(),
                                    rpc.certificate.status_list())
    assert offline["result"] == "valid" and offline["certificate"]["name"] == "陈晓梅"

    payload = qr.split("?p=", 1)[1]
    at = len(payload) // 2
    altered = payload[:at] + ("A" if payload[at] != "A" else "B") + payload[at + 1:]
    assert rpc.certificate.verify_qr(altered)["result"] == "not_genuine"
    assert domain.verify_offline(altered, rpc.certificate.public_keys())["result"] == \
        "not_genuine"
