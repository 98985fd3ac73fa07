"""C4 by the batch's year and the channel (#15), and the collection day while the
working-day calendar of the year it reaches is not loaded (W1): pending, never
guessed. Unit tests of certificate.domain."""
from datetime import date

import pytest

from kernel import workdays
from kernel.errors import RuleViolation

from certificate import domain

DELAYS = {2024: {"institution": 60, "individual": 60},
          2026: {"institution": 30, "individual": 30}}
HOLIDAYS_2027 = ["2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-15",
                 "2027-02-16"]
WORKDAYS_2027 = ["2027-02-07", "2027-02-20"]


def _cert(exam_date, channel="individual", **extra):
    return dict({"number": "51202600000018", "channel": channel, "exam_date": exam_date,
                 "institution_code": "inst-02" if channel == "institution" else None,
                 "status": "valid", "paper_status": "printed", "revoked_on": None,
                 "id_number": "x", "name": "张三"}, **extra)


def test_C4_2024_individuals_collect_60_working_days_after_the_exam():
    assert domain.collection_working_days(DELAYS, 2024, "individual") == 60
    # exam 2024-10-26: 60 working days on the 2024 calendar
    start = domain.collectable_from(date(2024, 10, 26), 60)
    assert workdays.workdays_between(date(2024, 10, 26), start) == 60
    cert = _cert(date(2024, 10, 26))
    info = domain.collection(cert, DELAYS, date(2024, 12, 1))
    assert (info["collection_working_days"], info["collectable_from"],
            info["collection_state"]) == (60, start, domain.WAITING)
    day_before = domain.collectable_from(date(2024, 10, 26), 59)
    with pytest.raises(RuleViolation) as err:
        domain._check_paper_ready(cert, day_before, 60)
    assert (err.value.code, err.value.rule) == ("COLLECTION_TOO_EARLY", "C4")


def test_C4_2026_institutions_collect_30_working_days_after_the_exam():
    assert domain.collection_working_days(DELAYS, 2026, "institution") == 30
    cert = _cert(date(2026, 10, 24), "institution")
    info = domain.collection(cert, DELAYS, date(2026, 12, 4))
    assert (info["collectable_from"], info["collection_state"]) == (date(2026, 12, 4),
                                                                     domain.OPEN)
    domain.check_institution_collection(cert, "inst-02", date(2026, 12, 4), DELAYS)
    with pytest.raises(RuleViolation) as err:
        domain.check_institution_collection(cert, "inst-02", date(2026, 12, 3), DELAYS)
    assert err.value.code == "COLLECTION_TOO_EARLY"


def test_C4_2026_individuals_collect_like_the_institutions_30_working_days():
    """The 2026 notice gives individuals no delay; the reading taken (docs/certificate.md):
    the same 30 working days as institutions."""
    assert domain.collection_working_days(DELAYS, 2026, "individual") == 30
    card = {"kind": "resident_id_card_2g", "valid_until": None, "long_term": True}
    cert = _cert(date(2026, 10, 24))
    holder = {"name": "张三", "id_number": "x"}
    domain.check_individual_collection(cert, holder, card, date(2026, 12, 4), DELAYS)
    with pytest.raises(RuleViolation) as err:
        domain.check_individual_collection(cert, holder, card, date(2026, 12, 3), DELAYS)
    assert err.value.code == "COLLECTION_TOO_EARLY"


def test_C4_the_year_of_the_batch_decides_not_one_setting_for_all():
    delays = {2024: {"institution": 60, "individual": 60},
              2026: {"institution": 30, "individual": 45}}
    assert domain.collection_working_days(delays, 2024, "institution") == 60
    assert domain.collection_working_days(delays, 2026, "individual") == 45
    assert domain.collection_working_days(delays, 2025, "individual") == 60  # 2024's in force
    assert domain.collection_working_days(delays, 2027, "institution") == 30  # the latest
    assert domain.collection_working_days(delays, 2023, "individual") == 60  # the earliest


def test_C4_collection_reaching_an_unloaded_year_is_pending_not_guessed():
    cert = _cert(date(2026, 12, 5), "institution")          # 30 working days: into 2027
    info = domain.collection(cert, DELAYS, date(2026, 12, 2))
    assert info == {"collection_working_days": 30, "collectable_from": None,
                    "collection_state": domain.PENDING_CALENDAR, "pending_year": 2027}
    with pytest.raises(RuleViolation) as err:
        domain.check_institution_collection(cert, "inst-02", date(2027, 3, 1), DELAYS)
    assert (err.value.code, err.value.rule, err.value.field) == (
        "COLLECTION_PENDING_CALENDAR", "C4", "certificate_number")
    assert err.value.details["year"] == 2027


def test_C4_once_the_year_is_loaded_the_collection_day_is_computed():
    cert = _cert(date(2026, 12, 5), "institution")
    workdays.use_loaded("certificate", {2027: {"holidays": HOLIDAYS_2027,
                                               "workdays": WORKDAYS_2027}})
    info = domain.collection(cert, DELAYS, date(2026, 12, 2))
    assert info["collection_state"] == domain.WAITING and info["pending_year"] is None
    # 2026-12-07..31: 19 working days; 2027-01-01 off; 11 more from 01-04: 01-18
    assert info["collectable_from"] == date(2027, 1, 18)
    domain.check_institution_collection(cert, "inst-02", date(2027, 1, 18), DELAYS)
