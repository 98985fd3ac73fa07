"""Unit tests of exam.domain.summary: the score summary sheet (成绩汇总表, T4, 002 二(八))."""
import io

import pytest
from PIL import Image

from kernel.errors import Conflict, Forbidden, RuleViolation

from exam.domain import summary


def test_T4_the_score_checker_is_not_one_of_the_sessions_assessors_SCORE_CHECKER_IS_ASSESSOR():
    summary.check_checker("110101199003074514", ["110101198001010012"])
    with pytest.raises(Forbidden) as err:
        summary.check_checker("11010119800101001x", ["11010119800101001X"])
    assert (err.value.code, err.value.rule) == ("SCORE_CHECKER_IS_ASSESSOR", "T4")


def test_T4_the_checker_checks_a_totalled_sheet_once_SUMMARY_NOT_TOTALLED_SCORES_VERIFIED():
    summary.check_checkable(summary.TOTALLED)
    with pytest.raises(RuleViolation) as err:
        summary.check_checkable(None)
    assert (err.value.code, err.value.rule) == ("SUMMARY_NOT_TOTALLED", "T4")
    for status in summary.COUNTS:
        with pytest.raises(Conflict) as err:
            summary.check_checkable(status)
        assert err.value.code == "SCORES_VERIFIED"
        with pytest.raises(Conflict):
            summary.check_totalling(status)
    summary.check_totalling(summary.TOTALLED)      # the recorder totals again until checked


def test_T4_the_checker_checks_the_recorders_totals_SUMMARY_TOTALS_CHANGED():
    summary.check_totals_stand({"a": 700}, {"a": 700})
    with pytest.raises(Conflict) as err:
        summary.check_totals_stand({"a": 700}, {"a": 710})
    assert (err.value.code, err.value.rule) == ("SUMMARY_TOTALS_CHANGED", "T4")


def test_T4_approving_needs_the_uploaded_stamped_scan_SUMMARY_SCAN_REQUIRED_NOT_FOUND():
    summary.check_scan("a" * 64, True)
    with pytest.raises(RuleViolation) as err:
        summary.check_scan(None, False)
    assert (err.value.code, err.value.rule) == ("SUMMARY_SCAN_REQUIRED", "T4")
    with pytest.raises(RuleViolation) as err:
        summary.check_scan("a" * 64, False)
    assert err.value.code == "SUMMARY_SCAN_NOT_FOUND"


def test_T4_the_paper_is_archived_after_the_check_once_SUMMARY_NOT_CHECKED_ARCHIVED():
    summary.check_archivable(summary.CHECKED, False)
    with pytest.raises(RuleViolation) as err:
        summary.check_archivable(summary.TOTALLED, False)
    assert (err.value.code, err.value.rule) == ("SUMMARY_NOT_CHECKED", "T4")
    with pytest.raises(Conflict) as err:
        summary.check_archivable(summary.ARCHIVED, True)
    assert err.value.code == "SUMMARY_ARCHIVED"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


def test_T4_the_scan_is_an_image_or_pdf_within_the_setting_FILE_TYPE_FILE_SIZE():
    assert summary.check_scan_file(_png(), 10_000) == "png"
    for data, limit, code in [(b"", 10, "FILE_EMPTY"), (b"GIF89a....", 100, "FILE_TYPE"),
                              (_png(), 10, "FILE_SIZE"),
                              (b"\x89PNG\r\n\x1a\n" + b"0" * 40, 1000, "FILE_CORRUPT")]:
        with pytest.raises(RuleViolation) as err:
            summary.check_scan_file(data, limit)
        assert (err.value.code, err.value.rule) == (code, "T4")


def test_T4_the_sheet_rows_show_scores_totals_and_no_shows():
    cands = [{"ticket_number": "2", "name": "乙", "id_number": "X2", "attendance": None,
              "computer": None},
             {"ticket_number": "1", "name": "甲", "id_number": "X1", "attendance": "present",
              "computer": 785}]
    rows = summary.rows(cands, "大数据运行平台搭建", {"1": 785})
    assert [(r["n"], r["ticket_number"], r["computer"], r["final"]) for r in rows] == [
        (1, "1", 78.5, 78.5), (2, "2", None, "缺考")]
