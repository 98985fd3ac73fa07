"""End to end: exam, registration and review together on the real broker, each on
its own database. Applications go from submission through the center's review
(V1, V2) and registration follows every decision from review's events."""
import pytest

from kernel.errors import Conflict, RuleViolation
from kernel.testing import wait_until

from review.service import ReviewService

from review_helpers import (BATCH, TODAY, application, materials,  # noqa: F401 (fixtures)
                            start_registration, suite)

pytestmark = pytest.mark.e2e

CENTER = {"name": "复审员A", "role": "center"}
FIRST_REVIEW = {"reviewer": "王初审", "reviewed_on": "2026-10-30", "opinion": "pass",
                "pledge": True}


@pytest.fixture
def cluster(suite, container_factory, db_url_for, service_config, rpc):
    """exam + registration (from registration's fixtures) + review; review may
    start after the calendar was published, so it also pulls the batches from exam."""
    review = container_factory(ReviewService, service_config(db_url_for("review"),
                                                             SKILLCERT_TODAY=TODAY))
    review.start()
    rpc.review.sync_batches()
    assert wait_until(lambda: len(rpc.review.list_batches()) == 21, timeout=15)
    return dict(suite, review=review)


def submitted(rpc, payload):
    """Submit through registration; wait until review has the task."""
    app = rpc.registration.submit_application(payload)
    assert wait_until(lambda: _review_status(rpc, app["id"]) == "pending", timeout=15)
    return app


def _review_status(rpc, application_id):
    from kernel.errors import NotFound
    try:
        return rpc.review.get_review(application_id)["status"]
    except NotFound:
        return None


def registration_reaches(rpc, application_id, status):
    assert wait_until(lambda: rpc.registration.get_application(application_id)["status"]
                      == status, timeout=15), \
        rpc.registration.get_application(application_id)
    return rpc.registration.get_application(application_id)


def decide(rpc, application_id, decision, **extra):
    return rpc.review.decide(dict({"application_id": application_id, "decision": decision,
                                   "reviewer": CENTER}, **extra))


def test_V1_V2_approve_and_reject_across_registration_and_review(cluster, rpc, application):
    individual = submitted(rpc, application())
    institution = submitted(rpc, application(
        channel="institution", institution_code="inst-02", first_review=FIRST_REVIEW,
        project_code="business-data-analysis"))
    # the reviewer sees what registration recorded: pre-check, materials, first review
    seen = rpc.review.get_review(institution["id"])
    assert seen["submission"]["precheck"] == institution["precheck"]
    assert seen["submission"]["materials"] == institution["materials"]
    assert seen["submission"]["first_review"]["reviewer"] == "王初审"
    assert seen["task"]["stage"] == "re_review" and seen["task"]["due_on"] is not None
    queue = rpc.review.list_pending(batch_code=BATCH, institution_code="inst-02")
    assert [i["application_id"] for i in queue["items"]] == [institution["id"]]

    decide(rpc, individual["id"], "approve", reason="材料齐全")
    app = registration_reaches(rpc, individual["id"], "approved")
    assert [t["status"] for t in app["timeline"]] == ["submitted", "approved"]
    assert (app["timeline"][1]["actor"], app["timeline"][1]["note"]) == ("复审员A", "材料齐全")

    decide(rpc, institution["id"], "reject", reason="学历证明与学信网记录不符")
    app = registration_reaches(rpc, institution["id"], "rejected")
    assert [t["status"] for t in app["timeline"]] == ["submitted", "rejected"]
    assert app["timeline"][1]["note"] == "学历证明与学信网记录不符"
    # V2: a rejection is final: the same person cannot apply again to that project
    with pytest.raises(Conflict) as err:
        rpc.registration.submit_application(application(
            channel="institution", institution_code="inst-02", first_review=FIRST_REVIEW,
            project_code="business-data-analysis",
            person=dict(institution["person"], name=institution["name"],
                        id_number=institution["id_number"])))
    assert err.value.rule == "V2"
    assert rpc.review.list_pending()["total"] == 0


def test_V2_return_resubmit_approve_and_not_accepted_after_the_window(cluster, rpc,
                                                                       application):
    first, second = submitted(rpc, application()), submitted(rpc, application())
    out = rpc.review.decide_many({
        "idempotency_key": "e2e-sitting-1", "reviewer": CENTER, "decisions": [
            {"application_id": first["id"], "decision": "return",
             "reason": "学历证明不清晰", "fields_to_fix": ["materials.education_proof"]},
            {"application_id": second["id"], "decision": "return", "reason": "照片不合格",
             "fields_to_fix": ["materials.photo"]}]})
    assert (out["ok"], out["failed"]) == (2, 0)
    app = registration_reaches(rpc, first["id"], "returned")
    assert app["timeline"][-1]["note"] == "学历证明不清晰"
    assert app["timeline"][-1]["details"]["fields_to_fix"] == ["materials.education_proof"]
    registration_reaches(rpc, second["id"], "returned")

    # the candidate corrects and resubmits inside the review window: a second round
    rpc.registration.resubmit_application({"application_id": first["id"],
                                           "person": {"education": "junior_college"},
                                           "note": "重新上传学历证明"})
    assert wait_until(lambda: rpc.review.get_review(first["id"])["round"] == 2, timeout=15)
    seen = rpc.review.get_review(first["id"])
    assert seen["status"] == "pending" and seen["submission"]["changed"] == ["person"]
    assert seen["submission"]["person"]["education"] == "junior_college"
    decide(rpc, first["id"], "approve")
    app = registration_reaches(rpc, first["id"], "approved")
    assert [t["status"] for t in app["timeline"]] == ["submitted", "returned", "submitted",
                                                      "approved"]

    # the other one is not corrected: when the window has closed it is no longer accepted
    assert rpc.review.close_review_window(today="2026-11-14")["application_ids"] == \
        [second["id"]]
    app = registration_reaches(rpc, second["id"], "not_accepted")
    assert [t["status"] for t in app["timeline"]] == ["submitted", "returned", "not_accepted"]
    assert rpc.review.close_review_window(today="2026-11-14")["closed"] == 0
    with pytest.raises(Conflict):
        decide(rpc, second["id"], "approve")
    with pytest.raises(RuleViolation):     # registration refuses a late correction too
        rpc.registration.resubmit_application({"application_id": second["id"]})


def test_V2_an_individual_correction_still_wrong_is_not_accepted_in_both_services(
        cluster, rpc, application):
    """修改不正确的，不再受理个人报名: the second return ends the application."""
    app = submitted(rpc, application())
    decide(rpc, app["id"], "return", reason="学历证明不清晰",
           fields_to_fix=["materials.education_proof"])
    registration_reaches(rpc, app["id"], "returned")
    rpc.registration.resubmit_application({"application_id": app["id"],
                                           "note": "重新上传学历证明"})
    assert wait_until(lambda: rpc.review.get_review(app["id"])["round"] == 2, timeout=15)
    out = decide(rpc, app["id"], "return", reason="学历证明仍不清晰",
                 fields_to_fix=["materials.education_proof"])
    assert out["status"] == "not_accepted"
    done = registration_reaches(rpc, app["id"], "not_accepted")
    assert [t["status"] for t in done["timeline"]] == ["submitted", "returned", "submitted",
                                                       "not_accepted"]
    assert "学历证明仍不清晰" in done["timeline"][-1]["note"]
    with pytest.raises(RuleViolation):     # no further correction
        rpc.registration.resubmit_application({"application_id": app["id"]})
    with pytest.raises(Conflict) as err:   # nor a new application of that person
        rpc.registration.submit_application(application(
            person=dict(app["person"], name=app["name"], id_number=app["id_number"])))
    assert err.value.rule == "V2"


def test_R4_a_record_of_falsified_material_follows_the_person_to_the_next_application(
        cluster, rpc, application):
    first = submitted(rpc, application())
    record = rpc.review.record_dishonesty({"application_id": first["id"],
                                           "finding": "身份证正反面图片经涂改",
                                           "materials": ["materials.id_card_front"],
                                           "reviewer": CENTER})
    decide(rpc, first["id"], "reject", reason="身份证明材料弄虚作假")
    registration_reaches(rpc, first["id"], "rejected")
    again = submitted(rpc, application(
        project_code="business-data-analysis",
        person=dict(first["person"], name=first["name"], id_number=first["id_number"])))
    seen = rpc.review.get_review(again["id"])
    assert [(r["id"], r["application_id"], r["finding"]) for r in seen["dishonesty"]] == [
        (record["id"], first["id"], "身份证正反面图片经涂改")]
    [item] = [i for i in rpc.review.list_pending(batch_code=BATCH)["items"]
              if i["application_id"] == again["id"]]
    assert item["dishonesty_records"] == 1
