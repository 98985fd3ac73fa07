"""Unit tests of exam.domain.publication: the public list, objections, finalization (T5)."""
from datetime import date

import pytest

from kernel.errors import CalendarUnavailable, Conflict, NotFound, RuleViolation, ValidationFailed

from exam.domain import publication

D = date.fromisoformat
PERIOD = (D("2026-12-11"), D("2026-12-17"))


def test_T5_published_5_working_days_after_the_exam_for_5_working_days():
    assert publication.publication_period(D("2026-12-05")) == PERIOD
    # National Day: the exam of 2026-09-26 (Saturday) -> 5 working days skip the holiday
    first, last = publication.publication_period(D("2026-09-26"))
    assert first > D("2026-10-02") and last > first
    with pytest.raises(RuleViolation) as err:
        publication.check_objection_window(PERIOD, D("2026-12-18"))
    assert err.value.rule == "T5"
    assert publication.result_label(True, None) == "缺考"
    assert publication.result_label(False, 600) == "合格"
    assert publication.result_label(False, 599) == "不合格"


def test_T5_a_late_publication_still_lasts_5_working_days():
    assert publication.publication_ends(D("2026-12-12")) == D("2026-12-18")   # a Saturday
    assert publication.publication_due(D("2026-12-05"), D("2026-12-10"), 12) is None
    assert publication.publication_due(D("2026-12-05"), D("2026-12-11"), 0) is None
    assert publication.publication_due(D("2026-12-05"), D("2026-12-14"), 12) == D("2026-12-11")
    with pytest.raises(CalendarUnavailable):
        publication.publication_due(D("2031-12-05"), D("2031-12-20"), 12)


def test_T5_the_list_waits_for_every_session_room_with_present_candidates():
    seats = [("AM", "R1", "present"), ("AM", "R2", "absent"), ("PM", "R1", "present"),
             ("PM", "R1", "absent")]
    assert publication.unverified(seats, {("AM", "R1")}) == [("PM", "R1")]
    assert publication.unverified(seats, {("AM", "R1"), ("PM", "R1")}) == []


def test_T5_an_open_objection_holds_its_result_and_the_batch():
    assert publication.finalizable(["a", "b", "c"], {"b"}) == {"a", "c"}
    assert not publication.finalized(2, ["a", "b", "c"], {"b"})
    assert not publication.finalized(2, ["a", "b", "c"], set())       # another replica sent one
    assert publication.finalized(3, ["a", "b", "c"], set())


def test_T5_the_public_list_exists_from_the_first_day_of_publication_RESULTS_NOT_PUBLISHED():
    publication.check_listed(object(), "2026-12")
    with pytest.raises(NotFound) as err:
        publication.check_listed(None, "2026-12")
    assert (err.value.code, err.value.rule) == ("RESULTS_NOT_PUBLISHED", "T5")


def test_T5_objections_are_taken_during_publication_only_RESULTS_NOT_PUBLISHED():
    publication.check_objection_allowed(PERIOD, D("2026-12-17"))
    with pytest.raises(RuleViolation) as err:
        publication.check_objection_allowed(None, D("2026-12-12"))
    assert (err.value.code, err.value.rule) == ("RESULTS_NOT_PUBLISHED", "T5")
    with pytest.raises(RuleViolation) as err:
        publication.check_objection_allowed(PERIOD, D("2026-12-10"))
    assert (err.value.code, err.value.rule) == ("OBJECTION_WINDOW_CLOSED", "T5")


def cand(app, name="张三", project="p"):
    return {"application_id": app, "name": name, "project_code": project}


def test_T5_an_objection_is_about_one_published_result_CANDIDATE_NOT_FOUND():
    assert publication.objecting_candidate([cand("a"), cand("b", "李四")], "张三") == cand("a")
    with pytest.raises(NotFound) as err:
        publication.objecting_candidate([cand("b", "李四")], "张三")
    assert (err.value.code, err.value.rule, err.value.field) == ("CANDIDATE_NOT_FOUND", "T5",
                                                                 "id_number")
    with pytest.raises(NotFound) as err:
        publication.objecting_candidate([cand("a"), cand("c", project="q")], "张三")
    assert (err.value.code, err.value.field) == ("CANDIDATE_NOT_FOUND", "project_code")


def test_T5_one_open_objection_per_result_OBJECTION_OPEN():
    publication.check_no_open_objection(False)
    with pytest.raises(Conflict) as err:
        publication.check_no_open_objection(True)
    assert (err.value.code, err.value.rule) == ("OBJECTION_OPEN", "T5")


def test_T5_an_objection_is_resolved_once_OBJECTION_RESOLVED():
    publication.check_unresolved(publication.OPEN)
    for status in (publication.DISMISSED, publication.CORRECTED):
        with pytest.raises(Conflict) as err:
            publication.check_unresolved(status)
        assert (err.value.code, err.value.rule) == ("OBJECTION_RESOLVED", "T5")


def test_T5_a_correction_gives_the_score_and_a_dismissal_none_VALIDATION_FAILED():
    assert publication.corrected_score("corrected", "61.5") == 615
    assert publication.corrected_score("dismissed", None) is None
    for decision, score in (("corrected", None), ("dismissed", "61")):
        with pytest.raises(ValidationFailed) as err:
            publication.corrected_score(decision, score)
        assert (err.value.code, err.value.rule, err.value.field) == ("VALIDATION_FAILED", "T5",
                                                                     "final_score")
    with pytest.raises(RuleViolation) as err:
        publication.corrected_score("corrected", "101")
    assert err.value.code == "SCORE_OUT_OF_RANGE"


def test_T5_the_public_list_as_csv_for_excel():
    assert publication.public_list_csv([{"ticket_number": "1", "name": "张三",
                                         "id_number": "510104**", "project": "商业数据分析",
                                         "score": None, "result": "缺考"}]).splitlines()[1] == \
        "1,1,张三,510104**,商业数据分析,,缺考"
