"""Password hashes (scrypt, standard library) and signed tokens (JWT, HS256).

A hash is ``scrypt$<n>$<r>$<p>$<salt b64>$<key b64>``: the cost travels with
it, so raising GATEWAY_SCRYPT_N later leaves old hashes valid (they are
re-hashed at the next sign-in). The key derivation runs in a real thread
(eventlet's tpool) so it neither blocks the other requests of this process nor
keeps to one core.

A token carries the user name, the role, the institution (operators), the
account's token version (a password change or a disable bumps it, so older
tokens stop working) and an expiry; it is checked against the account on
every request.
"""
import base64
import hashlib
import hmac
import os
from datetime import timedelta

import jwt
from eventlet import tpool

from gateway.domain import Unauthenticated

ALGORITHM = "HS256"
ISSUER = "skillcert-gateway"
DEFAULT_N = 2 ** 15
R, P, DKLEN = 8, 1, 32


def _b64(raw):
    return base64.b64encode(raw).decode("ascii")


def _derive(password, salt, n, r, p):
    return tpool.execute(hashlib.scrypt, password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                         dklen=DKLEN, maxmem=256 * n * r + 1024 * 1024)


def hash_password(password, n=DEFAULT_N):
    salt = os.urandom(16)
    return f"scrypt${n}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, n, R, P))}"


def verify_password(password, stored):
    """True when ``password`` matches ``stored``."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        derived = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, base64.b64decode(key))


_DECOYS = {}


def decoy_hash(n):
    """A hash of a random password at cost ``n``, for user names that do not exist."""
    if n not in _DECOYS:
        _DECOYS[n] = hash_password(base64.b64encode(os.urandom(18)).decode(), n)
    return _DECOYS[n]


def needs_rehash(stored, n):
    try:
        return int(stored.split("$")[1]) < n
    except (IndexError, ValueError):
        return True


def issue_token(secret, account, now, ttl_seconds):
    claims = {"iss": ISSUER, "sub": account.username, "role": account.role,
              "ver": account.token_version, "iat": now,
              "exp": now + timedelta(seconds=ttl_seconds)}
    if account.institution_code:
        claims["inst"] = account.institution_code
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(secret, token):
    """The claims of a valid token, else Unauthenticated (401)."""
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                          options={"require": ["exp", "sub", "role", "ver"]})
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("TOKEN_EXPIRED", "the token has expired: sign in again")
    except jwt.InvalidTokenError:
        raise Unauthenticated("TOKEN_INVALID", "the token is not valid: sign in again")


def bearer(header):
    """The token in an ``Authorization: Bearer <token>`` header, or None."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("TOKEN_INVALID", "use the header Authorization: Bearer <token>")
    return token.strip()
