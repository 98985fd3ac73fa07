"""Rules of payment. Pure: no broker, no database, no clock (``today`` is passed in).

Rule IDs are DOMAIN.md's: P1 (institution payment: one transfer for many of its
own approved candidates, the note states exam date and headcount), P2
(individual payment; a proxy payer's note follows the required wording), P3
(the receipt shows payee name, payee account, payer name and amount; the payee
is the center), P4 (not confirmed by the end of the payment window: abandoned),
B1 (a cancelled batch), B2 (confirmation locks the registration). Project-local
IDs for what the digest states without one: F1 (the amount due is the fee
schedule's amount for the project, in force on the first day of the batch's
payment window; what is paid must equal it), K1 (bank reconciliation: a
statement line is a credit identified by its bank serial; matching by payment
reference, then by amount and payer name) and M3 (the receipt file,
kernel.receipts).

Money is integer fen throughout; yuan appear only in text people read or write.
"""
import base64
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from kernel import names
from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed

DATA = Path(__file__).parent / "data"

# item statuses: what payment knows about one approved application
PAYABLE, SUBMITTED, PAID = "payable", "submitted", "paid"
ABANDONED, WITHDRAWN, CANCELLED, REFUND_DUE, REFUNDED = (
    "abandoned", "withdrawn", "cancelled", "refund_due", "refunded")
OPEN_ITEM = (PAYABLE, SUBMITTED)
# submission statuses
PENDING, CONFIRMED, REJECTED, LAPSED = "submitted", "confirmed", "rejected", "lapsed"

NAME_CUTOFF = 85          # rapidfuzz ratio (0-100) for "the same payer name"
PAYEE_NAME_CUTOFF = 85
UNMATCHED_CREDIT_MARGIN = timedelta(days=7)   # report: credits booked around the window
REFERENCE_RE = re.compile(r"SC[A-Z2-7]{8}")


# --- reference data --------------------------------------------------------

@lru_cache(maxsize=None)
def default_fee_schedule():
    """payment/data/fees.json: projects with their Chinese names and fee entries."""
    return json.loads((DATA / "fees.json").read_text("utf-8"))


@lru_cache(maxsize=None)
def default_center():
    return json.loads((DATA / "center.json").read_text("utf-8"))


# --- text and money ----------------------------------------------------------

def normalize_text(text):
    """Read notes as people mean them: NFKC (full-width to half-width, so '，'
    is ','), no whitespace, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).upper()


def normalize(text):
    """A name for comparing: normalize_text without middle dots (阿依古丽·买买提)
    and without bracketed remarks banks add (张三(个人), 某公司(对公户))."""
    return re.sub(r"[·•・.]+|\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】", "", normalize_text(text))


def normalize_account(text):
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", str(text or "")))


def yuan(fen):
    """300.00 for 30000 fen (for messages and notes)."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def parse_yuan(text):
    """'1,200.50' / '¥300' / '300' -> fen. ValueError with a reason otherwise."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    cleaned = raw.replace(",", "").replace("¥", "").replace("元", "").strip()
    if not cleaned:
        raise ValueError("the amount is empty")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not an amount in yuan")
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not an amount in yuan")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"'{raw}' has more than two decimals (fen)")
    return int(value * 100)


_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?"),
    re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?<!\d)(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),
)


def find_dates(text):
    """[(date or None, matched text, span)] for every date written in ``text``."""
    found = []
    taken = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                value = date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                value = None
            found.append((value, m.group(0), m.span()))
            taken.append(m.span())
    return sorted(found, key=lambda f: f[2])


def parse_date_text(text):
    """A date written as 2026年12月5日, 2026-12-05, 2026/12/05, 2026.12.5 or 20261205."""
    found = find_dates(text)
    if len(found) == 1 and found[0][2] == (0, len(text)):
        return found[0][0]
    return None


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


# --- fee schedule (F1) ------------------------------------------------------

def fee_in_force(entries, project_code, on):
    """The amount (fen) of the latest entry for ``project_code`` effective on or
    before ``on``; entries are {project_code, effective_from, amount_fen}."""
    best = None
    for e in entries:
        if e["project_code"] == project_code and e["effective_from"] <= on:
            if best is None or e["effective_from"] > best["effective_from"]:
                best = e
    if best is None:
        raise RuleViolation("FEE_NOT_CONFIGURED", f"no fee is configured for project "
                            f"{project_code} on {on}; finance sets it with set_fees",
                            field="project_code", rule="F1",
                            details={"project_code": project_code, "on": str(on)})
    return best["amount_fen"]


def fee_date(batch):
    """F1: the fee of a batch is the one in force when its payment window opens."""
    return batch["payment"][0]


def check_fee_entries(entries, known_projects):
    """Entries of one set_fees call: known projects (or a name given), one
    amount per project and date."""
    seen = set()
    for n, e in enumerate(entries):
        key = (e["project_code"], e["effective_from"])
        if key in seen:
            raise ValidationFailed("VALIDATION_FAILED", f"fees.{n}: {e['project_code']} has two "
                                   f"amounts effective from {e['effective_from']}",
                                   field=f"fees.{n}", rule="F1")
        seen.add(key)
        if e["project_code"] not in known_projects and not e.get("project_name"):
            raise NotFound("PROJECT_NOT_FOUND", f"fees.{n}: project {e['project_code']} is "
                           "not in the fee schedule yet: give its project_name (the Chinese "
                           "name written in payment notes)", field=f"fees.{n}.project_name",
                           rule="F1")


# --- windows and batches -----------------------------------------------------

def check_payment_open(batch, today):
    """P4: payments are submitted and confirmed inside the payment window."""
    if batch["status"] == "cancelled":
        raise RuleViolation("BATCH_CANCELLED", f"batch {batch['code']} was cancelled",
                            field="batch_code", rule="B1")
    start, end = batch["payment"]
    details = {"window": [str(start), str(end)], "today": str(today)}
    if today < start:
        raise RuleViolation("PAYMENT_WINDOW_NOT_OPEN", f"payment for batch {batch['code']} "
                            f"opens on {start}; today is {today}", field="batch_code",
                            rule="P4", details=details)
    if today > end:
        raise RuleViolation("PAYMENT_WINDOW_CLOSED", f"payment for batch {batch['code']} "
                            f"closed on {end}; today is {today}: unconfirmed applications "
                            "are deemed abandoned", field="batch_code", rule="P4",
                            details=details)


def window_over(batch, today):
    return today > batch["payment"][1]


# --- payment references ----------------------------------------------------

def reference_code(*parts):
    """A short code for transfer notes, the same every time for the same payer:
    'SC' and 8 base32 characters (no 0, 1, 8, 9: nothing to misread)."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return "SC" + base64.b32encode(digest).decode()[:8]


def item_reference(channel, application_id, institution_code, batch_code):
    """An institution has one reference per batch (one transfer for many, P1);
    an individual application has its own (P2)."""
    if channel == "institution":
        return reference_code("institution", institution_code, batch_code)
    return reference_code("application", application_id)


def find_references(note):
    return REFERENCE_RE.findall(normalize_text(note))


# --- who may pay for what (P1, P2) -------------------------------------------

def check_item_payable(item):
    """The application is approved and not yet paid, submitted or closed."""
    status, app = item["status"], item["application_id"]
    if status == PAYABLE:
        return
    if status == PAID:
        raise Conflict("ALREADY_PAID", f"application {app} is already paid: the center "
                       "confirmed its payment", field="application_ids", rule="B2",
                       details={"application_id": app})
    if status == SUBMITTED:
        raise Conflict("ALREADY_SUBMITTED", f"application {app} is already in payment "
                       f"submission {item['submission_id']}, waiting for the center",
                       field="application_ids", rule="P1" if item["channel"] == "institution"
                       else "P2", details={"application_id": app,
                                           "submission_id": item["submission_id"]})
    if status == ABANDONED:
        raise RuleViolation("APPLICATION_ABANDONED", f"application {app} was not paid in "
                            "its payment window and is deemed abandoned", field="application_ids",
                            rule="P4", details={"application_id": app})
    raise RuleViolation("NOT_PAYABLE", f"application {app} is {status} and has nothing to pay",
                        field="application_ids", rule="B1" if status in (CANCELLED, REFUND_DUE)
                        else None, details={"application_id": app, "status": status})


def check_institution_items(items, institution_code, batch_code):
    """P1: an institution pays only for its own candidates, of one batch."""
    for item in items:
        if item["channel"] != "institution" or item["institution_code"] != institution_code:
            raise Forbidden("NOT_YOUR_CANDIDATE", f"application {item['application_id']} was "
                            f"not registered by institution {institution_code}",
                            field="application_ids", rule="P1",
                            details={"application_id": item["application_id"]})
        if item["batch_code"] != batch_code:
            raise RuleViolation("MIXED_BATCHES", f"application {item['application_id']} "
                                f"belongs to batch {item['batch_code']}, not {batch_code}: "
                                "one transfer and one receipt per batch", field="application_ids",
                                rule="P1", details={"application_id": item["application_id"]})
        check_item_payable(item)


def check_individual_item(item, id_number):
    """P2: an individual pays for their own application (or someone pays for
    them); an institution's candidate is paid by the institution (P1)."""
    if item["channel"] != "individual":
        raise Forbidden("PAID_BY_INSTITUTION", f"application {item['application_id']} was "
                        f"registered by institution {item['institution_code']}, which pays "
                        "for its candidates", field="application_id", rule="P1")
    if normalize(id_number) != normalize(item["id_number"]):
        raise Forbidden("NOT_YOUR_APPLICATION", "the ID number does not match the "
                        "application's candidate", field="candidate_id_number", rule="P2")
    check_item_payable(item)


# --- the receipt (P3) ------------------------------------------------------

def check_receipt_details(receipt, center):
    """P3: payee name and account, payer name and amount are on the receipt;
    the payee is the center (its configured account)."""
    if receipt["amount_fen"] <= 0:
        raise ValidationFailed("VALIDATION_FAILED", "amount_fen: the amount must be more "
                               "than zero", field="amount_fen", rule="P3")
    account = normalize_account(receipt["payee_account"])
    accounts = [normalize_account(a) for a in center["payee_accounts"]]
    if account not in accounts:
        raise RuleViolation("PAYEE_NOT_CENTER", f"the payee account {receipt['payee_account']} "
                            f"is not the center's; pay to {center['payee_name']}, account "
                            f"{' or '.join(center['payee_accounts'])}", field="payee_account",
                            rule="P3", details={"accounts": list(center["payee_accounts"])})
    score = fuzz.ratio(normalize(receipt["payee_name"]), normalize(center["payee_name"]))
    if score < PAYEE_NAME_CUTOFF:
        raise RuleViolation("PAYEE_NOT_CENTER", f"the payee on the receipt is "
                            f"{receipt['payee_name']}, not {center['payee_name']}",
                            field="payee_name", rule="P3",
                            details={"payee_name": center["payee_name"]})


# --- transfer notes --------------------------------------------------------

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


# --- confirmation ------------------------------------------------------------

def check_decidable(submission):
    if submission["status"] != PENDING:
        raise Conflict("SUBMISSION_DECIDED", f"submission {submission['id']} is already "
                       f"{submission['status']}", field="submission_id",
                       details={"status": submission["status"]})


def check_confirm(submission, items, batch, today, received_fen=None, credit=None):
    """The center confirms (P1, P2) a pending submission inside the window (P4)
    when every application is still waiting for it and the money is right (F1):
    the receipt's amount, what finance says arrived, and a matched bank credit
    that pays this submission alone must each equal the fees due."""
    check_decidable(submission)
    check_payment_open(batch, today)
    stale = [i["application_id"] for i in items
             if i["status"] != SUBMITTED or i["submission_id"] != submission["id"]]
    if stale:
        raise Conflict("ITEMS_NOT_PAYABLE", f"{len(stale)} of the applications are no longer "
                       "waiting for this payment (withdrawn or cancelled): reject the "
                       "submission with a reason", field="submission_id",
                       details={"application_ids": stale})
    expected = submission["expected_fen"]
    for source, amount in (("the receipt shows", submission["amount_fen"]),
                           ("finance received", received_fen),
                           ("the bank credit is", credit)):
        if amount is None or amount == expected:
            continue
        diff = amount - expected
        word = "short" if diff < 0 else "too much"
        raise RuleViolation("AMOUNT_MISMATCH", f"{source} {yuan(amount)} yuan but "
                            f"{yuan(expected)} yuan are due for {len(items)} application(s): "
                            f"{yuan(abs(diff))} yuan {word}", field="amount_fen", rule="F1",
                            details={"expected_fen": expected, "amount_fen": amount,
                                     "difference_fen": diff, "source": source})


# --- P4 and B1 ----------------------------------------------------------------

def to_abandon(items, batches, today):
    """P4: open items whose batch's payment window is over."""
    out = []
    for item in items:
        batch = batches.get(item["batch_code"])
        if item["status"] in OPEN_ITEM and batch is not None and window_over(batch, today):
            out.append(item)
    return out


def after_cancellation(status):
    """B1: a cancelled batch: a confirmed payment is to be refunded; an open
    item has nothing more to pay. None: the item is left as it is."""
    if status == PAID:
        return REFUND_DUE
    if status in OPEN_ITEM:
        return CANCELLED
    return None


# --- bank statements (K1) -----------------------------------------------------

COLUMNS = {
    "bank_serial": ("bank_serial", "serial", "交易流水号", "流水号"),
    "value_date": ("value_date", "date", "交易日期", "记账日期"),
    "amount": ("amount", "credit", "金额", "贷方金额", "交易金额"),
    "direction": ("direction", "借贷标志", "借贷"),
    "payer_name": ("payer_name", "付款人名称", "对方户名", "付款人"),
    "payer_account": ("payer_account", "付款人账号", "对方账号"),
    "note": ("note", "附言", "摘要", "用途", "备注"),
}
REQUIRED_COLUMNS = ("bank_serial", "value_date", "amount", "payer_name")
CREDIT_WORDS = {"C", "CR", "CREDIT", "贷", "贷方", "收入", "+"}
DEBIT_WORDS = {"D", "DR", "DEBIT", "借", "借方", "支出", "-"}


def decode_statement(raw):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("STATEMENT_ENCODING", "the statement is neither UTF-8 nor GB18030 "
                           "text", field="content_base64", rule="K1")


def _header(row):
    aliases = {normalize(a): key for key, names in COLUMNS.items() for a in names}
    index = {}
    for n, name in enumerate(row):
        key = aliases.get(normalize(name))
        if key and key not in index:
            index[key] = n
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        raise ValidationFailed("STATEMENT_HEADER", f"line 1 must name the columns; missing: "
                               f"{', '.join(missing)}", field="content_base64", rule="K1",
                               details={"missing": missing, "found": row})
    return index


def parse_statement(text):
    """The CSV layout of docs/payment.md -> {"credits", "broken", "debits",
    "duplicates", "lines"}. A broken row is reported with its line number and
    the reason; the other rows are still read. A bank serial repeated in the
    file with the same content is a duplicate (ignored); with other content it
    is broken."""
    reader = csv.reader(io.StringIO(text))
    credits, broken, debits, duplicates = [], [], 0, 0
    index = None
    seen = {}
    lines = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            lines += 1
            broken.append({"line": start, "error": f"not readable as CSV: {exc}", "row": []})
            continue
        if not any(cell.strip() for cell in row):
            continue
        if index is None:
            index = _header(row)
            width = max(index.values()) + 1
            continue
        lines += 1
        if len(row) < width:
            broken.append({"line": start, "error": f"{len(row)} columns; the header has "
                           f"{width} or more", "row": row})
            continue
        cell = {k: row[i].strip() for k, i in index.items()}
        error, credit = _credit(cell)
        if error == "debit":
            debits += 1
            continue
        if error:
            broken.append({"line": start, "error": error, "row": row})
            continue
        credit["line"] = start
        earlier = seen.get(credit["bank_serial"])
        if earlier is not None:
            if same_credit(earlier, credit):
                duplicates += 1
            else:
                broken.append({"line": start, "error": f"bank serial {credit['bank_serial']} is "
                               f"already on line {earlier['line']} with other details",
                               "row": row})
            continue
        seen[credit["bank_serial"]] = credit
        credits.append(credit)
    if index is None:
        raise ValidationFailed("STATEMENT_EMPTY", "the statement has no header and no rows",
                               field="content_base64", rule="K1")
    return {"credits": credits, "broken": broken, "debits": debits,
            "duplicates": duplicates, "lines": lines}


def _credit(cell):
    direction = normalize_text(cell.get("direction", "")) or "C"
    if direction in DEBIT_WORDS:
        return "debit", None
    if direction not in CREDIT_WORDS:
        return f"direction '{cell['direction']}' is neither credit (C/贷) nor debit (D/借)", None
    serial = cell["bank_serial"]
    if not serial:
        return "bank_serial is empty", None
    if len(serial) > 64:
        return "bank_serial is longer than 64 characters", None
    day = parse_date_text(normalize_text(cell["value_date"]))
    if day is None:
        return f"value_date '{cell['value_date']}' is not a date (2026-11-16)", None
    try:
        amount = parse_yuan(cell["amount"])
    except ValueError as exc:
        return f"amount: {exc}", None
    if amount <= 0:
        return f"amount '{cell['amount']}' must be more than zero for a credit", None
    if not cell["payer_name"]:
        return "payer_name is empty", None
    return None, {"bank_serial": serial, "value_date": day, "amount_fen": amount,
                  "payer_name": names.normalize_lenient(cell["payer_name"])[:200],
                  "payer_account": cell.get("payer_account", "")[:64],
                  "note": cell.get("note", "")[:500]}


def same_credit(a, b):
    return all(a[k] == b[k] for k in ("value_date", "amount_fen", "payer_name"))


# --- matching (K1) --------------------------------------------------------------

def match(credits, submissions, cutoff=NAME_CUTOFF):
    """Match unmatched credits to open submissions (see ``_match_once``),
    again while a round settles something: a tie is gone once one side of it
    is taken, and only a tie that stays is left for a person."""
    matched = []
    while True:
        found = _match_once(credits, submissions, cutoff)
        matched.extend(found["matched"])
        if not found["matched"]:
            return {"matched": matched, "ambiguous": found["ambiguous"],
                    "unmatched": found["unmatched"]}
        done = {m["credit"] for m in found["matched"]}
        taken = {sid for m in found["matched"] for sid in m["submissions"]}
        credits = [c for c in credits if c["id"] not in done]
        submissions = [s for s in submissions if s["id"] not in taken]


def _match_once(credits, submissions, cutoff):
    """Match unmatched credits to open submissions (those without a credit).

    credits: [{"id", "amount_fen", "payer_name", "note"}], in booking order;
    submissions: [{"id", "reference", "amount_fen", "payer_name"}] (amount_fen
    is what the receipt says was transferred).
    1. A payment reference in the note: the open submissions with that
       reference; one of them with the credit's amount, or all of them when
       together they make the amount (one transfer for several submissions).
    2. Otherwise the amount and the payer name: among open submissions of the
       same amount, the payer names nearest the credit's (rapidfuzz ratio of
       the normalised names, at least ``cutoff``). A tie, or two credits
       wanting the same submission equally, is left for a person.
    Returns {"matched": [{"credit", "submissions", "method", "score"}],
             "ambiguous": [{"credit", "candidates", "reason"}], "unmatched": [ids]}.
    """
    taken = set()
    matched, ambiguous, unmatched = [], [], []
    by_reference = defaultdict(list)
    for s in submissions:
        if s.get("reference"):
            by_reference[s["reference"]].append(s)
    rest = []
    for c in credits:
        refs = find_references(c["note"])
        candidates = [s for r in dict.fromkeys(refs) for s in by_reference.get(r, ())
                      if s["id"] not in taken]
        if not candidates:
            rest.append(c)
            continue
        same = [s for s in candidates if s["amount_fen"] == c["amount_fen"]]
        if len(same) > 1:               # the payer's name may tell them apart
            payer = normalize(c["payer_name"])
            same = [s for s in same if normalize(s["payer_name"]) == payer] or same
        if len(same) == 1:
            chosen = same
        elif len(same) > 1:
            ambiguous.append({"credit": c["id"], "candidates": [s["id"] for s in same],
                              "reason": "several submissions with this reference and amount"})
            continue
        elif sum(s["amount_fen"] for s in candidates) == c["amount_fen"]:
            chosen = candidates
        else:
            rest.append(c)
            continue
        taken.update(s["id"] for s in chosen)
        matched.append({"credit": c["id"], "submissions": [s["id"] for s in chosen],
                        "method": "reference", "score": 100})

    # 2. amount + payer name, decided for all remaining credits at once
    found = _match_by_name(rest, [s for s in submissions if s["id"] not in taken], cutoff)
    return {"matched": matched + found["matched"], "ambiguous": ambiguous + found["ambiguous"],
            "unmatched": unmatched + found["unmatched"]}


def _match_by_name(credits, submissions, cutoff):
    """One round of step 2 of ``match`` over open submissions."""
    matched, ambiguous, unmatched = [], [], []
    buckets = defaultdict(lambda: defaultdict(list))    # amount -> name -> submissions
    for s in submissions:
        buckets[s["amount_fen"]][normalize(s["payer_name"])].append(s["id"])
    choices = {amount: list(names) for amount, names in buckets.items()}
    proposals = {}                                   # credit id -> (submission id, score)
    for c in credits:
        names = buckets.get(c["amount_fen"])
        if not names:
            unmatched.append(c["id"])
            continue
        name = normalize(c["payer_name"])
        if name in names:                          # the same name: no need to guess
            best = [(name, 100.0)]
        else:
            best = [(n, score) for n, score, _ in process.extract(
                name, choices[c["amount_fen"]], scorer=fuzz.ratio, score_cutoff=cutoff,
                limit=2)]
        if not best:
            unmatched.append(c["id"])
            continue
        top_name, top = best[0]
        tied = list(names[top_name])
        if len(best) > 1 and best[1][1] == top:
            tied += names[best[1][0]]
        if len(tied) > 1:
            ambiguous.append({"credit": c["id"], "candidates": tied,
                              "reason": "payer name and amount fit several submissions"})
            continue
        proposals[c["id"]] = (tied[0], top)
    wanted = defaultdict(list)
    for credit_id, (sub, score) in proposals.items():
        wanted[sub].append((score, credit_id))
    for sub, bids in wanted.items():
        bids.sort(key=lambda b: -b[0])
        if len(bids) > 1 and bids[0][0] == bids[1][0]:
            for _score, credit_id in bids:
                ambiguous.append({"credit": credit_id, "candidates": [sub],
                                  "reason": "several credits fit this submission equally"})
            continue
        matched.append({"credit": bids[0][1], "submissions": [sub], "method": "name",
                        "score": round(bids[0][0], 1)})
        unmatched.extend(credit_id for _score, credit_id in bids[1:])
    return {"matched": matched, "ambiguous": ambiguous, "unmatched": unmatched}


def check_manual_match(credit, submissions):
    """A person settles what matching left open: the credit is not matched yet,
    the submissions have no credit and are not rejected."""
    if credit["status"] == "matched":
        raise Conflict("CREDIT_MATCHED", f"credit {credit['bank_serial']} is already matched",
                       field="bank_serial", rule="K1")
    for s in submissions:
        if s["credit_id"] is not None:
            raise Conflict("SUBMISSION_MATCHED", f"submission {s['id']} already has a bank "
                           "credit", field="submission_ids", rule="K1")
        if s["status"] in (REJECTED, LAPSED):
            raise RuleViolation("SUBMISSION_CLOSED", f"submission {s['id']} is {s['status']}",
                                field="submission_ids", rule="K1")


# --- the reconciliation report (K1) -------------------------------------------

def reconciliation_report(batch, submissions, credits):
    """One batch's reconciliation.

    submissions: the batch's submissions that are pending or confirmed
    [{"id", "reference", "status", "payer_name", "amount_fen", "expected_fen",
      "credit_id", "applications"}]; credits: the credits matched to them plus
    the unmatched credits booked from a week before the payment window to a
    week after it [{"id", "bank_serial", "value_date", "amount_fen",
    "payer_name", "note", "status", "method", "candidates", "submissions"}].
    A credit's "submissions" are all it pays for (possibly in other batches)
    with their expected amounts: [{"id", "expected_fen"}].
    """
    by_credit = defaultdict(list)
    for s in submissions:
        if s["credit_id"] is not None:
            by_credit[s["credit_id"]].append(s)
    matched, unmatched, under, over = [], [], [], []
    for c in credits:
        if c["status"] != "matched":
            start, end = batch["payment"]
            if start - UNMATCHED_CREDIT_MARGIN <= c["value_date"] <= \
                    end + UNMATCHED_CREDIT_MARGIN:
                unmatched.append(_credit_view(c))
            continue
        if c["id"] not in by_credit:
            continue
        expected = sum(s["expected_fen"] for s in c["submissions"])
        entry = dict(_credit_view(c), submissions=[s["id"] for s in c["submissions"]],
                     expected_fen=expected, difference_fen=c["amount_fen"] - expected)
        matched.append(entry)
        if entry["difference_fen"] < 0:
            under.append(entry)
        elif entry["difference_fen"] > 0:
            over.append(entry)
    without = [{"id": s["id"], "status": s["status"], "payer_name": s["payer_name"],
                "amount_fen": s["amount_fen"], "expected_fen": s["expected_fen"],
                "reference": s["reference"], "applications": s["applications"]}
               for s in submissions if s["credit_id"] is None]
    return {
        "batch_code": batch["code"],
        "payment_window": [str(batch["payment"][0]), str(batch["payment"][1])],
        "matched": matched, "unmatched_credits": unmatched,
        "submissions_without_credit": without,
        "underpayments": under, "overpayments": over,
        "totals": {"submissions": len(submissions), "matched_credits": len(matched),
                   "unmatched_credits": len(unmatched),
                   "submissions_without_credit": len(without),
                   "expected_fen": sum(s["expected_fen"] for s in submissions),
                   "received_fen": sum(c["amount_fen"] for c in matched),
                   "underpaid_fen": -sum(e["difference_fen"] for e in under),
                   "overpaid_fen": sum(e["difference_fen"] for e in over)},
    }


def _credit_view(c):
    return {"bank_serial": c["bank_serial"], "value_date": str(c["value_date"]),
            "amount_fen": c["amount_fen"], "payer_name": c["payer_name"], "note": c["note"],
            "status": c["status"], "method": c.get("method"),
            "candidates": c.get("candidates") or []}
