"""What payment tells the gateway for its file rule (docs/verification.md): of
a receipt, who uploaded it and the applications of the payments holding it."""
import pytest

from kernel.errors import ValidationFailed
from kernel.testing import sample_jpeg

from payment.testing import BATCH, b64, receipt

FEE = 20000            # the placeholder fee of bigdata-platform-setup in data/fees.json
INST = "inst-02"


def institution_submission(apps, file_hash):
    return {"institution_code": INST, "batch_code": BATCH,
            "application_ids": [a["application_id"] for a in apps],
            "receipt": receipt(file_hash, FEE * len(apps), "四川省科教兴川促进会"),
            "note": f"考核日期2026年12月5日，人数{len(apps)}人", "actor": "机构经办人"}


def individual_submission(app, file_hash):
    return {"application_id": app["application_id"], "candidate_id_number": app["id_number"],
            "receipt": receipt(file_hash, FEE, app["name"]), "note": ""}


def test_M3_a_receipts_readers_are_its_uploaders_and_the_applications_paid_with_it(
        payment, rpc, approve, receipt_file):
    upload = {"content_base64": b64(sample_jpeg(4242)), "filename": "回单.jpg"}
    first = rpc.payment.upload_receipt(upload, uploader="institution:inst-02")
    rpc.payment.upload_receipt(upload, uploader="institution:inst-02")      # once
    readers = rpc.payment.receipt_readers([first["hash"], "0" * 64])
    assert readers == {first["hash"]: {"uploaders": ["institution:inst-02"],
                                       "applications": []}}
    apps = approve(2, channel="institution", institution_code=INST)
    rpc.payment.submit_institution_payment(institution_submission(apps, first["hash"]))
    held = rpc.payment.receipt_readers([first["hash"]])[first["hash"]]
    assert sorted(a["id_number"] for a in held["applications"]) == \
        sorted(a["id_number"] for a in apps)
    assert {(a["channel"], a["institution_code"]) for a in held["applications"]} == \
        {("institution", INST)}
    [own] = approve(1)
    mine = receipt_file()                               # no uploader recorded
    assert rpc.payment.receipt_readers([mine])[mine] == {"uploaders": [], "applications": []}
    rpc.payment.submit_individual_payment(individual_submission(own, mine))
    assert rpc.payment.receipt_readers([mine])[mine]["applications"] == [
        {"id_number": own["id_number"], "name": own["name"], "channel": "individual",
         "institution_code": None}]
    with pytest.raises(ValidationFailed):
        rpc.payment.receipt_readers(mine)
