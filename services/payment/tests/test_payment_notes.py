"""Unit tests of the institution's transfer note (P1, 001 五(一): "需备注考核日期、
人数"): every way of writing the exam date and the headcount the parser reads,
and the notes it refuses. Pure: payment.domain.notes."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from kernel.errors import RuleViolation

from payment.domain import notes, years

EXAM = date(2026, 12, 5)


@pytest.mark.parametrize("note", [
    "考核日期2026年12月5日，人数12人",
    "2026年12月5日 12人",
    "考核日期2026年12月5号，12人",
    "考核日期2026年12月05日，12人",
    "2026-12-05，12人",
    "2026/12/05，12人",
    "2026.12.05，12人",
    "2026.12.5，12人",
    "20261205，12人",
    "考核日期12月5日，12人",
    "12月5号考试，12人",
    "考核日期２０２６年１２月５日，１２人",
    "考核日期二〇二六年十二月五日，12人",
    "考核日期：2026-12-05；人数：12",
])
def test_P1_the_institution_note_accepts_the_exam_date_as_people_write_it(note):
    notes.check_institution_note(note, EXAM, 12)


@pytest.mark.parametrize("note", [
    "2026年12月5日 12人",
    "2026年12月5日 共12人",
    "2026年12月5日 人数12",
    "2026年12月5日 人数:12",
    "2026年12月5日 人数：12",
    "2026年12月5日 人数为12人",
    "2026年12月5日 考生12名",
    "2026年12月5日 12名考生",
    "2026年12月5日 12位考生",
    "2026年12月5日 考生人数：12",
    "2026年12月5日 共计12人",
    "2026年12月5日 合计12名",
    "2026年12月5日 １２人",
    "2026年12月5日 人数：１２",
    "2026年12月5日 十二人",
    "2026年12月5日 考生十二名",
    "2026年12月5日 人 数 12 人",
    "2026年12月5日 12人，合计2400元，SCABCDEFGH",
])
def test_P1_the_institution_note_accepts_the_headcount_as_people_write_it(note):
    notes.check_institution_note(note, EXAM, 12)


def test_P1_a_hundred_and_five_in_chinese_numerals_is_105():
    notes.check_institution_note("2026年12月5日 一百零五人", EXAM, 105)
    notes.check_institution_note("2026年12月5日 二十人", EXAM, 20)


@pytest.mark.parametrize("note, code", [
    ("人数12人", "NOTE_EXAM_DATE_MISSING"),
    ("考核日期12月，人数12人", "NOTE_EXAM_DATE_MISSING"),
    ("考核日期2026年12月6日，人数12人", "NOTE_EXAM_DATE_WRONG"),
    ("考核日期2026-13-05，人数12人", "NOTE_EXAM_DATE_WRONG"),
    ("考核日期11月5日，人数12人", "NOTE_EXAM_DATE_WRONG"),
    ("考核日期2026年12月5日", "NOTE_HEADCOUNT_MISSING"),
    ("考核日期2026年12月5日，考生若干", "NOTE_HEADCOUNT_MISSING"),
    ("考核日期2026年12月5日，合计2400元", "NOTE_HEADCOUNT_MISSING"),
    ("考核日期2026年12月5日，SCAB23CDEF人", "NOTE_HEADCOUNT_MISSING"),
    ("考核日期2026年12月5日，人数11人", "NOTE_HEADCOUNT_WRONG"),
    ("考核日期2026年12月5日，十一人", "NOTE_HEADCOUNT_WRONG"),
    ("考核日期2026年12月5日，共12人，13名考生", "NOTE_HEADCOUNT_WRONG"),
])
def test_P1_the_institution_note_refuses(note, code):
    with pytest.raises(RuleViolation) as err:
        notes.check_institution_note(note, EXAM, 12)
    assert (err.value.code, err.value.rule, err.value.field) == (code, "P1", "note")


def test_P1_a_wrong_headcount_says_what_the_note_states():
    with pytest.raises(RuleViolation) as err:
        notes.check_institution_note("2026年12月5日，共12人，13名考生", EXAM, 12)
    assert err.value.details == {"found": 13, "stated": [12, 13], "expected": 12}


def test_P1_the_suggested_note_is_accepted():
    notes.check_institution_note(notes.institution_note(EXAM, 12, "SCABCDEFGH"), EXAM, 12)


# --- the batch's year decides (payment.domain.years) -------------------------------

def test_P1_P2_the_batch_year_picks_its_notice_rules():
    r2024, r2026 = years.rules_for(2024), years.rules_for(2026)
    assert (r2024.institution_note, r2024.proxy_note, r2024.payment_slip) == (False, False, True)
    assert (r2026.institution_note, r2026.proxy_note, r2026.payment_slip) == (True, True, False)
    assert years.rules_for(2025) == r2024 and years.rules_for(2027) == r2026
    assert years.rules_for(2020) == r2024
    assert years.rules_for("2026").as_dict() == {"notice_year": 2026, "institution_note": True,
                                                 "proxy_note": True, "payment_slip": False}


INDIVIDUAL = {"application_id": "a", "channel": "individual"}


def test_P2_a_2024_individual_pays_after_the_center_issued_the_slip_PAYMENT_SLIP_MISSING():
    years.check_slip_issued("2024-0001", years.rules_for(2024))
    years.check_slip_issued(None, years.rules_for(2026))
    with pytest.raises(RuleViolation) as err:
        years.check_slip_issued(None, years.rules_for(2024))
    assert (err.value.code, err.value.rule, err.value.field) == ("PAYMENT_SLIP_MISSING", "P2",
                                                                 "application_id")


@pytest.mark.parametrize("item, year", [(INDIVIDUAL, 2026),
                                        (dict(INDIVIDUAL, channel="institution"), 2024)])
def test_P2_a_slip_is_for_a_2024_individual_only_PAYMENT_SLIP_NOT_USED(item, year):
    years.check_slip_issuable(INDIVIDUAL, years.rules_for(2024))
    with pytest.raises(RuleViolation) as err:
        years.check_slip_issuable(item, years.rules_for(year))
    assert (err.value.code, err.value.rule, err.value.field) == ("PAYMENT_SLIP_NOT_USED", "P2",
                                                                 "application_id")


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=1, max_value=999))
def test_P1_the_suggested_note_states_any_exam_date_and_headcount(day, headcount):
    note = notes.institution_note(day, headcount, "SCABCDEFGH")
    notes.check_institution_note(note, day, headcount)
    with pytest.raises(RuleViolation) as err:
        notes.check_institution_note(note, day, headcount + 1)
    assert err.value.code == "NOTE_HEADCOUNT_WRONG"


@pytest.mark.parametrize("written", ["2026年12月5日", "2026-12-05", "2026.12.05", "20261205",
                                     "12月5日", "12月5号", "二〇二六年十二月五日"])
def test_P2_the_proxy_note_takes_the_exam_date_as_people_write_it(written):
    note = f"该笔费用由李四代张三缴纳{written}考试日期大数据运行平台搭建考试项目的费用，金额为200元"
    notes.check_proxy_note(note, "李四", "张三", EXAM, "大数据运行平台搭建", 20000)
    with pytest.raises(RuleViolation) as err:
        notes.check_proxy_note(note, "李四", "张三", date(2026, 12, 6), "大数据运行平台搭建", 20000)
    assert err.value.code == "PROXY_NOTE_MISMATCH"
    assert err.value.details["mismatches"][0]["part"] == "exam_date"
