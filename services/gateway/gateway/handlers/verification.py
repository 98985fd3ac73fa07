"""身份核验: the person behind a self-registered candidate account proves to be
the person an institution registered, by a code sent to the phone number that
institution entered (the phone on file, registration.phones_on_file). Until
then the account reaches only the applications it submitted itself
(domain.check_application: PERSON_NOT_VERIFIED). docs/verification.md.

Codes: 6 digits from ``secrets``, kept only as a keyed digest, 10 minutes, 5
tries (each try is spent in its own transaction before the code is compared,
so parallel guesses cannot exceed it), one a minute per account, and
GATEWAY_SMS_RATE_LIMIT per account and per phone number. Neither the code nor
the full number is ever logged or answered.
"""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from kernel.db import utcnow
from kernel.errors import Conflict

from gateway import domain
from gateway.models import VerificationCode


def _phones(ctx):
    p = ctx.principal
    return domain.mobiles(ctx.rpc("registration").phones_on_file(p.id_number, p.name))


def _pending(row):
    if row is None:
        return None
    return domain.PendingCode(digest=row.digest, nonce=row.nonce,
                              sent_at=row.sent_at.timestamp(),
                              expires_at=row.expires_at.timestamp(), attempts=row.attempts)


def _not_yet_verified(account):
    if account.verified:
        raise Conflict("ALREADY_VERIFIED", "this account's person is verified already")


def _verified(account):
    return {"verified": account.verified, "verified_at": account.verified_at,
            "verified_phone": account.verified_phone}


def status(ctx):
    """Verified or not; the masked phones on file; the code pending, if any."""
    account = ctx.account
    out = dict(_verified(account), phones=[], pending=None)
    if account.verified:
        return out
    out["phones"] = [domain.mask_phone(p) for p in _phones(ctx)]
    row = ctx.db.get(VerificationCode, account.username)
    pending = _pending(row)
    now = utcnow().timestamp()
    if pending is not None and now < pending.expires_at and pending.attempts < domain.CODE_TRIES:
        out["pending"] = {
            "phone": row.phone_masked,
            "expires_in_s": int(pending.expires_at - now),
            "resend_after_s": max(0, int(domain.RESEND_AFTER_S - (now - pending.sent_at))),
            "tries_left": domain.CODE_TRIES - pending.attempts}
    return out


def send(ctx):
    """A new code to the phone on file (the latest an institution entered, or
    ``phone_index`` of the masked list)."""
    account = ctx.account
    _not_yet_verified(account)
    username = account.username
    row = ctx.db.get(VerificationCode, username)
    now = utcnow()
    domain.check_can_send(_pending(row), now.timestamp())
    phone = domain.choose_phone(_phones(ctx), (ctx.data or {}).get("phone_index"))
    ctx.service.limiter.take_sms("account", username)
    ctx.service.limiter.take_sms("phone", hashlib.sha256(phone.encode()).hexdigest())
    code = domain.new_code(secrets.randbelow)
    nonce = secrets.token_hex(16)
    values = {"digest": domain.code_digest(domain.code_key(ctx.keys.secret), username, nonce,
                                           code),
              "nonce": nonce, "phone_masked": domain.mask_phone(phone), "attempts": 0,
              "sent_at": now, "expires_at": now + timedelta(seconds=domain.CODE_TTL_S)}
    if row is None:
        ctx.db.add(VerificationCode(username=username, **values))
        try:
            ctx.db.flush()
        except IntegrityError:          # a parallel request sent one just now
            ctx.db.rollback()
            raise domain.resend_too_soon()
    else:
        # only if no other request sent one meanwhile (another replica, say)
        cutoff = now - timedelta(seconds=domain.RESEND_AFTER_S)
        done = ctx.db.execute(update(VerificationCode).where(
            VerificationCode.username == username, VerificationCode.sent_at <= cutoff)
            .values(**values), execution_options={"synchronize_session": False})
        if done.rowcount != 1:
            raise domain.resend_too_soon()
    ctx.service.sms.send(phone, code)
    return {"phone": values["phone_masked"], "expires_in_s": domain.CODE_TTL_S,
            "resend_after_s": domain.RESEND_AFTER_S, "tries_left": domain.CODE_TRIES}


def confirm(ctx):
    """The code: right, and the account is verified from now on."""
    account = ctx.account
    _not_yet_verified(account)
    username = account.username
    row = ctx.db.get(VerificationCode, username)
    domain.check_can_try(_pending(row), utcnow().timestamp())
    # spend the try first, in a transaction of its own: an error answer below
    # rolls the request back, and parallel guesses each spend one
    spent = ctx.db.execute(update(VerificationCode).where(
        VerificationCode.username == username, VerificationCode.attempts < domain.CODE_TRIES)
        .values(attempts=VerificationCode.attempts + 1),
        execution_options={"synchronize_session": False})
    ctx.db.commit()
    if spent.rowcount != 1:             # parallel tries spent the last ones
        raise domain.code_locked()
    ctx.db.refresh(row)
    error = domain.judge_code(_pending(row), ctx.data["code"],
                              domain.code_key(ctx.keys.secret), username)
    if error is not None:
        raise error
    account.verified_at = utcnow()
    account.verified_phone = row.phone_masked
    account.updated_at = utcnow()
    ctx.db.delete(row)
    return _verified(account)
