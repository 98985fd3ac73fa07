"""End to end over HTTP: a browser-free client (requests) follows a candidate
through the gateway with every service of the suite running on the real
broker: an account, the materials, the application and its status (R1-R3),
the center's review (V2), the payment with its receipt and the finance
confirmation (P2, P3, B2), the result (played: the exam's own steps need a
room of candidates and three assessors, see deploy/demo.py), the
e-certificate downloaded and verified by the public (C1-C3), and its
revocation."""
import base64
import json
from pathlib import Path

from urllib.parse import urlsplit

import pytest

from kernel import documents, idnumber
from kernel.projects import catalogue
from kernel.testing import publish_event, sample_jpeg, wait_until

from certificate import credentials, document

from review_helpers import _load        # loads a test package's conftest under its own name

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

# the gateway's test fixtures, loaded under a name of their own
_gw = _load("gateway_test_fixtures", ROOT / "services" / "gateway" / "tests" / "conftest.py")
start_gateway, start_suite = _gw.start_gateway, _gw.start_suite
accounts, upload = _gw.accounts, _gw.upload
BATCH = _gw.BATCH


@pytest.fixture
def suite_gateway(start_suite, start_gateway):
    # registration on its window's last day, review inside its window, payment on
    # the first day of its window, the certificate office after the results
    start_suite(registration="2026-11-02", review="2026-11-03", payment="2026-11-16",
                exam="2026-11-19", certificate="2026-12-21")
    return _gw.Client(_gw.bound_url(start_gateway()))


def eventually(client, path, status):
    found = wait_until(lambda: (lambda r: r.status_code == 200 and r.json()["status"] == status
                                and r.json())(client.get(path)), timeout=20)
    assert found, client.get(path).text
    return found


def test_candidate_journey_from_account_to_verified_e_certificate(suite_gateway, accounts,
                                                                  upload, amqp_uri):
    public = suite_gateway
    # 1. an account of one's own, bound to one's ID number (R2)
    candidate = accounts("candidate", name="陈晓梅")
    me = candidate.get("/accounts/me").json()
    assert me["role"] == "candidate" and me["name"] == "陈晓梅"

    # 2. the batches and projects are public
    batch = public.get(f"/batches/{BATCH}").json()
    assert batch["registration"] == {"start": "2026-10-26", "end": "2026-11-02"}
    projects = {p["code"]: p for p in public.get("/projects", params={"year": 2026}).json()}
    assert "bigdata-platform-setup" in projects

    # 3. materials, then the application (R1-R3)
    materials = upload(candidate)
    body = _gw.application_body(me, materials)
    r = candidate.post("/applications", body)
    assert r.status_code == 201, r.text
    app = r.json()
    path = f"/applications/{app['id']}"
    assert candidate.get(path).json()["status"] == "submitted"

    # 4. the center's review (V2)
    reviewer = accounts("reviewer")
    assert wait_until(lambda: any(i["application_id"] == app["id"] for i in reviewer.get(
        "/review/queue", params={"batch_code": BATCH}).json()["items"]), timeout=20)
    seen = reviewer.get(f"/review/applications/{app['id']}").json()
    assert seen["submission"]["materials"] == app["materials"]
    r = reviewer.post(f"/review/applications/{app['id']}/decision",
                      {"decision": "approve", "reason": "材料齐全"})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    eventually(candidate, path, "approved")

    # 5. the payment: what is due, the receipt, the submission (P2, P3)
    due = wait_until(lambda: (lambda r: r.status_code == 200 and r.json())(
        candidate.get(f"{path}/payment")), timeout=20)
    assert due["amount_due_fen"] > 0 and due["status"] == "payable"
    r = candidate.post("/receipts", {"content_base64": base64.b64encode(
        sample_jpeg(77)).decode(), "filename": "回单.jpg"})
    assert r.status_code == 201, r.text
    payee = candidate.get("/payments/payee").json()
    paid = candidate.post(f"{path}/payment", {
        "receipt": {"file": r.json()["hash"], "payee_name": payee["payee_name"],
                    "payee_account": payee["payee_accounts"][0], "payer_name": "陈晓梅",
                    "amount_fen": due["amount_due_fen"], "transfer_date": "2026-11-16"},
        "note": "考试费"})
    assert paid.status_code == 201, paid.text

    # 6. finance confirms (确认收费); registration locks the application (B2)
    finance = accounts("finance")
    pending = finance.get("/payments/submissions", params={"batch_code": BATCH,
                                                           "status": "submitted"}).json()
    [submission] = [s for s in pending if s["id"] == paid.json()["id"]]
    r = finance.post(f"/payments/submissions/{submission['id']}/confirm", {})
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    locked = eventually(candidate, path, "paid")
    assert locked["locked"] is True
    r = candidate.post(f"{path}/withdraw", {"reason": "too late"})
    assert r.status_code == 422 and r.json()["rule"] == "B2"

    # 7. the exam's result (played, with what the certificate needs, #14), then the
    # certificate (C1)
    got = candidate.get(f"/materials/{materials['photo']}")     # the uploader reads it back
    assert got.status_code == 200
    photo = base64.b64encode(got.content).decode()
    publish_event(amqp_uri, "exam", "result_finalized", {
        "application_id": app["id"], "batch_code": BATCH, "project_code": app["project_code"],
        "id_number": me["id_number"], "name": "陈晓梅", "passed": True, "score": 86,
        "exam_date": "2026-12-05", "roster_status": "confirmed",
        "sex": idnumber.parse(me["id_number"]).sex, "channel": "individual",
        "institution_code": None, "project_name": next(
            p["name_zh"] for p in catalogue() if p["code"] == app["project_code"]),
        "photo": materials["photo"], "photo_base64": photo,
        "supervision": {"name": "督导员甲", "at": "2026-12-05T11:30:00+08:00"}})
    certified = eventually(candidate, path, "certified")
    assert [t["status"] for t in certified["timeline"]] == \
        ["submitted", "approved", "paid", "passed", "certified"]

    # 8. the e-certificate: downloaded by its holder, verified by anyone (C2, C3)
    [cert] = candidate.get("/certificates").json()
    number = cert["certificate"]["number"] if "certificate" in cert else cert["number"]
    pdf = candidate.get(f"/certificates/{number}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert public.get(f"/public/certificates/{number}").json()["result"] == "valid"
    checked = public.post("/public/certificates/verify-pdf",
                          {"content_base64": base64.b64encode(pdf.content).decode()})
    assert checked.status_code == 200 and checked.json()["result"] == "valid", checked.text
    # the QR code leads to the gateway (the path and query of its URL; C2)
    [qr] = documents.decode_qr(documents.render_page(pdf.content))
    link = urlsplit(qr)
    scanned = public.get(f"{link.path}?{link.query}")
    assert scanned.status_code == 200 and scanned.json()["result"] == "valid", scanned.text
    someone_else = accounts("candidate")
    assert someone_else.get(f"/certificates/{number}/pdf").status_code == 404
    # its verifiable credential (#19): the holder's .json is the one attached to the PDF
    mine = candidate.get(f"/certificates/{number}/credential")
    assert mine.status_code == 200, mine.text
    credential = json.loads(mine.content)
    assert credential == json.loads(document.attached_credential(pdf.content))
    assert credential == public.get(f"/public/credentials/{number}").json()
    assert someone_else.get(f"/certificates/{number}/credential").status_code == 404
    status_path = urlsplit(credential["credentialStatus"]["statusListCredential"]).path
    status_path = status_path[len("/api"):]
    did = public.get("/credentials/did.json").json()
    assert credentials.verify(credential, did, public.get(status_path).json())["verified"]

    # 9. the certificate office revokes it; the public sees it at once
    officer = accounts("certificate_officer")
    r = officer.post(f"/admin/certificates/{number}/revoke",
                     {"reason_code": "falsified_material", "reason": "学历证明经核实为伪造 (R4)"})
    assert r.status_code == 200, r.text
    assert public.get(f"/public/certificates/{number}").json()["result"] == "revoked"
    assert credentials.verify(credential, did, public.get(status_path).json())["revoked"]
    eventually(candidate, path, "certificate_revoked")
