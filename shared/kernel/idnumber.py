"""Resident ID numbers (R2), checked with python-stdnum.

Deciding: 18 characters, 17 digits plus a check character, the ISO 7064
MOD 11-2 check, a real birth date. The region code is only a warning (codes
change over time and old numbers stay valid). The 18-digit foreigner
permanent-residence ID (2023 format, first digit 9) has the same layout and
check and is accepted. Birth date and sex come from the number.
"""
from dataclasses import dataclass, field
from datetime import date

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric
from stdnum.util import isdigits

from kernel.errors import RuleViolation


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str           # "M" or "F"
    foreigner: bool
    warnings: list = field(default_factory=list)


def _invalid(message, number):
    return RuleViolation("ID_NUMBER_INVALID", message, field="id_number", rule="R2",
                         details={"id_number": number})


def parse(number):
    if not isinstance(number, str):
        raise _invalid("the ID number must be text", None)
    compact = ric.compact(number).upper()
    if len(compact) != 18:
        raise _invalid(f"an ID number has 18 characters, this one has {len(compact)}", number)
    if not isdigits(compact[:-1]) or not (isdigits(compact[-1]) or compact[-1] == "X"):
        raise _invalid("an ID number is 17 digits and a final digit or X", number)
    if compact[-1] != ric.calc_check_digit(compact):
        raise _invalid("the check character does not match: the number is mistyped", number)
    try:
        birth = ric.get_birth_date(compact)
    except stdnum_exc.ValidationError:
        raise _invalid("the birth date in the number is not a real date", number)
    if birth > date.today():
        raise _invalid("the birth date in the number lies in the future", number)
    warnings = []
    foreigner = compact[0] == "9"
    if not foreigner:
        try:
            ric.get_birth_place(compact)
        except stdnum_exc.ValidationError:
            warnings.append("unknown region code %s: accepted, region codes change" % compact[:6])
    sex = "M" if int(compact[16]) % 2 else "F"
    return ResidentId(compact, birth, sex, foreigner, warnings)


def age_on(birth_date, day):
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def mask(number):
    """For public lists: keep the first 6 and last 4 characters."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
