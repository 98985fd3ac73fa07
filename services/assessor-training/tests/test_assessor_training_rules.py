"""Unit tests of assessor-training rules by area of assessor_training.domain (the
periods, applications, track record, training and cards), each named by its rule ID."""
from datetime import date

import pytest

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation

from assessor_training.domain import (applications, cards, reference, track_record, training,
                                      training_periods)

D = date.fromisoformat
POLICY = reference.Policy()
PERIOD = {"code": "2025-2", "year": 2025, "seq": 2,
          "application": (D("2025-05-07"), D("2025-05-13")),
          "review_deadlines": {"unit": D("2025-05-13"), "municipal": D("2025-05-15"),
                               "provincial": D("2025-05-16")},
          "study": (D("2025-05-19"), D("2025-06-04")), "required_study_hours": 20,
          "exam_date": D("2025-06-06")}
UNIT = {"code": "u", "name": "某单位", "kind": "filed", "region": "510100",
        "filing_accepted_on": None, "active": True}


def test_A1_a_period_whose_dates_do_not_follow_is_PERIOD_DATES_OUT_OF_ORDER():
    with pytest.raises(RuleViolation) as err:
        training_periods.check_period(dict(PERIOD, exam_date=D("2025-06-03")))
    assert (err.value.code, err.value.rule, err.value.field) == (
        "PERIOD_DATES_OUT_OF_ORDER", "A1", "exam_date")


def test_A2_a_units_region_is_one_of_the_provinces_REGION_UNKNOWN():
    with pytest.raises(NotFound) as err:
        applications.check_unit_record(dict(UNIT, region="110000"), D("2025-05-01"))
    assert (err.value.code, err.value.rule) == ("REGION_UNKNOWN", "A2")


def test_A2_a_filed_unit_has_no_pending_filing_date_FILING_DATE_UNEXPECTED():
    applications.check_unit_record(UNIT, D("2025-05-01"))
    with pytest.raises(RuleViolation) as err:
        applications.check_unit_record(dict(UNIT, filing_accepted_on=D("2025-04-01")),
                                       D("2025-05-01"))
    assert (err.value.code, err.value.rule) == ("FILING_DATE_UNEXPECTED", "A2")


def test_A2_an_inactive_unit_recommends_no_one_UNIT_INACTIVE():
    with pytest.raises(Forbidden) as err:
        applications.check_recommending_unit(dict(UNIT, active=False), {"kind": "filed"})
    assert (err.value.code, err.value.rule) == ("UNIT_INACTIVE", "A2")


def test_A4_a_project_is_declared_once_PROJECT_REPEATED():
    with pytest.raises(RuleViolation) as err:
        applications.check_projects(["bigdata-analysis", "bigdata-analysis"])
    assert (err.value.code, err.value.rule) == ("PROJECT_REPEATED", "A4")


def test_AT1_one_application_per_person_and_period_DUPLICATE_APPLICATION():
    applications.check_not_duplicate(None)
    with pytest.raises(Conflict) as err:
        applications.check_not_duplicate("rejected")
    assert (err.value.code, err.value.rule, err.value.details) == (
        "DUPLICATE_APPLICATION", "AT1", {"status": "rejected"})


def test_A7_a_named_unit_recommends_no_one_UNIT_BARRED():
    due = track_record.unit_standing({"returned": 5}, [], POLICY)
    track_record.check_not_barred(UNIT, due)            # due for notice: still accepted
    notice = {"reason": "审核把关不严", "named_by": "provincial", "named_on": "2025-05-16"}
    named = track_record.unit_standing({}, [notice], POLICY)
    with pytest.raises(Forbidden) as err:
        track_record.check_not_barred(UNIT, named)
    assert (err.value.code, err.value.rule) == ("UNIT_BARRED", "A7")
    assert err.value.details == {"notice": notice}
    with pytest.raises(Conflict) as err:
        track_record.check_not_named(UNIT, named)
    assert (err.value.code, err.value.rule) == ("UNIT_ALREADY_NAMED", "A7")


def test_A7_findings_are_of_known_kinds_FINDING_KIND_UNKNOWN():
    track_record.check_finding("unit", "lax_review")
    track_record.check_finding("municipal", "ineligible_passed")
    with pytest.raises(RuleViolation) as err:
        track_record.check_finding("unit", "ineligible_passed")
    assert (err.value.code, err.value.rule, err.value.field) == (
        "FINDING_KIND_UNKNOWN", "A7", "kind")


def test_A7_a_municipal_center_whose_places_were_cut_MUNICIPAL_PLACES_EXHAUSTED():
    track_record.check_municipal_places("510100", 10, None)       # no cut: no limit
    track_record.check_municipal_places("510100", 4, 5)
    with pytest.raises(RuleViolation) as err:
        track_record.check_municipal_places("510100", 5, 5)
    assert (err.value.code, err.value.rule) == ("MUNICIPAL_PLACES_EXHAUSTED", "A7")


def test_A7_a_unit_recommends_up_to_its_places_UNIT_PLACES_EXHAUSTED():
    record = track_record.unit_standing({}, [], POLICY)
    track_record.check_places(UNIT, 19, 20, record)
    with pytest.raises(RuleViolation) as err:
        track_record.check_places(UNIT, 20, 20, record)
    assert (err.value.code, err.value.rule) == ("UNIT_PLACES_EXHAUSTED", "A7")
    assert (err.value.details["places"], err.value.details["used"]) == (20, 20)


@pytest.mark.parametrize("status", ["awaiting_provincial", "rejected", "lapsed"])
def test_A5_only_admitted_trainees_study_and_sit_the_exam_NOT_A_TRAINEE(status):
    with pytest.raises(RuleViolation) as err:
        training.check_study_entry(status, PERIOD, D("2025-05-20"), D("2025-05-21"))
    assert (err.value.code, err.value.rule) == ("NOT_A_TRAINEE", "A5")
    with pytest.raises(RuleViolation) as err:
        training.check_exam_result(status, PERIOD, 1200, 80, D("2025-06-06"), POLICY)
    assert (err.value.code, err.value.rule) == ("NOT_A_TRAINEE", "A5")


@pytest.mark.parametrize("status", ["passed", "failed"])
def test_A5_an_exam_result_is_recorded_once_EXAM_ALREADY_RECORDED(status):
    with pytest.raises(Conflict) as err:
        training.check_exam_result(status, PERIOD, 1200, 80, D("2025-06-06"), POLICY)
    assert (err.value.code, err.value.rule) == ("EXAM_ALREADY_RECORDED", "A5")


def test_A6_a_card_is_issued_once_CARD_ALREADY_ISSUED():
    cards.check_no_card(None)
    with pytest.raises(Conflict) as err:
        cards.check_no_card("51202502000011")
    assert (err.value.code, err.value.rule) == ("CARD_ALREADY_ISSUED", "A6")


@pytest.mark.parametrize("serial", [0, 100000])
def test_A6_a_period_issues_at_most_99999_cards_CARD_SERIALS_EXHAUSTED(serial):
    assert len(cards.card_number(2025, 2, 99999)) == 14
    with pytest.raises(RuleViolation) as err:
        cards.card_number(2025, 2, serial)
    assert (err.value.code, err.value.rule) == ("CARD_SERIALS_EXHAUSTED", "A6")


@pytest.mark.parametrize("status", ["revoked", "expired"])
def test_A6_only_a_valid_card_is_revoked_CARD_NOT_VALID(status):
    cards.check_revocable({"status": "valid"})
    with pytest.raises(Conflict) as err:
        cards.check_revocable({"status": status})
    assert (err.value.code, err.value.rule, err.value.details) == ("CARD_NOT_VALID", "A6",
                                                                   {"status": status})


def test_A1_a_score_exists_from_the_exam_date_EXAM_NOT_HELD_YET():
    from assessor_training.domain.review_chain import ADMITTED as admitted, ApplicationStatus
    with pytest.raises(RuleViolation) as err:
        training.check_exam_result(admitted, PERIOD, 1200, 80, D("2025-06-05"), POLICY)
    assert (err.value.code, err.value.rule, err.value.field) == ("EXAM_NOT_HELD_YET", "A1",
                                                                 "score")
    assert training.check_exam_result(admitted, PERIOD, 1200, 80, D("2025-06-06"), POLICY) \
        == ApplicationStatus.PASSED
