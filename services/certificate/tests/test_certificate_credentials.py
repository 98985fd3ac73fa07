"""Unit tests of certificate.credentials (#19): the VC 2.0 credential, its
eddsa-rdfc-2022 proof, the Bitstring Status List, the did:web document. The
independent (Node) verifier's checks are in tests/vc/."""
import copy
from datetime import date, datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from certificate import credentials as vc, signing

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)
DID = vc.did_web("skillcert.example", ["api", "credentials"])
LIST_URL = "https://skillcert.example/api/credentials/status/1"
ISSUER = {"id": DID, "name": "四川省职业技能鉴定指导中心"}
CERT = {"number": "51202600012345", "name": "张三", "id_number": "51010419900307123X",
        "project_code": "P1", "project_name": "中式面点制作", "exam_date": date(2026, 11, 20),
        "issued_on": date(2026, 12, 1), "issued_at": NOW}


def _keys(*private):
    return [{"kid": signing.key_id(k), "public_key": signing.b64u(signing.raw_public(k))}
            for k in private]


@pytest.fixture(scope="module")
def issued():
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    keys = _keys(old, new)
    did_doc = vc.did_document(DID, keys)
    unsigned = vc.certificate_credential(CERT, ISSUER, "https://skillcert.example/c/1",
                                         vc.status_entry(LIST_URL, 4711))
    cred = vc.sign(unsigned, old, vc.method_id(DID, keys[0]["kid"]), NOW)

    def status_list(*revoked):
        return vc.sign(vc.status_list_credential(LIST_URL, ISSUER, NOW, vc.encode_list(revoked)),
                       new, vc.method_id(DID, keys[1]["kid"]), NOW)
    return {"cred": cred, "did": did_doc, "list": status_list, "keys": keys}


def test_C2_a_fresh_credential_verifies_not_revoked(issued):
    assert vc.verify(issued["cred"], issued["did"], issued["list"]()) == {
        "verified": True, "revoked": False, "reason": None}


def test_C2_R4_a_revoked_certificate_fails_on_its_status_bit(issued):
    out = vc.verify(issued["cred"], issued["did"], issued["list"](3, 4711))
    assert out == {"verified": False, "revoked": True, "reason": "revoked"}
    # another index revoked: this one still verifies
    assert vc.verify(issued["cred"], issued["did"], issued["list"](4712))["verified"]


@pytest.mark.parametrize("path,value", [
    (("credentialSubject", "projectName"), "西式面点制作"),
    (("credentialSubject", "name"), "李四"),
    (("credentialSubject", "examDate"), "2026-11-21"),
    (("credentialStatus", "statusListIndex"), "4712"),
    (("validFrom",), "2026-12-01T04:00:00Z"),
])
def test_C2_a_credential_with_one_field_altered_fails(issued, path, value):
    altered = copy.deepcopy(issued["cred"])
    target = altered
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert vc.verify(altered, issued["did"], issued["list"]())["reason"] == "bad_signature"


def test_C2_a_credential_signed_with_a_rotated_out_key_verifies_while_the_key_is_published(
        issued):
    # signed with the first (old) key; the list with the new one
    assert issued["cred"]["proof"]["verificationMethod"].endswith(issued["keys"][0]["kid"])
    assert vc.verify(issued["cred"], issued["did"], issued["list"]())["verified"]
    # a DID document without that key: unknown key
    newer_only = vc.did_document(DID, issued["keys"][1:])
    assert vc.verify(issued["cred"], newer_only, issued["list"]())["reason"] == "unknown_key"


def test_C2_a_status_list_altered_or_signed_by_another_issuer_is_refused(issued):
    forged = copy.deepcopy(issued["list"](4711))
    forged["credentialSubject"]["encodedList"] = vc.encode_list([])
    assert vc.verify(issued["cred"], issued["did"], forged)["reason"] == \
        "status_list_bad_signature"
    assert vc.verify(issued["cred"], issued["did"], None)["reason"] == "status_list_missing"


def test_C1_the_credential_never_holds_the_full_id_number(issued):
    text = str(issued["cred"])
    assert CERT["id_number"] not in text
    assert issued["cred"]["credentialSubject"]["maskedIdNumber"] == "510*************3X"


def test_the_status_list_has_at_least_131072_bits_gzip_base64url_multibase():
    encoded = vc.encode_list([0, 131071])
    assert encoded.startswith("u") and "=" not in encoded
    data = vc.decode_list(encoded)
    assert len(data) * 8 == 131072
    assert data[0] == 0x80 and data[-1] == 0x01        # bit 0 is the leftmost
    assert vc.bit(encoded, 0) and vc.bit(encoded, 131071) and not vc.bit(encoded, 1)
    assert vc.encode_list([5]) == vc.encode_list([5])   # deterministic
    with pytest.raises(ValueError):
        vc.encode_list([], bits=1024)


def test_the_did_document_lists_every_key_as_an_ed25519_multikey(issued):
    methods = issued["did"]["verificationMethod"]
    assert [m["id"] for m in methods] == issued["did"]["assertionMethod"]
    for method, key in zip(methods, issued["keys"]):
        assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
        assert vc.raw_of_multikey(method["publicKeyMultibase"]) == \
            signing.unb64u(key["public_key"])
    assert vc.did_web_url(DID) == "https://skillcert.example/api/credentials/did.json"
    assert vc.did_web("localhost:8080") == "did:web:localhost%3A8080"


def test_the_document_loader_never_goes_to_the_network():
    assert vc.document_loader(vc.VC_V2)["document"]["@context"]["@protected"] is True
    with pytest.raises(jsonld.JsonLdError):
        vc.document_loader("https://example.com/context/v1")
    doc = {"@context": [vc.VC_V2, "https://example.com/unknown/v1"], "type": "Thing"}
    with pytest.raises(jsonld.JsonLdError):
        vc.canonize(doc)


def test_base58btc_round_trips_leading_zeros():
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(40))):
        assert vc.b58decode(vc.b58encode(data)) == data
