"""#15 over the real broker and databases (exam + review): an institution
application received late in December 2026 is due 10 working days later (V1),
in 2027, whose calendar nobody has loaded: its due date is pending (null, a
gauge), not guessed; the provincial administrator loads 2027 on exam
(set_calendar_year, W1: every bad date refused with its field), exam tells
every service (exam.calendar_year_loaded) and review computes the due date."""
import pytest
from prometheus_client import REGISTRY

from kernel.errors import ValidationFailed
from kernel.testing import wait_until

HOLIDAYS_2027 = ["2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-15",
                 "2027-02-16"]
WORKDAYS_2027 = ["2027-02-07", "2027-02-20"]
SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"


def _due(rpc, application_id):
    return rpc.review.get_review(application_id)["task"]["due_on"]


def _gauge(year):
    return REGISTRY.get_sample_value("skillcert_calendar_pending",
                                     {"service": "review", "year": str(year)})


def test_W1_V1_a_due_date_in_an_unloaded_year_is_pending_until_the_year_is_loaded(
        review, rpc, submit):
    late = submit(channel="institution", submitted_at="2026-12-28T02:00:00+00:00")
    assert _due(rpc, late["application_id"]) is None
    assert wait_until(lambda: _gauge(2027) == 1, timeout=20)

    with pytest.raises(ValidationFailed) as err:       # W1: nothing stored, nothing sent
        rpc.exam.set_calendar_year({"year": 2027, "holidays": ["2027-02-30", "2026-10-01"],
                                    "workdays": ["2027-02-08"], "source": SOURCE,
                                    "actor": "admin"})
    assert (err.value.code, err.value.rule) == ("CALENDAR_DATA_INVALID", "W1")
    assert [e["field"] for e in err.value.details["errors"]] == [
        "holidays[0]", "holidays[1]", "workdays[0]"]
    assert 2027 not in {y["year"] for y in rpc.exam.calendar_years()}
    assert _due(rpc, late["application_id"]) is None

    out = rpc.exam.set_calendar_year({"year": 2027, "holidays": HOLIDAYS_2027,
                                      "workdays": WORKDAYS_2027, "source": SOURCE,
                                      "actor": "admin"})
    assert (out["year"], out["version"]) == (2027, 1)
    # received Monday 12-28: 12-29..31, (01-01 off), 01-04..08, 01-11, 01-12
    assert wait_until(lambda: _due(rpc, late["application_id"]) == "2027-01-12", timeout=30)
    assert {y["year"]: y["source"] for y in rpc.review.calendar_years()}[2027] == "loaded"
    assert {y["year"]: y.get("notice") for y in rpc.exam.calendar_years()}[2027] == SOURCE
    assert wait_until(lambda: not _gauge(2027), timeout=20)
