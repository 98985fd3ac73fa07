"""Unit tests of assessor_training.domain: pure rules, no broker, no database."""
from datetime import date

import pytest

from kernel.errors import Conflict, Forbidden, RuleViolation

from assessor_training.domain import (applications, cards, reference, review_chain, track_record,
                                      training, training_periods)
from assessor_training.testing import work_summary

D = date.fromisoformat
POLICY = reference.Policy()


def period(**overrides):
    out = {"code": "2025-2", "year": 2025, "seq": 2,
           "application": (D("2025-05-07"), D("2025-05-13")),
           "review_deadlines": {"unit": D("2025-05-13"), "municipal": D("2025-05-15"),
                                "provincial": D("2025-05-16")},
           "study": (D("2025-05-19"), D("2025-06-04")), "required_study_hours": 20,
           "exam_date": D("2025-06-06")}
    out.update(overrides)
    return out


def test_A1_period_dates_must_follow_each_other():
    assert training_periods.check_period(period())["code"] == "2025-2"
    with pytest.raises(RuleViolation) as err:
        training_periods.check_period(period(review_deadlines={"unit": D("2025-05-13"),
                                                               "municipal": D("2025-05-12"),
                                                               "provincial": D("2025-05-16")}))
    assert err.value.field == "review_deadlines.municipal" and err.value.rule == "A1"
    with pytest.raises(RuleViolation) as err:      # training starts after the last review
        training_periods.check_period(period(study=(D("2025-05-16"), D("2025-06-04"))))
    assert err.value.field == "study.start"


def test_A1_application_window_is_inclusive():
    training_periods.check_application_open(period(), D("2025-05-07"))
    training_periods.check_application_open(period(), D("2025-05-13"))
    with pytest.raises(RuleViolation) as err:
        training_periods.check_application_open(period(), D("2025-05-14"))
    assert err.value.code == "APPLICATION_WINDOW_CLOSED"


def test_A4_work_summary_counts_characters_not_bytes_or_whitespace():
    assert applications.summary_length("考评 员\u3000\n工作a1，") == 8
    assert applications.check_work_summary(work_summary(300)) == 300
    with pytest.raises(RuleViolation) as err:
        applications.check_work_summary(work_summary(299))
    assert (err.value.code, err.value.rule, err.value.details["count"]) == \
        ("WORK_SUMMARY_TOO_SHORT", "A4", 299)


def test_A4_at_most_three_projects_of_one_type():
    assert applications.check_projects(["carbon-emission-trading", "carbon-asset-management",
                                        "carbon-financial-accounting"]) == "carbon"
    with pytest.raises(RuleViolation) as err:
        applications.check_projects(["bigdata-analysis", "bigdata-cleaning", "bigdata-collection",
                                     "business-data-analysis"])
    assert err.value.code == "TOO_MANY_PROJECTS" and err.value.rule == "A4"
    with pytest.raises(RuleViolation) as err:
        applications.check_projects(["bigdata-analysis", "ai-text-analysis"])
    assert err.value.code == "PROJECTS_OF_DIFFERENT_TYPES"
    assert err.value.details["types"] == {"bigdata-analysis": "big-data",
                                          "ai-text-analysis": "ai"}


def test_A4_every_project_has_a_known_type():
    types = reference.project_types()
    assert len(reference.projects()) == 22
    assert all(p["type"] in types for p in reference.projects().values())


def _person(**kw):
    out = {"education": "bachelor", "professional_years": 4, "title": None,
           "qualifications": []}
    out.update(kw)
    return out


def test_A3_each_claimed_condition_is_backed_by_the_form():
    senior = [{"level": "senior", "occupation": "x"}]
    assert applications.check_conditions([{"condition": 1}], _person(qualifications=senior))[0][
        "verdict"] == "needs_judgement"
    assert applications.check_conditions([{"condition": 1}], _person(title={"level": "junior"}))
    cases = [
        ([{"condition": 1}], _person(qualifications=[{"level": "intermediate"}])),
        ([{"condition": 2, "detail": " "}], _person()),
        ([{"condition": 3, "teaching_years": 5}], _person(education="high_school")),
        ([{"condition": 3, "teaching_years": 2}], _person()),
        ([{"condition": 4}], _person(professional_years=9)),
        ([{"condition": 5}], _person()),
    ]
    for claims, person in cases:
        with pytest.raises(RuleViolation) as err:
            applications.check_conditions(claims, person)
        assert err.value.code == "CONDITION_NOT_MET" and err.value.rule == "A3"
        assert err.value.details["condition"] == claims[0]["condition"]
    with pytest.raises(RuleViolation) as err:
        applications.check_conditions([{"condition": 5, "detail": "a"}] * 2, _person())
    assert err.value.code == "CONDITION_REPEATED"


def test_A2_a_proposed_unit_needs_its_acceptance_date_and_the_declaration_must_match():
    proposed = {"code": "u", "name": "U", "kind": "proposed", "region": "510100",
                "filing_accepted_on": D("2025-04-01"), "active": True}
    applications.check_unit_record(proposed, D("2025-05-01"))
    with pytest.raises(RuleViolation) as err:
        applications.check_unit_record(dict(proposed, filing_accepted_on=None), D("2025-05-01"))
    assert err.value.code == "FILING_DATE_MISSING" and err.value.rule == "A2"
    with pytest.raises(RuleViolation) as err:
        applications.check_unit_record(proposed, D("2025-03-01"))
    assert err.value.code == "FILING_DATE_IN_FUTURE"
    applications.check_recommending_unit(proposed, {"kind": "proposed",
                                                    "filing_accepted_on": D("2025-04-01")})
    with pytest.raises(RuleViolation) as err:
        applications.check_recommending_unit(proposed, {"kind": "proposed",
                                                        "filing_accepted_on": D("2025-04-02")})
    assert err.value.code == "FILING_DATE_MISMATCH"
    with pytest.raises(RuleViolation) as err:
        applications.check_recommending_unit(proposed, {"kind": "filed"})
    assert err.value.code == "UNIT_KIND_MISMATCH"


def _app(status, region="510100"):
    return {"status": status, "unit_code": "u1", "region": region}


def test_A1_review_chain_order_authority_and_deadlines():
    p, day = period(), D("2025-05-13")
    assert review_chain.check_review(_app("awaiting_unit"), "unit", "u1", "approve", p, day) == \
        "awaiting_municipal"
    assert review_chain.check_review(_app("awaiting_municipal"), "municipal", "510100", "approve",
                                     p, day) == "awaiting_provincial"
    assert review_chain.check_review(_app("awaiting_provincial"), "provincial", "provincial",
                                     "approve", p, D("2025-05-16")) == "admitted"
    assert review_chain.check_review(_app("awaiting_municipal"), "municipal", "510100", "reject",
                                     p, day) == "rejected"
    with pytest.raises(RuleViolation) as err:
        review_chain.check_review(_app("awaiting_municipal"), "provincial", "provincial", "approve",
                                  p, day)
    assert (err.value.code, err.value.rule) == ("REVIEW_OUT_OF_ORDER", "A1")
    assert err.value.details == {"expected": "municipal", "given": "provincial"}
    with pytest.raises(Forbidden) as err:
        review_chain.check_review(_app("awaiting_municipal"), "municipal", "510300", "approve", p,
                                  day)
    assert err.value.code == "WRONG_REVIEWER"
    with pytest.raises(RuleViolation) as err:
        review_chain.check_review(_app("awaiting_municipal"), "municipal", "510100", "approve", p,
                                  D("2025-05-16"))
    assert err.value.code == "REVIEW_DEADLINE_PASSED"
    with pytest.raises(Conflict) as err:
        review_chain.check_review(_app("rejected"), "unit", "u1", "approve", p, day)
    assert err.value.code == "REVIEW_CLOSED"


def test_A1_provincial_units_have_no_municipal_step():
    assert review_chain.chain("510000") == ("unit", "provincial")
    assert review_chain.check_review(_app("awaiting_unit", "510000"), "unit", "u1", "approve",
                                     period(), D("2025-05-13")) == "awaiting_provincial"
    with pytest.raises(RuleViolation) as err:
        review_chain.check_review(_app("awaiting_provincial", "510000"), "municipal", "510000",
                                  "approve", period(), D("2025-05-13"))
    assert err.value.code == "STEP_NOT_IN_CHAIN"


def test_A1_waiting_applications_lapse_after_their_step_deadline():
    assert review_chain.lapsed_step(_app("awaiting_municipal"), period(), D("2025-05-15")) is None
    assert review_chain.lapsed_step(_app("awaiting_municipal"), period(), D("2025-05-16")) == \
        "municipal"
    assert review_chain.lapsed_step(_app("admitted"), period(), D("2026-01-01")) is None


def test_A5_exam_needs_the_study_hours_and_the_exam_date():
    p = period()
    with pytest.raises(RuleViolation) as err:
        training.check_exam_result("admitted", p, 20 * 60 - 1, 90, D("2025-06-06"), POLICY)
    assert (err.value.code, err.value.rule) == ("STUDY_HOURS_SHORT", "A5")
    with pytest.raises(RuleViolation) as err:
        training.check_exam_result("admitted", p, 20 * 60, 90, D("2025-06-05"), POLICY)
    assert err.value.code == "EXAM_NOT_HELD_YET"
    assert training.check_exam_result("admitted", p, 1200, 60, D("2025-06-06"), POLICY) == \
        "passed"
    assert training.check_exam_result("admitted", p, 1200, 59, D("2025-06-06"), POLICY) == \
        "failed"
    with pytest.raises(Conflict):
        training.check_exam_result("failed", p, 1200, 60, D("2025-06-06"), POLICY)
    with pytest.raises(RuleViolation) as err:
        training.check_study_entry("admitted", p, D("2025-06-05"), D("2025-06-06"))
    assert err.value.code == "OUTSIDE_STUDY_PERIOD"


def test_A6_three_years_from_issue_and_29_february():
    assert cards.card_validity(D("2025-06-06")) == (D("2025-06-06"), D("2028-06-06"))
    assert cards.card_validity(D("2028-02-29")) == (D("2028-02-29"), D("2031-02-28"))
    assert cards.add_years(D("2028-02-29"), 4) == D("2032-02-29")


def test_A6_card_numbers_carry_a_check_character():
    number = cards.card_number(2025, 2, 1)
    assert len(number) == 14 and number.startswith("51202502" + "00001")
    assert cards.check_card_number(" " + number[:6] + "-" + number[6:]) == number
    typo = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    with pytest.raises(RuleViolation) as err:
        cards.check_card_number(typo)
    assert (err.value.code, err.value.rule) == ("CARD_NUMBER_INVALID", "A6")


def test_A6_renewal_window_and_states():
    card = {"status": "valid", "valid_from": D("2025-06-06"), "valid_until": D("2028-06-06")}
    assert cards.card_state(card, D("2028-06-06")) == "valid"
    assert cards.card_state(card, D("2028-06-07")) == "expired"
    assert cards.due_to_expire(card, D("2028-06-07"))
    assert not cards.due_to_expire(card, D("2028-06-06"))
    assert cards.check_renewal(card, D("2028-03-08"), POLICY) == D("2031-06-06")
    with pytest.raises(RuleViolation) as err:
        cards.check_renewal(card, D("2028-03-07"), POLICY)
    assert err.value.code == "RENEWAL_TOO_EARLY"
    with pytest.raises(Conflict) as err:
        cards.check_renewal(card, D("2028-06-07"), POLICY)
    assert err.value.code == "CARD_NOT_RENEWABLE"
    with pytest.raises(Conflict):
        cards.check_revocable(dict(card, status="revoked"))


def test_A7_returns_and_findings_make_a_unit_due_for_notice_and_a_notice_stops_it():
    assert track_record.unit_standing({}, [], POLICY)["standing"] == "good"
    once = track_record.unit_standing({"returned": 1}, [], POLICY)
    assert once["standing"] == "good" and once["returned"] == 1       # 多次: not once
    assert track_record.unit_standing({"returned": 2}, [], POLICY)["standing"] == \
        "due_for_notice"
    assert track_record.unit_standing({"inaccurate_information": 1}, [], POLICY)[
        "standing"] == "due_for_notice"
    lax = reference.Policy(returns_for_notice=5)
    assert track_record.unit_standing({"returned": 4}, [], lax)["standing"] == "good"
    notice = {"reason": "多次推荐被退回", "named_by": "provincial", "named_on": "2025-05-16"}
    named = track_record.unit_standing({}, [notice], POLICY)
    assert named["standing"] == "not_accepted" and named["notices"] == [notice]


def test_A7_a_rejection_after_review_returns_the_recommendation_and_marks_the_center():
    chain = ("unit", "municipal", "provincial")
    assert track_record.returned_against("unit", "reject", chain) == []
    assert track_record.returned_against("municipal", "approve", chain) == []
    assert track_record.returned_against("municipal", "reject", chain) == [("unit", "returned")]
    assert track_record.returned_against("provincial", "reject", chain) == [
        ("unit", "returned"), ("municipal", "ineligible_passed")]
    assert track_record.returned_against("provincial", "reject", ("unit", "provincial")) == [
        ("unit", "returned")]
    center = track_record.municipal_standing("510100", 3, None, 0, POLICY)
    assert center["due_for_cut"] is True and center["batch"] == 3
    assert track_record.municipal_standing("510100", 2, None, 0, POLICY)["due_for_cut"] is False


def test_A3_condition_1_needs_a_senior_qualification_in_an_occupation_of_the_project():
    def verdict(occupation, level="senior", projects=("bigdata-analysis",), title=None):
        person = _person(qualifications=[{"level": level, "occupation": occupation}],
                         title=title)
        return applications.qualification_match(person, projects)[0]
    assert verdict("大数据工程技术人员") == "met"
    assert verdict(" 大数据工程技术人员（三级） ") == "met"           # spaces, bracketed note
    assert verdict("大数据工程技术人员", level="technician") == "met"
    assert verdict("碳排放管理员") == "needs_judgement"                # not listed for big data
    assert verdict("碳排放管理员", projects=("carbon-emission-trading",)) == "met"
    assert verdict("会计专业人员", projects=("carbon-financial-accounting",)) == "met"
    assert verdict("会计专业人员", projects=("carbon-emission-trading",)) == "needs_judgement"
    assert verdict("大数据工程技术人员", level="intermediate") == "not_met"
    assert verdict("无关职业", level="intermediate", title={"level": "junior"}) == "met"
    [claim] = applications.check_conditions([{"condition": 1}], _person(qualifications=[
        {"level": "senior", "occupation": "厨师"}]), ("bigdata-analysis",))
    assert claim["verdict"] == "needs_judgement" and "厨师" in claim["note"]


def test_A5_the_pass_mark_is_the_periods_else_the_configured_one():
    p = period(pass_score=70)
    assert training.check_exam_result("admitted", p, 1200, 69, D("2025-06-06"), POLICY) == \
        review_chain.ApplicationStatus.FAILED
    assert training.check_exam_result("admitted", p, 1200, 70, D("2025-06-06"), POLICY) == \
        review_chain.ApplicationStatus.PASSED
    assert training.pass_score(period(), reference.Policy(pass_score=65)) == 65


def test_A1_sittings_last_90_minutes_and_seat_trainees_by_headcount():
    assert training_periods.EXAM_MINUTES == 90
    assert training.sitting_times(1, "09:00", 30) == ("09:00", "10:30")
    assert training.sitting_times(3, "09:00", 30) == ("13:00", "14:30")
    new, seats = training.assign_sittings(["a", "b", "c", "d", "e"], {}, 2, "09:00", 30)
    assert [(s["seq"], s["starts_at"], s["ends_at"]) for s in new] == [
        (1, "09:00", "10:30"), (2, "11:00", "12:30"), (3, "13:00", "14:30")]
    assert seats == [("a", 1), ("b", 1), ("c", 2), ("d", 2), ("e", 3)]
    new, seats = training.assign_sittings(["f", "g"], {1: (2, 2), 2: (3, 2)}, 2, "09:00", 30)
    assert seats == [("f", 2), ("g", 3)] and [s["seq"] for s in new] == [3]
    with pytest.raises(RuleViolation) as err:
        training.assign_sittings(list(range(20)), {}, 1, "09:00", 30)
    assert (err.value.code, err.value.rule) == ("SITTINGS_EXCEED_DAY", "A1")


def test_AT2_assessor_uploads_have_their_own_size_limits_not_M1_M2():
    from kernel.testing import sample_photo, sample_scan
    from assessor_training.domain import materials
    photo = sample_photo(1)
    assert materials.check_material(photo, "photo", POLICY) in ("jpeg", "png")
    tight = reference.Policy(photo_max_kb=1, scan_max_kb=1)
    with pytest.raises(RuleViolation) as err:
        materials.check_material(photo, "photo", tight)
    assert (err.value.code, err.value.rule) == ("ASSESSOR_FILE_TOO_LARGE", "AT2")
    assert err.value.details["max"] == 1024
    with pytest.raises(RuleViolation) as err:
        materials.check_material(sample_scan(1), "scan", tight)
    assert (err.value.code, err.value.rule) == ("ASSESSOR_FILE_TOO_LARGE", "AT2")
    with pytest.raises(RuleViolation) as err:
        materials.check_material(b"%PDF-1.4 not a photo", "photo", POLICY)
    assert (err.value.code, err.value.rule) == ("FILE_TYPE", "AT2")
