"""身份核验 over HTTP, the real broker and databases (docs/verification.md): a
self-registered candidate account reaches what an institution registered for
the person only after a code sent to the phone that institution entered (the
phone on file) comes back. The code is read where the file sender leaves it
(<data dir>/sms-outbox), as an operator of a single-machine deployment would."""
import json
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from kernel.db import utcnow
from kernel.testing import sample_id_number

from .conftest import INSTITUTION, Client, bound_url, institution_item
from .test_gateway_service import error

PHONE = "13912345678"


@pytest.fixture
def gateway_container(services, start_gateway):
    return start_gateway()


@pytest.fixture
def gateway(gateway_container):
    return Client(bound_url(gateway_container))


@pytest.fixture
def outbox(tmp_path):
    """outbox() -> the messages the file sender wrote, oldest first."""
    directory = tmp_path / "data" / "sms-outbox"

    def read():
        if not directory.exists():
            return []
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.iterdir())]
    return read


def registered(accounts, upload, seq, name="王五", phone=PHONE):
    """An institution registers a person; answers the person and the application id."""
    operator = accounts("institution_operator")
    item = institution_item(upload(operator), seq, name=name)
    item["person"]["phone"] = phone
    r = operator.post(f"/institutions/{INSTITUTION}/applications", {"applications": [item]})
    assert r.status_code == 200 and r.json()["ok"] == 1, r.text
    return item["person"], r.json()["results"][0]["application_id"]


def test_a_candidate_verified_by_the_code_sent_to_the_phone_on_file_sees_the_institutions_registration(  # noqa: E501
        gateway, accounts, upload, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    person, app_id = registered(accounts, upload, 401)
    me = accounts("candidate", name=person["name"], id_number=person["id_number"])
    error(me.get(f"/applications/{app_id}"), 403, "PERSON_NOT_VERIFIED")
    assert me.get("/applications").json() == []
    assert me.get("/accounts/me").json()["verified"] is False
    state = me.get("/auth/verification").json()
    assert state == {"verified": False, "verified_at": None, "verified_phone": None,
                     "phones": ["139****5678"], "pending": None}
    sent = me.post("/auth/verification", {})
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"phone": "139****5678", "expires_in_s": 600, "resend_after_s": 60,
                           "tries_left": 5}
    [message] = outbox()
    assert message["to"] == PHONE and len(message["code"]) == 6
    code = message["code"]
    assert me.get("/auth/verification").json()["pending"]["phone"] == "139****5678"
    # one a minute
    err = error(me.post("/auth/verification", {}), 429, "VERIFICATION_RESEND_TOO_SOON")
    assert 0 < err["details"]["retry_after_s"] <= 60
    wrong = "000000" if code != "000000" else "111111"
    err = error(me.post("/auth/verification/confirm", {"code": wrong}), 422,
                "VERIFICATION_CODE_WRONG")
    assert err["field"] == "code" and err["details"] == {"tries_left": 4}
    error(me.post("/auth/verification/confirm", {"code": "12345"}), 400, "VALIDATION_FAILED")
    done = me.post("/auth/verification/confirm", {"code": code})
    assert done.status_code == 200, done.text
    assert done.json()["verified"] is True and done.json()["verified_phone"] == "139****5678"
    # from now on: the institution's registration of the person is theirs
    assert me.get(f"/applications/{app_id}").status_code == 200
    assert [a["id"] for a in me.get("/applications").json()] == [app_id]
    assert me.get("/accounts/me").json()["verified"] is True
    error(me.post("/auth/verification", {}), 409, "ALREADY_VERIFIED")
    error(me.post("/auth/verification/confirm", {"code": code}), 409, "ALREADY_VERIFIED")
    # neither the code nor the full number in any log line the suite writes
    # (INFO and up; nameko's own DEBUG lines print whole RPC replies)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert not re.search(rf"(?<![\d.]){code}(?!\d)", logged) and PHONE not in logged
    assert "139****5678" in logged


def test_five_wrong_codes_lock_the_code_and_the_right_one_then_fails_too(
        gateway, accounts, upload, outbox):
    person, app_id = registered(accounts, upload, 402)
    me = accounts("candidate", name=person["name"], id_number=person["id_number"])
    error(me.post("/auth/verification/confirm", {"code": "123456"}), 409,
          "VERIFICATION_NOT_REQUESTED")
    assert me.post("/auth/verification", {}).status_code == 200
    code = outbox()[-1]["code"]
    wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555")
             if c != code][:5]
    for n, guess in enumerate(wrong[:4]):
        err = error(me.post("/auth/verification/confirm", {"code": guess}), 422,
                    "VERIFICATION_CODE_WRONG")
        assert err["details"]["tries_left"] == 4 - n
    error(me.post("/auth/verification/confirm", {"code": wrong[4]}), 409,
          "VERIFICATION_LOCKED")
    error(me.post("/auth/verification/confirm", {"code": code}), 409, "VERIFICATION_LOCKED")
    assert me.get("/accounts/me").json()["verified"] is False
    error(me.get(f"/applications/{app_id}"), 403, "PERSON_NOT_VERIFIED")
    assert me.get("/auth/verification").json()["pending"] is None


def test_an_expired_code_does_not_verify(gateway_container, gateway, accounts, upload,
                                         outbox):
    person, app_id = registered(accounts, upload, 403)
    me = accounts("candidate", name=person["name"], id_number=person["id_number"])
    assert me.post("/auth/verification", {}).status_code == 200
    code = outbox()[-1]["code"]
    # ten minutes later (the clock of the gateway's database row, moved back)
    engine = create_engine(gateway_container.config["DATABASE_URL"])
    with engine.begin() as conn:
        past = utcnow() - timedelta(minutes=11)
        conn.execute(text("UPDATE verification_codes SET sent_at = :sent, expires_at = :exp "
                          "WHERE username = :u"),
                     {"sent": past, "exp": past + timedelta(minutes=10),
                      "u": me.account["username"]})
    engine.dispose()
    error(me.post("/auth/verification/confirm", {"code": code}), 409,
          "VERIFICATION_CODE_EXPIRED")
    assert me.get("/accounts/me").json()["verified"] is False
    # a new code (the minute since the last has passed) does
    assert me.post("/auth/verification", {}).status_code == 200
    fresh = outbox()[-1]["code"]
    assert me.post("/auth/verification/confirm", {"code": fresh}).status_code == 200
    assert me.get(f"/applications/{app_id}").status_code == 200


def test_another_persons_phone_is_never_used(gateway, accounts, upload, outbox):
    """The phone on file is looked up by the account's own ID number and name:
    another person's registration, the phone the person typed on their own
    application or at sign-up, and the same ID number under another name are
    never where a code goes."""
    registered(accounts, upload, 404, name="王五")
    # the same ID number under another name: not the person the institution registered
    lookalike = accounts("candidate", name="赵六",
                         id_number=sample_id_number("19900101", 404))
    error(lookalike.post("/auth/verification", {}), 409, "NO_PHONE_ON_FILE")
    stranger = accounts("candidate", name="王五", id_number=sample_id_number("19900101", 405))
    error(stranger.post("/auth/verification", {}), 409, "NO_PHONE_ON_FILE")
    assert stranger.get("/auth/verification").json()["phones"] == []
    assert outbox() == []
    # two institutions entered two numbers: the latest first, the other by its place
    person, _ = registered(accounts, upload, 406, name="孙七", phone="13800000001")
    operator = accounts("institution_operator")
    item = institution_item(upload(operator), 406, name="孙七",
                            project="business-data-analysis")
    item["person"]["phone"] = "13800000002"
    r = operator.post(f"/institutions/{INSTITUTION}/applications", {"applications": [item]})
    assert r.json()["ok"] == 1, r.text
    me = accounts("candidate", name="孙七", id_number=person["id_number"])
    assert me.get("/auth/verification").json()["phones"] == ["138****0002", "138****0001"]
    error(me.post("/auth/verification", {"phone_index": 2}), 400, "VALIDATION_FAILED")
    assert me.post("/auth/verification", {"phone_index": 1}).json()["phone"] == "138****0001"
    assert outbox()[-1]["to"] == "13800000001"


def test_codes_are_rate_limited_per_account(services, start_gateway, upload, outbox,
                                            monkeypatch):
    from gateway import domain
    monkeypatch.setattr(domain, "RESEND_AFTER_S", 0)     # only the rate limit holds them
    gateway = Client(bound_url(start_gateway(GATEWAY_SMS_RATE_LIMIT="2/3600")))
    admin = gateway.login("admin", "admin-pass-1")
    operator_name = "op-rate"
    assert admin.post("/admin/accounts", {"username": operator_name, "password":
                                          "secret-pass-1", "name": "x",
                                          "role": "institution_operator",
                                          "institution_code": INSTITUTION}).status_code == 201
    operator = gateway.login(operator_name, "secret-pass-1")
    item = institution_item(upload(operator), 407, name="周八")
    assert operator.post(f"/institutions/{INSTITUTION}/applications",
                         {"applications": [item]}).json()["ok"] == 1
    body = {"username": "rate-person", "password": "secret-pass-1", "name": "周八",
            "id_number": item["person"]["id_number"]}
    assert gateway.post("/accounts", body).status_code == 201
    me = gateway.login("rate-person", "secret-pass-1")
    for _ in range(2):
        assert me.post("/auth/verification", {}).status_code == 200
    err = error(me.post("/auth/verification", {}), 429, "VERIFICATION_RATE_LIMITED")
    assert err["details"]["retry_after_s"] > 0
    assert len(outbox()) == 2
