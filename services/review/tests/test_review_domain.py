"""Unit tests of review's rules (domain.py): pure, no broker, no database."""
from datetime import date, datetime, timezone

import pytest

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed

from review import domain

BATCH_2026 = {"code": "2026-12", "status": "scheduled", "re_review_working_days": 10,
              "review": (date(2026, 11, 2), date(2026, 11, 13))}
BATCH_2024 = {"code": "2024-12", "status": "scheduled", "re_review_working_days": 5,
              "review": (date(2024, 11, 4), date(2024, 11, 15))}
CENTER = {"name": "复审员A", "role": "center", "institution_code": None}


def app(status="pending", channel="institution", institution_code="inst-02"):
    return {"status": status, "channel": channel, "institution_code": institution_code,
            "last_decision": None}


def test_V1_an_application_reaches_the_center_on_its_local_date():
    assert domain.received_on("2026-11-01T15:59:59+00:00") == date(2026, 11, 1)
    assert domain.received_on(datetime(2026, 11, 1, 16, 0, tzinfo=timezone.utc)) == \
        date(2026, 11, 2)


@pytest.mark.parametrize("received, batch, due", [
    (date(2026, 11, 2), BATCH_2026, date(2026, 11, 16)),   # 10 working days in 2026
    (date(2024, 11, 4), BATCH_2024, date(2024, 11, 11)),   # 5 working days in 2024
    (date(2026, 9, 30), BATCH_2026, date(2026, 10, 20)),   # across National Day
    (date(2024, 9, 27), BATCH_2024, date(2024, 10, 10)),   # Sunday 09-29 worked (调休)
])
def test_V1_institution_re_review_is_due_in_working_days(received, batch, due):
    assert domain.due_on("institution", received, batch) == due


def test_V1_an_individual_application_is_due_by_the_end_of_the_review_window():
    assert domain.due_on("individual", date(2026, 10, 28), BATCH_2026) == date(2026, 11, 13)


def test_V1_a_due_date_that_cannot_be_known_yet_is_none():
    assert domain.due_on("institution", date(2026, 11, 2), None) is None
    # the calendar of 2027 is not published in the installed data
    assert domain.due_on("institution", date(2026, 12, 28), BATCH_2026) is None


def test_V1_overdue_counts_working_days_past_the_due_date():
    due = date(2026, 10, 26)
    assert not domain.is_overdue(due, due) and domain.overdue_by(due, due) == 0
    assert domain.is_overdue(due, date(2026, 10, 27))
    assert domain.overdue_by(due, date(2026, 11, 2)) == 5
    assert not domain.is_overdue(None, date(2030, 1, 1))


@pytest.mark.parametrize("decision, reason, fields, code", [
    ("reject", None, [], "REASON_REQUIRED"),
    ("reject", "  ", [], "REASON_REQUIRED"),
    ("return", None, ["materials.photo"], "REASON_REQUIRED"),
    ("return", "照片不合格", [], "FIELDS_TO_FIX_REQUIRED"),
    ("return", "照片不合格", ["photo"], "FIELDS_TO_FIX_UNKNOWN"),
    ("approve", None, ["materials.photo"], "FIELDS_TO_FIX_UNEXPECTED"),
])
def test_V2_a_rejection_or_return_says_why_and_what_to_fix(decision, reason, fields, code):
    with pytest.raises(ValidationFailed) as err:
        domain.check_decision(decision, reason, fields)
    assert err.value.code == code and err.value.rule == "V2"


def test_V2_valid_decisions_pass():
    domain.check_decision("approve", None, [])
    domain.check_decision("reject", "材料造假", [])
    domain.check_decision("return", "学历证明不清晰", ["materials.education_proof", "person"])


@pytest.mark.parametrize("status, error, code", [
    ("withdrawn", Conflict, "APPLICATION_WITHDRAWN"),
    ("approved", Conflict, "ALREADY_DECIDED"),
    ("rejected", Conflict, "ALREADY_DECIDED"),
    ("returned", Conflict, "ALREADY_DECIDED"),
    ("not_accepted", Conflict, "APPLICATION_CLOSED"),
    ("cancelled", Conflict, "APPLICATION_CLOSED"),
])
def test_V2_only_an_open_task_can_be_decided(status, error, code):
    with pytest.raises(error) as err:
        domain.check_can_decide(app(status), BATCH_2026, date(2026, 11, 16), CENTER,
                                date(2026, 11, 3))
    assert err.value.code == code


def test_V1_an_individual_application_is_decided_inside_the_review_window():
    ind = app(channel="individual", institution_code=None)
    due = date(2026, 11, 13)
    for today in (date(2026, 11, 2), date(2026, 11, 13)):
        domain.check_can_decide(ind, BATCH_2026, due, CENTER, today)
    for today, code in ((date(2026, 11, 1), "REVIEW_NOT_OPEN"),
                        (date(2026, 11, 14), "REVIEW_WINDOW_CLOSED")):
        with pytest.raises(RuleViolation) as err:
            domain.check_can_decide(ind, BATCH_2026, due, CENTER, today)
        assert (err.value.code, err.value.rule) == (code, "V1")


def test_V1_an_institution_application_is_decided_until_the_later_of_window_end_and_due():
    inst = app()
    domain.check_can_decide(inst, BATCH_2026, date(2026, 11, 26), CENTER, date(2026, 11, 26))
    domain.check_can_decide(inst, BATCH_2026, date(2026, 11, 9), CENTER, date(2026, 11, 13))
    domain.check_can_decide(inst, BATCH_2026, None, CENTER, date(2026, 10, 28))
    with pytest.raises(RuleViolation) as err:
        domain.check_can_decide(inst, BATCH_2026, date(2026, 11, 26), CENTER,
                                date(2026, 11, 27))
    assert err.value.code == "REVIEW_WINDOW_CLOSED"


def test_B1_V1_no_decision_without_a_live_batch():
    with pytest.raises(NotFound):
        domain.check_can_decide(app(), None, None, CENTER, date(2026, 11, 3))
    with pytest.raises(RuleViolation) as err:
        domain.check_can_decide(app(), dict(BATCH_2026, status="cancelled"), None, CENTER,
                                date(2026, 11, 3))
    assert err.value.rule == "B1"


def test_V1_an_institution_reviewer_acts_only_on_its_own_candidates():
    mine = {"name": "机构审核员", "role": "institution", "institution_code": "inst-02"}
    domain.check_reviewer(mine, app())
    domain.check_reviewer(CENTER, app(institution_code="inst-05"))
    for other in (app(institution_code="inst-05"), app(channel="individual",
                                                       institution_code=None)):
        with pytest.raises(Forbidden) as err:
            domain.check_reviewer(mine, other)
        assert err.value.code == "INSTITUTION_SCOPE"
    # its first review came with the application: approve/reject is the center's (V1)
    domain.check_reviewer(mine, app(), "return")
    for decision in ("approve", "reject"):
        with pytest.raises(Forbidden) as err:
            domain.check_reviewer(mine, app(), decision)
        assert (err.value.code, err.value.rule) == ("CENTER_DECISION_ONLY", "V1")
    # scope is checked before anything about the application is revealed
    with pytest.raises(Forbidden):
        domain.check_can_decide(app("withdrawn", institution_code="inst-05"), BATCH_2026, None,
                                mine, date(2026, 11, 3))


def test_V2_a_returned_application_closes_only_after_the_review_window():
    assert not domain.closes_as_not_accepted("returned", BATCH_2026, date(2026, 11, 13))
    assert domain.closes_as_not_accepted("returned", BATCH_2026, date(2026, 11, 14))
    assert not domain.closes_as_not_accepted("pending", BATCH_2026, date(2026, 11, 14))
    assert not domain.closes_as_not_accepted("returned", None, date(2026, 11, 14))


def test_V2_what_registration_events_do():
    assert domain.on_resubmitted("returned") and domain.on_resubmitted("not_accepted")
    assert not any(domain.on_resubmitted(s) for s in ("pending", "approved", "rejected",
                                                      "withdrawn", "cancelled"))
    assert [domain.on_withdrawn(s) for s in ("pending", "returned", "approved")] == \
        ["withdrawn"] * 3
    assert domain.on_withdrawn("rejected") is None and domain.on_withdrawn("withdrawn") is None
    assert domain.stage_for("institution") == "re_review"
    assert domain.stage_for("individual") == "center_review"


def test_V2_a_return_of_an_individual_correction_is_not_accepted_not_another_round():
    assert domain.decision_outcome("return", "individual", 1) == "returned"
    assert domain.decision_outcome("return", "individual", 2) == "not_accepted"
    assert domain.decision_outcome("return", "institution", 2) == "returned"
    assert domain.decision_outcome("approve", "individual", 2) == "approved"
    assert domain.decision_outcome("reject", "individual", 3) == "rejected"


def test_R4_the_person_is_keyed_by_a_hash_of_the_id_number_and_the_kind_by_the_year():
    key = domain.person_key("51010419950315001x")
    assert key == domain.person_key(" 51010419950315001X ") and len(key) == 64
    assert "51010419950315001" not in key
    assert key != domain.person_key("510104199503150029")
    assert domain.dishonesty_kind(2024) == "dishonest_conduct"      # 不诚信行为
    assert domain.dishonesty_kind(2025) == "dishonest_conduct"
    assert domain.dishonesty_kind(2026) == "falsified_material"
    with pytest.raises(Forbidden) as err:
        domain.check_can_record_dishonesty({"role": "institution"}, {"year": 2024})
    assert (err.value.code, err.value.rule) == ("DISHONESTY_CENTER_ONLY", "R4")
    domain.check_can_record_dishonesty({"role": "center"}, {"year": 2024})
