"""Rules of the certificate service. Pure: no broker, no database, no clock
(``today`` is passed in).

Rule IDs are DOMAIN.md's: C1 (a certificate for every candidate who passed,
searchable), C2 (unified numbering; authenticity by number and QR code), C3
(the e-certificate: query, verify, download), C4 (paper certificates: the
institution collects N working days after the exam, an individual in person
with a valid ID, N set per batch year and channel; every handover in the
ledger), R4 (falsified material found
after issue: the certificate is revoked).

The certificate number (C2): 14 characters, ``PP YYYY NNNNNNN C``:
- ``PP``   the issuer's province code (51: Sichuan; setting CERTIFICATE_ISSUER_CODE),
- ``YYYY`` the year of the exam,
- ``NNNNNNN`` a random serial (1 to 9,999,999), unique per issuer and year, so
  that numbers cannot be enumerated (see docs/certificate.md),
- ``C``    a check character, ISO 7064 MOD 11-2 over the 13 digits (0-9 or X,
  as in the resident ID number): every single mistyped character and every
  swap of two neighbouring characters is caught before any lookup.

The signed record (C2): one line of text, the fields joined by ``|``::

    SC2|<kid>|<number>|<name>|<id number>|<project name>|<exam date>|<issue date>

(dates as YYYYMMDD), each field escaped: ``\\`` for a backslash, ``\|`` for a
bar, ``\n`` and ``\r`` for line breaks, so any character a name may hold is
safe. Records of format ``SC1`` (the first one: no escaping, '|' refused)
keep verifying: the row remembers the format it was signed in
(``record_format``). Signed with Ed25519 by the key ``kid``. The QR code on the
certificate carries ``<verify address>?p=<base64url(record)>.<base64url(signature)>``,
so an app can check it online (the address) or offline (the public keys and the
signed status list).
"""
import base64
import binascii
import hashlib
import json
import re
import secrets
from datetime import date
from urllib.parse import parse_qs, urlsplit

from stdnum.iso7064 import mod_11_2

from kernel import idnumber, names, privacy, workdays
from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed

from certificate import signing
from certificate.vocabulary import ID_DOCUMENTS, REVOCATION_REASONS  # noqa: F401

NUMBER_LENGTH = 14
NUMBER_PATTERN = re.compile(r"^\d{13}[\dX]$")
RECORD_FORMAT = "SC2"              # the format new certificates are signed in
RECORD_FORMATS = ("SC1", "SC2")
RECORD_FIELDS = ("format", "kid", "number", "name", "id_number", "project_name", "exam_date",
                 "issued_on")
MAX_QR_TEXT = 2000
STATUS_LIST_FORMAT = "skillcert-status-list/1"


PAPER_STATUSES = ("none", "printed", "with_institution", "with_holder")


# --- the certificate number ----------------------------------------------------

def make_number(issuer_code, year, serial):
    if not (len(issuer_code) == 2 and issuer_code.isdigit()):
        raise ValueError("the issuer code is two digits")
    if not 1 <= serial <= 9_999_999:
        raise ValueError("serial out of range")
    body = f"{issuer_code}{year:04d}{serial:07d}"
    return body + mod_11_2.calc_check_digit(body)


def random_serial():
    """A serial no one can guess from another certificate's (C2: not enumerable):
    uniform over 1..9,999,999 from the operating system's CSPRNG."""
    return secrets.randbelow(9_999_999) + 1


def draw_number(issuer, year, is_free, draws):
    """A random number for the year (C2: numbers are not enumerable) for which
    ``is_free(number)`` holds, tried ``draws`` times; Conflict when none was free."""
    for _ in range(draws):
        number = make_number(issuer, year, random_serial())
        if is_free(number):
            return number
    raise Conflict("CERTIFICATE_NUMBERS_EXHAUSTED", f"no free certificate number found "
                   f"for {year} in {draws} draws", rule="C2")


def compact_number(raw):
    return re.sub(r"[\s\-]", "", raw).upper()


def parse_number(raw, field="certificate_number"):
    """The compact number, or a RuleViolation (C2) for a malformed or mistyped
    one: raised before any lookup."""
    if not isinstance(raw, str):
        raise ValidationFailed("VALIDATION_FAILED", "a certificate number is text", field=field,
                               rule="C2")
    number = compact_number(raw)
    if len(number) != NUMBER_LENGTH or not NUMBER_PATTERN.match(number):
        raise RuleViolation("CERTIFICATE_NUMBER_MALFORMED",
                            f"a certificate number is {NUMBER_LENGTH} characters: 13 digits and "
                            "a check digit or X", field=field, rule="C2",
                            details={"number": raw[:40]})
    if mod_11_2.calc_check_digit(number[:-1]) != number[-1]:
        raise RuleViolation("CERTIFICATE_NUMBER_MISTYPED",
                            "the check character does not match: the number is mistyped",
                            field=field, rule="C2", details={"number": number})
    return number


def number_year(number):
    return int(number[2:6])


# --- the signed record and the QR payload ----------------------------------------

class Malformed(ValueError):
    """Text that is not a record or QR payload of ours."""


_ESCAPES = {"\\": "\\\\", "|": "\\|", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "|": "|", "n": "\n", "r": "\r"}


def escape_field(value):
    return "".join(_ESCAPES.get(ch, ch) for ch in value)


def _split_escaped(text):
    """The fields of an SC2 record, unescaped; Malformed on a dangling or
    unknown escape."""
    fields, current, chars = [], [], iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, None)
            if nxt not in _UNESCAPES:
                raise Malformed("a record holds an unknown escape")
            current.append(_UNESCAPES[nxt])
        elif ch == "|":
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
    fields.append("".join(current))
    return fields


def record(kid, number, name, id_number, project_name, exam_date, issued_on,
           fmt=RECORD_FORMAT):
    """The text that is signed (see the module docstring)."""
    values = [kid, number, name, id_number, project_name,
              exam_date.strftime("%Y%m%d"), issued_on.strftime("%Y%m%d")]
    for v in values:
        if not v:
            raise ValueError("a record field may not be empty")
    if fmt == "SC1":
        for v in values:
            if "|" in v or "\n" in v:
                raise ValueError(f"an SC1 record field may not hold '|': {v!r}")
        return "|".join(["SC1"] + values)
    if fmt != "SC2":
        raise ValueError(f"unknown record format {fmt!r}")
    return "|".join(["SC2"] + [escape_field(v) for v in values])


def record_of(cert):
    """The record of a stored certificate (a dict of its columns), in the format
    it was signed in."""
    return record(cert["kid"], cert["number"], cert["name"], cert["id_number"],
                  cert["project_name"], cert["exam_date"], cert["issued_on"],
                  fmt=cert.get("record_format") or "SC1")


def parse_record(text):
    fmt = text[:4]
    if fmt == "SC1|":
        parts = text.split("|")
    elif fmt == "SC2|":
        parts = _split_escaped(text)
    else:
        raise Malformed("not a SkillCert certificate record")
    if len(parts) != len(RECORD_FIELDS):
        raise Malformed("not a SkillCert certificate record")
    out = dict(zip(RECORD_FIELDS, parts))
    try:
        out["exam_date"] = _ymd(out["exam_date"])
        out["issued_on"] = _ymd(out["issued_on"])
    except ValueError:
        raise Malformed("a record date is not YYYYMMDD") from None
    return out


def _ymd(text):
    if not re.fullmatch(r"\d{8}", text):
        raise ValueError(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def qr_payload(record_text, signature):
    return signing.b64u(record_text.encode("utf-8")) + "." + signature


def qr_text(verify_url, payload):
    return f"{verify_url}?p={payload}"


class ForeignAddress(Malformed):
    """A QR text whose address is not this center's verification address: a
    copy of a genuine payload behind someone else's page proves nothing."""


def same_address(a, b):
    """Scheme, host (and port) and path of two addresses agree (case of the
    host and a trailing slash aside)."""
    x, y = urlsplit(a.strip()), urlsplit(b.strip())
    return (x.scheme.lower(), x.netloc.lower(), x.path.rstrip("/")) == \
        (y.scheme.lower(), y.netloc.lower(), y.path.rstrip("/"))


def split_qr(text, verify_url=None):
    """(record text, signature) from what a QR code holds: the whole address or
    the payload alone. An address must be ``verify_url`` (the configured
    CERTIFICATE_VERIFY_URL) when one is given. Raises Malformed (ForeignAddress)."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_QR_TEXT:
        raise Malformed("not a certificate QR code")
    text = text.strip()
    payload = text
    if "?" in text or "://" in text:
        found = parse_qs(urlsplit(text).query).get("p")
        if not found:
            raise Malformed("the address carries no certificate payload")
        if verify_url and not same_address(text.split("?", 1)[0], verify_url):
            raise ForeignAddress("the address is not this center's verification address")
        payload = found[0]
    body, dot, signature = payload.partition(".")
    if not dot or not body or not signature:
        raise Malformed("a payload is <record>.<signature>")
    try:
        record_text = signing.unb64u(body).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise Malformed("the record is not base64url UTF-8 text") from None
    parse_record(record_text)
    return record_text, signature


# --- verdicts ----------------------------------------------------------------------

NOT_GENUINE = {
    "malformed": "this is not a certificate number or QR code of ours",
    "foreign_address": "the address in this QR code is not our verification address: do "
                       "not trust what that address shows",
    "unknown_number": "no certificate has this number",
    "unknown_key": "the signature names a key we never used",
    "bad_signature": "the signature does not match the certificate data: it was altered "
                     "or forged",
    "record_mismatch": "the data does not match the certificate on record",
    "pdf_altered": "this file is not the e-certificate we issued (it was altered or "
                   "re-made)",
}


def public_view(cert):
    """What anyone verifying a certificate may see (the ID number masked)."""
    return {"number": cert["number"], "name": cert["name"],
            "id_number": privacy.mask_id(cert["id_number"]),
            "project_name": cert["project_name"],
            "exam_date": cert["exam_date"].isoformat(),
            "issued_on": cert["issued_on"].isoformat(), "kid": cert["kid"]}


def valid(cert):
    return {"result": "valid", "reason": None, "message": "the certificate is genuine and valid",
            "certificate": public_view(cert), "revocation": None}


def revoked(cert, revoked_on, reason_code, reason):
    return {"result": "revoked", "reason": reason_code,
            "message": f"the certificate was revoked on {revoked_on.isoformat()}",
            "certificate": public_view(cert),
            "revocation": {"revoked_on": revoked_on.isoformat(), "reason_code": reason_code,
                           "reason": reason, "rule": REVOCATION_REASONS.get(reason_code)}}


def not_genuine(reason, cert=None):
    return {"result": "not_genuine", "reason": reason, "message": NOT_GENUINE[reason],
            "certificate": public_view(cert) if cert else None, "revocation": None}


def check_signature(record_text, signature, public_key):
    """None when ``public_key`` (an Ed25519PublicKey, or None for an unknown
    kid) signed ``record_text``; else the not-genuine reason."""
    if public_key is None:
        return "unknown_key"
    if not signing.verifies(public_key, record_text.encode("utf-8"), signature):
        return "bad_signature"
    return None


# --- offline verification (what a verifier app does without the service) -------------

def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def status_list(issuer, kid, generated_at, revocations):
    """The revocation status list (unsigned): ``revocations`` are
    (number, revoked_on, reason_code) in number order."""
    return {"format": STATUS_LIST_FORMAT, "issuer": issuer, "kid": kid,
            "generated_at": generated_at.isoformat(),
            "revoked": [{"number": n, "revoked_on": on.isoformat(), "reason_code": code}
                        for n, on, code in revocations]}


class StatusListInvalid(ValueError):
    """A status list whose signature does not verify: do not trust it."""


def _published_keys(public_keys):
    return {k["kid"]: signing.public_key(k["public_key"]) for k in public_keys["keys"]}


def verify_offline(text, public_keys, status=None):
    """Verify a QR code with what the service publishes and nothing else.

    ``public_keys`` is the answer of the ``public_keys`` RPC, ``status`` the
    answer of ``status_list`` (optional: without it a revocation is not seen).
    Returns a verdict like the online ones, plus ``status_as_of``.
    """
    keys = _published_keys(public_keys)
    try:
        record_text, signature = split_qr(text)
    except Malformed:
        return dict(not_genuine("malformed"), status_as_of=None)
    fields = parse_record(record_text)
    reason = check_signature(record_text, signature, keys.get(fields["kid"]))
    if reason:
        return dict(not_genuine(reason), status_as_of=None)
    if status is None:
        return dict(valid(fields), status_as_of=None)
    document = status["list"]
    if check_signature(canonical(document).decode("utf-8"), status["signature"],
                       keys.get(document.get("kid"))):
        raise StatusListInvalid("the status list's signature does not verify")
    as_of = document["generated_at"]
    for entry in document["revoked"]:
        if entry["number"] == fields["number"]:
            return dict(revoked(fields, date.fromisoformat(entry["revoked_on"]),
                                entry["reason_code"], None), status_as_of=as_of)
    return dict(valid(fields), status_as_of=as_of)


# --- issuance (C1) -------------------------------------------------------------------

# what exam's result_finalized carries for the certificate (#14), required to issue
ISSUE_FIELDS = ("roster_status", "sex", "channel", "project_name", "photo", "photo_base64")
ON_ROSTER = "confirmed"


def check_issuable(result, today):
    """Decide on an ``exam.result_finalized`` event from the event alone (#14:
    it carries the application's sex, channel, institution and photo, the
    roster status and the session's supervision; nobody is asked). Returns
    None to issue, or the reason to record and skip. Raises ValidationFailed
    (dead-lettered at once) when the event contradicts itself.

    - not passed: no certificate;
    - a field of ISSUE_FIELDS missing (an event sent before exam carried them):
      noted, no certificate (exam sends it again);
    - no signed quality supervision record of the candidate's session
      (002 二(九): "作为办理专项职业能力证书的依据"): no certificate (T4, the
      same rule exam applies before it finalizes: defence in depth);
    - the candidate no longer confirmed on exam's roster: no certificate;
    - the sex is not the ID number's (registration derives it from the number):
      RESULT_MISMATCH; a result before the exam: RESULT_BEFORE_EXAM."""
    if not result["passed"]:
        return "the candidate did not pass: no certificate"
    missing = [k for k in ISSUE_FIELDS if not result.get(k)]
    if missing:
        return (f"the result carries no {', '.join(missing)} (sent before exam carried "
                "them): no certificate until exam sends it again")
    if not result.get("supervision"):
        return ("no signed quality supervision record (质量督导记录) for the candidate's "
                "session (T4, 002 二(九)): no certificate")
    if result["roster_status"] != ON_ROSTER:
        return f"the candidate is {result['roster_status']} on exam's roster: no certificate"
    if idnumber.parse(result["id_number"]).sex != result["sex"]:
        raise ValidationFailed("RESULT_MISMATCH", "the result's sex is not that of its ID "
                               "number", rule="C1", details={
                                   "fields": ["sex"], "application_id": result["application_id"]})
    if today < result["exam_date"]:
        raise ValidationFailed("RESULT_BEFORE_EXAM", f"a result for an exam on "
                               f"{result['exam_date']} cannot be final on {today}", rule="C1")
    return None


def photo_of(digest, content_base64):
    """The photo's bytes from exam's event, which must be those of its hash (C1)."""
    try:
        content = base64.b64decode(content_base64 or "", validate=True)
    except (binascii.Error, ValueError):
        content = b""
    if hashlib.sha256(content).hexdigest() != digest:
        raise ValidationFailed("PHOTO_MISMATCH", "the photo the result carries does not match "
                               "its hash", rule="C1", details={"hash": digest})
    return content


# --- revocation (R4) -----------------------------------------------------------------

def _refuse_if_revoked(cert, error, code):
    if cert["status"] == "revoked":
        raise error(code, f"certificate {cert['number']} was revoked on {cert['revoked_on']}",
                    field="certificate_number", rule="R4",
                    details={"revoked_on": str(cert["revoked_on"])})


def check_revocable(cert):
    _refuse_if_revoked(cert, Conflict, "CERTIFICATE_ALREADY_REVOKED")


def check_downloadable(cert):
    """C3: a revoked certificate is no longer handed out (nor its paper)."""
    _refuse_if_revoked(cert, RuleViolation, "CERTIFICATE_REVOKED")


def check_holder_of(cert, id_number, name):
    """C3: ``cert`` (None when there is none with the number) is the person's with
    this ID number (normal form) and name; NotFound otherwise, the same answer
    whether the number or the person is wrong. The name is normalised only when
    the rest matches (a refused name then says so)."""
    if cert is None or cert["id_number"] != id_number or \
            not names.same(cert["name"], names.normalize(name)):
        raise NotFound("CERTIFICATE_NOT_FOUND", "no certificate with this number for this "
                       "person", field="certificate_number", rule="C3")


# --- paper certificates (C4) ---------------------------------------------------------

def collection_working_days(delays, year, channel):
    """C4: the working days after the exam from which the paper certificates of
    a batch of ``year`` are collected by ``channel`` (institution | individual).

    ``delays`` is the setting CERTIFICATE_COLLECTION_WORKING_DAYS, {year:
    {"institution": n, "individual": n}} (docs/certificate.md quotes each
    notice): the batch's year, else the latest year before it (the notice in
    force), else the earliest year listed."""
    table = {int(y): v for y, v in delays.items()}
    if not table:
        raise ValueError("CERTIFICATE_COLLECTION_WORKING_DAYS is empty")
    earlier = [y for y in table if y <= year]
    return int(table[max(earlier) if earlier else min(table)][channel])


def collectable_from(exam_date, working_days):
    """The first day paper certificates of an exam can be collected: ``working_days``
    working days after the exam (the exam day itself not counted). Raises
    CalendarUnavailable when that reaches a year nobody has loaded yet."""
    return workdays.add_workdays(exam_date, working_days)


PENDING_CALENDAR, WAITING, OPEN = "pending_calendar", "waiting", "open"


def collection(cert, delays, today):
    """C4, what the answers show of a certificate's collection: the working days,
    the first day (None while the calendar of a year it reaches is not loaded:
    ``collection_state`` "pending_calendar", ``pending_year``; never guessed),
    and "waiting" before that day, "open" from it."""
    days = collection_working_days(delays, cert["exam_date"].year, cert["channel"])
    start, year = workdays.or_pending(collectable_from, cert["exam_date"], days)
    state = PENDING_CALENDAR if start is None else WAITING if today < start else OPEN
    return {"collection_working_days": days, "collectable_from": start,
            "collection_state": state, "pending_year": year}


def _check_paper_ready(cert, today, working_days):
    check_downloadable(cert)       # not revoked
    if cert["paper_status"] == "none":
        raise RuleViolation("NOT_PRINTED", f"certificate {cert['number']} is not in a print "
                            "batch yet", field="certificate_number", rule="C4")
    if cert["paper_status"] != "printed":
        raise Conflict("ALREADY_COLLECTED", f"certificate {cert['number']} was already handed "
                       "over", field="certificate_number", rule="C4",
                       details={"paper_status": cert["paper_status"]})
    start, year = workdays.or_pending(collectable_from, cert["exam_date"], working_days)
    if start is None:
        raise RuleViolation("COLLECTION_PENDING_CALENDAR", f"certificates of the exam on "
                            f"{cert['exam_date']} can be collected {working_days} working "
                            f"days after it; the working-day calendar of {year} is not "
                            "loaded yet, so that day is not known", field="certificate_number",
                            rule="C4", details={"year": year,
                                                "collection_working_days": working_days})
    if today < start:
        raise RuleViolation("COLLECTION_TOO_EARLY", f"certificates of the exam on "
                            f"{cert['exam_date']} can be collected from {start} "
                            f"({working_days} working days after the exam); today is {today}",
                            field="certificate_number", rule="C4",
                            details={"collectable_from": start.isoformat(),
                                     "today": today.isoformat()})


def check_something_to_print(certs, batch_code):
    """C4: a print batch takes the batch's valid certificates not printed yet."""
    if not certs:
        raise RuleViolation("NOTHING_TO_PRINT", f"every valid certificate of batch "
                            f"{batch_code} is already in a print batch",
                            field="batch_code", rule="C4")


def check_in_batch(numbers_and_batches, batch_code):
    """C4: the certificates an institution collects at once are of one exam batch."""
    stray = [number for number, batch in numbers_and_batches if batch != batch_code]
    if stray:
        raise RuleViolation("CERTIFICATE_NOT_IN_BATCH", f"not of batch "
                            f"{batch_code}: {', '.join(stray)}",
                            field="certificate_numbers", rule="C4",
                            details={"numbers": stray})


def check_something_to_collect(certs, batch_code):
    """C4: an institution collects its printed certificates waiting in the batch."""
    if not certs:
        raise RuleViolation("NOTHING_TO_COLLECT", "the institution has no printed "
                            f"certificates waiting in batch {batch_code}",
                            field="batch_code", rule="C4")


def person_at_collection(person, field):
    """A collector, holder or receiver: a valid ID number (R2) and a name, in
    their normal forms; the error names ``field`` (``holder.id_number``)."""
    try:
        rid = idnumber.parse(person["id_number"])
    except RuleViolation as exc:
        raise RuleViolation(exc.code, exc.message, field=f"{field}.id_number", rule=exc.rule,
                            details=exc.details) from None
    return {"name": names.normalize(person["name"], field=f"{field}.name"),
            "id_number": rid.number}


def _check_own_candidate(cert, institution_code, field):
    if cert["channel"] != "institution" or cert["institution_code"] != institution_code:
        raise Forbidden("COLLECTION_OTHER_INSTITUTION", f"certificate {cert['number']} was not "
                        f"registered through institution {institution_code}", field=field,
                        rule="C4", details={"number": cert["number"]})


def check_institution_collection(cert, institution_code, today, delays):
    """C4: only the certificates of the institution's own candidates, from the
    working days after the exam that the batch's year sets for institutions
    (``delays``: CERTIFICATE_COLLECTION_WORKING_DAYS)."""
    _check_own_candidate(cert, institution_code, "certificate_numbers")
    _check_paper_ready(cert, today, collection_working_days(
        delays, cert["exam_date"].year, "institution"))


def check_holder(cert, person, field):
    if (person["id_number"] != cert["id_number"]
            or not names.same(person["name"], cert["name"])):
        raise Forbidden("NOT_THE_HOLDER", "the ID presented is not the certificate holder's",
                        field=field, rule="C4")


def check_id_document(document, today):
    """A valid ID (有效身份证件): an accepted kind, not expired."""
    if document["kind"] not in ID_DOCUMENTS:
        raise RuleViolation("ID_DOCUMENT_NOT_ACCEPTED", f"accepted ID documents are "
                            f"{', '.join(ID_DOCUMENTS)}", field="id_document.kind", rule="C4")
    if not document["long_term"] and document["valid_until"] < today:
        raise RuleViolation("ID_DOCUMENT_EXPIRED", f"the ID document expired on "
                            f"{document['valid_until']}", field="id_document.valid_until",
                            rule="C4")


def check_individual_collection(cert, holder, document, today, delays):
    """C4: an individual candidate collects in person with a valid ID, from the
    working days after the exam that the batch's year sets for individuals."""
    if cert["channel"] != "individual":
        raise RuleViolation("COLLECTED_BY_INSTITUTION", f"certificate {cert['number']} is "
                            f"collected by its registration institution "
                            f"{cert['institution_code']}", field="certificate_number",
                            rule="C4")
    check_holder(cert, holder, "holder")
    check_id_document(document, today)
    _check_paper_ready(cert, today, collection_working_days(
        delays, cert["exam_date"].year, "individual"))


def check_institution_handover(cert, institution_code, receiver):
    """C4: the institution hands its candidate's certificate to the candidate."""
    _check_own_candidate(cert, institution_code, "certificate_number")
    check_downloadable(cert)
    if cert["paper_status"] != "with_institution":
        raise RuleViolation("NOT_WITH_INSTITUTION", f"certificate {cert['number']} is not held "
                            "by the institution", field="certificate_number", rule="C4",
                            details={"paper_status": cert["paper_status"]})
    check_holder(cert, receiver, "receiver")
