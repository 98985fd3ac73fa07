"""Working days on the mainland China calendar.

chinesecalendar knows statutory holidays and make-up working days (调休) for
the years it was released with. The State Council publishes next year's
holidays late in the year, so a year the library does not cover yet can be
supplied as data: kernel/data/workdays_override.json in the package, or the
file named by SKILLCERT_WORKDAYS_FILE (same layout), without a release:

    {"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...]}}

``holidays`` are weekdays off, ``workdays`` are weekend days worked. For a
year covered by neither, every function raises CalendarUnavailable instead of
guessing.
"""
import json
import os
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar

from kernel.errors import CalendarUnavailable

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


def reload():
    _overrides.cache_clear()


def is_workday(day):
    data = overrides().get(day.year)
    if data is not None:
        if day in data["workdays"]:
            return True
        if day in data["holidays"]:
            return False
        return day.weekday() < 5
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarUnavailable(
            "CALENDAR_YEAR_UNKNOWN",
            f"the working-day calendar for {day.year} is not known yet; add that year's "
            "holidays and make-up days to the override file (SKILLCERT_WORKDAYS_FILE)",
            details={"year": day.year})


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
