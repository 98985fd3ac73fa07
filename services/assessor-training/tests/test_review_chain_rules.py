"""Unit tests of assessor_training.domain.review_chain: the chain of reviews (A1)
and the one state machine of an application's status (A1, A5 for the exam)."""
from datetime import date

import pytest

from kernel.errors import Conflict

from assessor_training.domain import review_chain
from assessor_training.domain.review_chain import ApplicationStatus as S

D = date.fromisoformat


def test_A1_the_statuses_are_those_the_applications_store():
    assert [s.value for s in S] == ["awaiting_unit", "awaiting_municipal",
                                    "awaiting_provincial", "admitted", "rejected", "lapsed",
                                    "passed", "failed"]
    assert review_chain.AWAITING == {"unit": "awaiting_unit", "municipal": "awaiting_municipal",
                                     "provincial": "awaiting_provincial"}
    assert review_chain.TRAINED == ("admitted", "passed", "failed")


@pytest.mark.parametrize("current,target", [
    (None, S.AWAITING_UNIT),
    (S.AWAITING_UNIT, S.AWAITING_MUNICIPAL), (S.AWAITING_UNIT, S.AWAITING_PROVINCIAL),
    (S.AWAITING_MUNICIPAL, S.AWAITING_PROVINCIAL), (S.AWAITING_PROVINCIAL, S.ADMITTED),
    (S.AWAITING_UNIT, S.REJECTED), (S.AWAITING_MUNICIPAL, S.REJECTED),
    (S.AWAITING_PROVINCIAL, S.REJECTED), (S.AWAITING_UNIT, S.LAPSED),
    (S.AWAITING_MUNICIPAL, S.LAPSED), (S.AWAITING_PROVINCIAL, S.LAPSED),
    (S.ADMITTED, S.PASSED), (S.ADMITTED, S.FAILED),
])
def test_A1_the_moves_the_machine_has(current, target):
    assert review_chain.may(current, target)
    stored = review_chain.transition(current and current.value, target)
    assert stored == target.value and type(stored) is str


@pytest.mark.parametrize("current,target,rule", [
    (None, S.ADMITTED, "A1"),                          # no step skipped ...
    (S.AWAITING_UNIT, S.ADMITTED, "A1"),
    (S.AWAITING_MUNICIPAL, S.AWAITING_UNIT, "A1"),     # ... nor taken back
    (S.REJECTED, S.AWAITING_UNIT, "A1"),               # closed stays closed
    (S.LAPSED, S.AWAITING_PROVINCIAL, "A1"),
    (S.ADMITTED, S.LAPSED, "A1"),
    (S.AWAITING_PROVINCIAL, S.PASSED, "A5"),           # the exam is for trainees
    (S.PASSED, S.FAILED, "A5"),                        # recorded once
])
def test_A1_A5_any_other_move_is_APPLICATION_STATUS_REFUSED(current, target, rule):
    assert not review_chain.may(current, target)
    with pytest.raises(Conflict) as err:
        review_chain.transition(current, target)
    assert (err.value.code, err.value.rule, err.value.field) == ("APPLICATION_STATUS_REFUSED",
                                                                 rule, "status")
    assert err.value.details == {"from": str(current or ""), "to": str(target)}


def test_A1_every_status_check_review_answers_is_a_move_of_the_machine():
    period = {"review_deadlines": {"unit": D("2025-05-13"), "municipal": D("2025-05-15"),
                                   "provincial": D("2025-05-16")}}
    for region in ("510100", "510000"):
        for step in review_chain.chain(region):
            app = {"status": review_chain.AWAITING[step], "unit_code": "u1", "region": region}
            authority = review_chain.authority_for(step, app)
            for decision in ("approve", "reject"):
                target = review_chain.check_review(app, step, authority, decision, period,
                                                   D("2025-05-13"))
                assert review_chain.may(app["status"], target), (region, step, decision)
            assert review_chain.may(app["status"], S.LAPSED)


def test_A1_each_step_has_its_authority():
    app = {"status": "awaiting_unit", "unit_code": "u1", "region": "510300"}
    assert [review_chain.authority_for(s, app) for s in review_chain.chain("510300")] == [
        "u1", "510300", "provincial"]
