"""kernel.idnumber: R2, the resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
from datetime import date

import pytest
from stdnum.cn import ric

from kernel import idnumber
from kernel.errors import RuleViolation


def with_check(first17):
    """A full number: 17 digits plus the check character stdnum computes."""
    assert len(first17) == 17
    return first17 + ric.calc_check_digit(first17 + "0")


def assert_R2_invalid(number):
    with pytest.raises(RuleViolation) as err:
        idnumber.parse(number)
    assert err.value.code == "ID_NUMBER_INVALID"
    assert err.value.rule == "R2"
    assert err.value.field == "id_number"
    return err.value


def test_R2_valid_number_with_X_check_character():
    parsed = idnumber.parse("11010519491231002X")
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"                      # 17th digit 2: even
    assert parsed.foreigner is False
    assert parsed.warnings == []


def test_R2_lower_case_x_is_normalised():
    assert idnumber.parse("11010519491231002x").number == "11010519491231002X"


def test_R2_birth_date_and_sex_come_from_the_number():
    male = idnumber.parse(with_check("51010720080315123"))   # Chengdu, 2008-03-15, ..3 odd
    assert male.birth_date == date(2008, 3, 15)
    assert male.sex == "M"
    female = idnumber.parse(with_check("51010720080315124"))
    assert female.sex == "F"
    assert female.number[-1] == ric.calc_check_digit(female.number)


def test_R2_wrong_check_digit():
    good = "11010519491231002X"
    err = assert_R2_invalid(good[:-1] + "1")
    assert "check" in err.message
    assert err.details == {"id_number": good[:-1] + "1"}


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", "", "X"])
def test_R2_wrong_length(number):
    assert "18 characters" in assert_R2_invalid(number).message


@pytest.mark.parametrize("number", ["1101051949123100AX", "A1010519491231002X",
                                    "11010519491231002Y", "110105-1949123100X"])
def test_R2_letters_and_punctuation(number):
    assert_R2_invalid(number)


@pytest.mark.parametrize("digit", ["\u00b2",   # superscript two: str.isdigit() but not decimal
                                   "\u0661"])  # Arabic-Indic one: would be int()-able
def test_R2_non_ascii_digits_are_refused(digit):
    # must be a RuleViolation (not a ValueError), and never stored as a
    # "different" number that dodges the one-application check (R3)
    assert_R2_invalid("1101051949123100" + digit + "X")
    assert_R2_invalid(digit + "1010519491231002X")


def test_R2_not_text():
    err = assert_R2_invalid(110105194912310020)
    assert err.details == {"id_number": None}


@pytest.mark.parametrize("birth", ["19990230", "19991301", "20230229", "19990000"])
def test_R2_impossible_birth_date(birth):
    err = assert_R2_invalid(with_check("110105" + birth + "123"))
    assert "birth date" in err.message


def test_R2_birth_date_in_the_future():
    err = assert_R2_invalid(with_check("110105" + "20991231" + "123"))
    assert "future" in err.message


def test_R2_unknown_region_code_is_accepted_with_a_warning():
    number = with_check("000000" + "19900101" + "123")
    parsed = idnumber.parse(number)
    assert parsed.birth_date == date(1990, 1, 1)
    assert parsed.foreigner is False
    assert len(parsed.warnings) == 1 and "000000" in parsed.warnings[0]


def test_R2_known_region_code_has_no_warning():
    assert idnumber.parse(with_check("51010719900101123")).warnings == []


def test_R2_foreigner_permanent_residence_id_is_accepted():
    # 2023 format: 9, issuing province 11, nationality 840, birth date, order, check
    number = with_check("911840" + "19850312" + "003")
    parsed = idnumber.parse(number)
    assert parsed.foreigner is True
    assert parsed.birth_date == date(1985, 3, 12)
    assert parsed.sex == "M"
    assert parsed.warnings == []


def test_R2_foreigner_id_with_wrong_check_digit_is_refused():
    number = with_check("911840" + "19850312" + "003")
    wrong = "0" if number[-1] != "0" else "1"
    assert_R2_invalid(number[:-1] + wrong)


@pytest.mark.parametrize("day, age", [
    (date(2026, 3, 27), 15),    # the day before the 16th birthday
    (date(2026, 3, 28), 16),    # the birthday
    (date(2026, 3, 29), 16),
    (date(2025, 12, 31), 15),
    (date(2027, 3, 27), 16),
])
def test_R2_age_on_around_the_birthday(day, age):
    assert idnumber.age_on(date(2010, 3, 28), day) == age


def test_R2_age_on_leap_day_birthday_in_a_leap_year():
    assert idnumber.age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert idnumber.age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16


def test_R2_sixteen_at_the_exam_date_from_the_number():
    parsed = idnumber.parse(with_check("510107" + "20100328" + "123"))
    assert idnumber.age_on(parsed.birth_date, date(2026, 3, 28)) >= 16      # 2026-03 batch
    assert idnumber.age_on(parsed.birth_date, date(2026, 3, 27)) < 16


def test_mask_keeps_first_six_and_last_four():
    assert idnumber.mask("11010519491231002X") == "110105********002X"
    assert len(idnumber.mask("11010519491231002X")) == 18
