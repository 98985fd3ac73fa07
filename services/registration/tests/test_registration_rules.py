"""Unit tests of the registration rule codes no unit test named before (#14): each
test names its rule ID (B1, R1, R3, V2, I1, V1, B2) and asserts the code, the rule
and the field the portal shows the error on. Pure: no broker, no database."""
from datetime import date

import pytest

from kernel.errors import Conflict, Forbidden, RuleViolation

from registration import domain

BATCH = {"code": "2026-12", "year": 2026, "status": "scheduled", "exam_date": date(2026, 12, 5),
         "registration": (date(2026, 10, 26), date(2026, 11, 2)),
         "review": (date(2026, 11, 2), date(2026, 11, 13)),
         "payment": (date(2026, 11, 16), date(2026, 11, 18))}
INSTITUTION = {"code": "inst-02", "name": "某促进会", "active": True,
               "authorisations": {"2026": ["business-data-analysis"]}}
FIRST_REVIEW = {"reviewer": "机构审核员"}


def codes(err):
    return err.value.code, err.value.rule, err.value.field


def test_B1_a_cancelled_batch_takes_no_registration_BATCH_CANCELLED():
    with pytest.raises(RuleViolation) as err:
        domain.check_registration_open(dict(BATCH, status="cancelled"), date(2026, 10, 27))
    assert codes(err) == ("BATCH_CANCELLED", "B1", "batch_code")


def test_R1_registration_outside_the_window_REGISTRATION_WINDOW_CLOSED():
    domain.check_registration_open(BATCH, date(2026, 11, 2))
    with pytest.raises(RuleViolation) as err:
        domain.check_registration_open(BATCH, date(2026, 11, 3))
    assert codes(err) == ("REGISTRATION_WINDOW_CLOSED", "R1", "batch_code")
    assert err.value.details == {"window": ["2026-10-26", "2026-11-02"], "today": "2026-11-03"}


def test_R3_a_live_application_in_the_batch_refuses_another_DUPLICATE_APPLICATION():
    domain.check_not_duplicate(["withdrawn"])
    with pytest.raises(Conflict) as err:
        domain.check_not_duplicate(["withdrawn", "approved"])
    assert codes(err) == ("DUPLICATE_APPLICATION", "R3", "person.id_number")
    assert err.value.details == {"status": "approved"}


@pytest.mark.parametrize("status", ["rejected", "not_accepted"])
def test_V2_a_rejection_is_final_DUPLICATE_APPLICATION(status):
    with pytest.raises(Conflict) as err:
        domain.check_not_duplicate([status])
    assert codes(err) == ("DUPLICATE_APPLICATION", "V2", "person.id_number")


@pytest.mark.parametrize("institution, first_review", [(INSTITUTION, None),
                                                       (None, FIRST_REVIEW)])
def test_I1_an_individual_application_has_no_institution_nor_first_review_CHANNEL_MISMATCH(
        institution, first_review):
    domain.check_channel("individual", None, "business-data-analysis", None, 2026)
    with pytest.raises(RuleViolation) as err:
        domain.check_channel("individual", institution, "business-data-analysis",
                             first_review, 2026)
    assert codes(err) == ("CHANNEL_MISMATCH", "I1", "institution_code")


@pytest.mark.parametrize("institution", [None, dict(INSTITUTION, active=False)])
def test_I1_the_institution_must_be_an_active_one_of_the_center_INSTITUTION_UNKNOWN(
        institution):
    with pytest.raises(Forbidden) as err:
        domain.check_channel("institution", institution, "business-data-analysis",
                             FIRST_REVIEW, 2026)
    assert codes(err) == ("INSTITUTION_UNKNOWN", "I1", "institution_code")


def test_I1_the_institution_must_be_authorised_for_the_project_INSTITUTION_NOT_AUTHORISED():
    domain.check_channel("institution", INSTITUTION, "business-data-analysis", FIRST_REVIEW, 2026)
    with pytest.raises(Forbidden) as err:
        domain.check_channel("institution", INSTITUTION, "bigdata-platform-setup",
                             FIRST_REVIEW, 2026)
    assert codes(err) == ("INSTITUTION_NOT_AUTHORISED", "I1", "project_code")


@pytest.mark.parametrize("first_review", [None, {}])
def test_V1_an_institution_application_comes_with_its_first_review_FIRST_REVIEW_MISSING(
        first_review):
    with pytest.raises(RuleViolation) as err:
        domain.check_channel("institution", INSTITUTION, "business-data-analysis",
                             first_review, 2026)
    assert codes(err) == ("FIRST_REVIEW_MISSING", "V1", "first_review")


def test_B2_a_confirmed_payment_locks_the_registration_REGISTRATION_LOCKED():
    locked = {"status": "paid", "locked": True}
    domain.check_unlocked({"status": "approved", "locked": False})
    for check in (domain.check_unlocked, domain.check_withdraw,
                  lambda a: domain.check_resubmit(a, BATCH, date(2026, 11, 5))):
        with pytest.raises(RuleViolation) as err:
            check(locked)
        assert codes(err) == ("REGISTRATION_LOCKED", "B2", "status")
