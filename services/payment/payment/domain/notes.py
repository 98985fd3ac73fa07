"""Transfer notes: an institution's states the exam date and the headcount
(P1); a payment made for someone else follows the required wording (P2)."""
import re
from datetime import date

from kernel.errors import RuleViolation

from payment.domain.wording import (cn_date, find_dates, normalize, normalize_text,
                                 parse_yuan, yuan)


def institution_note(exam_date, headcount, reference=None):
    """What an institution writes in its transfer note (P1)."""
    ref = f"，{reference}" if reference else ""
    return f"考核日期{cn_date(exam_date)}，人数{headcount}人{ref}"


_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile("[" + "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "]+")


def _cn_number(run):
    """十二 -> 12, 一百零五 -> 105, 二〇二六 -> 2026 (digit by digit without a unit)."""
    if not any(ch in _CN_UNITS for ch in run):
        return "".join(str(_CN_DIGITS[ch]) for ch in run)
    total, digit = 0, None
    for ch in run:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return str(total + (digit or 0))


def _digits(text):
    """Chinese numerals as digits (考生十二名, 二〇二六年十二月五日), so that one set
    of patterns reads both."""
    return _CN_RUN.sub(lambda m: _cn_number(m.group(0)), text)


# a month and day without the year (12月5日, 12月5号): the year is the exam's
_MONTH_DAY = re.compile(r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]")
# the headcount as people write it (after NFKC: full-width digits and colons are
# ASCII, no spaces): a count with its unit (12人, 12名, 12位, 共12人, 12名考生,
# 考生12名) or after the word (人数12, 人数:12, 考生人数:12, 合计12)
_NO_DIGIT_BEFORE = r"(?<![0-9A-Z.])"
_COUNT_WITH_UNIT = re.compile(_NO_DIGIT_BEFORE + r"(\d+)(?:人|名|位)")
_COUNT_AFTER_WORD = re.compile(r"(?:考生人数|缴费人数|报名人数|参考人数|人数|考生|共计|合计|总计|共)"
                               r"(?:为|是)?[:=]?(\d+)(?![0-9.]|元|块)")


def note_dates(text, exam_date):
    """[(date or None, as written, span)] of every date in a normalised note; a
    month and day without a year are read in the exam's year."""
    found = find_dates(text)
    for m in _MONTH_DAY.finditer(text):
        if any(m.start() < e and s < m.end() for _, _, (s, e) in found):
            continue
        try:
            value = date(exam_date.year, int(m["m"]), int(m["d"]))
        except ValueError:
            value = None
        found.append((value, m.group(0), m.span()))
    return sorted(found, key=lambda f: f[2])


def note_headcounts(text):
    """The headcounts a normalised note states (dates already blanked out)."""
    spans = {}
    for pattern in (_COUNT_AFTER_WORD, _COUNT_WITH_UNIT):
        for m in pattern.finditer(text):
            if not any(m.start(1) < e and s < m.end(1) for s, e in spans):
                spans[m.span(1)] = int(m.group(1))
    return [n for _, n in sorted(spans.items())]


def _date_as_written(text, exam_date):
    """The one date ``text`` is (the forms of note_dates, 12月5日 in the exam's
    year, Chinese numerals), or None."""
    text = _digits(text)
    found = note_dates(text, exam_date)
    if len(found) == 1 and found[0][2] == (0, len(text)):
        return found[0][0]
    return None


def check_institution_note(note, exam_date, headcount):
    """P1 (001 五(一) "需备注考核日期、人数"): the note states the exam date and the
    headcount. Dates: 2026年12月5日 (or 号), 2026-12-05, 2026/12/05, 2026.12.05,
    20261205, 12月5日 (the exam's year), Chinese numerals. Headcount: 12人, 共12人,
    12名考生, 考生12名, 12位, 人数12, 人数：12, 考生人数12, Chinese numerals
    (十二人). Full-width digits and punctuation, spaces anywhere. Every headcount
    stated must be the submission's (two different ones are refused)."""
    text = _digits(normalize_text(note))
    dates = note_dates(text, exam_date)
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
    counts = note_headcounts(rest)
    if not counts:
        raise RuleViolation("NOTE_HEADCOUNT_MISSING", "the transfer note must state the "
                            f"headcount (人数), e.g. '{expected}'", field="note", rule="P1",
                            details={"expected_example": expected})
    wrong = [n for n in counts if n != headcount]
    if wrong:
        stated = "、".join(str(n) for n in dict.fromkeys(counts))
        raise RuleViolation("NOTE_HEADCOUNT_WRONG", f"the note states the headcount {stated}, "
                            f"but the submission pays for {headcount} applications",
                            field="note", rule="P1", details={"found": wrong[0],
                                                              "stated": counts,
                                                              "expected": headcount})


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
    day = _date_as_written(values["exam_date"], exam_date)
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
