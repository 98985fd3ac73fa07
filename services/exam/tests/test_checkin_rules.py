"""Unit tests of exam.domain.checkin: check-in on the exam day (T2)."""
from datetime import date

import pytest

from kernel.errors import Forbidden, NotFound, RuleViolation

from exam import testing as t
from exam.domain import checkin

D = date.fromisoformat
BATCH_2026_12 = t.batch_2026_12()
ID = "110101199003074514"


def doc(type_="resident_id_card_2g", number=ID, expires="2030-01-01"):
    return {"type": type_, "number": number, "expires_on": D(expires) if expires else None}


def test_T2_check_in_takes_the_candidates_own_valid_second_generation_card_on_the_day():
    exam = D("2026-12-05")
    checkin.check_document(BATCH_2026_12, doc(), ID, exam)
    cases = [
        (doc(), D("2026-12-04"), "CHECK_IN_NOT_TODAY", RuleViolation),
        (doc("social_security_card"), exam, "ID_DOCUMENT_NOT_ACCEPTED", RuleViolation),
        (doc("resident_id_card_1g"), exam, "ID_DOCUMENT_NOT_ACCEPTED", RuleViolation),
        (doc(number="110101199003070015"), exam, "ID_MISMATCH", Forbidden),
        (doc(expires="2026-12-04"), exam, "ID_DOCUMENT_EXPIRED", RuleViolation),
    ]
    for document, today, code, kind in cases:
        with pytest.raises(kind) as err:
            checkin.check_document(BATCH_2026_12, document, ID, today)
        assert (err.value.code, err.value.rule) == (code, "T2")
    batch_2024 = dict(BATCH_2026_12, accepted_id_documents=["resident_id_card_2g",
                                                            "social_security_card"])
    checkin.check_document(batch_2024, doc("social_security_card"), ID, exam)
    checkin.check_document(BATCH_2026_12, doc(number=f" {ID} ", expires=None), ID, exam)


def test_T2_the_desk_checks_in_a_ticket_number_of_the_arrangement_TICKET_NOT_FOUND():
    seat = object()
    assert checkin.check_ticket(seat) is seat
    with pytest.raises(NotFound) as err:
        checkin.check_ticket(None)
    assert (err.value.code, err.value.rule, err.value.field) == ("TICKET_NOT_FOUND", "T2",
                                                                 "ticket_number")


def test_T2_attendance_is_present_or_absent():
    assert [a.value for a in checkin.Attendance] == ["present", "absent"]
