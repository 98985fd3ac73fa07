"""The gateway's rules, pure: roles, who may see what, passwords, the rate
limiter's bucket. No broker, no database, no clock (``now`` is passed in)."""
from dataclasses import dataclass
import re

from kernel import names
from kernel.errors import DomainError, Forbidden, ValidationFailed

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
    # (there is no verification path yet: docs/security.md), so until then
    # the account reaches only what it submitted itself
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
