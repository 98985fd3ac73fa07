"""Service tests of the verifiable credentials (#19) over the real broker and
database: issued with the certificate and attached to its PDF, revoked through
the status list, kept verifying across a key rotation, and issued by the
migration job for certificates that had none. The independent (Node) verifier
runs on credentials of a launched suite in tests/vc/."""
import base64
import json

import pytest
from sqlalchemy import create_engine, text

from kernel.errors import NotFound
from kernel.testing import publish_event, wait_until

from certificate import credentials, document
from test_certificate_service import (  # noqa: F401  (fixtures)
    db_url, passed, registration, service, start_certificate)


def _status_list(rpc, credential):
    list_id = credential["credentialStatus"]["statusListCredential"].rsplit("/", 1)[1]
    return rpc.certificate.status_list_credential(list_id)


def _verify(rpc, credential):
    return credentials.verify(credential, rpc.certificate.did_document(),
                              _status_list(rpc, credential)["document"])


def test_C3_a_certificate_is_issued_with_its_credential_attached_to_the_pdf(service, passed,
                                                                           rpc):
    cert = passed(name="王小明")
    cred = rpc.certificate.get_credential(cert["number"])
    subject = cred["credentialSubject"]
    assert subject["certificateNumber"] == cert["number"] and subject["name"] == "王小明"
    assert subject["maskedIdNumber"] == cert["id_number"][:3] + "*" * 13 + cert["id_number"][-2:]
    assert cert["id_number"] not in json.dumps(cred)
    assert cred["issuer"]["id"] == rpc.certificate.did_document()["id"]
    assert cred["proof"]["verificationMethod"].endswith("#" + cert["kid"])
    assert _verify(rpc, cred) == {"verified": True, "revoked": False, "reason": None}
    assert rpc.certificate.verify_credential(cred)["verified"] is True

    out = rpc.certificate.download_certificate(cert["number"], cert["id_number"], "王小明")
    attached = document.attached_credential(base64.b64decode(out["content_base64"]))
    assert json.loads(attached) == cred
    mine = rpc.certificate.download_credential(cert["number"], cert["id_number"], "王小明")
    assert mine["filename"] == f"certificate-{cert['number']}.json"
    assert json.loads(base64.b64decode(mine["content_base64"])) == cred


def test_C3_someone_else_cannot_download_the_holders_credential_file(service, passed, rpc):
    cert = passed(name="王小明")
    try:
        rpc.certificate.download_credential(cert["number"], cert["id_number"], "李四")
        raise AssertionError("the credential was handed to another name")
    except NotFound as exc:
        assert exc.code == "CERTIFICATE_NOT_FOUND"


def test_R4_revoking_a_certificate_sets_its_bit_in_the_signed_status_list(service, passed, rpc):
    kept, revoked = passed(), passed()
    cred_kept = rpc.certificate.get_credential(kept["number"])
    cred_revoked = rpc.certificate.get_credential(revoked["number"])
    before = _status_list(rpc, cred_revoked)
    rpc.certificate.revoke_certificate({
        "certificate_number": revoked["number"], "reason_code": "falsified_material",
        "reason": "材料造假", "actor": "证书管理员", "idempotency_key": "revoke-vc-1"})
    after = _status_list(rpc, cred_revoked)
    assert after["etag"] != before["etag"] and after["max_age_s"] == 300
    assert _verify(rpc, cred_revoked) == {"verified": False, "revoked": True,
                                          "reason": "revoked"}
    assert rpc.certificate.verify_credential(cred_revoked)["reason"] == "revoked"
    assert _verify(rpc, cred_kept)["verified"] is True


def test_C2_a_credential_signed_before_a_key_rotation_keeps_verifying(service, passed, rpc):
    old = passed()
    rotated = rpc.certificate.rotate_signing_key({"actor": "ops:test",
                                                  "idempotency_key": "rotate-vc-1"})
    new = passed()
    cred_old = rpc.certificate.get_credential(old["number"])
    cred_new = rpc.certificate.get_credential(new["number"])
    assert cred_old["proof"]["verificationMethod"].endswith("#" + old["kid"])
    assert cred_new["proof"]["verificationMethod"].endswith("#" + rotated["kid"])
    did = rpc.certificate.did_document()
    assert {m["id"].split("#")[1] for m in did["verificationMethod"]} >= {old["kid"],
                                                                          rotated["kid"]}
    assert _verify(rpc, cred_old)["verified"] and _verify(rpc, cred_new)["verified"]
    altered = json.loads(json.dumps(cred_old))
    altered["credentialSubject"]["projectName"] = "商业数据分析"
    assert rpc.certificate.verify_credential(altered)["reason"] == "bad_signature"


def test_C2_the_verifier_takes_a_credential_object_CREDENTIAL_INVALID(service, rpc):
    from kernel.errors import ValidationFailed
    for not_a_credential in ("a string", ["a", "list"], 42):
        with pytest.raises(ValidationFailed) as err:
            rpc.certificate.verify_credential(not_a_credential)
        assert (err.value.code, err.value.rule, err.value.field) == (
            "CREDENTIAL_INVALID", "C2", "credential")


def test_C3_the_migration_job_issues_credentials_for_certificates_without_one(
        service, passed, rpc, db_url):
    first, second = passed(), passed()
    pdf_before = rpc.certificate.download_certificate(
        first["number"], first["id_number"], first["name"])["sha256"]
    rpc.certificate.revoke_certificate({
        "certificate_number": second["number"], "reason_code": "falsified_material",
        "reason": "材料造假", "actor": "证书管理员", "idempotency_key": "revoke-vc-2"})
    engine = create_engine(db_url)        # as if issued before credentials existed
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM credentials"))
    engine.dispose()
    try:
        rpc.certificate.get_credential(first["number"])
        raise AssertionError("a deleted credential was served")
    except NotFound as exc:
        assert exc.code == "CREDENTIAL_NOT_FOUND"
    assert rpc.certificate.issue_missing_credentials() == {"issued": 2, "remaining": 0}
    assert rpc.certificate.issue_missing_credentials() == {"issued": 0, "remaining": 0}
    assert _verify(rpc, rpc.certificate.get_credential(first["number"]))["verified"]
    assert _verify(rpc, rpc.certificate.get_credential(second["number"]))["revoked"] is True
    # the PDF the holder has is unchanged (verify_pdf knows it by its hash)
    assert rpc.certificate.download_certificate(
        first["number"], first["id_number"], first["name"])["sha256"] == pdf_before


def test_the_did_document_and_context_are_served_without_the_network(service, rpc):
    did = rpc.certificate.did_document()
    assert did["id"] == "did:web:skillcert.example:api:credentials"
    assert all(m["publicKeyMultibase"].startswith("z6Mk") for m in did["verificationMethod"])
    ctx = rpc.certificate.credential_context()
    assert ctx["url"] == credentials.CONTEXT_URL and "@context" in ctx["document"]
    try:
        rpc.certificate.status_list_credential("999")
        raise AssertionError("an unknown status list was served")
    except NotFound as exc:
        assert exc.code == "STATUS_LIST_NOT_FOUND"


def _card(number, **extra):
    return dict({"card_number": number, "id_number": "51010419900307123X", "name": "赵考评",
                 "unit": "成都市职业技能鉴定所", "projects": ["business-data-analysis"],
                 "valid_from": "2026-12-01", "valid_until": "2031-11-30", "reason": None},
                **extra)


def _card_credential(rpc, number):
    def found():
        try:
            return rpc.certificate.get_card_credential(number)
        except NotFound:
            return None
    return found


def test_A6_an_assessor_card_gets_a_credential_and_its_revocation_sets_the_bit(
        service, rpc, amqp_uri):
    number = "KP-2026-0001"
    publish_event(amqp_uri, "assessor_training", "card_issued", _card(number))
    cred = wait_until(_card_credential(rpc, number), timeout=30)
    assert cred["type"] == ["VerifiableCredential", "AssessorCardCredential"]
    assert cred["credentialSubject"]["maskedIdNumber"] == "510*************3X"
    assert "51010419900307123X" not in json.dumps(cred)
    assert cred["validUntil"] == "2031-11-30T15:59:59Z"       # the day's end, Beijing time
    assert _verify(rpc, cred)["verified"] is True
    # renewal: the same card again with a later end, the same status index
    publish_event(amqp_uri, "assessor_training", "card_issued",
                  _card(number, valid_until="2032-11-30"))
    renewed = wait_until(lambda: (lambda c: c if c["validUntil"].startswith("2032") else None)(
        rpc.certificate.get_card_credential(number)), timeout=30)
    assert renewed["credentialStatus"] == cred["credentialStatus"]
    publish_event(amqp_uri, "assessor_training", "card_revoked",
                  _card(number, reason="弄虚作假"))
    assert wait_until(lambda: _verify(rpc, renewed)["revoked"], timeout=30)
