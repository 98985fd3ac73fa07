"""The gateway's rules, pure: roles, who may see what (applications and the
files they hold), passwords, verification codes, the rate limiter's bucket.
No broker, no database, no clock (``now`` is passed in)."""
from dataclasses import dataclass
import hashlib
import hmac
import re

from kernel import names
from kernel.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed

# --- roles ------------------------------------------------------------------------

CANDIDATE = "candidate"
INSTITUTION = "institution_operator"      # bound to one institution_code
REVIEWER = "reviewer"
FINANCE = "finance"
EXAM_ADMIN = "exam_admin"
CERTIFICATE_OFFICER = "certificate_officer"
MUNICIPAL = "municipal_center"            # bound to one region (assessor review chain)
PROVINCIAL = "provincial_center"          # the center's administrators: every staff power
PUBLIC = "public"                         # anyone, no token

ACCOUNT_ROLES = (CANDIDATE, INSTITUTION, REVIEWER, FINANCE, EXAM_ADMIN, CERTIFICATE_OFFICER,
                 MUNICIPAL, PROVINCIAL)
ROLES = ACCOUNT_ROLES + (PUBLIC,)
STAFF_ROLES = (REVIEWER, FINANCE, EXAM_ADMIN, CERTIFICATE_OFFICER, MUNICIPAL, PROVINCIAL)
# the center's own staff (the municipal centers are not: they only review assessors)
CENTER = (REVIEWER, FINANCE, EXAM_ADMIN, CERTIFICATE_OFFICER, PROVINCIAL)
ANY_ACCOUNT = ACCOUNT_ROLES
EVERYONE = ROLES


class Unauthenticated(DomainError):
    status = "unauthenticated"


class TooManyRequests(DomainError):
    status = "rate_limited"


class PayloadTooLarge(DomainError):
    status = "too_large"


class MethodNotAllowed(DomainError):
    status = "method_not_allowed"


class ServiceUnavailable(DomainError):
    status = "unavailable"


@dataclass(frozen=True)
class Principal:
    """Who is calling: an account, or the public (``role == PUBLIC``)."""
    username: str = None
    role: str = PUBLIC
    name: str = None
    institution_code: str = None
    region: str = None
    id_number: str = None
    # the person behind a self-registered candidate account has been verified
    # (a code sent to the phone on file, docs/verification.md); until then the
    # account reaches only what it submitted itself
    verified: bool = False

    @property
    def anonymous(self):
        return self.role == PUBLIC


ANONYMOUS = Principal()


def authorise(allowed, principal):
    """Unauthenticated (401) without a token on a route the public may not use;
    Forbidden (403) for a role the route does not list."""
    if PUBLIC in allowed or principal.role in allowed:
        return
    if principal.anonymous:
        raise Unauthenticated("NOT_AUTHENTICATED", "sign in first: this needs a bearer token "
                              "(POST /auth/token)")
    raise Forbidden("ROLE_NOT_ALLOWED", f"a {principal.role} may not do this",
                    details={"role": principal.role, "allowed": sorted(allowed)})


def check_institution(principal, institution_code):
    """An institution operator acts only for their own institution."""
    if principal.role == INSTITUTION and institution_code != principal.institution_code:
        raise Forbidden("OTHER_INSTITUTION", "an institution operator sees only their own "
                        "institution's candidates", field="institution_code",
                        details={"institution_code": principal.institution_code})


def check_region(principal, region):
    """A municipal center acts only for its own region."""
    if principal.role == MUNICIPAL and region != principal.region:
        raise Forbidden("OTHER_REGION", "a municipal center sees only its own region",
                        field="region", details={"region": principal.region})


def check_application(principal, application):
    """Whose application this is: a candidate's own (same ID number), an
    institution's own candidates; center staff see every application."""
    if principal.role == CANDIDATE:
        if application.get("id_number") != principal.id_number or \
                not names.same(application.get("name"), principal.name):
            raise Forbidden("NOT_YOUR_APPLICATION", "this application is not yours",
                            field="application_id")
        if application.get("channel") != "individual" and not principal.verified:
            raise Forbidden("PERSON_NOT_VERIFIED", "an institution registered this "
                            "application: a self-registered account reaches it only once "
                            "the person is verified; ask the institution, or look up its "
                            "status by ID number and name", field="application_id")
    elif principal.role == INSTITUTION:
        if application.get("institution_code") != principal.institution_code:
            raise Forbidden("OTHER_INSTITUTION", "an institution operator sees only their own "
                            "institution's candidates", field="application_id")
    elif principal.role not in CENTER:
        raise Forbidden("ROLE_NOT_ALLOWED", f"a {principal.role} may not see applications")


def candidate_sees(principal, application):
    """Whether check_application lets a candidate see ``application``."""
    try:
        check_application(principal, application)
    except Forbidden:
        return False
    return True


def check_applicant(principal, person):
    """A candidate applies for themselves: the person is the account's person."""
    if principal.role != CANDIDATE:
        return
    number = str(person.get("id_number", "")).strip().upper()
    if number != principal.id_number or not names.same(person.get("name"), principal.name):
        raise Forbidden("NOT_YOURSELF", "a candidate applies for themselves: the name and ID "
                        "number must be the account's", field="person.id_number")


# --- files: who may read an uploaded file --------------------------------------------

def uploader_key(principal):
    """How the services record who uploaded a file: a candidate account by its
    user name, an institution operator by the institution (its colleagues share
    the institution's files); no other role uploads."""
    if principal.role == CANDIDATE:
        return f"candidate:{principal.username}"
    if principal.role == INSTITUTION:
        return f"institution:{principal.institution_code}"
    return None


def may_read_file(principal, readers):
    """An uploaded file (material or receipt) is readable by the roles of the
    center the route admits, by its uploader, and by whoever may see an
    application that holds it (check_application). ``readers`` is what the
    owning service answers: {uploaders: [...], applications: [{id_number, name,
    channel, institution_code}]}; None for a file it does not know."""
    if principal.role not in (CANDIDATE, INSTITUTION):
        return True
    if readers is None:
        return False
    if uploader_key(principal) in readers.get("uploaders", ()):
        return True
    return any(candidate_sees(principal, a) for a in readers.get("applications", ()))


def unreadable_files(principal, refs, readers):
    """The (field, hash) references of ``refs`` the caller may not read: a
    request may attach only files the caller uploaded or may already read
    (else attaching a hash one merely knows would make it readable)."""
    return [(field, key) for field, key in refs
            if not may_read_file(principal, readers.get(key))]


def check_attachable_materials(principal, refs, readers):
    """M1/M2: refuse the first file of ``refs`` the caller may not read, as for a
    file never uploaded (MATERIAL_NOT_FOUND, M1 for a photo, M2 for a scan)."""
    bad = unreadable_files(principal, refs, readers)
    if bad:
        field = bad[0][0]
        raise NotFound("MATERIAL_NOT_FOUND", f"{field}: no uploaded file with this reference; "
                       "upload it first", field=field,
                       rule="M1" if field.endswith(".photo") else "M2")


def check_receipt_readable(principal, readers, field="hash"):
    """M3: a receipt is read (``field`` "hash") or named by a payment only by who
    may read it; otherwise the same 404 as for one never uploaded."""
    if not may_read_file(principal, readers):
        raise NotFound("RECEIPT_NOT_FOUND", "no such receipt" if field == "hash" else
                       "no uploaded receipt with this reference; upload it first",
                       field=field, rule="M3")


# --- verification of the person behind a candidate account ---------------------------

CODE_DIGITS = 6
CODE_TTL_S = 600            # a code is good for 10 minutes
CODE_TRIES = 5              # wrong codes before it is dead
RESEND_AFTER_S = 60         # a new code for the same account after a minute
MOBILE = re.compile(r"^1\d{10}$")


@dataclass(frozen=True)
class PendingCode:
    """A code sent and not yet used: its keyed digest (never the code), when it
    was sent and expires (seconds, any clock the caller keeps), tries spent."""
    digest: str
    nonce: str
    sent_at: float
    expires_at: float
    attempts: int = 0


def mobiles(phones):
    """The numbers of ``phones`` that can receive a text message (mainland
    mobiles), each once, in their order."""
    out = []
    for phone in phones or ():
        phone = re.sub(r"[\s-]", "", str(phone))
        if MOBILE.match(phone) and phone not in out:
            out.append(phone)
    return out


def mask_phone(phone):
    """138****5678: the first 3 and the last 4 digits, as Chinese services show a
    number to the person it belongs to."""
    phone = str(phone or "")
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def new_code(randbelow):
    """A code of CODE_DIGITS digits; ``randbelow`` is secrets.randbelow."""
    return f"{randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def code_key(secret):
    """The key of code digests, derived from the gateway's signing secret."""
    return hmac.new(str(secret).encode("utf-8"), b"skillcert verification code",
                    hashlib.sha256).digest()


def code_digest(key, username, nonce, code):
    """HMAC-SHA256 of the code under the gateway's key, bound to the account and
    a nonce of this code: a copy of the database does not give the codes away
    (a million codes are quickly tried against a plain hash)."""
    message = f"{username}\n{nonce}\n{code}".encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def choose_phone(phones, index):
    """The phone on file the code goes to (the latest an institution entered,
    or the one the person picked by its place in the masked list)."""
    if not phones:
        raise Conflict("NO_PHONE_ON_FILE", "no phone number is on file for this person: "
                       "verification needs the mobile number an institution entered when "
                       "it registered you; ask the institution, or the center")
    if index is None:
        index = 0
    if not 0 <= index < len(phones):
        raise ValidationFailed("VALIDATION_FAILED", f"phone_index: 0 to {len(phones) - 1}",
                               field="phone_index",
                               details={"errors": {"phone_index": ["no such phone"]}})
    return phones[index]


def resend_too_soon(wait_s=RESEND_AFTER_S):
    return TooManyRequests("VERIFICATION_RESEND_TOO_SOON", "a code was sent less than a "
                           "minute ago; wait before asking for another",
                           details={"retry_after_s": round(wait_s, 1)})


def code_locked():
    return Conflict("VERIFICATION_LOCKED", "too many wrong codes: this code no longer "
                    "works; ask for a new one", field="code", details={"tries": CODE_TRIES})


def check_can_send(pending, now):
    """A new code for the same account only RESEND_AFTER_S after the last one."""
    if pending is not None and now - pending.sent_at < RESEND_AFTER_S:
        raise resend_too_soon(RESEND_AFTER_S - (now - pending.sent_at))


def check_can_try(pending, now):
    """Before a code is compared: one was sent, it has not expired, tries are left."""
    if pending is None:
        raise Conflict("VERIFICATION_NOT_REQUESTED", "no code was sent to this account: "
                       "ask for one first", field="code")
    if now >= pending.expires_at:
        raise Conflict("VERIFICATION_CODE_EXPIRED", "the code has expired (10 minutes): "
                       "ask for a new one", field="code")
    if pending.attempts >= CODE_TRIES:
        raise code_locked()


def judge_code(pending, code, key, username):
    """After a try was spent (``pending.attempts`` counts it): None when the code
    is right, else the error to answer (the last wrong try locks the code)."""
    if hmac.compare_digest(code_digest(key, username, pending.nonce, code), pending.digest):
        return None
    left = CODE_TRIES - pending.attempts
    if left <= 0:
        return code_locked()
    return DomainError("VERIFICATION_CODE_WRONG", "the code is wrong", field="code",
                       details={"tries_left": left})


def sms_text(code):
    """The text message (the provider's template says the same)."""
    return (f"您的身份核验验证码为 {code}，{CODE_TTL_S // 60} 分钟内有效。"
            "请勿告诉他人；如非本人操作，请忽略本短信。")


# --- accounts ---------------------------------------------------------------------

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")


def check_password(password, username):
    """At least 8 characters with a letter and a digit, not the user name."""
    problems = []
    if len(password) < 8:
        problems.append("at least 8 characters")
    if len(password) > 128:
        problems.append("at most 128 characters")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        problems.append("a letter and a digit")
    if username and password.lower() == username.lower():
        problems.append("not the user name")
    if problems:
        raise ValidationFailed("WEAK_PASSWORD", "the password needs " + ", ".join(problems),
                               field="password")


def check_account_binding(role, institution_code, region, id_number):
    """An institution operator is bound to an institution, a municipal center to
    a region, a candidate to an ID number; other roles to none of them."""
    needs = {INSTITUTION: "institution_code", MUNICIPAL: "region", CANDIDATE: "id_number"}
    given = {"institution_code": institution_code, "region": region, "id_number": id_number}
    wanted = needs.get(role)
    for field, value in given.items():
        if field == wanted and not value:
            raise ValidationFailed("VALIDATION_FAILED", f"a {role} account needs {field}",
                                   field=field)
        if field != wanted and value:
            raise ValidationFailed("VALIDATION_FAILED", f"a {role} account has no {field}",
                                   field=field)


# --- rate limiting: a token bucket per client ----------------------------------------

@dataclass(frozen=True)
class Bucket:
    tokens: float
    at: float          # monotonic seconds of the last update


def take(bucket, now, capacity, per_second):
    """Spend one token. Returns (allowed, bucket after, seconds until a token)."""
    if bucket is None:
        bucket = Bucket(float(capacity), now)
    tokens = min(float(capacity), bucket.tokens + max(0.0, now - bucket.at) * per_second)
    if tokens >= 1.0:
        return True, Bucket(tokens - 1.0, now), 0.0
    wait = (1.0 - tokens) / per_second if per_second > 0 else float("inf")
    return False, Bucket(tokens, now), wait


def full_again(bucket, now, capacity, per_second):
    """A bucket that has refilled completely carries no information: drop it."""
    return bucket.tokens + (now - bucket.at) * per_second >= capacity


def parse_rate(text):
    """'10/60' -> (capacity 10, 10/60 tokens a second)."""
    try:
        count, seconds = str(text).split("/")
        count, seconds = int(count), float(seconds)
        if count < 1 or seconds <= 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"a rate is COUNT/SECONDS, e.g. 10/60; got {text!r}")
    return count, count / seconds
