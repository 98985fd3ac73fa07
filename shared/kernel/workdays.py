"""Working days on the mainland China calendar.

chinesecalendar knows statutory holidays and make-up working days (调休) for
the years it was released with. The State Council publishes next year's
holidays late in the year, so a year the library does not cover yet can be
supplied as data: kernel/data/workdays_override.json in the package, or the
file named by SKILLCERT_WORKDAYS_FILE (same layout), without a release:

    {"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...]}}

``holidays`` are weekdays off, ``workdays`` are weekend days worked.

The usual way is at run time (#15): the provincial administrator loads a year
over RPC (``exam.set_calendar_year``, the gateway's ``PUT /api/admin/calendar/{year}``);
every service keeps it in its kernel table ``calendar_year`` (kernel.calendar)
and hands it to this module with ``use_loaded``. A loaded year wins over the
files, and the files over chinesecalendar. ``check_year`` is rule W1 (what a
year's data must be). For a year covered by none, every function raises
CalendarUnavailable (CALENDAR_YEAR_UNKNOWN, details.year) instead of guessing:
callers show what depends on it as pending (docs/architecture.md, "The
working-day calendar").

Users: exam (T1 hand-out day, T5 publication), review (V1 due dates),
certificate (C4 collection), kernel.calendar.
"""
import json
import os
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar

from kernel.errors import CalendarUnavailable, ValidationFailed

PACKAGE_OVERRIDE = Path(__file__).parent / "data" / "workdays_override.json"


@lru_cache(maxsize=None)
def _overrides(extra_path):
    years = {}
    for path in (PACKAGE_OVERRIDE, Path(extra_path) if extra_path else None):
        if path and path.exists():
            for year, spec in json.loads(path.read_text(encoding="utf-8")).items():
                if year.startswith("_"):
                    continue
                years[int(year)] = {
                    "holidays": {date.fromisoformat(d) for d in spec.get("holidays", [])},
                    "workdays": {date.fromisoformat(d) for d in spec.get("workdays", [])},
                }
    return years


def overrides():
    return _overrides(os.environ.get("SKILLCERT_WORKDAYS_FILE", ""))


# years loaded at run time, per service (one per process in production; the
# tests run several services in one process): {service: {year: data}}
_loaded = {}


def use_loaded(service, years):
    """The years ``service`` has in its calendar table: {year: {"holidays": [..],
    "workdays": [..]}} (ISO strings or dates); replaces what it had."""
    _loaded[service] = {int(y): {"holidays": {_day(d) for d in spec["holidays"]},
                                 "workdays": {_day(d) for d in spec["workdays"]}}
                        for y, spec in years.items()}


def forget_loaded():
    """Tests: no year loaded at run time in this process."""
    _loaded.clear()


def _day(value):
    return value if isinstance(value, date) else date.fromisoformat(value)


def _year_data(year):
    for years in _loaded.values():
        if year in years:
            return years[year]
    return overrides().get(year)


def library_covers(year):
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def source_of(year):
    """Where ``year``'s calendar comes from: "loaded", "file", "chinesecalendar"
    or None (unknown)."""
    if any(year in years for years in _loaded.values()):
        return "loaded"
    if year in overrides():
        return "file"
    return "chinesecalendar" if library_covers(year) else None


def is_known(year):
    return source_of(year) is not None


MAX_DATES = 80     # a year has about 30 days off and 10 make-up days


def check_year(year, holidays, workdays):
    """W1: a year's statutory holidays (weekdays off) and make-up working days
    (调休, weekend days worked): real dates of that year, each once, a make-up
    day on a Saturday or Sunday, no date in both lists (the days off may be
    given as the notice states them, weekend days included: they are off anyway).
    Returns (holidays, workdays) as sorted dates; ValidationFailed
    (CALENDAR_DATA_INVALID, W1) with one entry per bad date otherwise."""
    problems = []
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed("CALENDAR_DATA_INVALID", f"{year} is not a year between 2000 "
                               "and 2100", field="year", rule="W1", details={"year": year})
    seen = {}
    for name, values, weekend in (("holidays", holidays, False),
                                  ("workdays", workdays, True)):
        if not isinstance(values, (list, tuple)) or len(values) > MAX_DATES:
            problems.append({"field": name, "message": f"a list of at most {MAX_DATES} dates"})
            continue
        for i, raw in enumerate(values):
            field = f"{name}[{i}]"
            try:
                day = _day(raw) if isinstance(raw, (str, date)) else None
            except ValueError:
                day = None
            if day is None:
                problems.append({"field": field, "value": str(raw),
                                 "message": "not a date (YYYY-MM-DD)"})
            elif day.year != year:
                problems.append({"field": field, "value": day.isoformat(),
                                 "message": f"not in {year}"})
            elif weekend and day.weekday() < 5:
                problems.append({"field": field, "value": day.isoformat(),
                                 "message": "a make-up working day is a Saturday or Sunday"})
            elif day in seen:
                problems.append({"field": field, "value": day.isoformat(), "message": (
                    "listed twice" if seen[day] == name else
                    "in both holidays and workdays")})
            else:
                seen[day] = name
    if problems:
        raise ValidationFailed("CALENDAR_DATA_INVALID", f"the {year} calendar has "
                               f"{len(problems)} bad entr{'y' if len(problems) == 1 else 'ies'}",
                               field=problems[0]["field"], rule="W1",
                               details={"year": year, "errors": problems})
    return (sorted(d for d, n in seen.items() if n == "holidays"),
            sorted(d for d, n in seen.items() if n == "workdays"))


def reload():
    _overrides.cache_clear()


def is_workday(day):
    data = _year_data(day.year)
    if data is not None:
        if day in data["workdays"]:
            return True
        if day in data["holidays"]:
            return False
        return day.weekday() < 5
    try:
        return _library_is_workday(day)
    except NotImplementedError:
        raise CalendarUnavailable(
            "CALENDAR_YEAR_UNKNOWN",
            f"the working-day calendar for {day.year} is not known yet: the provincial "
            "administrator loads that year's holidays and make-up days "
            "(PUT /api/admin/calendar/{year})", rule="W1", details={"year": day.year})


@lru_cache(maxsize=8192)
def _library_is_workday(day):
    """chinesecalendar's answer, which its installed data fixes: remembered (it
    checks its arguments at every call, a fifth of review's intake did this)."""
    return chinese_calendar.is_workday(day)


def add_workdays(start, n):
    """The date ``n`` working days after ``start`` (``start`` itself not counted)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def workdays_between(start, end):
    """Working days in (start, end]: how many have passed since ``start`` by ``end``."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def or_pending(compute, *args):
    """``(compute(*args), None)``, or ``(None, year)`` when it needs the calendar
    of a year nobody has loaded yet: the caller shows it as pending (never a
    guess, never an error that dead-letters an event)."""
    try:
        return compute(*args), None
    except CalendarUnavailable as err:
        return None, int(err.details["year"])
