"""Transfer notes: an institution's states the exam date and the headcount
(P1); a payment made for someone else follows the required wording (P2)."""
import re

from kernel.errors import RuleViolation

from payment.domain.wording import (cn_date, find_dates, normalize, normalize_text,
                                 parse_date_text, parse_yuan, yuan)


def institution_note(exam_date, headcount, reference=None):
    """What an institution writes in its transfer note (P1)."""
    ref = f"，{reference}" if reference else ""
    return f"考核日期{cn_date(exam_date)}，人数{headcount}人{ref}"


def check_institution_note(note, exam_date, headcount):
    """P1: the note states the exam date and the headcount."""
    text = normalize_text(note)
    dates = find_dates(text)
    expected = institution_note(exam_date, headcount)
    if not dates:
        raise RuleViolation("NOTE_EXAM_DATE_MISSING", "the transfer note must state the exam "
                            f"date (考核日期), e.g. '{expected}'", field="note", rule="P1",
                            details={"expected_example": expected})
    if exam_date not in [d for d, _, _ in dates]:
        raise RuleViolation("NOTE_EXAM_DATE_WRONG", f"the note gives the exam date "
                            f"{dates[0][1]}, but this batch's exam is on {cn_date(exam_date)}",
                            field="note", rule="P1", details={"found": dates[0][1],
                                                              "expected": str(exam_date)})
    rest = text
    for _, _, (start, end) in reversed(dates):
        rest = rest[:start] + " " + rest[end:]
    counts = [int(x) for x in re.findall(r"(\d+)人", rest)] + \
        [int(x) for x in re.findall(r"人数[:]?(\d+)", rest)]
    if not counts:
        raise RuleViolation("NOTE_HEADCOUNT_MISSING", "the transfer note must state the "
                            f"headcount (人数), e.g. '{expected}'", field="note", rule="P1",
                            details={"expected_example": expected})
    if headcount not in counts:
        raise RuleViolation("NOTE_HEADCOUNT_WRONG", f"the note says {counts[0]} people, but "
                            f"the submission pays for {headcount} applications", field="note",
                            rule="P1", details={"found": counts[0], "expected": headcount})


PROXY_TEMPLATE = "该笔费用由{payer}代{candidate}缴纳{exam_date}考试日期{project}考试项目的费用，金额为{amount}元"
_PROXY_PARTS = (   # literal, then the slot after it (None at the end)
    ("该笔费用由", "payer", "the payer's name (代缴人姓名)"),
    ("代", "candidate", "the candidate's name (考生姓名)"),
    ("缴纳", "exam_date", "the exam date"),
    ("考试日期", "project", "the exam project"),
    ("考试项目的费用，金额为", "amount", "the amount"),
    ("元", None, None),
)


def is_proxy(payer_name, candidate_name):
    return normalize(payer_name) != normalize(candidate_name)


def proxy_note(payer, candidate, exam_date, project, amount_fen):
    """The wording P2 requires of a payment by someone else (001 §五(二))."""
    amount = yuan(amount_fen)
    if amount.endswith(".00"):
        amount = amount[:-3]
    return PROXY_TEMPLATE.format(payer=payer, candidate=candidate, exam_date=cn_date(exam_date),
                                 project=project, amount=amount)


def check_proxy_note(note, payer, candidate, exam_date, project, amount_fen):
    """P2: the note of a payment by someone else follows the required wording
    with the right names, exam date, project and amount. The error says what
    is wrong: which fixed words are missing, or which value differs."""
    text = normalize_text(note).rstrip("。.")
    expected = proxy_note(payer, candidate, exam_date, project, amount_fen)
    details = {"template": PROXY_TEMPLATE, "expected": expected}
    pattern = "^"
    values = {}
    previous = None
    for literal, slot, _label in _PROXY_PARTS:
        pattern += re.escape(normalize_text(literal))
        m = re.match(pattern, text)
        if m is None:
            where = (f"must start with '{literal}'" if previous is None else
                     f"must continue with '{literal}' after {previous}")
            raise RuleViolation("PROXY_NOTE_WORDING", f"a payment made for someone else needs "
                                f"the note '{expected}'; the note {where}",
                                field="note", rule="P2", details=dict(details, missing=literal))
        if slot:
            pattern += f"(?P<{slot}>.+?)"
            previous = _label
    if not re.fullmatch(pattern, text):
        raise RuleViolation("PROXY_NOTE_WORDING", f"a payment made for someone else needs the "
                            f"note '{expected}'; nothing may follow '元'", field="note",
                            rule="P2", details=dict(details, missing="end after 元"))
    values = re.fullmatch(pattern, text).groupdict()
    wrong = []
    if normalize(values["payer"]) != normalize(payer):
        wrong.append(("payer", values["payer"], payer,
                      f"the note names {values['payer']} as the payer, but the receipt's payer "
                      f"is {payer}"))
    if normalize(values["candidate"]) != normalize(candidate):
        wrong.append(("candidate", values["candidate"], candidate,
                      f"the note names {values['candidate']} as the candidate, but the "
                      f"application is {candidate}'s"))
    day = parse_date_text(values["exam_date"])
    if day != exam_date:
        what = "is not a date like 2026年12月5日" if day is None else "is not the exam date"
        wrong.append(("exam_date", values["exam_date"], cn_date(exam_date),
                      f"'{values['exam_date']}' {what}: the exam is on {cn_date(exam_date)}"))
    if values["project"] != normalize_text(project):
        wrong.append(("project", values["project"], project,
                      f"the note names the project {values['project']}, but the application "
                      f"is for {project}"))
    try:
        amount = parse_yuan(values["amount"])
    except ValueError:
        amount = None
    if amount != amount_fen:
        wrong.append(("amount", values["amount"], yuan(amount_fen),
                      f"the note says {values['amount']} yuan, but the fee is "
                      f"{yuan(amount_fen)} yuan"))
    if wrong:
        raise RuleViolation("PROXY_NOTE_MISMATCH", "; ".join(w[3] for w in wrong), field="note",
                            rule="P2", details=dict(details, mismatches=[
                                {"part": p, "found": f, "expected": e} for p, f, e, _ in wrong]))
