"""T1 and T5 against a working-day year nobody has loaded yet (#15, W1): the
hand-out day is pending (None, not guessed, no error), publication waits
(CalendarUnavailable, which exam's publication job reports as blocked), and
both are computed once the year is loaded (kernel.workdays.use_loaded)."""
from datetime import date

import pytest

from kernel import workdays
from kernel.errors import CalendarUnavailable

from exam.domain import publication, tickets

YEAR_2027 = {2027: {"holidays": ["2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12",
                                 "2027-02-15", "2027-02-16"],
                    "workdays": ["2027-02-07", "2027-02-20"]}}


def _batch(exam_date):
    return {"code": "2027-03", "exam_date": exam_date,
            "ticket": {"start": date(2027, 3, 22), "end": date(2027, 3, 26)}}


def test_T1_the_hand_out_day_in_an_unloaded_year_is_pending_then_computed():
    assert tickets.hand_out_by(date(2027, 3, 27)) is None
    # printing is allowed in the window; "late" is not flagged against an unknown day
    assert tickets.check_institution_printing(_batch(date(2027, 3, 27)),
                                              date(2027, 3, 26)) is False
    workdays.use_loaded("exam", YEAR_2027)
    assert tickets.hand_out_by(date(2027, 3, 27)) == date(2027, 3, 25)     # Thursday
    assert tickets.check_institution_printing(_batch(date(2027, 3, 27)),
                                              date(2027, 3, 26)) is True
    # the make-up Saturday 2027-02-20 counts as a working day before a 02-22 exam
    assert tickets.hand_out_by(date(2027, 2, 22)) == date(2027, 2, 19)


def test_T5_publication_reaching_an_unloaded_year_waits_then_is_computed():
    with pytest.raises(CalendarUnavailable) as err:
        publication.publication_period(date(2026, 12, 26))
    assert (err.value.code, err.value.details["year"]) == ("CALENDAR_YEAR_UNKNOWN", 2027)
    workdays.use_loaded("exam", YEAR_2027)
    # 12-28..31 (4), 01-04 (5th): first day; 5 working days on the list: to 01-08
    assert publication.publication_period(date(2026, 12, 26)) == (date(2027, 1, 4),
                                                                  date(2027, 1, 8))


def test_T1_T5_the_year_an_exam_waits_for_is_named_for_the_gauge():
    assert publication.pending_year(date(2026, 12, 5)) is None       # all in 2026
    assert publication.pending_year(date(2026, 12, 26)) == 2027     # publication in 2027
    assert publication.pending_year(date(2027, 3, 27)) == 2027      # hand-out day too
    workdays.use_loaded("exam", YEAR_2027)
    assert publication.pending_year(date(2026, 12, 26)) is None
    assert publication.pending_year(date(2027, 12, 25)) == 2028
