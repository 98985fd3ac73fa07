"""Service tests of the batch catalogue over the real broker and database."""
import pytest

from kernel.errors import NotFound, RuleViolation, ValidationFailed
from kernel.testing import EventTap

from exam.service import ExamService


@pytest.fixture
def exam(container_factory, db_url_for, service_config):
    container = container_factory(ExamService, service_config(db_url_for("exam")))
    container.start()
    return container


def test_calendar_loads_2024_and_2026_batches_once(exam, rpc, amqp_uri):
    with EventTap(amqp_uri, "exam") as tap:
        first = rpc.exam.load_calendar()
        assert first == {"created": 21, "updated": 0, "unchanged": 0}
        assert rpc.exam.load_calendar() == {"created": 0, "updated": 0, "unchanged": 21}
        scheduled = tap.wait_for("batch_scheduled", count=21)
    assert len(scheduled) == 21
    env = scheduled[0]
    assert set(env) == {"event_id", "type", "occurred_at", "producer", "schema_version",
                        "payload"}
    assert env["producer"] == "exam" and env["type"] == "exam.batch_scheduled"
    batches = rpc.exam.list_batches(year=2026)
    assert len(batches) == 10
    last = rpc.exam.get_batch("2026-12")
    assert last["registration"] == {"start": "2026-10-26", "end": "2026-11-02"}
    assert last["exam_date"] == "2026-12-05"
    assert last["re_review_working_days"] == 10              # V1: 10 working days in 2026
    assert last["accepted_id_documents"] == ["resident_id_card_2g"]   # T2 (2026)
    assert rpc.exam.get_batch("2024-03b")["re_review_working_days"] == 5   # V1 (2024)


def test_update_batch_emits_batch_updated_with_new_version(exam, rpc, amqp_uri):
    rpc.exam.load_calendar()
    with EventTap(amqp_uri, "exam") as tap:
        out = rpc.exam.update_batch("2026-12", {"ticket": {"start": "2026-11-30",
                                                           "end": "2026-12-03"}})
        assert out["version"] == 2
        [event] = tap.wait_for("batch_updated")
    assert event["payload"]["changed"] == ["ticket"]
    assert event["payload"]["batch"]["ticket"]["end"] == "2026-12-03"


def test_bad_batches_are_refused_and_change_nothing(exam, rpc):
    rpc.exam.load_calendar()
    with pytest.raises(RuleViolation) as err:
        rpc.exam.update_batch("2026-12", {"payment": {"start": "2026-11-18",
                                                      "end": "2026-11-16"}})
    assert err.value.code == "BATCH_WINDOW_INVERTED" and err.value.field == "payment.end"
    with pytest.raises(RuleViolation) as err:
        rpc.exam.update_batch("2026-12", {"accepted_id_documents": ["passport"]})
    assert err.value.rule == "T2"
    with pytest.raises(ValidationFailed) as err:
        rpc.exam.update_batch("2026-12", {"exam_date": "soon"})
    assert err.value.field == "exam_date"
    with pytest.raises(NotFound):
        rpc.exam.get_batch("2031-01")
    assert rpc.exam.get_batch("2026-12")["version"] == 1
