"""Unit tests of the certificate rule codes no unit test named before (#14): each
test names its rule ID (C1-C4, R4) and asserts code, rule and field. Pure: no
broker, no database."""
from datetime import date

import pytest

from kernel.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from kernel.testing import sample_id_number

from certificate import domain

# C4: the 2026 setting (config.yaml CERTIFICATE_COLLECTION_WORKING_DAYS)
DELAYS = {2024: {"institution": 60, "individual": 60},
          2026: {"institution": 30, "individual": 30}}

ID = sample_id_number("19950315", 7)
NUMBER = domain.make_number("51", 2026, 42)
CERT = {"number": NUMBER, "name": "张三", "id_number": ID, "exam_date": date(2026, 10, 24),
        "status": "valid", "channel": "institution", "institution_code": "inst-02",
        "paper_status": "printed", "revoked_on": None}
RESULT = {"application_id": "a-1", "passed": True, "id_number": ID, "name": "张三",
          "batch_code": "2026-10", "project_code": "p", "exam_date": date(2026, 10, 24),
          "roster_status": "confirmed", "sex": "M", "channel": "individual",
          "institution_code": None, "project_name": "大数据运行平台搭建", "photo": "0" * 64,
          "photo_base64": "AA==", "supervision": {"name": "督导员甲", "at": "2026-10-24T10:00Z"}}
CARD = {"kind": "resident_id_card_2g", "valid_until": date(2030, 1, 1), "long_term": False}


def codes(err):
    return err.value.code, err.value.rule, err.value.field


@pytest.mark.parametrize("raw", [None, 51, ["5120260000042X"]])
def test_C2_a_certificate_number_is_text_VALIDATION_FAILED(raw):
    assert domain.parse_number(NUMBER) == NUMBER
    with pytest.raises(ValidationFailed) as err:
        domain.parse_number(raw, field="certificate_numbers")
    assert codes(err) == ("VALIDATION_FAILED", "C2", "certificate_numbers")


def test_C2_a_malformed_or_mistyped_number_names_C2_and_its_field():
    with pytest.raises(RuleViolation) as err:
        domain.parse_number("51-2026")
    assert codes(err) == ("CERTIFICATE_NUMBER_MALFORMED", "C2", "certificate_number")
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    with pytest.raises(RuleViolation) as err:
        domain.parse_number(wrong)
    assert codes(err) == ("CERTIFICATE_NUMBER_MISTYPED", "C2", "certificate_number")


def test_C1_a_result_cannot_be_final_before_its_exam_RESULT_BEFORE_EXAM():
    assert domain.check_issuable(RESULT, date(2026, 10, 24)) is None
    with pytest.raises(ValidationFailed) as err:     # status "invalid": dead-lettered at once
        domain.check_issuable(RESULT, date(2026, 10, 23))
    assert (err.value.code, err.value.rule) == ("RESULT_BEFORE_EXAM", "C1")


def test_C1_a_result_whose_sex_is_not_its_id_numbers_RESULT_MISMATCH():
    with pytest.raises(ValidationFailed) as err:
        domain.check_issuable(dict(RESULT, sex="F"), date(2026, 11, 20))
    assert (err.value.code, err.value.rule) == ("RESULT_MISMATCH", "C1")
    assert err.value.details == {"fields": ["sex"], "application_id": "a-1"}


def test_C1_the_photo_carried_is_that_of_its_hash_PHOTO_MISMATCH():
    import base64
    import hashlib
    photo = b"\xff\xd8\xff photo"
    digest = hashlib.sha256(photo).hexdigest()
    assert domain.photo_of(digest, base64.b64encode(photo).decode()) == photo
    for other in (base64.b64encode(b"other").decode(), "not base64!", None):
        with pytest.raises(ValidationFailed) as err:
            domain.photo_of(digest, other)
        assert (err.value.code, err.value.rule) == ("PHOTO_MISMATCH", "C1")


def test_C4_an_institution_hands_over_only_what_it_holds_NOT_WITH_INSTITUTION():
    holder = {"name": "张三", "id_number": ID}
    domain.check_institution_handover(dict(CERT, paper_status="with_institution"), "inst-02",
                                      holder)
    for paper in ("printed", "collected"):
        with pytest.raises(RuleViolation) as err:
            domain.check_institution_handover(dict(CERT, paper_status=paper), "inst-02",
                                              holder)
        assert codes(err) == ("NOT_WITH_INSTITUTION", "C4", "certificate_number")
        assert err.value.details == {"paper_status": paper}


def test_C4_an_individual_collects_with_an_accepted_id_document_ID_DOCUMENT_NOT_ACCEPTED():
    domain.check_id_document(CARD, date(2026, 12, 7))
    with pytest.raises(RuleViolation) as err:
        domain.check_id_document(dict(CARD, kind="student_card"), date(2026, 12, 7))
    assert codes(err) == ("ID_DOCUMENT_NOT_ACCEPTED", "C4", "id_document.kind")
    with pytest.raises(RuleViolation) as err:
        domain.check_id_document(dict(CARD, valid_until=date(2026, 12, 6)), date(2026, 12, 7))
    assert codes(err) == ("ID_DOCUMENT_EXPIRED", "C4", "id_document.valid_until")


def test_C4_an_institution_candidate_collects_through_the_institution_COLLECTED_BY_INSTITUTION():
    with pytest.raises(RuleViolation) as err:
        domain.check_individual_collection(CERT, {"name": "张三", "id_number": ID}, CARD,
                                           date(2026, 12, 7), DELAYS)
    assert codes(err) == ("COLLECTED_BY_INSTITUTION", "C4", "certificate_number")


def test_R4_a_revoked_certificate_is_not_revoked_again_nor_handed_out():
    revoked = dict(CERT, status="revoked", revoked_on=date(2026, 12, 1))
    with pytest.raises(Conflict) as err:
        domain.check_revocable(revoked)
    assert codes(err) == ("CERTIFICATE_ALREADY_REVOKED", "R4", "certificate_number")
    with pytest.raises(RuleViolation) as err:
        domain.check_downloadable(revoked)
    assert codes(err) == ("CERTIFICATE_REVOKED", "R4", "certificate_number")
    assert err.value.details == {"revoked_on": "2026-12-01"}


# --- the checks certificate.service made itself, now in the domain ----------------------

def test_C2_numbers_are_drawn_until_a_free_one_or_CERTIFICATE_NUMBERS_EXHAUSTED():
    taken = set()
    number = domain.draw_number("51", 2026, lambda n: n not in taken, 20)
    assert domain.parse_number(number) == number and number.startswith("512026")
    draws = []
    with pytest.raises(Conflict) as err:
        domain.draw_number("51", 2026, lambda n: draws.append(n) and False, 20)
    assert (err.value.code, err.value.rule) == ("CERTIFICATE_NUMBERS_EXHAUSTED", "C2")
    assert len(draws) == 20


def test_C3_only_the_holder_finds_the_certificate_CERTIFICATE_NOT_FOUND():
    assert domain.check_holder_of(CERT, ID, " 张三 ") is None
    for cert, id_number, name in ((None, ID, "张三"), (CERT, sample_id_number(seq=9), "张三"),
                                  (CERT, ID, "李四"), (CERT, None, "张三")):
        with pytest.raises(NotFound) as err:
            domain.check_holder_of(cert, id_number, name)
        assert codes(err) == ("CERTIFICATE_NOT_FOUND", "C3", "certificate_number")


def test_C4_a_print_batch_needs_a_certificate_not_printed_yet_NOTHING_TO_PRINT():
    domain.check_something_to_print([CERT], "2026-10")
    with pytest.raises(RuleViolation) as err:
        domain.check_something_to_print([], "2026-10")
    assert codes(err) == ("NOTHING_TO_PRINT", "C4", "batch_code")


def test_C4_an_institution_collects_the_certificates_of_one_batch_CERTIFICATE_NOT_IN_BATCH():
    other = domain.make_number("51", 2026, 43)
    domain.check_in_batch([(NUMBER, "2026-10")], "2026-10")
    with pytest.raises(RuleViolation) as err:
        domain.check_in_batch([(NUMBER, "2026-10"), (other, "2026-12")], "2026-10")
    assert codes(err) == ("CERTIFICATE_NOT_IN_BATCH", "C4", "certificate_numbers")
    assert err.value.details == {"numbers": [other]}


def test_C4_an_institution_collects_only_when_some_wait_for_it_NOTHING_TO_COLLECT():
    domain.check_something_to_collect([CERT], "2026-10")
    with pytest.raises(RuleViolation) as err:
        domain.check_something_to_collect([], "2026-10")
    assert codes(err) == ("NOTHING_TO_COLLECT", "C4", "batch_code")


@pytest.mark.parametrize("role", ["collector", "holder", "receiver"])
def test_R2_a_collector_holder_or_receiver_has_a_valid_ID_number_ID_NUMBER_INVALID(role):
    assert domain.person_at_collection({"name": " 张三 ", "id_number": ID.lower()}, role) == {
        "name": "张三", "id_number": ID}
    with pytest.raises(RuleViolation) as err:
        domain.person_at_collection({"name": "张三", "id_number": ID[:-1] + "0"
                                     if ID[-1] != "0" else ID[:-1] + "1"}, role)
    assert codes(err) == ("ID_NUMBER_INVALID", "R2", f"{role}.id_number")
    with pytest.raises(ValidationFailed) as err:
        domain.person_at_collection({"name": "", "id_number": ID}, role)
    assert err.value.field == f"{role}.name"
