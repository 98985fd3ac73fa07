"""Registration: names normalised on both sides of every look-up (kernel.names),
and the roster CSV safe to open in a spreadsheet (kernel.exports)."""
import csv
import io

import pytest

from kernel.errors import ValidationFailed
from kernel.testing import publish_event, wait_until

BATCH = "2026-12"


def person(application, name, **kw):
    payload = application(**kw)
    payload["person"] = dict(payload["person"], name=name)
    return payload


def test_name_with_another_middle_dot_or_trailing_space_is_found(suite, rpc, application):
    payload = person(application, " 阿依古丽•买买提  ")
    app = rpc.registration.submit_application(payload)
    assert app["name"] == "阿依古丽·买买提"
    id_number = payload["person"]["id_number"]
    for typed in ("阿依古丽·买买提", "阿依古丽・买买提", "阿依古丽.买买提", "阿依古丽 · 买买提 ",
                  "阿依古丽\uff65买买提", "阿依古丽\u2027买买提"):
        assert [a["id"] for a in rpc.registration.find_applications(id_number, typed)] \
            == [app["id"]], typed


def test_bidi_override_and_zero_width_characters_refused_naming_the_field(suite, rpc,
                                                                          application):
    for bad in ("张\u202e三", "张\u200b三", "张三\n"):
        with pytest.raises(ValidationFailed) as err:
            rpc.registration.submit_application(person(application, bad))
        assert err.value.field == "person.name"
    payload = application()
    with pytest.raises(ValidationFailed) as err:
        rpc.registration.find_applications(payload["person"]["id_number"], "张\u202e三")
    assert err.value.field == "name"


def test_resubmitted_name_is_normalised(suite, rpc, amqp_uri, application):
    app = rpc.registration.submit_application(application())
    publish_event(amqp_uri, "review", "application_returned", {
        "application_id": app["id"], "actor": "复审员A", "reason": "姓名有误"})
    assert wait_until(lambda: rpc.registration.get_application(app["id"])["status"]
                      == "returned")
    out = rpc.registration.resubmit_application({
        "application_id": app["id"], "person": {"name": "买买提  ・ 艾力 "}})
    assert out["name"] == "买买提·艾力"
    with pytest.raises(ValidationFailed) as err:
        rpc.registration.resubmit_application({
            "application_id": app["id"], "person": {"name": "买买提\u202e"}})
    assert err.value.field == "person.name"


def test_roster_csv_cells_that_look_like_formulas_are_escaped(suite, rpc, application):
    review = {"reviewer": "王审核", "reviewed_on": "2026-10-30", "opinion": "pass",
              "pledge": True}
    payload = person(application, "=HYPERLINK(\"http://x\",\"点\")", channel="institution",
                     institution_code="inst-02", first_review=review,
                     project_code="business-data-analysis")
    payload["person"]["work_unit"] = "@SUM(1+1)"
    rpc.registration.submit_application(payload)
    roster = rpc.registration.institution_roster("inst-02", BATCH)
    [row] = list(csv.reader(io.StringIO(roster["csv"])))[1:]
    assert row[1] == "'=HYPERLINK(\"http://x\",\"点\")"
    assert row[6] == "'@SUM(1+1)"
