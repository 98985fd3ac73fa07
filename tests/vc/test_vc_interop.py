"""Interoperability of the certificates' verifiable credentials (#19): the
certificate service and the gateway run on the real broker and database (exam's
result_finalized is published, as in the certificate service's tests); two
certificates are issued, the signing key rotated between them, one revoked;
an assessor card's credential is made from assessor training's card_issued.
What a third party fetches over HTTP (the credentials, the issuer's did:web
document, the status list, the context) is written to files, and then:

- the independent verifier, web/verifier/verify.mjs (Node, Digital Bazaar's
  @digitalbazaar/vc 7 + data-integrity + eddsa-rdfc-2022-cryptosuite +
  vc-bitstring-status-list, every context offline), and
- the suite's own verifier (certificate.credentials.verify)

must both say: a fresh credential verifies, not revoked; after its revocation
the status check fails; a credential with one field altered fails; a
credential signed with the rotated-out key still verifies.

The files and the Node verifier's output are kept in var/vc-interop/ (the
example in docs/certificate.md is one of them, masked)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from kernel.testing import publish_event, wait_until

from certificate import credentials

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from review_helpers import _load  # noqa: E402  (a test module under a name of its own)

VERIFIER = ROOT / "web" / "verifier"
KEEP = ROOT / "var" / "vc-interop"

_cert = _load("certificate_service_test_fixtures",
              ROOT / "services" / "certificate" / "tests" / "test_certificate_service.py")
_gw = _load("gateway_test_fixtures_vc", ROOT / "services" / "gateway" / "tests" / "conftest.py")
registration, db_url, start_certificate, passed = (_cert.registration, _cert.db_url,
                                                   _cert.start_certificate, _cert.passed)
start_gateway = _gw.start_gateway


def node_verify(tmp, *files, status=True):
    """[one JSON verdict per file] of the Node verifier, and its exit code."""
    if not (VERIFIER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("web/verifier/node_modules is missing: `npm ci` in web/verifier "
                    "(deploy/test.sh does it)")
    args = ["node", "verify.mjs", "--did", str(tmp / "did.json"), "--context",
            str(tmp / "context.json")]
    args += ["--status", str(tmp / status)] if status else ["--no-status"]
    done = subprocess.run(args + [str(tmp / f) for f in files], cwd=VERIFIER,
                          capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == len(files), done.stdout + done.stderr
    return lines, done.returncode, done.stdout


def test_C2_C3_R4_an_independent_verifier_accepts_the_suites_credentials(
        registration, start_certificate, start_gateway, passed, rpc, tmp_path, amqp_uri):
    start_certificate()
    base = _gw.bound_url(start_gateway())
    http = requests.Session()

    def get(url_or_path, **kwargs):
        path = urlsplit(url_or_path).path if "://" in url_or_path else url_or_path
        r = http.get(base + path[len("/api"):] if path.startswith("/api") else base + path,
                     timeout=30, **kwargs)
        assert r.status_code in (200, 304), (path, r.status_code, r.text)
        return r

    def save(name, document):
        (tmp_path / name).write_text(json.dumps(document, ensure_ascii=False, indent=2))

    old = passed(name="陈晓梅")
    rotated = rpc.certificate.rotate_signing_key({"actor": "ops:vc-test",
                                                  "idempotency_key": "rotate-vc-interop"})
    new = passed(name="王小明")
    assert old["kid"] != new["kid"] == rotated["kid"]
    publish_event(amqp_uri, "assessor_training", "card_issued", {
        "card_number": "KP-2026-0042", "id_number": "51010419900307123X", "name": "赵考评",
        "unit": "成都市职业技能鉴定所", "projects": ["business-data-analysis"],
        "valid_from": "2026-12-01", "valid_until": "2031-11-30", "reason": None})
    assert wait_until(lambda: http.get(base + "/public/credentials/cards/KP-2026-0042",
                                       timeout=30).status_code == 200, timeout=30)

    cred_old = get(f"/public/credentials/{old['number']}").json()
    cred_new = get(f"/public/credentials/{new['number']}").json()
    did = get("/credentials/did.json")
    assert did.headers["Cache-Control"].startswith("public, max-age=")
    assert cred_old["issuer"]["id"] == did.json()["id"]
    assert credentials.did_web_url(did.json()["id"]).endswith("/api/credentials/did.json")
    context = get(urlsplit(credentials.CONTEXT_URL).path).json()
    save("did.json", did.json())
    save("context.json", {"url": credentials.CONTEXT_URL, "document": context})
    save("old.json", cred_old)
    save("new.json", cred_new)
    save("card.json", get("/public/credentials/cards/KP-2026-0042").json())
    altered = json.loads(json.dumps(cred_new))
    altered["credentialSubject"]["projectName"] = "商业数据分析"
    save("altered.json", altered)

    status_url = cred_new["credentialStatus"]["statusListCredential"]
    assert status_url == cred_old["credentialStatus"]["statusListCredential"]
    fresh = get(status_url)
    assert fresh.headers["Cache-Control"] == "public, max-age=300"
    etag = fresh.headers["ETag"]
    assert http.get(base + urlsplit(status_url).path[len("/api"):],
                    headers={"If-None-Match": etag}, timeout=30).status_code == 304
    save("status-fresh.json", fresh.json())

    rpc.certificate.revoke_certificate({
        "certificate_number": new["number"], "reason_code": "falsified_material",
        "reason": "材料造假", "actor": "证书管理员", "idempotency_key": "revoke-vc-interop"})
    after = wait_until(lambda: (lambda r: r if r.headers["ETag"] != etag else None)(
        get(status_url)), timeout=10)
    save("status-revoked.json", after.json())

    # the independent verifier
    lines, rc, out_fresh = node_verify(tmp_path, "old.json", "new.json", "card.json",
                                       status="status-fresh.json")
    assert rc == 0, out_fresh
    for line in lines:
        assert line["verified"] and line["proof"] and line["status"] == {
            "checked": True, "revoked": False}, line
    lines, rc, out_revoked = node_verify(tmp_path, "new.json", "old.json",
                                         status="status-revoked.json")
    assert rc == 1
    assert lines[0]["verified"] is False and lines[0]["proof"] is True
    assert lines[0]["status"]["revoked"] is True            # the status check fails
    assert lines[1]["verified"] is True                     # rotated-out key, not revoked
    assert lines[1]["status"]["revoked"] is False
    lines, rc, out_altered = node_verify(tmp_path, "altered.json", status="status-fresh.json")
    assert rc == 1 and lines[0]["verified"] is False and lines[0]["proof"] is False

    # the suite's own verifier, on the same files
    read = lambda name: json.loads((tmp_path / name).read_text())   # noqa: E731
    did_doc = read("did.json")
    assert credentials.verify(read("old.json"), did_doc, read("status-fresh.json")) == \
        {"verified": True, "revoked": False, "reason": None}
    assert credentials.verify(read("new.json"), did_doc, read("status-fresh.json"))["verified"]
    assert credentials.verify(read("card.json"), did_doc, read("status-fresh.json"))["verified"]
    assert credentials.verify(read("new.json"), did_doc, read("status-revoked.json")) == \
        {"verified": False, "revoked": True, "reason": "revoked"}
    assert credentials.verify(read("old.json"), did_doc, read("status-revoked.json"))[
        "verified"]
    assert credentials.verify(read("altered.json"), did_doc, read("status-fresh.json"))[
        "reason"] == "bad_signature"

    KEEP.mkdir(parents=True, exist_ok=True)
    for f in tmp_path.glob("*.json"):
        shutil.copy(f, KEEP / f.name)
    (KEEP / "node-verifier-output.txt").write_text(
        "# fresh list: old (rotated-out key), new, an assessor card\n" + out_fresh
        + "# after the revocation of new\n" + out_revoked
        + "# one field altered\n" + out_altered)
