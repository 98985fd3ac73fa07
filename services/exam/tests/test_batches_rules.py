"""Unit tests of exam.domain.batches: the batch catalogue's windows and its ID documents (T2)."""
from datetime import date, timedelta

import pytest

from kernel.errors import RuleViolation

from exam import testing as t
from exam.domain import batches


def test_batch_2026_12_of_the_calendar_passes_the_checks():
    rows = {r["code"]: r for r in batches.calendar_rows()}
    assert len(rows) == 21 and rows["2026-12"]["ticket"] == {"start": "2026-11-30",
                                                            "end": "2026-12-04"}
    assert batches.check_batch(t.batch_2026_12()) == t.batch_2026_12()


def test_a_window_that_ends_before_it_starts_is_BATCH_WINDOW_INVERTED():
    batch = t.batch_2026_12()
    batch["review"] = {"start": date(2026, 11, 13), "end": date(2026, 11, 2)}
    with pytest.raises(RuleViolation) as err:
        batches.check_batch(batch)
    assert (err.value.code, err.value.field, err.value.details) == (
        "BATCH_WINDOW_INVERTED", "review.end", {"window": "review"})


def test_windows_out_of_order_are_BATCH_WINDOWS_OUT_OF_ORDER():
    batch = t.batch_2026_12()
    batch["payment"] = {"start": date(2026, 11, 1), "end": date(2026, 11, 18)}
    with pytest.raises(RuleViolation) as err:
        batches.check_batch(batch)
    assert (err.value.code, err.value.field) == ("BATCH_WINDOWS_OUT_OF_ORDER", "payment.start")


def test_a_window_not_over_before_the_exam_is_BATCH_WINDOW_AFTER_EXAM():
    batch = t.batch_2026_12()
    batch["ticket"] = {"start": date(2026, 11, 30), "end": batch["exam_date"]}
    with pytest.raises(RuleViolation) as err:
        batches.check_batch(batch)
    assert (err.value.code, err.value.field) == ("BATCH_WINDOW_AFTER_EXAM", "ticket.end")


@pytest.mark.parametrize("documents", [[], ["resident_id_card_1g"],
                                       ["resident_id_card_2g", "passport"]])
def test_T2_a_batch_accepts_a_non_empty_choice_of_known_ID_documents_BATCH_ID_DOCUMENTS(
        documents):
    with pytest.raises(RuleViolation) as err:
        batches.check_batch(dict(t.batch_2026_12(), accepted_id_documents=documents))
    assert (err.value.code, err.value.rule) == ("BATCH_ID_DOCUMENTS", "T2")


def test_changed_fields_names_only_the_fields_that_differ():
    batch = t.batch_2026_12()
    later = dict(batch, exam_date=batch["exam_date"] + timedelta(days=1), seq=10)
    assert batches.changed_fields(batch, later) == ["exam_date"]
    assert batches.changed_fields(batch, dict(batch)) == []
