"""Service tests of registration over the real broker and database.

Each test names the rule it checks (DOMAIN.md IDs; I1, M1, M2 are the
project-local IDs documented in registration/domain.py and kernel/files.py)."""
import base64
import csv
import io

import pytest

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from kernel.testing import EventTap, publish_event, wait_until

BATCH = "2026-12"   # the batch the fixtures register for (conftest.BATCH)


def test_R1_R2_individual_application_is_submitted_with_derived_person_data(suite, rpc,
                                                                            amqp_uri,
                                                                            application):
    payload = application(birth="19950315", seq=7)
    with EventTap(amqp_uri, "registration") as tap:
        app = rpc.registration.submit_application(payload)
        [event] = tap.wait_for("application_submitted")
    assert app["status"] == "submitted" and app["channel"] == "individual"
    assert app["birth_date"] == "1995-03-15" and app["sex"] == "M"      # from the number (R2)
    assert app["precheck"]["outcome"] == "needs_review"     # computer skills are declared
    assert event["payload"]["application_id"] == app["id"]
    assert event["payload"]["materials"]["education_proof_kind"] == "diploma"
    found = rpc.registration.get_application(app["id"])
    assert [t["status"] for t in found["timeline"]] == ["submitted"]
    mine = rpc.registration.find_applications(payload["person"]["id_number"], "张三")
    assert [a["id"] for a in mine] == [app["id"]]
    assert rpc.registration.find_applications(payload["person"]["id_number"], "李四") == []


def test_idempotent_submit_returns_the_first_answer_and_stores_one_application(suite, rpc,
                                                                               application):
    payload = application()
    first = rpc.registration.submit_application(payload)
    again = rpc.registration.submit_application(payload)
    assert again["id"] == first["id"]
    other = dict(payload, project_code="business-data-analysis")
    with pytest.raises(Conflict) as err:
        rpc.registration.submit_application(other)      # same key, another request
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"
    assert len(rpc.registration.find_applications(payload["person"]["id_number"], "张三")) == 1


def test_R1_registration_outside_the_window_is_refused(suite, rpc, application):
    with pytest.raises(RuleViolation) as err:
        rpc.registration.submit_application(application(batch_code="2026-03"))
    assert err.value.code == "REGISTRATION_WINDOW_CLOSED" and err.value.rule == "R1"
    assert err.value.details["window"] == ["2026-02-06", "2026-02-13"]


def test_R2_bad_id_numbers_and_under_16_are_refused(suite, rpc, application):
    bad = application()
    bad["person"] = dict(bad["person"], id_number=bad["person"]["id_number"][:-1] + (
        "0" if bad["person"]["id_number"][-1] != "0" else "1"))
    with pytest.raises(RuleViolation) as err:
        rpc.registration.submit_application(bad)
    assert (err.value.code, err.value.rule, err.value.field) == ("ID_NUMBER_INVALID", "R2",
                                                                 "id_number")
    # 16 on 2026-12-06, one day after the exam of 2026-12-05: too young
    with pytest.raises(RuleViolation) as err:
        rpc.registration.submit_application(application(birth="20101206"))
    assert err.value.code == "UNDER_AGE" and err.value.details["age"] == 15
    ok = rpc.registration.submit_application(application(birth="20101205"))   # 16 that day
    assert ok["status"] == "submitted"


def test_R3_one_application_per_person_project_batch_until_withdrawn(suite, rpc, application):
    payload = application(seq=11)
    first = rpc.registration.submit_application(payload)
    with pytest.raises(Conflict) as err:
        rpc.registration.submit_application(dict(payload, idempotency_key="another-key-1"))
    assert err.value.code == "DUPLICATE_APPLICATION" and err.value.rule == "R3"
    # another project in the same batch is fine
    rpc.registration.submit_application(dict(payload, idempotency_key="another-key-2",
                                             project_code="business-data-analysis"))
    rpc.registration.withdraw_application({"application_id": first["id"],
                                           "reason": "wrong project"})
    again = rpc.registration.submit_application(dict(payload, idempotency_key="another-key-3"))
    assert again["id"] != first["id"]


def test_I1_V1_institution_channel_needs_authorisation_and_first_review(suite, rpc,
                                                                        application):
    review = {"reviewer": "王审核", "reviewed_on": "2026-10-30", "opinion": "pass",
              "pledge": True}
    # inst-02 (四川省科教兴川促进会) may register 商业数据分析 but not 大数据运行平台搭建
    ok = rpc.registration.submit_application(application(
        channel="institution", institution_code="inst-02", first_review=review,
        project_code="business-data-analysis"))
    assert ok["institution_code"] == "inst-02" and ok["first_review"]["reviewer"] == "王审核"
    with pytest.raises(Forbidden) as err:
        rpc.registration.submit_application(application(
            channel="institution", institution_code="inst-02", first_review=review))
    assert err.value.code == "INSTITUTION_NOT_AUTHORISED" and err.value.rule == "I1"
    with pytest.raises(RuleViolation) as err:
        rpc.registration.submit_application(application(
            channel="institution", institution_code="inst-02",
            project_code="business-data-analysis"))
    assert err.value.code == "FIRST_REVIEW_MISSING" and err.value.rule == "V1"
    with pytest.raises(ValidationFailed) as err:
        rpc.registration.submit_application(application(channel="institution"))
    assert err.value.field == "institution_code"
    rows = rpc.registration.list_institution_applications("inst-02", BATCH)
    assert [a["id"] for a in rows] == [ok["id"]]
    roster = rpc.registration.institution_roster("inst-02", BATCH)
    lines = list(csv.reader(io.StringIO(roster["csv"])))
    assert lines[0][:4] == ["序号", "姓名", "性别", "身份证号"] and len(lines) == 2
    assert lines[1][4] == "商业数据分析"


def test_institutions_are_managed_at_run_time(suite, rpc, application):
    saved = rpc.registration.save_institution({
        "code": "inst-new", "name": "成都测试职业培训学校", "address": "成都市",
        "authorisations": {"2026": ["bigdata-platform-setup"]}})
    assert saved["authorisations"] == {"2026": ["bigdata-platform-setup"]}
    with pytest.raises(NotFound):
        rpc.registration.save_institution({"code": "inst-x", "name": "某机构",
                                           "authorisations": {"2026": ["no-such-project"]}})
    rpc.registration.save_institution(dict(saved, active=False))
    with pytest.raises(Forbidden) as err:
        rpc.registration.submit_application(application(
            channel="institution", institution_code="inst-new",
            first_review={"reviewer": "a", "reviewed_on": "2026-10-30", "opinion": "pass",
                          "pledge": True}))
    assert err.value.code == "INSTITUTION_UNKNOWN"


def test_M1_M2_uploads_are_checked_by_content_not_name(suite, rpc):
    text = base64.b64encode(b"just text, named photo.jpg").decode()
    with pytest.raises(RuleViolation) as err:
        rpc.registration.upload_material({"purpose": "photo", "content_base64": text,
                                          "filename": "photo.jpg"})
    assert (err.value.code, err.value.rule) == ("FILE_TYPE", "M1")
    from kernel.testing import sample_jpeg
    small_scan = base64.b64encode(sample_jpeg(3)).decode()
    with pytest.raises(RuleViolation) as err:
        rpc.registration.upload_material({"purpose": "scan", "content_base64": small_scan})
    assert (err.value.code, err.value.rule) == ("FILE_SIZE", "M2")
    with pytest.raises(ValidationFailed):
        rpc.registration.upload_material({"purpose": "scan", "content_base64": "%%%"})


def test_materials_must_be_uploaded_before_they_are_referenced(suite, rpc, application):
    payload = application()
    payload["materials"] = dict(payload["materials"], id_card_back="0" * 64)
    with pytest.raises(NotFound) as err:
        rpc.registration.submit_application(payload)
    assert err.value.field == "materials.id_card_back" and err.value.rule == "M2"


def test_V2_returned_application_is_corrected_and_resubmitted_in_the_review_window(
        suite, rpc, amqp_uri, application, start_registration):
    app = rpc.registration.submit_application(application())
    publish_event(amqp_uri, "review", "application_returned", {
        "application_id": app["id"], "actor": "复审员A", "reason": "学历证明不清晰",
        "fields_to_fix": ["materials.education_proof"]})
    assert wait_until(lambda: rpc.registration.get_application(app["id"])["status"]
                      == "returned")
    with EventTap(amqp_uri, "registration") as tap:
        out = rpc.registration.resubmit_application({
            "application_id": app["id"], "person": {"education": "junior_college"},
            "note": "重新上传学历证明"})
        [event] = tap.wait_for("application_resubmitted")
    assert out["status"] == "submitted" and out["person"]["education"] == "junior_college"
    assert event["payload"]["changed"] == ["person"]
    timeline = rpc.registration.get_application(app["id"])["timeline"]
    assert [t["status"] for t in timeline] == ["submitted", "returned", "submitted"]
    assert timeline[1]["note"] == "学历证明不清晰"
    with pytest.raises(RuleViolation) as err:    # not returned any more
        rpc.registration.resubmit_application({"application_id": app["id"]})
    assert err.value.code == "NOT_RETURNED"


def test_V2_resubmission_after_the_review_window_is_refused(suite, rpc, amqp_uri, application,
                                                            start_registration):
    app = rpc.registration.submit_application(application())
    publish_event(amqp_uri, "review", "application_returned",
                  {"application_id": app["id"], "reason": "照片不合格"})
    assert wait_until(lambda: rpc.registration.get_application(app["id"])["status"]
                      == "returned")
    suite["registration"].stop()
    start_registration(today="2026-11-14")           # the review window ended on 11-13
    with pytest.raises(RuleViolation) as err:
        rpc.registration.resubmit_application({"application_id": app["id"]})
    assert err.value.code == "REVIEW_WINDOW_CLOSED" and err.value.rule == "V2"
    assert rpc.registration.get_application(app["id"])["status"] == "returned"


def test_V2_rejection_is_final(suite, rpc, amqp_uri, application):
    payload = application()
    app = rpc.registration.submit_application(payload)
    publish_event(amqp_uri, "review", "application_rejected",
                  {"application_id": app["id"], "reason": "材料造假"})
    assert wait_until(lambda: rpc.registration.get_application(app["id"])["status"]
                      == "rejected")
    with pytest.raises(Conflict) as err:
        rpc.registration.submit_application(dict(payload, idempotency_key="after-rejection"))
    assert err.value.rule == "V2"
    with pytest.raises(RuleViolation):
        rpc.registration.withdraw_application({"application_id": app["id"], "reason": "x"})


def test_B2_payment_confirmation_locks_the_registration(suite, rpc, amqp_uri, application):
    app = rpc.registration.submit_application(application())
    publish_event(amqp_uri, "review", "application_approved", {"application_id": app["id"]})
    assert wait_until(lambda: rpc.registration.get_application(app["id"])["status"]
                      == "approved")
    confirmed = publish_event(amqp_uri, "payment", "payment_confirmed",
                              {"application_id": app["id"], "amount_fen": 30000})
    publish_event(amqp_uri, "payment", "payment_confirmed",          # a redelivery
                  {"application_id": app["id"], "amount_fen": 30000},
                  event_id=confirmed["event_id"])
    assert wait_until(lambda: rpc.registration.get_application(app["id"])["locked"])
    with pytest.raises(RuleViolation) as err:
        rpc.registration.withdraw_application({"application_id": app["id"], "reason": "x"})
    assert (err.value.code, err.value.rule) == ("REGISTRATION_LOCKED", "B2")
    timeline = rpc.registration.get_application(app["id"])["timeline"]
    assert [t["status"] for t in timeline] == ["submitted", "approved", "paid"]   # applied once


def test_P4_B1_abandonment_and_cancellation_close_applications(suite, rpc, amqp_uri,
                                                               application):
    a = rpc.registration.submit_application(application())
    b = rpc.registration.submit_application(application(project="business-data-analysis"))
    for app in (a, b):
        publish_event(amqp_uri, "review", "application_approved", {"application_id": app["id"]})
    assert wait_until(lambda: all(rpc.registration.get_application(x["id"])["status"]
                                  == "approved" for x in (a, b)))
    publish_event(amqp_uri, "payment", "application_abandoned", {"application_id": a["id"]})
    publish_event(amqp_uri, "exam", "batch_cancelled", {
        "batch_code": BATCH, "project_code": "business-data-analysis",
        "reason": "fewer than 10 candidates"})
    assert wait_until(lambda: rpc.registration.get_application(a["id"])["status"]
                      == "abandoned")
    assert wait_until(lambda: rpc.registration.get_application(b["id"])["status"]
                      == "cancelled")


def test_batch_copy_follows_exam_updates_and_can_be_resynced(suite, rpc):
    rpc.exam.update_batch(BATCH, {"payment": {"start": "2026-11-16", "end": "2026-11-20"}})
    assert wait_until(lambda: [b for b in rpc.registration.list_batches()
                               if b["code"] == BATCH][0]["payment"]["end"] == "2026-11-20")
    assert rpc.registration.sync_batches() == {"updated": 0}     # already current


def test_reference_data_is_loaded_idempotently(suite, rpc):
    again = rpc.registration.load_reference_data()
    assert again == {"projects": 22, "institutions_added": 0, "authorisation_years_added": 0}
    assert len(rpc.registration.list_projects(year=2024)) == 19
    assert len(rpc.registration.list_projects(year=2026)) == 22
    assert len(rpc.registration.list_institutions()) == 9


def test_applications_by_status_gauge_follows_the_database(suite, rpc, application):
    from prometheus_client import REGISTRY
    for _ in range(2):
        rpc.registration.submit_application(application())

    def submitted():
        return REGISTRY.get_sample_value("skillcert_registration_applications_by_status",
                                         {"status": "submitted"})
    assert wait_until(lambda: submitted() == 2, timeout=30)


def test_E1_V1_eligibility_precheck_before_submitting_says_but_refuses_nothing(suite, rpc):
    person = {"education": "high_school"}
    met = rpc.registration.check_eligibility({
        "project_code": "bigdata-platform-setup", "person": person,
        "claim": {"alternative": "education", "computer_skills": True}})
    # a declared computer skill is for the reviewer to verify
    assert met["outcome"] == "needs_review" and all(c["ok"] for c in met["checks"])
    low = rpc.registration.check_eligibility({
        "project_code": "bigdata-platform-setup", "person": {"education": "junior_high"},
        "claim": {"alternative": "education", "computer_skills": True}})
    assert low["outcome"] == "not_met"
    with pytest.raises(NotFound) as exc:
        rpc.registration.check_eligibility({"project_code": "no-such", "person": person,
                                            "claim": {"alternative": "education"}})
    assert exc.value.field == "project_code"
    with pytest.raises(ValidationFailed):
        rpc.registration.check_eligibility({"project_code": "bigdata-platform-setup",
                                            "person": {"education": "phd?"},
                                            "claim": {"alternative": "education"}})


def test_I1_the_center_registers_the_projects_new_in_2026_and_years_are_kept_apart(
        suite, rpc, application):
    review = {"reviewer": "王审核", "reviewed_on": "2026-10-30", "opinion": "pass",
              "pledge": True}
    person = {"name": "李四", "education": "high_school", "phone": "13800138000"}
    for project in ("carbon-emission-accounting", "carbon-asset-valuation"):
        app = application(channel="institution", institution_code="inst-01",
                          first_review=review, project_code=project)
        app["claim"] = {"alternative": "education"}
        app["person"] = dict(app["person"], **{k: v for k, v in person.items()
                                               if k != "name"})
        out = rpc.registration.submit_application(app)
        assert out["institution_code"] == "inst-01" and out["status"] == "submitted"
    center = [i for i in rpc.registration.list_institutions() if i["code"] == "inst-01"][0]
    assert len(center["authorisations"]["2024"]) == 19
    assert len(center["authorisations"]["2026"]) == 22
    # an institution saved with its 2024 authorisations only is not authorised in 2026
    inst = [i for i in rpc.registration.list_institutions() if i["code"] == "inst-05"][0]
    rpc.registration.save_institution(dict(inst, authorisations={
        "2024": inst["authorisations"]["2024"]}))
    with pytest.raises(Forbidden) as err:
        rpc.registration.submit_application(application(
            channel="institution", institution_code="inst-05", first_review=review,
            project_code="carbon-emission-trading", claim={"alternative": "education"}))
    assert (err.value.code, err.value.rule, err.value.details) == (
        "INSTITUTION_NOT_AUTHORISED", "I1", {"year": 2026})
    # the notices' 2026 authorisations come back only for a year it has none of
    assert rpc.registration.load_reference_data()["authorisation_years_added"] == 1
    inst = [i for i in rpc.registration.list_institutions() if i["code"] == "inst-05"][0]
    assert sorted(inst["authorisations"]) == ["2024", "2026"]


def _upload_photo(rpc, size, seed):
    from kernel.testing import sample_jpeg
    return rpc.registration.upload_material({
        "purpose": "photo",
        "content_base64": base64.b64encode(sample_jpeg(seed, size=size)).decode()})["hash"]


def test_M1_the_photo_limit_is_the_batch_years_under_50_KB_in_2026_none_in_2024(
        suite, rpc, application, materials, start_registration):
    """2026: "照片大小为<50kb" (read as 1,024-byte KB: under 51,200 bytes, so a
    50,000-byte photo passes); 2024: the notice states no limit."""
    base = materials(7)
    just_under = _upload_photo(rpc, 51_199, 1)
    fifty_thousand = _upload_photo(rpc, 50_000, 2)
    at_limit = _upload_photo(rpc, 51_200, 3)         # uploads: the limit is the year's
    large = _upload_photo(rpc, 80 * 1024, 4)
    for photo in (just_under, fifty_thousand):
        out = rpc.registration.submit_application(application(
            materials=dict(base, photo=photo)))
        assert out["status"] == "submitted"
    for photo in (at_limit, large):
        with pytest.raises(RuleViolation) as err:
            rpc.registration.submit_application(application(materials=dict(base, photo=photo)))
        assert (err.value.code, err.value.rule, err.value.field) == (
            "FILE_SIZE", "M1", "materials.photo")
        assert err.value.details["max"] == 51_199
    suite["registration"].stop()
    start_registration(today="2024-10-30")       # batch 2024-12 registers 10-28 to 11-01
    out = rpc.registration.submit_application(application(
        batch_code="2024-12", materials=dict(base, photo=large)))
    assert out["status"] == "submitted" and out["batch_code"] == "2024-12"


def test_M2_a_200000_byte_scan_is_200_KB_and_a_307200_byte_one_300_KB(suite, rpc):
    from kernel.testing import sample_scan
    for size in (200_000, 300 * 1024):
        out = rpc.registration.upload_material({
            "purpose": "scan", "content_base64": base64.b64encode(
                sample_scan(size, size=size)).decode()})
        assert out["size"] == size
    for size in (199_999, 300 * 1024 + 1):
        with pytest.raises(RuleViolation) as err:
            rpc.registration.upload_material({
                "purpose": "scan", "content_base64": base64.b64encode(
                    sample_scan(size, size=size)).decode()})
        assert (err.value.code, err.value.rule) == ("FILE_SIZE", "M2")


def test_B1_registrant_counts_of_a_batch_count_submitted_live_applications(
        suite, rpc, application, amqp_uri):
    apps = [rpc.registration.submit_application(application()) for _ in range(3)]
    other = rpc.registration.submit_application(application(
        project="business-data-analysis"))
    rpc.registration.withdraw_application({"application_id": apps[0]["id"],
                                           "actor": "candidate", "reason": "个人原因"})
    publish_event(amqp_uri, "review", "application_rejected", {
        "application_id": apps[1]["id"], "batch_code": BATCH,
        "project_code": "bigdata-platform-setup", "channel": "individual",
        "id_number": apps[1]["id_number"], "name": "张三", "actor": "复审员A",
        "reason": "学历不符"})
    assert wait_until(lambda: rpc.registration.get_application(apps[1]["id"])["status"]
                      == "rejected")
    out = rpc.registration.registrant_counts(BATCH)
    assert out["minimum"] == 10 and out["batch_code"] == BATCH
    assert out["projects"] == {
        "bigdata-platform-setup": {"registrants": 1, "reaches_minimum": False},
        "business-data-analysis": {"registrants": 1, "reaches_minimum": False}}
    assert other["status"] == "submitted"
    with pytest.raises(NotFound):
        rpc.registration.registrant_counts("1999-01")


def test_B1_many_changes_are_sent_as_counts_of_the_committed_state(suite, rpc, application,
                                                                     amqp_uri):
    """The count_registrants timer sends one registrants_counted per batch/project
    it finds marked, counted from what is committed: twelve submissions and a
    withdrawal end with every mark counted, 11 the last count sent, and no more
    events than changes."""
    from sqlalchemy import create_engine, text
    project = "business-data-analysis"
    engine = create_engine(suite["registration"].config["DATABASE_URL"])

    def marks():
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM registrant_recounts")).scalar_one()

    with EventTap(amqp_uri, "registration") as tap:
        def settled():          # of_type: every registrants_counted received so far
            counts = [e["payload"]["registrants"] for e in tap.of_type("registrants_counted")
                      if e["payload"]["project_code"] == project]
            return counts if counts[-1:] == [11] and marks() == 0 else None
        apps = [rpc.registration.submit_application(application(seq=100 + n, project=project))
                for n in range(12)]                 # distinct ID numbers (R3)
        rpc.registration.withdraw_application({"application_id": apps[0]["id"],
                                               "actor": "candidate", "reason": "个人原因"})
        counts = wait_until(settled)
    engine.dispose()
    assert counts and len(counts) <= 13, counts
    assert rpc.registration.registrant_counts(BATCH)["projects"][project]["registrants"] == 11


def test_B1_registrants_counted_carries_the_count_after_submit_withdrawal_and_rejection(
        suite, rpc, application, amqp_uri):
    """registration.registrants_counted, as exam (running in the suite) keeps it
    on the batch/project's roster: 报名人数 after each change."""
    def registrants():
        projects = rpc.exam.get_roster(BATCH, "bigdata-platform-setup")["projects"]
        return projects[0]["registrants"] if projects else None

    apps = [rpc.registration.submit_application(application()) for _ in range(3)]
    assert wait_until(lambda: registrants() == 3)
    rpc.registration.withdraw_application({"application_id": apps[0]["id"],
                                           "actor": "candidate", "reason": "个人原因"})
    assert wait_until(lambda: registrants() == 2)
    publish_event(amqp_uri, "review", "application_rejected", {
        "application_id": apps[1]["id"], "batch_code": BATCH,
        "project_code": "bigdata-platform-setup", "channel": "individual",
        "id_number": apps[1]["id_number"], "name": "张三", "actor": "复审员A",
        "reason": "学历不符"})
    assert wait_until(lambda: registrants() == 1)
    roster = rpc.exam.get_roster(BATCH, "bigdata-platform-setup")["projects"][0]
    assert roster["confirmed"] == 0 and roster["registrants_counted_at"]
