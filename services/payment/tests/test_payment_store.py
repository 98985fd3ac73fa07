"""Unit tests of the codes payment.store raises (a concurrent change found by a
conditional update, a missing row, an upload that is not base64), each naming
its rule: the store's functions on an in-memory SQLite database, no broker."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kernel.errors import Conflict, NotFound, RuleViolation, ValidationFailed

from payment import store
from payment.domain import payments, receipts
from payment.models import Base, Submission
from kernel.uploads import decode_base64


@pytest.fixture
def db():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def approve(db, app_id, channel="institution"):
    store.items.add_approved(db, {"application_id": app_id, "batch_code": "2026-12",
                                  "project_code": "p", "channel": channel,
                                  "institution_code": "inst-01", "id_number": "x",
                                  "name": "张三"})
    db.flush()


def pending(db, channel="institution"):
    sub = Submission(id=f"s-{channel}", reference="SCABCDEFGH", channel=channel,
                     payer_kind="institution", batch_code="2026-12", payer_name="p",
                     payee_name="c", payee_account="1", amount_fen=100, expected_fen=100,
                     note="", receipt_hash="h", status=payments.PENDING, submitted_by="a",
                     submitted_at=datetime(2026, 11, 16, tzinfo=timezone.utc))
    db.add(sub)
    db.flush()
    return sub


@pytest.mark.parametrize("channel, rule", [("institution", "P1"), ("individual", "P2")])
def test_P1_P2_an_application_taken_by_another_submission_meanwhile_ALREADY_SUBMITTED(
        db, channel, rule):
    approve(db, "a1", channel)
    approve(db, "a2", channel)
    store.items.mark_submitted(db, ["a1"], "s-1", channel)
    with pytest.raises(Conflict) as err:
        store.items.mark_submitted(db, ["a1", "a2"], "s-2", channel)
    assert (err.value.code, err.value.rule, err.value.field) == ("ALREADY_SUBMITTED", rule,
                                                                 "application_ids")


@pytest.mark.parametrize("channel, rule", [("institution", "P1"), ("individual", "P2")])
def test_P1_P2_a_submission_decided_by_someone_else_meanwhile_SUBMISSION_DECIDED(
        db, channel, rule):
    sub, now = pending(db, channel), datetime.now(timezone.utc)
    store.submissions.decide(db, sub, payments.CONFIRMED, "finance", None, now)
    with pytest.raises(Conflict) as err:
        store.submissions.decide(db, sub, payments.REJECTED, "other", "no", now)
    assert (err.value.code, err.value.rule, err.value.field) == ("SUBMISSION_DECIDED", rule,
                                                                 "submission_id")


@pytest.mark.parametrize("channel, rule", [("institution", "P1"), ("individual", "P2")])
def test_P1_P2_the_center_decides_a_pending_submission_once_SUBMISSION_DECIDED(channel, rule):
    payments.check_decidable({"id": "s", "channel": channel, "status": payments.PENDING})
    with pytest.raises(Conflict) as err:
        payments.check_decidable({"id": "s", "channel": channel, "status": payments.CONFIRMED})
    assert (err.value.code, err.value.rule, err.value.details) == (
        "SUBMISSION_DECIDED", rule, {"status": payments.CONFIRMED})


def test_P2_the_center_decides_on_a_submission_it_has_SUBMISSION_NOT_FOUND(db):
    assert store.submissions.get(db, pending(db).id).status == payments.PENDING
    with pytest.raises(NotFound) as err:
        store.submissions.get(db, "nope")
    assert (err.value.code, err.value.field) == ("SUBMISSION_NOT_FOUND", "submission_id")


@pytest.mark.parametrize("rule", ["M3", "K1"])
def test_M3_K1_an_upload_must_be_base64_VALIDATION_FAILED(rule):
    assert decode_base64("aGk=", "content_base64", rule) == b"hi"
    with pytest.raises(ValidationFailed) as err:
        decode_base64("not base64!", "content_base64", rule)
    assert (err.value.code, err.value.rule, err.value.field) == ("VALIDATION_FAILED", rule,
                                                                 "content_base64")


def test_M3_a_receipt_file_is_at_most_5_MB_FILE_SIZE():
    with pytest.raises(RuleViolation) as err:
        receipts.check_receipt(b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1), field="content_base64")
    assert (err.value.code, err.value.rule) == ("FILE_SIZE", "M3")
