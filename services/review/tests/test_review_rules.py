"""Unit tests of the review rule codes no unit test named with their rule before
(#14): each test names its rule ID (B1, V2) and asserts code, rule and field.
Pure: no broker, no database."""
from datetime import date

import pytest

from kernel.errors import Conflict, RuleViolation

from review import domain

BATCH = {"code": "2026-12", "status": "scheduled", "re_review_working_days": 10,
         "review": (date(2026, 11, 2), date(2026, 11, 13))}
CENTER = {"name": "复审员A", "role": "center", "institution_code": None}


def app(status="pending"):
    return {"status": status, "channel": "individual", "institution_code": None,
            "last_decision": None}


def codes(err):
    return err.value.code, err.value.rule, err.value.field


def test_B1_no_decision_in_a_cancelled_batch_BATCH_CANCELLED():
    domain.check_in_window("individual", BATCH, None, date(2026, 11, 3))
    with pytest.raises(RuleViolation) as err:
        domain.check_in_window("individual", dict(BATCH, status="cancelled"), None,
                               date(2026, 11, 3))
    assert codes(err) == ("BATCH_CANCELLED", "B1", "application_id")


def test_B1_an_application_of_a_cancelled_batch_is_closed_APPLICATION_CLOSED():
    with pytest.raises(Conflict) as err:
        domain.check_open(app("cancelled"))
    assert codes(err) == ("APPLICATION_CLOSED", "B1", "application_id")


def test_V2_an_application_not_accepted_is_closed_APPLICATION_CLOSED():
    domain.check_open(app())
    with pytest.raises(Conflict) as err:
        domain.check_open(app("not_accepted"))
    assert codes(err) == ("APPLICATION_CLOSED", "V2", "application_id")
    assert err.value.details == {"status": "not_accepted"}


@pytest.mark.parametrize("status", ["approved", "rejected", "returned"])
def test_V2_a_decided_application_is_not_decided_again_ALREADY_DECIDED(status):
    with pytest.raises(Conflict) as err:
        domain.check_can_decide(app(status), BATCH, None, CENTER, date(2026, 11, 3))
    assert codes(err) == ("ALREADY_DECIDED", "V2", "application_id")


def test_V2_only_a_return_names_fields_to_fix_FIELDS_TO_FIX_UNEXPECTED():
    from kernel.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as err:
        domain.check_decision("approve", "", ["photo"])
    assert (err.value.code, err.value.rule, err.value.field) == (
        "FIELDS_TO_FIX_UNEXPECTED", "V2", "fields_to_fix")
    domain.check_decision("approve", "", [])
