"""Paying for approved applications: the statuses of an item and of a
submission, the payment window (P4), payment references, who may pay for what
(P1 institutions, P2 individuals), the receipt (P3), the center's confirmation
(F1: the money is right) and what the end of the window or a cancelled batch
does (P4, B1)."""
import base64
import hashlib
import re

from rapidfuzz import fuzz

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed

from payment.domain.wording import normalize, normalize_account, normalize_text, yuan

# item statuses: what payment knows about one approved application
PAYABLE, SUBMITTED, PAID = "payable", "submitted", "paid"
ABANDONED, WITHDRAWN, CANCELLED, REFUND_DUE, REFUNDED = (
    "abandoned", "withdrawn", "cancelled", "refund_due", "refunded")
OPEN_ITEM = (PAYABLE, SUBMITTED)
# submission statuses
PENDING, CONFIRMED, REJECTED, LAPSED = "submitted", "confirmed", "rejected", "lapsed"
PAYEE_NAME_CUTOFF = 85     # rapidfuzz ratio (0-100): the receipt's payee is the center (P3)
REFERENCE_RE = re.compile(r"SC[A-Z2-7]{8}")


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

def check_approved(application_id, found):
    """P1, P2: only approved applications are paid for (``found``: the item, or None)."""
    if found is None:
        raise NotFound("NOT_APPROVED", f"application {application_id} has no approved "
                       "review: only approved applications are paid for",
                       field="application_id", rule="P1",
                       details={"application_id": str(application_id)})
    return found


def check_all_approved(application_ids, found):
    """The same for many: ``found`` holds the approved ones by application id."""
    missing = [a for a in application_ids if a not in found]
    if missing:
        raise NotFound("NOT_APPROVED", f"{len(missing)} of the applications have no "
                       f"approved review (first: {missing[0]}): only approved applications "
                       "are paid for", field="application_ids", rule="P1",
                       details={"application_ids": missing[:50]})
    return [found[a] for a in application_ids]


def rule_of(channel):
    """P1 for what an institution pays, P2 for an individual's payment."""
    return "P1" if channel == "institution" else "P2"


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
                       field="application_ids", rule=rule_of(item["channel"]),
                       details={"application_id": app, "submission_id": item["submission_id"]})
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

def check_receipt_on_file(found, uploaded_first=False):
    """M3: a receipt is one uploaded before (``found``: its row, or None); a
    submission names it (``uploaded_first``), a download asks by its hash."""
    if found is None:
        if uploaded_first:
            raise NotFound("RECEIPT_NOT_FOUND", "no uploaded receipt with this reference; "
                           "upload it first", field="receipt.file", rule="M3")
        raise NotFound("RECEIPT_NOT_FOUND", "no such receipt", field="hash", rule="M3")
    return found


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


# --- confirmation ------------------------------------------------------------

def check_decidable(submission):
    if submission["status"] != PENDING:
        raise Conflict("SUBMISSION_DECIDED", f"submission {submission['id']} is already "
                       f"{submission['status']}", field="submission_id",
                       rule=rule_of(submission.get("channel")),
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


def check_refund_due(status):
    """B1: a refund is recorded once, for an application with a refund due
    (``status``: its refund's, or None when none is due)."""
    if status is None:
        raise NotFound("REFUND_NOT_FOUND", "no refund is due for this application",
                       field="application_id", rule="B1")
    if status != "due":
        raise Conflict("REFUND_RECORDED", "this refund was already recorded",
                       field="application_id", rule="B1")
