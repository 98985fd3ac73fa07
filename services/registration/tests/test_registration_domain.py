"""Unit tests of registration's pure rules (no broker, no database)."""
from datetime import date

import pytest

from kernel.errors import Conflict, Forbidden, RuleViolation
from kernel.testing import sample_id_number

from registration import domain

BATCH = {"code": "2026-12", "year": 2026, "status": "scheduled", "exam_date": date(2026, 12, 5),
         "registration": (date(2026, 10, 26), date(2026, 11, 2)),
         "review": (date(2026, 11, 2), date(2026, 11, 13)),
         "payment": (date(2026, 11, 16), date(2026, 11, 18))}


def test_catalogue_has_19_projects_in_2024_and_22_in_2026_each_with_a_known_condition():
    projects = domain.catalogue_projects()
    assert sum(2024 in p["years"] for p in projects) == 19
    assert sum(2026 in p["years"] for p in projects) == 22
    assert {p["condition"] for p in projects} <= set(domain.conditions())
    assert {c["min_age"] for c in domain.conditions().values()} == {16}


def test_institutions_are_authorised_only_for_catalogue_projects():
    codes = {p["code"] for p in domain.catalogue_projects()}
    for inst in domain.catalogue_institutions():
        for projects in inst["authorisations"].values():
            assert set(projects) <= codes
        assert "phone" not in inst and "contact" not in inst


@pytest.mark.parametrize("today,ok", [(date(2026, 10, 25), False), (date(2026, 10, 26), True),
                                      (date(2026, 11, 2), True), (date(2026, 11, 3), False)])
def test_R1_window_is_inclusive(today, ok):
    if ok:
        domain.check_registration_open(BATCH, today)
    else:
        with pytest.raises(RuleViolation) as err:
            domain.check_registration_open(BATCH, today)
        assert err.value.rule == "R1"


def test_B1_cancelled_batch_takes_no_registration():
    with pytest.raises(RuleViolation) as err:
        domain.check_registration_open(dict(BATCH, status="cancelled"), date(2026, 10, 27))
    assert err.value.rule == "B1"


def test_R2_age_is_counted_on_the_exam_date():
    assert domain.check_person(sample_id_number("20101205"), date(2026, 12, 5)).sex == "M"
    with pytest.raises(RuleViolation) as err:
        domain.check_person(sample_id_number("20101206"), date(2026, 12, 5))
    assert err.value.code == "UNDER_AGE" and err.value.rule == "R2"
    assert domain.check_person(sample_id_number("19800101", female=True),
                               date(2026, 12, 5)).sex == "F"


def test_R3_duplicates_count_everything_but_withdrawn_and_V2_rejection_is_final():
    domain.check_not_duplicate([])
    domain.check_not_duplicate(["withdrawn", "withdrawn"])
    with pytest.raises(Conflict) as err:
        domain.check_not_duplicate(["withdrawn", "submitted"])
    assert err.value.rule == "R3"
    with pytest.raises(Conflict) as err:
        domain.check_not_duplicate(["rejected"])
    assert err.value.rule == "V2"


def test_I1_institution_channel():
    inst = {"code": "inst-02", "name": "某促进会", "active": True,
            "authorisations": {"2026": ["business-data-analysis"]}}
    review = {"reviewer": "x"}
    domain.check_channel("institution", inst, "business-data-analysis", review, 2026)
    domain.check_channel("individual", None, "business-data-analysis", None, 2026)
    with pytest.raises(Forbidden):
        domain.check_channel("institution", inst, "bigdata-platform-setup", review, 2026)
    with pytest.raises(Forbidden):
        domain.check_channel("institution", dict(inst, active=False), "business-data-analysis",
                             review, 2026)
    with pytest.raises(RuleViolation):
        domain.check_channel("institution", inst, "business-data-analysis", None, 2026)
    with pytest.raises(RuleViolation):
        domain.check_channel("individual", inst, "business-data-analysis", None, 2026)


def test_project_must_be_offered_in_the_batch_year():
    with pytest.raises(RuleViolation) as err:
        domain.check_project_offered({"name_zh": "碳排放核算", "years": [2026]},
                                     dict(BATCH, year=2024))
    assert err.value.code == "PROJECT_NOT_OFFERED"


def test_precheck_E1_education_and_computer_skills():
    person = {"education": "high_school"}
    met = domain.precheck("E1", {"alternative": "education", "computer_skills": True}, person)
    assert met["outcome"] == "needs_review"          # computer skills are only declared
    low = domain.precheck("E1", {"alternative": "education", "computer_skills": True},
                          {"education": "junior_high"})
    assert low["outcome"] == "not_met"
    graduate = domain.precheck("E1", {"alternative": "education", "computer_skills": True,
                                      "current_graduate": True}, {"education": "junior_high"})
    assert graduate["outcome"] == "needs_review"      # this year's 中专/技校 graduate


def test_precheck_E8_high_school_is_met_without_review():
    out = domain.precheck("E8", {"alternative": "education"}, {"education": "bachelor"})
    assert out["outcome"] == "met"


def test_precheck_E9_major_or_occupation():
    by_major = domain.precheck("E9", {"alternative": "education_major"},
                               {"education": "bachelor", "major": "心理学类"})
    assert by_major["outcome"] == "met"
    wrong_major = domain.precheck("E9", {"alternative": "education_major"},
                                  {"education": "bachelor", "major": "土木工程"})
    assert wrong_major["outcome"] == "not_met"
    by_job = domain.precheck("E9", {"alternative": "occupation"},
                             {"education": "high_school", "occupation": "社会工作者"})
    assert by_job["outcome"] == "met"


def test_precheck_refuses_an_alternative_the_condition_does_not_have():
    with pytest.raises(RuleViolation) as err:
        domain.precheck("E1", {"alternative": "occupation"}, {"education": "bachelor"})
    assert err.value.code == "ELIGIBILITY_CLAIM_UNKNOWN"


def test_V2_resubmission_only_when_returned_and_inside_the_review_window():
    returned = {"status": "returned", "locked": False}
    domain.check_resubmit(returned, BATCH, date(2026, 11, 13))
    with pytest.raises(RuleViolation) as err:
        domain.check_resubmit(returned, BATCH, date(2026, 11, 14))
    assert err.value.code == "REVIEW_WINDOW_CLOSED"
    with pytest.raises(RuleViolation) as err:
        domain.check_resubmit({"status": "submitted", "locked": False}, BATCH,
                              date(2026, 11, 5))
    assert err.value.code == "NOT_RETURNED"


def test_B2_locked_application_cannot_change_or_be_withdrawn():
    locked = {"status": "paid", "locked": True}
    for check in (domain.check_withdraw, lambda a: domain.check_resubmit(a, BATCH,
                                                                         date(2026, 11, 5))):
        with pytest.raises(RuleViolation) as err:
            check(locked)
        assert err.value.rule == "B2"
    domain.check_withdraw({"status": "approved", "locked": False})


def test_transitions_ignore_events_that_do_not_fit_the_status():
    assert domain.transition("submitted", "application_approved") == "approved"
    assert domain.transition("withdrawn", "application_approved") is None
    assert domain.transition("approved", "payment_confirmed") == "paid"
    assert domain.transition("paid", "batch_cancelled") == "cancelled"
    assert domain.transition("certified", "batch_cancelled") is None


def test_B2_a_payment_confirmation_overtaking_the_approval_is_retried_not_lost():
    with pytest.raises(Conflict) as err:
        domain.transition("submitted", "payment_confirmed")
    assert err.value.code == "EVENT_EARLY"
    assert domain.transition("withdrawn", "payment_confirmed") is None     # stale: ignored


def test_R3_a_concurrent_duplicate_that_won_the_race_is_a_duplicate_application():
    err = domain.duplicate_won_the_race()
    assert isinstance(err, Conflict)
    assert (err.code, err.rule, err.field) == ("DUPLICATE_APPLICATION", "R3", "person.id_number")


def test_V2_a_correction_found_still_wrong_ends_the_application_a_late_window_close_does_not():
    assert domain.transition("submitted", "correction_not_accepted") == "not_accepted"
    assert domain.transition("returned", "application_not_accepted") == "not_accepted"
    # the window's not_accepted crossing a last-day resubmission is ignored
    assert domain.transition("submitted", "application_not_accepted") is None


def test_I1_authorisations_carry_the_year_of_the_batch():
    inst = {"code": "inst-05", "name": "四川联合环境交易所", "active": True,
            "authorisations": {"2024": ["carbon-emission-trading"],
                               "2026": ["carbon-emission-trading", "carbon-asset-valuation"]}}
    review = {"reviewer": "x"}
    domain.check_channel("institution", inst, "carbon-asset-valuation", review, 2026)
    with pytest.raises(Forbidden) as err:
        domain.check_channel("institution", inst, "carbon-asset-valuation", review, 2024)
    assert (err.value.code, err.value.rule, err.value.details) == (
        "INSTITUTION_NOT_AUTHORISED", "I1", {"year": 2024})
    with pytest.raises(Forbidden):       # no authorisation for a year not listed
        domain.check_channel("institution", inst, "carbon-emission-trading", review, 2027)


def test_I1_every_project_of_a_year_has_an_authorised_institution_the_center_for_all():
    """The three projects new in 2026 (儿童青少年生殖健康教育咨询服务, 碳排放核算,
    碳资产评估) had none, not even the center: the 2026 notice's 22 projects are
    the center's (四、省职鉴中心同时开通机构报名和考生个人报名)."""
    projects = domain.catalogue_projects()
    institutions = {i["code"]: i for i in domain.catalogue_institutions()}
    center = institutions["inst-01"]
    assert center["name"] == "四川省职业技能鉴定指导中心"
    for year in (2024, 2026):
        offered = {p["code"] for p in projects if year in p["years"]}
        assert set(center["authorisations"][str(year)]) == offered
        for inst in institutions.values():
            assert set(inst["authorisations"].get(str(year), ())) <= offered
    new = {"child-adolescent-reproductive-health-counselling", "carbon-emission-accounting",
           "carbon-asset-valuation"}
    assert new <= set(center["authorisations"]["2026"])
    assert not new & set(center["authorisations"]["2024"])
    # 2024's 附件2 as the notice lists it: 四川联合环境交易所 碳排放交易、碳资产管理
    assert sorted(institutions["inst-05"]["authorisations"]["2024"]) == [
        "carbon-asset-management", "carbon-emission-trading"]


def test_M1_photo_limit_by_the_batch_year():
    assert domain.photo_limit(2026) == 51_200 and domain.photo_limit(2027) == 51_200
    assert domain.photo_limit(2024) is None and domain.photo_limit(2025) is None
    domain.check_photo(51_199, 2026)
    domain.check_photo(500_000, 2024)
    with pytest.raises(RuleViolation) as err:
        domain.check_photo(51_200, 2026)
    assert (err.value.code, err.value.rule, err.value.field) == ("FILE_SIZE", "M1",
                                                                 "materials.photo")


def test_B1_registrants_are_the_live_submitted_applications_of_the_batch_and_project():
    """报名人数不足10人: submitted (either channel) and not withdrawn, rejected
    (报名失败), not accepted (不再受理), abandoned (放弃报考) or cancelled."""
    for status in ("submitted", "returned", "approved", "paid", "passed", "failed",
                   "certified"):
        assert domain.is_registrant(status)
    for status in ("withdrawn", "rejected", "not_accepted", "abandoned", "cancelled"):
        assert not domain.is_registrant(status)
    rows = [("a", "submitted", 6), ("a", "approved", 3), ("a", "withdrawn", 4),
            ("a", "paid", 1), ("b", "submitted", 9), ("b", "rejected", 2),
            ("c", "withdrawn", 1)]
    assert domain.registrant_counts(rows) == {
        "a": {"registrants": 10, "reaches_minimum": True},
        "b": {"registrants": 9, "reaches_minimum": False}}
