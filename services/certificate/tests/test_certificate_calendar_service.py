"""#15 over the real broker and database: a certificate of batch 2026-12 (exam
2026-12-05) whose collection day falls in 2027, before and after the 2027
working-day calendar is loaded (W1, C4). The result event for a date in the
unloaded year is applied (no dead letter); the collection day is pending (no
guess), the gauge counts it; exam's calendar_year_loaded event makes it computed."""
import hashlib
import uuid
from datetime import datetime, timezone

import pytest

from kernel import calendar, workdays
from kernel.errors import RuleViolation
from kernel.testing import publish_event, sample_id_number, sample_photo, wait_until

from test_certificate_service import (  # noqa: F401  (fixtures)
    db_url, registration, result_of, start_certificate)

BATCH, EXAM_DATE, TODAY = "2026-12", "2026-12-05", "2027-01-20"
HOLIDAYS_2027 = ["2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-15",
                 "2027-02-16"]
WORKDAYS_2027 = ["2027-02-07", "2027-02-20"]
RESULT_DLQ = "evt-exam-result_finalized--certificate.on_result_finalized.dlq"
CALENDAR_DLQ = "evt-exam-calendar_year_loaded--certificate.on_calendar_year_loaded.dlq"


def _pending(year):
    return calendar.PENDING.labels("certificate", str(year))._value.get()


def _issue(rpc, amqp_uri, registration, institution_code="inst-02"):
    seq = uuid.uuid4().int % 500
    photo = sample_photo(seq)
    digest = hashlib.sha256(photo).hexdigest()
    registration.photos[digest] = photo
    app = {"id": str(uuid.uuid4()), "batch_code": BATCH, "project_code": "bigdata-platform-setup",
           "channel": "institution", "institution_code": institution_code,
           "id_number": sample_id_number("19900101", seq), "name": "李四", "sex": "M",
           "birth_date": "1990-01-01", "photo": digest, "status": "passed"}
    registration.applications[app["id"]] = app
    publish_event(amqp_uri, "exam", "result_finalized",
                  dict(result_of(app), batch_code=BATCH, exam_date=EXAM_DATE))

    def number():
        found = [c for c in rpc.certificate.list_certificates(BATCH)
                 if c["application_id"] == app["id"]]
        return found[0]["number"] if found else None
    found = wait_until(number, timeout=30)
    assert found, "no certificate was issued"
    return found


def _year_loaded(version=1, holidays=HOLIDAYS_2027):
    return {"year": 2027, "holidays": holidays, "workdays": WORKDAYS_2027,
            "source": "国务院办公厅关于2027年部分节假日安排的通知", "loaded_by": "admin",
            "version": version, "loaded_at": datetime.now(timezone.utc).isoformat()}


def _collect(rpc):
    return rpc.certificate.record_institution_collection({
        "institution_code": "inst-02", "batch_code": BATCH,
        "collector": {"name": "赵机构", "id_number": sample_id_number("19800101", 401)},
        "registration_form": "川核证登-2027-0001", "form_signed_and_stamped": True,
        "actor": "证书科"})


def test_W1_C4_collection_in_an_unloaded_year_is_pending_then_computed_when_it_is_loaded(
        registration, start_certificate, rpc, amqp_uri):
    start_certificate(today=TODAY)
    assert workdays.source_of(2027) is None        # chinesecalendar stops at 2026
    number = _issue(rpc, amqp_uri, registration)   # the handler applied it: no dead letter
    assert not rpc.certificate.dead_letters()["queues"].get(RESULT_DLQ)
    cert = rpc.certificate.get_certificate(number)
    assert (cert["collectable_from"], cert["collection_state"], cert["pending_year"],
            cert["collection_working_days"]) == (None, "pending_calendar", 2027, 30)
    assert wait_until(lambda: _pending(2027) == 1, timeout=20)   # the sweep counts it
    rpc.certificate.create_print_batch({"batch_code": BATCH, "actor": "证书科"})
    with pytest.raises(RuleViolation) as err:      # not guessed: refused, nothing changes
        _collect(rpc)
    assert (err.value.code, err.value.rule, err.value.details["year"]) == (
        "COLLECTION_PENDING_CALENDAR", "C4", 2027)
    assert rpc.certificate.get_certificate(number)["paper_status"] == "printed"

    publish_event(amqp_uri, "exam", "calendar_year_loaded", _year_loaded())
    assert wait_until(lambda: rpc.certificate.get_certificate(number)["collection_state"]
                      != "pending_calendar", timeout=30)
    cert = rpc.certificate.get_certificate(number)
    # 19 working days in December after the 5th, 01-01 off, 11 more: Monday 2027-01-18
    assert (cert["collectable_from"], cert["collection_state"], cert["pending_year"]) == (
        "2027-01-18", "open", None)
    assert wait_until(lambda: _pending(2027) == 0, timeout=20)
    years = {y["year"]: y for y in rpc.certificate.calendar_years()}
    assert years[2027]["source"] == "loaded" and years[2027]["version"] == 1
    assert years[2026]["source"] == "chinesecalendar"
    assert _collect(rpc)["count"] == 1
    assert not rpc.certificate.dead_letters()["queues"].get(CALENDAR_DLQ)


def test_W1_the_loaded_year_survives_a_restart_and_an_older_version_changes_nothing(
        registration, start_certificate, rpc, amqp_uri):
    start_certificate(today=TODAY)
    number = _issue(rpc, amqp_uri, registration)
    publish_event(amqp_uri, "exam", "calendar_year_loaded",
                  _year_loaded(version=2, holidays=HOLIDAYS_2027 + ["2027-01-18"]))
    assert wait_until(lambda: rpc.certificate.get_certificate(number)["collectable_from"]
                      == "2027-01-19", timeout=30)
    publish_event(amqp_uri, "exam", "calendar_year_loaded", _year_loaded(version=1))
    workdays.forget_loaded()                        # a new process: only the table knows
    start_certificate(today=TODAY)                  # the same database, read on start
    assert rpc.certificate.get_certificate(number)["collectable_from"] == "2027-01-19"
    assert {y["year"]: y.get("version") for y in rpc.certificate.calendar_years()}[2027] == 2
