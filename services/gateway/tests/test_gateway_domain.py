"""Unit tests of the gateway's pure rules: roles and scopes, passwords, the
token bucket, tokens and password hashes."""
from datetime import datetime, timedelta, timezone

import pytest

from kernel.errors import Forbidden, ValidationFailed

from gateway import auth, domain
from gateway.domain import Principal, Unauthenticated

OPERATOR = Principal("op", domain.INSTITUTION, "op", institution_code="inst-01")
CANDIDATE = Principal("c", domain.CANDIDATE, "张三", id_number="510104199001010011")
REVIEWER = Principal("r", domain.REVIEWER, "r")


def test_public_routes_need_no_token_and_others_need_the_listed_role():
    domain.authorise(domain.EVERYONE, domain.ANONYMOUS)
    with pytest.raises(Unauthenticated):
        domain.authorise((domain.REVIEWER,), domain.ANONYMOUS)
    with pytest.raises(Forbidden) as err:
        domain.authorise((domain.REVIEWER,), CANDIDATE)
    assert err.value.code == "ROLE_NOT_ALLOWED"
    domain.authorise((domain.REVIEWER,), REVIEWER)


def test_an_institution_operator_only_sees_their_own_institution():
    domain.check_institution(OPERATOR, "inst-01")
    with pytest.raises(Forbidden) as err:
        domain.check_institution(OPERATOR, "inst-02")
    assert err.value.code == "OTHER_INSTITUTION"
    domain.check_institution(REVIEWER, "inst-02")           # center staff see every one
    domain.check_application(OPERATOR, {"institution_code": "inst-01"})
    with pytest.raises(Forbidden):
        domain.check_application(OPERATOR, {"institution_code": "inst-02"})
    with pytest.raises(Forbidden):
        domain.check_application(OPERATOR, {"institution_code": None})    # an individual


def test_a_candidate_sees_and_applies_only_for_themselves():
    mine = {"id_number": CANDIDATE.id_number, "name": CANDIDATE.name, "channel": "individual"}
    domain.check_application(CANDIDATE, mine)
    domain.check_application(CANDIDATE, dict(mine, name=CANDIDATE.name + " "))   # normalised
    for other in ({"id_number": "110101199001010015"}, {"name": "李四"}):
        with pytest.raises(Forbidden) as err:
            domain.check_application(CANDIDATE, dict(mine, **other))
        assert err.value.code == "NOT_YOUR_APPLICATION"
    # what an institution registered for the person: not before they are verified
    with pytest.raises(Forbidden) as err:
        domain.check_application(CANDIDATE, dict(mine, channel="institution"))
    assert err.value.code == "PERSON_NOT_VERIFIED"
    assert not domain.candidate_sees(CANDIDATE, dict(mine, channel="institution"))
    domain.check_applicant(CANDIDATE, {"id_number": CANDIDATE.id_number.lower(), "name": "张三"})
    with pytest.raises(Forbidden):
        domain.check_applicant(CANDIDATE, {"id_number": CANDIDATE.id_number, "name": "李四"})
    with pytest.raises(Forbidden):       # municipal centers review assessors, not candidates
        domain.check_application(Principal("m", domain.MUNICIPAL, "m", region="x"), {})


def test_passwords_need_eight_characters_a_letter_and_a_digit():
    domain.check_password("abcdefg1", "someone")
    for weak in ("short1", "allletters", "12345678", "Someone12"):
        with pytest.raises(ValidationFailed) as err:
            domain.check_password(weak, "someone12")
        assert err.value.code == "WEAK_PASSWORD" and err.value.field == "password"


def test_accounts_are_bound_to_what_their_role_needs():
    domain.check_account_binding(domain.INSTITUTION, "inst-01", None, None)
    domain.check_account_binding(domain.MUNICIPAL, None, "chengdu", None)
    domain.check_account_binding(domain.FINANCE, None, None, None)
    with pytest.raises(ValidationFailed) as err:
        domain.check_account_binding(domain.INSTITUTION, None, None, None)
    assert err.value.field == "institution_code"
    with pytest.raises(ValidationFailed):
        domain.check_account_binding(domain.FINANCE, "inst-01", None, None)


def test_token_bucket_allows_a_burst_then_one_per_interval():
    bucket, now = None, 100.0
    for _ in range(3):
        allowed, bucket, _ = domain.take(bucket, now, 3, 0.5)
        assert allowed
    allowed, bucket, wait = domain.take(bucket, now, 3, 0.5)
    assert not allowed and wait == pytest.approx(2.0)
    allowed, bucket, _ = domain.take(bucket, now + 2.0, 3, 0.5)
    assert allowed
    assert domain.full_again(bucket, now + 8.0, 3, 0.5)
    assert domain.parse_rate("10/60") == (10, 10 / 60)
    with pytest.raises(ValueError):
        domain.parse_rate("ten a minute")


def test_password_hashes_verify_and_carry_their_cost():
    stored = auth.hash_password("abcdefg1", n=1024)
    assert stored.startswith("scrypt$1024$")
    assert auth.verify_password("abcdefg1", stored)
    assert not auth.verify_password("abcdefg2", stored)
    assert not auth.verify_password("abcdefg1", "garbage")
    assert auth.needs_rehash(stored, 2048) and not auth.needs_rehash(stored, 1024)


class _Account:
    username, role, token_version, institution_code = "op", domain.INSTITUTION, 3, "inst-01"


def test_tokens_are_signed_and_expire():
    now = datetime.now(timezone.utc)
    token = auth.issue_token("k" * 32, _Account(), now, 60)
    claims = auth.read_token("k" * 32, token)
    assert (claims["sub"], claims["role"], claims["inst"], claims["ver"]) == \
        ("op", domain.INSTITUTION, "inst-01", 3)
    with pytest.raises(Unauthenticated) as err:
        auth.read_token("x" * 32, token)
    assert err.value.code == "TOKEN_INVALID"
    old = auth.issue_token("k" * 32, _Account(), now - timedelta(hours=2), 60)
    with pytest.raises(Unauthenticated) as err:
        auth.read_token("k" * 32, old)
    assert err.value.code == "TOKEN_EXPIRED"
    assert auth.bearer(None) is None and auth.bearer("Bearer abc") == "abc"
    with pytest.raises(Unauthenticated):
        auth.bearer("Basic abc")


def test_file_names_in_chinese_travel_in_an_ascii_header():
    from gateway.web import content_disposition
    header = content_disposition("准考证-inst-01.pdf")
    header.encode("latin-1")
    assert 'filename="___-inst-01.pdf"' in header
    assert "filename*=UTF-8''%E5%87%86%E8%80%83%E8%AF%81-inst-01.pdf" in header
