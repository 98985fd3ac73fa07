"""Finding (issue 13): "materials and receipts are readable by any signed-in
account that knows their hash". A file's hash is no secret (it travels in
applications, payments, events), so it grants nothing: a candidate or an
institution operator reads a photo, scan or receipt only as its uploader or
when they may read an application holding it; others get the same 404 as for
a file that does not exist (no oracle), and cannot attach it to their own
application or payment to make it readable. The center's staff read as before."""
import base64

from kernel.testing import sample_jpeg, sample_photo

from .conftest import INSTITUTION, application_body, institution_item
from .test_gateway_service import error


def up(client, purpose, content):
    r = client.post("/materials", {"purpose": purpose,
                                   "content_base64": base64.b64encode(content).decode()})
    assert r.status_code == 201, r.text
    return r.json()["hash"]


def test_a_material_is_read_by_its_uploader_and_not_by_others_who_know_its_hash(
        gateway, accounts, upload):
    owner = accounts("candidate")
    photo = up(owner, "photo", sample_photo(5501))
    assert owner.get(f"/materials/{photo}").status_code == 200      # before it is attached
    other = accounts("candidate")
    unknown = error(other.get(f"/materials/{'0' * 64}"), 404, "MATERIAL_NOT_FOUND")
    known = error(other.get(f"/materials/{photo}"), 404, "MATERIAL_NOT_FOUND")
    assert known == unknown                                         # no oracle
    error(accounts("institution_operator").get(f"/materials/{photo}"), 404,
          "MATERIAL_NOT_FOUND")
    assert accounts("reviewer").get(f"/materials/{photo}").status_code == 200
    # attaching it to one's own application does not make it readable either
    files = upload(other)
    body = application_body(other.account, dict(files, photo=photo))
    err = error(other.post("/applications", body), 404, "MATERIAL_NOT_FOUND")
    assert (err["field"], err["rule"]) == ("materials.photo", "M1")
    assert other.post("/applications", application_body(other.account, files)).status_code \
        == 201


def test_an_institutions_scans_are_read_by_it_and_its_verified_candidate_only(
        gateway, accounts, upload):
    operator = accounts("institution_operator")
    colleague = accounts("institution_operator")                   # the same institution
    files = upload(operator)
    item = institution_item(files, 501, name="王五")
    r = operator.post(f"/institutions/{INSTITUTION}/applications", {"applications": [item]})
    assert r.json()["ok"] == 1, r.text
    scan = files["id_card_front"]
    assert colleague.get(f"/materials/{scan}").status_code == 200
    other_institution = accounts("institution_operator", institution_code="inst-02")
    error(other_institution.get(f"/materials/{scan}"), 404, "MATERIAL_NOT_FOUND")
    # a self-registered account of the person: not before verification
    squatter = accounts("candidate", name="王五", id_number=item["person"]["id_number"])
    error(squatter.get(f"/materials/{scan}"), 404, "MATERIAL_NOT_FOUND")
    error(accounts("candidate").get(f"/materials/{scan}"), 404, "MATERIAL_NOT_FOUND")
    # another institution cannot register someone with these scans to read them
    stolen = institution_item(dict(files), 502, project="business-data-analysis")
    r = other_institution.post("/institutions/inst-02/applications", {"applications": [stolen]})
    assert r.json()["ok"] == 0
    assert r.json()["results"][0]["error"]["code"] == "MATERIAL_NOT_FOUND"


def test_a_receipt_is_read_by_its_uploader_and_finance_only(suite_gateway, accounts):
    receipt = {"content_base64": base64.b64encode(sample_jpeg(5601)).decode(),
               "filename": "回单.jpg"}
    operator = accounts("institution_operator")
    r = operator.post("/receipts", receipt)
    assert r.status_code == 201, r.text
    file_hash = r.json()["hash"]
    assert operator.get(f"/receipts/{file_hash}").status_code == 200
    assert accounts("finance").get(f"/receipts/{file_hash}").status_code == 200
    unknown = error(accounts("candidate").get(f"/receipts/{'0' * 64}"), 404,
                    "RECEIPT_NOT_FOUND")
    assert error(accounts("candidate").get(f"/receipts/{file_hash}"), 404,
                 "RECEIPT_NOT_FOUND") == unknown
    other = accounts("institution_operator", institution_code="inst-02")
    error(other.get(f"/receipts/{file_hash}"), 404, "RECEIPT_NOT_FOUND")
    # nor can it pay with that receipt to make it readable
    body = {"batch_code": "2026-12", "application_ids": ["x"], "note": "x",
            "receipt": {"file": file_hash, "payer_name": "某机构", "payer_account": "1",
                        "payee_name": "x", "payee_account": "1", "amount_fen": 100,
                        "transfer_date": "2026-11-16"}}
    err = error(other.post("/institutions/inst-02/payments", body), 404, "RECEIPT_NOT_FOUND")
    assert (err["field"], err["rule"]) == ("receipt.file", "M3")
