"""Unit tests of exam.domain.scores: score sheets, verification and the final score (T4)."""
import json

import pytest

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed

from exam.domain import scores

ID = "110101199003074514"
HEADER = "ticket_number,id_number,name,score\n"


def test_T4_scores_are_0_to_100_with_one_decimal():
    assert scores.parse_score("78.5") == 785 and scores.parse_score(100) == 1000
    with pytest.raises(RuleViolation) as err:
        scores.parse_score("100.5")
    assert err.value.code == "SCORE_OUT_OF_RANGE" and err.value.rule == "T4"
    with pytest.raises(RuleViolation):
        scores.parse_score("-1")


@pytest.mark.parametrize("value", ["78.25", "abc", "", "1/0"])
def test_T4_a_score_is_a_number_with_at_most_one_decimal_SCORE_INVALID(value):
    with pytest.raises(ValidationFailed) as err:
        scores.parse_score(value, field="scores.0.score")
    assert (err.value.code, err.value.rule, err.value.field) == ("SCORE_INVALID", "T4",
                                                                 "scores.0.score")


COMPUTER_ONLY = scores.assessment({}, "p")
MEAN_HALF = {"p": {"practical_part": True, "practical_combination": "mean",
                   "computer_weight": "1/2"}}


def test_T4_computer_exam_score_is_the_score_and_pass_is_60_inclusive():
    # 2024/2026: 均采用智能化上机考核; 百分制，成绩达60分（含）以上者为合格
    assert COMPUTER_ONLY == {"practical_part": False, "practical_combination": None,
                             "computer_weight": 1}
    assert scores.final_score(COMPUTER_ONLY, 785) == 785
    assert scores.final_score(COMPUTER_ONLY, 600) == 600 and scores.passed(600)
    assert not scores.passed(599) and not scores.passed(None)


def test_T4_a_practical_part_combines_as_the_projects_setting_says():
    rule = scores.assessment(MEAN_HALF, "p")
    assert scores.final_score(rule, 800, [600, 700, 800]) == 750
    assert scores.final_score(rule, 595, [600, 600, 601]) == 598     # 59.75 rounds up
    median = scores.assessment(json.dumps({"p": {
        "practical_part": True, "practical_combination": "median", "computer_weight": 0}}), "p")
    assert scores.final_score(median, None, [500, 900, 610]) == 610  # on-site only: the median
    assert scores.assessment(MEAN_HALF, "other") == COMPUTER_ONLY     # not named: computer-based


@pytest.mark.parametrize("entry", [{"practical_part": True},
                                   {"practical_part": True, "practical_combination": "mean"},
                                   {"practical_part": True, "practical_combination": "max",
                                    "computer_weight": 0.5},
                                   {"practical_part": True, "practical_combination": "mean",
                                    "computer_weight": 2}])
def test_T4_a_practical_part_without_its_combination_is_PROJECT_ASSESSMENT_INCOMPLETE(entry):
    with pytest.raises(RuleViolation) as err:
        scores.assessment({"p": entry}, "p")
    assert (err.value.code, err.value.rule) == ("PROJECT_ASSESSMENT_INCOMPLETE", "T4")


def test_T4_a_computer_based_project_takes_no_practical_sheet_NO_PRACTICAL_PART():
    scores.check_practical_part(scores.assessment(MEAN_HALF, "p"), "p")
    with pytest.raises(RuleViolation) as err:
        scores.check_practical_part(COMPUTER_ONLY, "p")
    assert (err.value.code, err.value.rule) == ("NO_PRACTICAL_PART", "T4")
    assert scores.tenths_to_points(785) == 78.5 and scores.tenths_to_points(None) is None


def test_T4_the_score_sheet_layout_with_english_or_chinese_headers():
    sheet = "\ufeff准考证号,姓名,身份证号,成绩\n2612001001001,张三,110101199003074514,88.5\n\n"
    assert scores.parse_score_sheet(sheet) == [{
        "ticket_number": "2612001001001", "id_number": "110101199003074514", "name": "张三",
        "score": 885, "line": 2}]
    with pytest.raises(ValidationFailed) as err:
        scores.parse_score_sheet("ticket_number,name,score\n")
    assert err.value.code == "SCORE_SHEET_HEADER"
    twice = HEADER + "1,a,b,60\n1,a,b,61\n"
    with pytest.raises(Conflict) as err:
        scores.parse_score_sheet(twice)
    assert err.value.code == "SCORE_SHEET_DUPLICATE" and err.value.details["line"] == 3
    with pytest.raises(RuleViolation) as err:
        scores.parse_score_sheet(HEADER + "1,a,b,101\n")
    assert err.value.details["line"] == 2 and err.value.field == "csv"


def test_T4_an_empty_sheet_is_SCORE_SHEET_EMPTY_and_a_short_row_SCORE_SHEET_ROW():
    with pytest.raises(ValidationFailed) as err:
        scores.parse_score_sheet("\ufeff")
    assert err.value.code == "SCORE_SHEET_EMPTY"
    with pytest.raises(ValidationFailed) as err:
        scores.parse_score_sheet(HEADER + "1,a,b,60\n2,a\n")
    assert (err.value.code, err.value.details) == ("SCORE_SHEET_ROW", {"line": 3})


SEATS = {"2612001001001": {"ticket_number": "2612001001001", "room": "R1",
                           "application_id": "a1", "id_number": ID, "name": "张三",
                           "attendance": "present"},
         "2612001001002": {"ticket_number": "2612001001002", "room": "R1",
                           "application_id": "a2", "id_number": "110101199003070015",
                           "name": "李四", "attendance": None}}


def test_T4_every_computer_row_is_a_candidate_of_the_session_CANDIDATE_NOT_IN_SESSION():
    rows = scores.parse_score_sheet(HEADER + f"2612001001001,{ID},张三,70\n")
    assert scores.computer_rows(rows, SEATS, "AM") == [("2612001001001", 700, "line 2")]
    rows = scores.parse_score_sheet(HEADER + f"2612001001009,{ID},张三,70\n")
    with pytest.raises(RuleViolation) as err:
        scores.computer_rows(rows, SEATS, "AM")
    assert (err.value.code, err.value.rule, err.value.details) == (
        "CANDIDATE_NOT_IN_SESSION", "T4", {"line": 2})


@pytest.mark.parametrize("row", [f"2612001001001,{ID},李四,70",
                                 "2612001001001,110101199003070015,张三,70"])
def test_T4_a_computer_rows_id_number_and_name_are_the_tickets_SCORE_SHEET_MISMATCH(row):
    rows = scores.parse_score_sheet(HEADER + row + "\n")
    with pytest.raises(RuleViolation) as err:
        scores.computer_rows(rows, SEATS, "AM")
    assert (err.value.code, err.value.rule, err.value.field) == ("SCORE_SHEET_MISMATCH", "T4",
                                                                 "csv")


def test_T4_only_a_dispatched_assessor_scores_the_room_NOT_DISPATCHED():
    scores.check_dispatched("assessor")
    for role in (None, "supervisor"):
        with pytest.raises(Forbidden) as err:
            scores.check_dispatched(role)
        assert (err.value.code, err.value.rule) == ("NOT_DISPATCHED", "T4")


def test_T4_a_practical_sheet_names_each_candidate_of_the_room_once():
    rows = [{"ticket_number": "2612001001001", "score": "70.5"}]
    assert scores.practical_rows(rows, SEATS) == [("2612001001001", 705, "scores.0")]
    with pytest.raises(Conflict) as err:
        scores.practical_rows(rows * 2, SEATS)
    assert (err.value.code, err.value.field) == ("SCORE_SHEET_DUPLICATE", "scores.1.ticket_number")
    with pytest.raises(RuleViolation) as err:
        scores.practical_rows([{"ticket_number": "9", "score": 1}], SEATS)
    assert (err.value.code, err.value.field) == ("CANDIDATE_NOT_IN_SESSION",
                                                 "scores.0.ticket_number")


def scored(ticket="2612001001001", value=700, old=None):
    return dict(SEATS[ticket], value=value, where="line 2", old=old)


def test_T4_a_part_is_recorded_once_and_the_same_value_again_is_a_repeat():
    assert scores.to_record("computer", [scored()], set()) == [("a1", 700)]
    assert scores.to_record("computer", [scored(old=700)], set()) == []
    with pytest.raises(Conflict) as err:
        scores.to_record("practical", [dict(scored(old=650), where="scores.0")], set())
    assert (err.value.code, err.value.rule, err.value.field, err.value.details) == (
        "SCORE_ALREADY_RECORDED", "T4", "scores.0.score", {"ticket_number": "2612001001001"})
    assert "(65)" in err.value.message


def test_T4_a_candidate_who_did_not_check_in_takes_no_score_CANDIDATE_ABSENT():
    with pytest.raises(RuleViolation) as err:
        scores.to_record("computer", [scored("2612001001002")], set())
    assert (err.value.code, err.value.rule, err.value.field) == ("CANDIDATE_ABSENT", "T4", "csv")


def test_T4_a_verified_room_takes_no_more_scores_SCORES_VERIFIED():
    with pytest.raises(Conflict) as err:
        scores.to_record("computer", [scored()], {"R1"})
    assert (err.value.code, err.value.rule) == ("SCORES_VERIFIED", "T4")
    scores.check_not_verified(False)
    with pytest.raises(Conflict) as err:
        scores.check_not_verified(True)
    assert (err.value.code, err.value.rule) == ("SCORES_VERIFIED", "T4")


def test_T4_a_session_room_to_verify_has_candidates_SESSION_ROOM_EMPTY():
    scores.check_room_seated(SEATS)
    with pytest.raises(NotFound) as err:
        scores.check_room_seated({})
    assert err.value.code == "SESSION_ROOM_EMPTY"


def test_T4_with_a_practical_part_a_room_needs_all_three_assessors_scores():
    rule = scores.assessment(MEAN_HALF, "p")
    parts = {"a": {("computer", ""): 700, ("practical", "X"): 600, ("practical", "Y"): 600,
                   ("practical", "Z"): 610},
             "b": {("computer", ""): 500, ("practical", "X"): 500}}
    with pytest.raises(RuleViolation) as err:
        scores.room_results(["a", "b"], ["X", "Y", "Z"], parts, rule)
    assert err.value.code == "SCORES_INCOMPLETE" and err.value.details["missing"] == [
        {"application_id": "b", "computer": True, "practical": 1}]
    assert scores.room_results(["a"], ["X", "Y", "Z"], parts, rule) == {"a": 652}


def test_T4_a_computer_only_room_is_complete_with_the_computer_scores_alone():
    parts = {"a": {("computer", ""): 700}, "b": {}}
    assert scores.room_results(["a"], [], parts, COMPUTER_ONLY) == {"a": 700}
    with pytest.raises(RuleViolation) as err:
        scores.room_results(["a", "b"], [], parts, COMPUTER_ONLY)
    assert err.value.code == "SCORES_INCOMPLETE" and err.value.details["missing"] == [
        {"application_id": "b", "computer": False, "practical": 0}]
