"""#15 over HTTP, the real broker and databases: the provincial administrator
loads a working-day year (PUT /api/admin/calendar/{year}, W1) and lists the
years with their source (GET /api/admin/calendar); no other role may; a bad
date is a structured 400 naming each bad entry, and nothing is stored."""
from .test_gateway_service import error

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"
YEAR = {"holidays": ["2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12"],
        "workdays": ["2027-02-07"], "source": SOURCE}


def _years(client):
    r = client.get("/admin/calendar")
    assert r.status_code == 200, r.text
    return {y["year"]: y for y in r.json()}


def test_W1_the_provincial_center_loads_a_year_no_one_else_may(gateway, accounts):
    admin = accounts("provincial_center")
    assert 2027 not in _years(admin) and _years(admin)[2026]["source"] == "chinesecalendar"
    for role in ("exam_admin", "reviewer", "candidate", "public"):
        other = accounts(role)
        assert other.request("PUT", "/admin/calendar/2027", json=YEAR).status_code in (401, 403)
        assert other.get("/admin/calendar").status_code in (401, 403)

    err = error(admin.request("PUT", "/admin/calendar/2027", json=dict(
        YEAR, holidays=["2027-02-29", "2027-01-01"], workdays=["2027-02-09"])),
        400, "CALENDAR_DATA_INVALID")
    assert (err["rule"], err["field"]) == ("W1", "holidays[0]")
    assert [(e["field"], e["value"]) for e in err["details"]["errors"]] == [
        ("holidays[0]", "2027-02-29"), ("workdays[0]", "2027-02-09")]
    assert 2027 not in _years(admin)
    error(admin.request("PUT", "/admin/calendar/2027", json=dict(YEAR, extra=1)), 400,
          "VALIDATION_FAILED")

    r = admin.request("PUT", "/admin/calendar/2027", json=YEAR)
    assert r.status_code == 200, r.text
    assert (r.json()["year"], r.json()["version"]) == (2027, 1)
    year = _years(admin)[2027]
    assert (year["source"], year["notice"], year["loaded_by"], year["holidays"]) == (
        "loaded", SOURCE, "provincial_center:admin", 4)
    r = admin.request("PUT", "/admin/calendar/2027", json=dict(
        YEAR, holidays=YEAR["holidays"] + ["2027-02-15"]))
    assert r.json()["version"] == 2 and _years(admin)[2027]["holidays"] == 5
