"""Service tests of assessor training over the real broker and database.

Each test names the rule it checks: DOMAIN.md's A1-A7 and R2, and AT1 (one
application per person per period, assessor_training/domain/)."""
import csv
import io

import pytest

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from kernel.testing import EventTap, sample_id_number

from assessor_training.domain import cards, summary
from assessor_training.testing import (EXAM_DAY, PERIOD, review, sample_application,
                                       sample_unit, study, walk_chain, work_summary)

CARD_KEYS = {"card_number", "id_number", "name", "unit", "projects", "valid_from",
             "valid_until"}


def at(rpc):
    return rpc.assessor_training


def card_for(rpc, start, files, seq=1, **form):
    """Apply, pass the chain, study, pass the exam on EXAM_DAY: the application."""
    app = at(rpc).submit_application(sample_application(files, seq=seq, **form))
    app = walk_chain(rpc, app)
    start(EXAM_DAY)
    study(rpc, app, 20)
    return at(rpc).record_exam_score({"application_id": app["id"], "score": 85})


def test_A1_A3_A4_R2_the_declaration_form_is_submitted_with_every_field(svc, rpc):
    form = sample_application(svc, seq=3, birth="19790228")
    app = at(rpc).submit_application(form)
    assert app["status"] == "awaiting_unit" and app["chain"] == ["unit", "municipal",
                                                                   "provincial"]
    assert (app["sex"], app["birth_date"]) == ("M", "1979-02-28")          # from the ID (R2)
    assert app["region"] == "510100" and app["unit_code"] == "unit-chengdu"
    assert app["project_type"] == "big-data" and app["work_summary_chars"] == 300
    person = app["person"]
    for field in ("phone", "education", "work_unit", "professional_years", "address",
                  "region", "title", "qualifications", "filled_on"):
        assert person[field] == form["person"].get(field, "2025-05-08"), field
    assert app["declared_unit"] == {"code": "unit-chengdu", "kind": "filed",
                                    "filing_accepted_on": None}
    assert [c["condition"] for c in app["conditions"]] == [1, 4]
    assert app["pledge"] == {"signed": True, "signed_on": "2025-05-08"}
    assert set(app["materials"]) >= {"photo", "declaration_form", "id_card_copy",
                                     "social_insurance_proof"}
    period = at(rpc).get_period(PERIOD)
    assert period["exam_minutes"] == 90 and period["expected_trainees"] == 500
    assert period["review_deadlines"] == {"unit": "2025-05-13", "municipal": "2025-05-15",
                                          "provincial": "2025-05-16"}


def test_AT1_one_application_per_person_per_period_and_idempotent_submit(svc, rpc):
    form = sample_application(svc, seq=4)
    first = at(rpc).submit_application(form)
    assert at(rpc).submit_application(form)["id"] == first["id"]      # same key: same answer
    with pytest.raises(Conflict) as err:
        at(rpc).submit_application(dict(form, idempotency_key="another-key-1"))
    assert (err.value.code, err.value.rule) == ("DUPLICATE_APPLICATION", "AT1")
    assert len(at(rpc).list_applications(PERIOD)) == 1


def test_A1_applications_only_inside_the_window(start, rpc):
    start("2025-05-14")
    at(rpc).load_reference_data()
    at(rpc).save_unit(sample_unit())
    from assessor_training.testing import upload_files
    with pytest.raises(RuleViolation) as err:
        at(rpc).submit_application(sample_application(upload_files(rpc)))
    assert (err.value.code, err.value.rule) == ("APPLICATION_WINDOW_CLOSED", "A1")
    assert err.value.details["window"] == ["2025-05-07", "2025-05-13"]


def test_A4_R2_bad_forms_are_refused_naming_the_rule_and_change_nothing(svc, rpc):
    def refused(exc, **overrides):
        with pytest.raises(exc) as err:
            at(rpc).submit_application(sample_application(svc, seq=5, **overrides))
        return err.value

    err = refused(RuleViolation, projects=["bigdata-analysis", "bigdata-cleaning",
                                           "bigdata-collection", "bigdata-platform-setup"])
    assert (err.code, err.rule, err.field) == ("TOO_MANY_PROJECTS", "A4", "projects")
    err = refused(RuleViolation, projects=["bigdata-analysis", "ai-image-recognition"])
    assert (err.code, err.rule) == ("PROJECTS_OF_DIFFERENT_TYPES", "A4")
    err = refused(RuleViolation, work_summary=work_summary(299))
    assert (err.code, err.rule, err.details["count"]) == ("WORK_SUMMARY_TOO_SHORT", "A4", 299)
    err = refused(NotFound, projects=["no-such-project"])
    assert err.code == "PROJECT_NOT_FOUND"
    form = sample_application(svc, seq=5)
    form["person"]["id_number"] = form["person"]["id_number"][:-1] + (
        "0" if form["person"]["id_number"][-1] != "0" else "1")
    with pytest.raises(RuleViolation) as err:
        at(rpc).submit_application(form)
    assert (err.value.code, err.value.rule) == ("ID_NUMBER_INVALID", "R2")
    form = sample_application(svc, seq=5)
    form["person"]["external_hire"] = True            # 外聘人员 without the 聘用协议
    with pytest.raises(ValidationFailed) as err:
        at(rpc).submit_application(form)
    assert err.value.field == "materials.employment_contract"
    assert at(rpc).list_applications(PERIOD) == []
    # the same person with a good form is accepted afterwards: nothing was half-stored
    assert at(rpc).submit_application(sample_application(svc, seq=5))["status"] == \
        "awaiting_unit"


def test_A3_a_claimed_condition_must_be_backed_by_the_form(svc, rpc):
    scan = svc["scan"]
    form = sample_application(svc, seq=6, conditions=[
        {"condition": 3, "teaching_years": 2, "evidence": [scan]}])
    with pytest.raises(RuleViolation) as err:
        at(rpc).submit_application(form)
    assert (err.value.code, err.value.rule, err.value.details["condition"]) == \
        ("CONDITION_NOT_MET", "A3", 3)
    form = sample_application(svc, seq=6, conditions=[
        {"condition": 2, "detail": "四川工匠（2023）", "evidence": [scan]},
        {"condition": 5, "detail": "2024年四川省职业技能大赛大数据项目裁判", "evidence": [scan]}])
    assert [c["condition"] for c in at(rpc).submit_application(form)["conditions"]] == [2, 5]
    form = sample_application(svc, seq=7, conditions=[{"condition": 1, "evidence": ["0" * 64]}])
    with pytest.raises(NotFound) as err:
        at(rpc).submit_application(form)
    assert err.value.code == "MATERIAL_NOT_FOUND" and err.value.field == "conditions.0.evidence"


def test_A2_the_recommending_unit_is_on_record_and_its_filing_date_checked(svc, rpc):
    proposed = sample_unit("unit-mianyang", region="510700", kind="proposed",
                           accepted="2025-04-20")
    saved = at(rpc).save_unit(proposed)
    assert saved["filing_accepted_on"] == "2025-04-20" and saved["kind"] == "proposed"
    with pytest.raises(RuleViolation) as err:
        at(rpc).save_unit(dict(proposed, filing_accepted_on="2025-06-01"))   # after today
    assert (err.value.code, err.value.rule) == ("FILING_DATE_IN_FUTURE", "A2")
    with pytest.raises(RuleViolation) as err:
        at(rpc).submit_application(sample_application(
            svc, seq=8, unit="unit-mianyang", unit_kind="proposed", accepted="2025-04-21"))
    assert (err.value.code, err.value.rule) == ("FILING_DATE_MISMATCH", "A2")
    with pytest.raises(RuleViolation) as err:
        at(rpc).submit_application(sample_application(svc, seq=8, unit="unit-mianyang"))
    assert err.value.code == "UNIT_KIND_MISMATCH"
    with pytest.raises(NotFound) as err:
        at(rpc).submit_application(sample_application(svc, seq=8, unit="unit-nowhere"))
    assert (err.value.code, err.value.rule) == ("UNIT_UNKNOWN", "A2")
    app = at(rpc).submit_application(sample_application(
        svc, seq=8, unit="unit-mianyang", unit_kind="proposed", accepted="2025-04-20"))
    assert app["region"] == "510700"
    at(rpc).save_unit(dict(proposed, active=False))
    with pytest.raises(Forbidden) as err:
        at(rpc).submit_application(sample_application(
            svc, seq=9, unit="unit-mianyang", unit_kind="proposed", accepted="2025-04-20"))
    assert err.value.code == "UNIT_INACTIVE"


def test_A1_the_review_chain_runs_unit_municipal_provincial_each_with_a_reason(svc, rpc):
    app = at(rpc).submit_application(sample_application(svc, seq=10))
    with pytest.raises(RuleViolation) as err:          # the provincial center cannot go first
        at(rpc).review_application(review(app, "provincial", "provincial"))
    assert (err.value.code, err.value.rule) == ("REVIEW_OUT_OF_ORDER", "A1")
    with pytest.raises(Forbidden) as err:              # another unit
        at(rpc).review_application(review(app, "unit", "unit-other"))
    assert err.value.code == "WRONG_REVIEWER"
    with pytest.raises(ValidationFailed) as err:       # a decision needs its reason
        at(rpc).review_application(review(app, "unit", "unit-chengdu", reason=""))
    assert err.value.field == "reason"
    decision = review(app, "unit", "unit-chengdu")
    app = at(rpc).review_application(decision)
    assert app["status"] == "awaiting_municipal"
    assert at(rpc).review_application(decision) == app        # a replay: same answer, once
    with pytest.raises(Forbidden) as err:              # not the municipal center of 成都
        at(rpc).review_application(review(app, "municipal", "510300"))
    assert err.value.details == {"expected": "510100"}
    app = at(rpc).review_application(review(app, "municipal", "510100"))
    app = at(rpc).review_application(review(app, "provincial", "provincial"))
    assert app["status"] == "admitted"
    assert [(r["step"], r["decision"], r["reason"]) for r in app["reviews"]] == [
        ("unit", "approve", "同意推荐"), ("municipal", "approve", "同意推荐"),
        ("provincial", "approve", "同意推荐")]
    with pytest.raises(Conflict) as err:
        at(rpc).review_application(review(app, "provincial", "provincial"))
    assert err.value.code == "REVIEW_CLOSED"
    other = at(rpc).submit_application(sample_application(svc, seq=11))
    other = walk_chain(rpc, other, until="unit")
    other = at(rpc).review_application(review(other, "municipal", "510100", "reject",
                                              "工作简介与申报项目无关"))
    assert (other["status"], other["closed_step"]) == ("rejected", "municipal")
    assert other["reviews"][-1]["reason"] == "工作简介与申报项目无关"
    queue = at(rpc).list_applications(PERIOD, region="510100", status="rejected")
    assert [a["id"] for a in queue] == [other["id"]]


def test_A1_provincial_units_are_reviewed_by_the_provincial_center_directly(svc, rpc):
    at(rpc).save_unit(sample_unit("unit-province", region="510000"))
    app = at(rpc).submit_application(sample_application(svc, seq=12, unit="unit-province"))
    assert app["chain"] == ["unit", "provincial"]
    app = walk_chain(rpc, app)
    assert app["status"] == "admitted" and len(app["reviews"]) == 2


def test_A1_late_review_steps_are_refused_and_waiting_applications_lapse(svc, rpc, start):
    waiting = at(rpc).submit_application(sample_application(svc, seq=13))
    waiting = walk_chain(rpc, waiting, until="unit")
    start("2025-05-16")                                  # the municipal deadline was 05-15
    with pytest.raises(RuleViolation) as err:
        at(rpc).review_application(review(waiting, "municipal", "510100"))
    assert (err.value.code, err.value.rule) == ("REVIEW_DEADLINE_PASSED", "A1")
    assert err.value.details == {"deadline": "2025-05-15", "today": "2025-05-16"}
    assert at(rpc).get_application(waiting["id"])["status"] == "awaiting_municipal"
    first = at(rpc).lapse_overdue_reviews()
    assert first == {"today": "2025-05-16", "lapsed": [waiting["id"]]}
    assert at(rpc).lapse_overdue_reviews()["lapsed"] == []              # safe twice
    lapsed = at(rpc).get_application(waiting["id"])
    assert (lapsed["status"], lapsed["closed_step"]) == ("lapsed", "municipal")
    assert lapsed["reviews"][-1]["decision"] == "lapsed"


def test_A5_A6_study_hours_then_exam_then_a_three_year_card(svc, rpc, start, amqp_uri):
    passing = walk_chain(rpc, at(rpc).submit_application(sample_application(svc, seq=14)))
    failing = walk_chain(rpc, at(rpc).submit_application(sample_application(svc, seq=15)))
    start(EXAM_DAY)
    study(rpc, passing, 12)
    with pytest.raises(RuleViolation) as err:
        at(rpc).record_exam_score({"application_id": passing["id"], "score": 90})
    assert (err.value.code, err.value.rule) == ("STUDY_HOURS_SHORT", "A5")
    assert err.value.details == {"studied_minutes": 720, "required_minutes": 1200}
    with pytest.raises(RuleViolation) as err:
        study(rpc, passing, 2, day="2025-06-05")          # after the study period
    assert err.value.code == "OUTSIDE_STUDY_PERIOD"
    roster = at(rpc).exam_roster(PERIOD)
    assert roster["eligible"] == [] and {e["application_id"] for e in roster["short"]} == \
        {passing["id"], failing["id"]}
    assert study(rpc, passing, 8.5, day="2025-06-04")["complete"] is True
    entry = {"idempotency_key": "study-key-1", "application_id": failing["id"],
             "studied_on": "2025-05-21", "hours": 10}
    at(rpc).record_study_hours(entry)
    assert at(rpc).record_study_hours(entry)["studied_minutes"] == 600   # a replay adds nothing
    study(rpc, failing, 10)
    assert len(at(rpc).exam_roster(PERIOD)["eligible"]) == 2
    with EventTap(amqp_uri, "assessor_training") as tap:
        failed = at(rpc).record_exam_score({"application_id": failing["id"], "score": 59})
        passed = at(rpc).record_exam_score({"application_id": passing["id"], "score": 60})
        [event] = tap.wait_for("card_issued")
    assert (failed["status"], failed["card_number"]) == ("failed", None)
    assert passed["status"] == "passed" and passed["study_hours"] == 20.5
    card = at(rpc).get_card(passed["card_number"])
    assert card["card_number"] == "5120250200001" + card["card_number"][-1]
    assert (card["valid_from"], card["valid_until"]) == ("2025-06-06", "2028-06-06")
    assert card["projects"] == ["bigdata-analysis", "bigdata-cleaning"]
    assert card["collect_at"] == "成都市职业技能鉴定指导中心"
    assert set(event["payload"]) == CARD_KEYS
    assert event["payload"] == {
        "card_number": card["card_number"], "id_number": passing["id_number"],
        "name": "李考评", "unit": "测试推荐单位unit-chengdu",
        "projects": ["bigdata-analysis", "bigdata-cleaning"], "valid_from": "2025-06-06",
        "valid_until": "2028-06-06"}
    with pytest.raises(Conflict) as err:                  # issuing a card twice
        at(rpc).record_exam_score({"application_id": passing["id"], "score": 95})
    assert (err.value.code, err.value.rule) == ("CARD_ALREADY_ISSUED", "A6")
    with pytest.raises(Conflict) as err:
        at(rpc).record_exam_score({"application_id": failing["id"], "score": 95})
    assert err.value.code == "EXAM_ALREADY_RECORDED"
    assert len(at(rpc).find_cards(passing["id_number"])) == 1


def test_A6_racing_passes_for_one_trainee_issue_one_card(svc, rpc, start):
    app = walk_chain(rpc, at(rpc).submit_application(sample_application(svc, seq=16)))
    start(EXAM_DAY)
    study(rpc, app, 20)
    replies = [at(rpc).record_exam_score.call_async({"application_id": app["id"],
                                                     "score": 70 + n}) for n in range(4)]
    passed, refused = [], []
    for reply in replies:
        try:
            passed.append(reply.result())
        except Conflict as err:
            refused.append(err.code)
    assert len(passed) == 1 and len(refused) == 3
    assert set(refused) <= {"CARD_ALREADY_ISSUED", "EXAM_ALREADY_RECORDED",
                            "CONCURRENT_UPDATE"}
    [card] = at(rpc).find_cards(app["id_number"])
    assert card["card_number"] == passed[0]["card_number"]
    assert at(rpc).get_application(app["id"])["exam_score"] == passed[0]["exam_score"]


def test_A6_a_card_issued_on_29_February_ends_on_28_February_three_years_on(start, rpc):
    from assessor_training.testing import upload_files
    start("2028-01-10")
    at(rpc).save_unit(sample_unit())
    files = upload_files(rpc)
    at(rpc).schedule_period({
        "year": 2028, "seq": 1, "name": "2028年第一期", "expected_trainees": 100,
        "application": {"start": "2028-01-05", "end": "2028-01-15"},
        "review_deadlines": {"unit": "2028-01-15", "municipal": "2028-01-17",
                             "provincial": "2028-01-18"},
        "study": {"start": "2028-01-20", "end": "2028-02-25"}, "required_study_hours": 10,
        "exam_date": "2028-02-29"})
    app = walk_chain(rpc, at(rpc).submit_application(
        sample_application(files, period_code="2028-1")))
    start("2028-02-29")
    study(rpc, app, 10, day="2028-02-01")
    passed = at(rpc).record_exam_score({"application_id": app["id"], "score": 75})
    card = at(rpc).get_card(passed["card_number"])
    assert card["card_number"].startswith("5120280100001")
    assert (card["valid_from"], card["valid_until"]) == ("2028-02-29", "2031-02-28")


def test_A6_verify_renew_revoke_and_expire_cards(svc, rpc, start, amqp_uri):
    card = card_for(rpc, start, svc)["card_number"]
    ok = at(rpc).verify_card(card, "2028-06-06")
    assert ok["valid"] is True and ok["id_number"].startswith("510") and \
        ok["id_number"].count("*") == 13              # kernel.privacy: 3 + 2 kept
    assert at(rpc).verify_card(card, "2028-06-07")["state"] == "expired"
    typo = card[:-2] + str((int(card[-2]) + 1) % 10) + card[-1]
    with pytest.raises(RuleViolation) as err:
        at(rpc).verify_card(typo)
    assert (err.value.code, err.value.rule) == ("CARD_NUMBER_INVALID", "A6")
    with pytest.raises(NotFound) as err:
        at(rpc).verify_card(cards.card_number(2025, 2, 99))
    assert err.value.code == "CARD_NOT_FOUND"
    renewal = {"card_number": card, "reviewer": "省职鉴中心", "reason": "复核合格"}
    with pytest.raises(RuleViolation) as err:
        at(rpc).renew_card(renewal)                       # years before the end
    assert err.value.code == "RENEWAL_TOO_EARLY" and err.value.details["opens"] == \
        "2028-03-08"
    start("2028-05-01")
    with EventTap(amqp_uri, "assessor_training") as tap:
        renewed = at(rpc).renew_card(renewal)
        [event] = tap.wait_for("card_issued")
    assert renewed["valid_until"] == "2031-06-06" and renewed["valid_from"] == "2025-06-06"
    assert [h["action"] for h in renewed["history"]] == ["issued", "renewed"]
    assert event["payload"]["valid_until"] == "2031-06-06"
    with EventTap(amqp_uri, "assessor_training") as tap:
        assert at(rpc).expire_cards("2031-06-06")["expired"] == []     # last valid day
        assert at(rpc).expire_cards("2031-06-07")["expired"] == [card]
        assert at(rpc).expire_cards("2031-06-07")["expired"] == []     # safe twice
        [expired] = tap.wait_for("card_expired")
    assert set(expired["payload"]) == CARD_KEYS
    assert at(rpc).valid_assessors("bigdata-analysis", "2031-06-07") == []
    with pytest.raises(Conflict) as err:
        at(rpc).revoke_card({"card_number": card, "reason": "违规"})
    assert (err.value.code, err.value.rule) == ("CARD_NOT_VALID", "A6")


def test_A6_revocation_with_a_reason_removes_the_assessor_from_dispatch(svc, rpc, start,
                                                                        amqp_uri):
    card = card_for(rpc, start, svc)["card_number"]
    assert [a["card_number"] for a in at(rpc).valid_assessors("bigdata-cleaning",
                                                              "2026-01-01")] == [card]
    with pytest.raises(ValidationFailed) as err:
        at(rpc).revoke_card({"card_number": card, "reason": ""})
    assert err.value.field == "reason"
    with EventTap(amqp_uri, "assessor_training") as tap:
        revoked = at(rpc).revoke_card({"card_number": card, "reason": "考评工作中违反考评员守则"})
        [event] = tap.wait_for("card_revoked")
    assert revoked["status"] == "revoked" and revoked["revoke_reason"] == "考评工作中违反考评员守则"
    assert event["payload"]["reason"] == "考评工作中违反考评员守则"
    assert set(event["payload"]) == CARD_KEYS | {"reason"}
    assert at(rpc).valid_assessors("bigdata-cleaning", "2026-01-01") == []
    assert at(rpc).verify_card(card)["state"] == "revoked"
    assert at(rpc).expire_cards("2030-01-01")["expired"] == []


def test_A6_valid_assessors_by_project_and_date_with_their_unit(svc, rpc, start):
    at(rpc).save_unit(sample_unit("unit-zigong", region="510300"))
    first = at(rpc).submit_application(sample_application(svc, seq=20))
    second = at(rpc).submit_application(sample_application(
        svc, seq=21, unit="unit-zigong", projects=["carbon-emission-trading"]))
    walk_chain(rpc, first)
    walk_chain(rpc, second)
    start(EXAM_DAY)
    for app in (first, second):
        study(rpc, app, 20)
        at(rpc).record_exam_score({"application_id": app["id"], "score": 88})
    [carbon] = at(rpc).valid_assessors("carbon-emission-trading", "2027-01-01")
    assert carbon["unit"] == "测试推荐单位unit-zigong" and carbon["unit_code"] == "unit-zigong"
    assert carbon["work_unit"] == "成都数据科技有限公司" and carbon["unit_region"] == "510300"
    assert carbon["id_number"] == sample_id_number("19800101", 21)
    assert [a["unit_code"] for a in at(rpc).valid_assessors("bigdata-analysis",
                                                            "2027-01-01")] == ["unit-chengdu"]
    assert at(rpc).valid_assessors("bigdata-analysis", "2025-06-05") == []   # before issue
    assert at(rpc).valid_assessors("ai-text-analysis", "2027-01-01") == []
    with pytest.raises(NotFound):
        at(rpc).valid_assessors("no-such-project", "2027-01-01")
    with pytest.raises(ValidationFailed) as err:
        at(rpc).valid_assessors("bigdata-analysis", "next year")
    assert err.value.field == "on_date"


def test_A7_returned_recommendations_then_a_notice_then_the_unit_is_not_accepted(start, rpc):
    from assessor_training.testing import upload_files
    start(A7_RETURNS_FOR_NOTICE=2)
    at(rpc).load_reference_data()
    at(rpc).save_unit(sample_unit())
    files = upload_files(rpc)
    apps = [at(rpc).submit_application(sample_application(files, seq=30 + n))
            for n in range(5)]
    at(rpc).review_application(review(apps[3], "unit", "unit-chengdu", "reject"))  # its own
    walk_chain(rpc, apps[0], until="unit")
    at(rpc).review_application(review(apps[0], "municipal", "510100", "reject", "学历不符"))
    unit = at(rpc).get_unit("unit-chengdu", PERIOD)
    assert (unit["record"]["returned"], unit["record"]["standing"]) == (1, "good")   # once
    assert unit["events"][0]["kind"] == "returned" and unit["events"][0]["note"] == "学历不符"
    walk_chain(rpc, apps[1], until="unit")
    at(rpc).review_application(review(apps[1], "municipal", "510100", "reject"))
    unit = at(rpc).get_unit("unit-chengdu", PERIOD)
    assert (unit["record"]["returned"], unit["record"]["standing"]) == (2, "due_for_notice")
    assert [u["code"] for u in at(rpc).list_units(standing="due_for_notice")] == ["unit-chengdu"]
    # due is the center's cue, not a sanction: the unit still recommends
    assert walk_chain(rpc, apps[2], until="unit")["status"] == "awaiting_municipal"
    finding = at(rpc).record_finding({"subject": "unit", "code": "unit-chengdu",
                                      "kind": "inaccurate_information", "period_code": PERIOD,
                                      "application_id": apps[2]["id"],
                                      "note": "申报表与系统填报信息不一致"})
    assert finding["record"]["findings"] == 1
    with pytest.raises(RuleViolation) as err:
        at(rpc).record_finding({"subject": "unit", "code": "unit-chengdu", "kind": "late",
                                "period_code": PERIOD, "note": "x"})
    assert (err.value.code, err.value.rule) == ("FINDING_KIND_UNKNOWN", "A7")
    named = at(rpc).name_unit({"unit_code": "unit-chengdu", "reason": "多次推荐被退回",
                               "named_by": "省职鉴中心"})
    assert named["record"]["standing"] == "not_accepted"
    assert [(n["reason"], n["named_by"], n["named_on"]) for n in named["record"]["notices"]] == \
        [("多次推荐被退回", "省职鉴中心", "2025-05-12")]
    with pytest.raises(Conflict) as err:
        at(rpc).name_unit({"unit_code": "unit-chengdu", "reason": "again"})
    assert (err.value.code, err.value.rule) == ("UNIT_ALREADY_NAMED", "A7")
    with pytest.raises(Forbidden) as err:
        at(rpc).review_application(review(apps[4], "unit", "unit-chengdu"))
    assert (err.value.code, err.value.rule) == ("UNIT_BARRED", "A7")
    with pytest.raises(Forbidden) as err:
        at(rpc).submit_application(sample_application(files, seq=40))
    assert (err.value.code, err.value.rule) == ("UNIT_BARRED", "A7")
    assert at(rpc).get_application(apps[4]["id"])["status"] == "awaiting_unit"


def test_A7_a_municipal_center_that_let_ineligible_applicants_through_gets_fewer_places(
        start, rpc):
    from assessor_training.testing import upload_files
    start(A7_INELIGIBLE_BATCH=2)
    at(rpc).load_reference_data()
    at(rpc).save_unit(sample_unit())
    files = upload_files(rpc)
    apps = [walk_chain(rpc, at(rpc).submit_application(sample_application(files, seq=60 + n)),
                       until="municipal") for n in range(3)]
    at(rpc).review_application(review(apps[0], "provincial", "provincial", "reject"))
    [center] = at(rpc).municipal_records(PERIOD)
    assert (center["region"], center["ineligible_passed"], center["due_for_cut"]) == \
        ("510100", 1, False)
    at(rpc).review_application(review(apps[1], "provincial", "provincial", "reject"))
    [center] = at(rpc).municipal_records(PERIOD)
    assert (center["ineligible_passed"], center["due_for_cut"], center["places"]) == \
        (2, True, None)
    assert center["center_zh"] == "成都市职业技能鉴定指导中心" and center["used"] == 3
    cut = at(rpc).set_municipal_places({"period_code": PERIOD, "region": "510100",
                                        "places": 4, "reason": "八(一) 批量不符合申报条件"})
    assert (cut["places"], cut["used"]) == (4, 3)
    fourth = walk_chain(rpc, at(rpc).submit_application(sample_application(files, seq=70)),
                        until="municipal")
    assert fourth["status"] == "awaiting_provincial"
    fifth = walk_chain(rpc, at(rpc).submit_application(sample_application(files, seq=71)),
                       until="unit")
    with pytest.raises(RuleViolation) as err:
        at(rpc).review_application(review(fifth, "municipal", "510100"))
    assert (err.value.code, err.value.rule) == ("MUNICIPAL_PLACES_EXHAUSTED", "A7")
    with pytest.raises(NotFound):
        at(rpc).set_municipal_places({"period_code": PERIOD, "region": "510000",
                                      "places": 1, "reason": "省直 has no municipal step"})
    mine = at(rpc).municipal_standing(PERIOD, "510100")      # its own console's view
    assert (mine["places"], mine["used"], mine["ineligible_passed"]) == (4, 4, 2)
    assert [e["kind"] for e in mine["events"]].count("ineligible_passed") == 2
    quiet = at(rpc).municipal_standing(PERIOD, "510600")
    assert (quiet["places"], quiet["used"], quiet["ineligible_passed"]) == (None, 0, 0)
    with pytest.raises(NotFound):
        at(rpc).municipal_standing(PERIOD, "510000")


def test_A3_a_qualification_in_an_occupation_not_listed_for_the_project_needs_judgement(
        svc, rpc):
    form = sample_application(svc, seq=80)
    form["person"]["title"] = None
    form["person"]["qualifications"][0]["occupation"] = "中式烹调师"
    app = at(rpc).submit_application(form)
    first = app["conditions"][0]
    assert (first["condition"], first["verdict"]) == (1, "needs_judgement")
    assert "中式烹调师" in first["note"] and app["conditions"][1]["verdict"] == "met"
    form = sample_application(svc, seq=81)
    form["person"]["title"] = None
    form["person"]["qualifications"][0]["level"] = "intermediate"
    with pytest.raises(RuleViolation) as err:
        at(rpc).submit_application(form)
    assert (err.value.code, err.value.rule, err.value.details["condition"]) == \
        ("CONDITION_NOT_MET", "A3", 1)
    matched = at(rpc).submit_application(dict(sample_application(svc, seq=82)))
    assert matched["conditions"][0]["verdict"] == "met"


def test_A5_A1_the_periods_pass_mark_and_sittings_of_90_minutes_by_headcount(start, rpc):
    from assessor_training.testing import upload_files
    start()
    at(rpc).save_unit(sample_unit())
    files = upload_files(rpc)
    period = at(rpc).schedule_period({
        "year": 2025, "seq": 3, "name": "2025年第三期", "expected_trainees": 3,
        "application": {"start": "2025-05-07", "end": "2025-05-13"},
        "review_deadlines": {"unit": "2025-05-13", "municipal": "2025-05-15",
                             "provincial": "2025-05-16"},
        "study": {"start": "2025-05-19", "end": "2025-06-04"}, "required_study_hours": 12,
        "exam_date": "2025-06-06", "pass_score": 75, "sitting_capacity": 2})
    assert (period["pass_score"], period["sitting_capacity"], period["exam_minutes"]) == \
        (75, 2, 90)
    apps = [walk_chain(rpc, at(rpc).submit_application(sample_application(
        files, seq=90 + n, period_code="2025-3"))) for n in range(4)]
    start(EXAM_DAY)
    for app in apps[:3]:
        study(rpc, app, 12)
    study(rpc, apps[3], 11)                                   # short of the period's hours
    plan = at(rpc).plan_sittings({"period_code": "2025-3"})
    assert [(s["seq"], s["starts_at"], s["ends_at"], s["minutes"], len(s["trainees"]))
            for s in plan["sittings"]] == [(1, "09:00", "10:30", 90, 2),
                                           (2, "11:00", "12:30", 90, 1)]
    assert plan["exam_minutes"] == 90 and plan["exam_date"] == "2025-06-06"
    assert at(rpc).plan_sittings({"period_code": "2025-3"}) == plan        # safe twice
    roster = at(rpc).exam_roster("2025-3")
    assert roster["pass_score"] == 75
    assert sorted(e["sitting"] for e in roster["eligible"]) == [1, 1, 2]
    assert [e["sitting"] for e in roster["short"]] == [None]
    failed = at(rpc).record_exam_score({"application_id": apps[0]["id"], "score": 74})
    passed = at(rpc).record_exam_score({"application_id": apps[1]["id"], "score": 75})
    assert (failed["status"], passed["status"]) == ("failed", "passed")


def test_AT2_assessor_uploads_have_their_own_size_limits_not_the_candidates(start, rpc):
    import base64
    from kernel.testing import sample_photo, sample_scan
    start(ASSESSOR_PHOTO_MAX_KB=20)

    def upload(purpose, content):
        return at(rpc).upload_material({"purpose": purpose,
                                        "content_base64": base64.b64encode(content).decode()})
    small = sample_photo(3)
    assert len(small) < 200 * 1024                    # under M2's 200 KB floor
    assert upload("scan", small)["purpose"] == "scan"
    big = sample_scan(3)                                 # 200-300 KB: over 20 KB
    with pytest.raises(RuleViolation) as err:
        upload("photo", big)
    assert (err.value.code, err.value.rule) == ("ASSESSOR_FILE_TOO_LARGE", "AT2")
    assert err.value.details["max"] == 20 * 1024


def test_A6_summary_table_exports_the_units_people_as_csv(svc, rpc, start):
    passed = card_for(rpc, start, svc, seq=50)
    table = at(rpc).summary_table(PERIOD, "unit-chengdu")
    assert table["title"] == "四川省技能人才评价考评员资格培训（复核）汇总表"
    assert table["unit"] == "测试推荐单位unit-chengdu" and table["count"] == 1
    rows = list(csv.reader(io.StringIO(table["csv"])))
    assert rows[0] == list(summary.SUMMARY_COLUMNS)
    assert rows[1] == ["1", "成都数据科技有限公司", "李考评", "男", passed["id_number"], "本科",
                       "三级/高级工；中级职称", "大数据工程技术人员；计算机应用",
                       "大数据分析、大数据清洗", "13900139000"]
    assert at(rpc).summary_table(PERIOD, "unit-chengdu", "recommended")["count"] == 1
    with pytest.raises(ValidationFailed):
        at(rpc).summary_table(PERIOD, "unit-chengdu", "everyone")


def test_A6_summary_workbook_is_the_same_table_as_xlsx_without_formulas(svc, rpc, start):
    import base64
    from openpyxl import load_workbook

    passed = card_for(rpc, start, svc, seq=51)
    book = at(rpc).summary_workbook(PERIOD, "unit-chengdu")
    assert book["scope"] == "recommended" and book["count"] == 1
    assert book["filename"] == f"summary-unit-chengdu-{PERIOD}-recommended.xlsx"
    ws = load_workbook(io.BytesIO(base64.b64decode(book["content_base64"]))).active
    assert ws["A1"].value.startswith("四川省技能人才评价考评员资格培训（复核）汇总表")
    assert tuple(c.value for c in ws[2]) == summary.SUMMARY_COLUMNS
    assert [c.value for c in ws[3]][:5] == [1, "成都数据科技有限公司", "李考评", "男",
                                            passed["id_number"]]
    with pytest.raises(ValidationFailed):
        at(rpc).summary_workbook(PERIOD, "unit-chengdu", "everyone")


def test_A1_a_person_finds_their_own_applications_and_nobody_elses(svc, rpc):
    mine = at(rpc).submit_application(sample_application(svc, seq=11))
    other = at(rpc).submit_application(sample_application(svc, seq=12))
    found = at(rpc).find_applications(mine["id_number"])
    assert [a["id"] for a in found] == [mine["id"]]
    assert found[0]["chain"] and found[0]["status"] == "awaiting_unit"
    assert other["id"] not in {a["id"] for a in at(rpc).find_applications(mine["id_number"])}
    assert at(rpc).find_applications(mine["id_number"].lower()) == found
    with pytest.raises(ValidationFailed):
        at(rpc).find_applications(None)
