"""Idempotent mutating RPCs: the same idempotency key gives the same answer.

    done = idempotency.replayed(self.db, key, "submit_application", request)
    if done is not None:
        return done
    ... do the work ...
    return idempotency.remember(self.db, key, "submit_application", request, result)

The stored answer commits in the same transaction as the work, so a retried
call after a lost reply returns the first answer and changes nothing. The same
key with a different request is refused (IDEMPOTENCY_KEY_REUSED).
"""
import hashlib
import json

from sqlalchemy import insert, select

from kernel.db import utcnow
from kernel.errors import Conflict


def _hash(request):
    raw = json.dumps(request, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def replayed(session, key, operation, request):
    if not key:
        return None
    table = session.info["tables"]["idempotency"]
    row = session.execute(select(table).where(table.c.key == key)).mappings().first()
    if row is None:
        return None
    if row["operation"] != operation or row["request_hash"] != _hash(request):
        raise Conflict("IDEMPOTENCY_KEY_REUSED", "this idempotency key was already used for "
                       "a different request", field="idempotency_key")
    return row["response"]


def remember(session, key, operation, request, response):
    if key:
        table = session.info["tables"]["idempotency"]
        session.execute(insert(table).values(key=key, operation=operation,
                                             request_hash=_hash(request), response=response,
                                             created_at=utcnow()))
    return response
