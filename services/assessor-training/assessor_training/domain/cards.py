"""Assessor cards (A6): their numbers, three years of validity, renewal and revocation."""
from datetime import date

from stdnum.iso7064 import mod_11_2

from kernel.errors import Conflict, RuleViolation

CARD_YEARS = 3                 # A6
PROVINCE = "51"                # Sichuan: the first two digits of a card number


def check_no_card(card_number):
    """A6: one card per passed application; a pass is recorded, and a card issued, once."""
    if card_number:
        raise Conflict("CARD_ALREADY_ISSUED", "the trainee passed and was issued a card "
                       f"{card_number}: a card is issued once", field="application_id",
                       rule="A6", details={"card_number": card_number})


def add_years(day, years):
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def card_validity(issued_on):
    """A6: valid from the issue date through the same date three years on (both
    inclusive): issued 2025-06-06, last valid day 2028-06-06; 2028-02-29 -> 2031-02-28."""
    return issued_on, add_years(issued_on, CARD_YEARS)


def card_number(year, seq, serial):
    """51 YYYY PP NNNNN C: province, period year, period number, serial within the
    period, ISO 7064 MOD 11-2 check character (0-9 or X), 14 characters."""
    if not 1 <= serial <= 99999:
        raise RuleViolation("CARD_SERIALS_EXHAUSTED", "a period issues at most 99999 cards",
                            rule="A6")
    body = f"{PROVINCE}{year:04d}{seq:02d}{serial:05d}"
    return body + mod_11_2.calc_check_digit(body)


def check_card_number(number):
    """The compact card number, or CARD_NUMBER_INVALID when it cannot be one (a typo)."""
    compact = "".join(str(number).split()).replace("-", "").upper()
    if len(compact) != 14 or not compact[:-1].isdigit() or not mod_11_2.is_valid(compact):
        raise RuleViolation("CARD_NUMBER_INVALID", "this is not an assessor card number "
                            "(14 characters with a check character): check for a typo",
                            field="card_number", rule="A6")
    return compact


def card_state(card, on_date):
    """valid | expired | revoked | not_yet_valid on ``on_date``."""
    if card["status"] == "revoked":
        return "revoked"
    if on_date < card["valid_from"]:
        return "not_yet_valid"
    if on_date > card["valid_until"]:
        return "expired"
    return "valid"


def due_to_expire(card, today):
    return card["status"] == "valid" and today > card["valid_until"]


def check_revocable(card):
    if card["status"] != "valid":
        raise Conflict("CARD_NOT_VALID", f"the card is {card['status']}: only a valid card "
                       "is revoked", field="card_number", rule="A6",
                       details={"status": card["status"]})


def check_renewal(card, today, policy):
    """A6 renewal review (复核): a valid card, inside the renewal window before its
    end; returns the new last valid day (three years after the old one)."""
    if card["status"] != "valid" or today > card["valid_until"]:
        status = card["status"] if card["status"] != "valid" else "expired"
        raise Conflict("CARD_NOT_RENEWABLE", f"the card is {status}: an expired or revoked "
                       "card is not renewed; the holder trains again", field="card_number",
                       rule="A6", details={"status": status})
    opens = date.fromordinal(card["valid_until"].toordinal() - policy.renewal_window_days)
    if today < opens:
        raise RuleViolation("RENEWAL_TOO_EARLY", f"the renewal review opens on {opens}, "
                            f"{policy.renewal_window_days} days before the card ends",
                            field="card_number", rule="A6", details={"opens": str(opens)})
    return add_years(card["valid_until"], CARD_YEARS)
