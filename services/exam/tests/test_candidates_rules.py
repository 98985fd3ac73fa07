"""Unit tests of exam.domain.candidates: a candidate's status is one state
machine (E1, project-local: docs/architecture.md)."""
import pytest

from kernel.errors import Conflict

from exam.domain import candidates
from exam.domain.candidates import CandidateStatus

C, A, X = CandidateStatus.CONFIRMED, CandidateStatus.ABANDONED, CandidateStatus.CANCELLED


def test_CS1_the_statuses_are_those_the_roster_stores():
    assert [s.value for s in CandidateStatus] == ["confirmed", "abandoned", "cancelled"]


@pytest.mark.parametrize("current,target", [
    (None, C), (None, X),                 # the first confirmation; cancelled at once (B1)
    (C, C), (C, A), (C, X),               # a repeated confirmation; P4; B1
    (A, C), (A, X),                       # payment's later confirmation wins
    (X, X),                               # a confirmation after the cancellation
])
def test_CS1_the_moves_the_machine_has(current, target):
    assert candidates.may(current, target)
    stored = candidates.transition(current and current.value, target)
    assert stored == target.value and type(stored) is str


@pytest.mark.parametrize("current,target", [
    (None, A),                            # abandoned, and never on a roster
    (A, A), (X, A), (X, C),               # off the roster: a cancelled candidate stays so
])
def test_CS1_any_other_move_is_CANDIDATE_STATUS_REFUSED(current, target):
    assert not candidates.may(current, target)
    with pytest.raises(Conflict) as err:
        candidates.transition(current, target)
    assert (err.value.code, err.value.rule, err.value.field) == ("CANDIDATE_STATUS_REFUSED",
                                                                 "CS1", "status")
    assert err.value.details == {"from": str(current or ""), "to": str(target)}


def test_CS1_B1_a_confirmation_for_a_cancelled_roster_cancels_the_candidate_at_once():
    assert candidates.on_confirmation(roster_cancelled=True) is X
    assert candidates.on_confirmation(roster_cancelled=False) is C
