"""Unit tests of exam.domain.rosters (B1)."""
from datetime import date

import pytest

from kernel.errors import Conflict, RuleViolation

from exam import testing as t
from exam.domain import rosters

D = date.fromisoformat
BATCH_2026_12 = t.batch_2026_12()


def test_B1_fewer_than_10_confirmed_is_cancelled_unless_staff_override():
    assert rosters.roster_decision(9, override=None) == "cancelled"
    assert rosters.roster_decision(10, override=None) == "held"
    assert rosters.roster_decision(3, override={"actor": "考务部"}) == "held"
    assert "B1" in rosters.cancellation_reason(9)
    assert rosters.decide(9, None) == ("cancelled", rosters.cancellation_reason(9))
    assert rosters.decide(10, None) == ("held", None)


def test_B1_registrants_count_not_only_the_confirmed_n_is_the_larger():
    """报名人数: registration's count, never below the confirmed (they are registrants)."""
    assert rosters.headcount(3, 12) == 12 and rosters.headcount(5, 3) == 5
    assert rosters.headcount(4, None) == 4
    assert rosters.decide(3, None, registrants=12) == ("held", None)
    assert rosters.decide(12, None, registrants=3) == ("held", None)
    status, reason = rosters.decide(5, None, registrants=5)
    assert status == "cancelled" and "报名人数" in reason and "B1" in reason
    assert rosters.decide(2, {"actor": "考务部"}, registrants=4) == ("held", None)


def test_B1_the_roster_is_decided_after_the_payment_window_and_before_the_exam():
    assert not rosters.roster_due(BATCH_2026_12, D("2026-11-18"))
    assert rosters.roster_due(BATCH_2026_12, D("2026-11-19"))
    assert not rosters.roster_due(BATCH_2026_12, D("2026-12-06"))
    with pytest.raises(Conflict) as err:
        rosters.check_override("cancelled")
    assert (err.value.code, err.value.rule) == ("ROSTER_DECIDED", "B1")


def test_B1_a_batch_is_arranged_once_every_roster_is_decided_ROSTER_OPEN():
    statuses = {"p1": "held", "p2": "open", "p3": "cancelled", "p0": "open"}
    with pytest.raises(RuleViolation) as err:
        rosters.check_decided(statuses, D("2026-11-18"))
    assert (err.value.code, err.value.rule, err.value.details) == (
        "ROSTER_OPEN", "B1", {"projects": ["p0", "p2"]})
    assert "2026-11-18" in err.value.message
    assert rosters.check_decided({"p1": "held", "p3": "cancelled"}, None) == ["p1"]
