"""kernel.workdays: the mainland calendar (weekends, statutory holidays, 调休 make-up days).

Expected dates come from chinesecalendar 1.11.0's 2026 data (the State Council's 2026
notice): National Day is 10-01..10-07 off, with Sunday 09-20 and Saturday 10-10 worked;
New Year is 01-01..01-03 off with Sunday 01-04 worked.
"""
import json
from datetime import date

import pytest

from kernel import workdays
from kernel.errors import CalendarUnavailable, DomainError, ValidationFailed


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch):
    monkeypatch.delenv("SKILLCERT_WORKDAYS_FILE", raising=False)
    workdays.reload()
    yield
    workdays.reload()


def test_statutory_holiday_on_a_weekday_is_off():
    assert date(2026, 10, 1).weekday() == 3           # a Thursday...
    assert workdays.is_workday(date(2026, 10, 1)) is False   # ...but National Day
    assert workdays.is_workday(date(2026, 10, 7)) is False
    assert workdays.is_workday(date(2026, 10, 8)) is True


def test_make_up_working_day_on_a_weekend_is_on():
    assert date(2026, 10, 10).weekday() == 5          # a Saturday...
    assert workdays.is_workday(date(2026, 10, 10)) is True   # ...worked (调休)
    assert workdays.is_workday(date(2026, 9, 20)) is True    # Sunday worked before it
    assert workdays.is_workday(date(2026, 1, 4)) is True     # Sunday after New Year
    assert workdays.is_workday(date(2026, 10, 11)) is False  # an ordinary Sunday


def test_ordinary_days():
    assert workdays.is_workday(date(2026, 3, 10)) is True    # Tuesday
    assert workdays.is_workday(date(2026, 3, 14)) is False   # Saturday


@pytest.mark.parametrize("start, n, expected", [
    (date(2026, 9, 30), 0, date(2026, 9, 30)),
    (date(2026, 9, 30), 1, date(2026, 10, 8)),    # the whole holiday skipped
    (date(2026, 9, 30), 2, date(2026, 10, 9)),
    (date(2026, 9, 30), 3, date(2026, 10, 10)),   # the make-up Saturday counts
    (date(2026, 9, 30), 4, date(2026, 10, 12)),   # Sunday 10-11 does not
    (date(2026, 9, 18), 1, date(2026, 9, 20)),    # Fri -> the make-up Sunday
    (date(2026, 10, 1), 1, date(2026, 10, 8)),    # start inside the holiday
])
def test_add_workdays_across_national_day(start, n, expected):
    assert workdays.add_workdays(start, n) == expected


def test_V1_ten_working_day_re_review_deadline_across_national_day():
    # an institution's applications received on Mon 09-28 must be re-reviewed within
    # 10 working days (2026): 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 .. 10-16
    assert workdays.add_workdays(date(2026, 9, 28), 10) == date(2026, 10, 16)


def test_add_workdays_refuses_negative():
    with pytest.raises(ValueError):
        workdays.add_workdays(date(2026, 9, 30), -1)


def test_workdays_between_counts_the_half_open_interval():
    assert workdays.workdays_between(date(2026, 9, 30), date(2026, 9, 30)) == 0
    assert workdays.workdays_between(date(2026, 9, 30), date(2026, 10, 7)) == 0
    assert workdays.workdays_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert workdays.workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert workdays.workdays_between(date(2026, 10, 12), date(2026, 9, 30)) == 0
    start = date(2026, 9, 28)
    assert workdays.workdays_between(start, workdays.add_workdays(start, 10)) == 10


def test_W1_a_year_nobody_loaded_raises_CALENDAR_YEAR_UNKNOWN_never_a_guess():
    with pytest.raises(CalendarUnavailable) as err:
        workdays.is_workday(date(2027, 3, 1))
    assert isinstance(err.value, DomainError)
    assert (err.value.code, err.value.rule) == ("CALENDAR_YEAR_UNKNOWN", "W1")
    assert err.value.details == {"year": 2027}
    assert err.value.status == "unavailable"
    with pytest.raises(CalendarUnavailable):
        workdays.add_workdays(date(2026, 12, 31), 1)       # steps into 2027
    with pytest.raises(CalendarUnavailable):
        workdays.workdays_between(date(2026, 12, 30), date(2027, 1, 5))


def _override(tmp_path, spec):
    path = tmp_path / "workdays-2027.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def test_override_file_supplies_a_missing_year(tmp_path, monkeypatch):
    path = _override(tmp_path, {"_comment": "2027, as it would be published",
                                "2027": {"holidays": ["2027-01-01", "2027-02-11"],
                                         "workdays": ["2027-02-06"]}})
    with pytest.raises(CalendarUnavailable):
        workdays.add_workdays(date(2026, 12, 31), 1)
    monkeypatch.setenv("SKILLCERT_WORKDAYS_FILE", str(path))
    workdays.reload()
    assert workdays.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)   # Fri 01-01 off
    assert workdays.is_workday(date(2027, 2, 6)) is True      # make-up Saturday
    assert workdays.is_workday(date(2027, 2, 7)) is False     # plain Sunday
    assert workdays.is_workday(date(2027, 2, 11)) is False    # holiday Thursday
    assert workdays.is_workday(date(2027, 2, 10)) is True
    # 02-06 (make-up Sat), 08, 09, 10, (11 off), 12
    assert workdays.workdays_between(date(2027, 2, 5), date(2027, 2, 12)) == 5
    # 2026 still answers from the library
    assert workdays.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_override_file_is_reread_after_reload(tmp_path, monkeypatch):
    path = _override(tmp_path, {"2027": {"holidays": [], "workdays": []}})
    monkeypatch.setenv("SKILLCERT_WORKDAYS_FILE", str(path))
    workdays.reload()
    assert workdays.is_workday(date(2027, 1, 1)) is True
    _override(tmp_path, {"2027": {"holidays": ["2027-01-01"], "workdays": []}})
    workdays.reload()
    assert workdays.is_workday(date(2027, 1, 1)) is False


def test_override_file_for_another_year_does_not_cover_2027(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLCERT_WORKDAYS_FILE",
                       str(_override(tmp_path, {"2028": {"holidays": [], "workdays": []}})))
    workdays.reload()
    with pytest.raises(CalendarUnavailable):
        workdays.is_workday(date(2027, 6, 1))
    assert workdays.is_workday(date(2028, 6, 1)) is True


# --- W1: a year loaded at run time (kernel.calendar) ------------------------------------

def test_W1_a_loaded_year_is_used_and_wins_over_nothing_known():
    workdays.forget_loaded()
    try:
        assert workdays.source_of(2027) is None and workdays.source_of(2026) == "chinesecalendar"
        workdays.use_loaded("review", {2027: {"holidays": ["2027-01-01"],
                                              "workdays": ["2027-02-07"]}})
        assert workdays.source_of(2027) == "loaded"
        assert workdays.is_workday(date(2027, 1, 1)) is False
        assert workdays.is_workday(date(2027, 2, 7)) is True       # a make-up Sunday
        assert workdays.or_pending(workdays.add_workdays, date(2026, 12, 31), 1) == (
            date(2027, 1, 4), None)
    finally:
        workdays.forget_loaded()
    assert workdays.or_pending(workdays.add_workdays, date(2026, 12, 31), 1) == (None, 2027)


def test_W1_check_year_answers_one_error_per_bad_date():
    holidays, days = workdays.check_year(2027, ["2027-02-11", "2027-01-01", "2027-01-02"],
                                         ["2027-02-07"])         # 01-02: a Saturday, off anyway
    assert holidays == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 2, 11)]
    assert days == [date(2027, 2, 7)]
    with pytest.raises(ValidationFailed) as err:
        workdays.check_year(2027, ["2027-13-01", "2026-10-01", "2027-01-02", "2027-01-01",
                                   "2027-01-01", 7],
                            ["2027-02-08", "2027-02-07", "2027-02-07"])
    assert (err.value.code, err.value.rule) == ("CALENDAR_DATA_INVALID", "W1")
    assert [(e["field"], e["message"]) for e in err.value.details["errors"]] == [
        ("holidays[0]", "not a date (YYYY-MM-DD)"),
        ("holidays[1]", "not in 2027"),
        ("holidays[4]", "listed twice"),
        ("holidays[5]", "not a date (YYYY-MM-DD)"),
        ("workdays[0]", "a make-up working day is a Saturday or Sunday"),
        ("workdays[2]", "listed twice")]
    assert err.value.field == "holidays[0]"
    with pytest.raises(ValidationFailed) as err:
        workdays.check_year(2027, ["2027-01-01"], ["2027-01-01"])
    assert err.value.details["errors"][0]["field"] == "workdays[0]"
    with pytest.raises(ValidationFailed) as err:
        workdays.check_year(1999, [], [])
    assert (err.value.field, err.value.rule) == ("year", "W1")
