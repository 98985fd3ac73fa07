"""Review's bulk decisions: many items in one call, each with its own outcome
(all-or-nothing per item). It moved here from the kernel (#14: the kernel keeps
plumbing only); the review service's ``decide_many`` is its one user.

    results = bulk.each(self.db, request["decisions"], decide_one,
                        ident=lambda item: {"application_id": item.get("application_id")})

``fn(item)`` runs inside a SAVEPOINT (``session.begin_nested()``). When it
raises a DomainError, that item's changes are rolled back, the events it
emitted are dropped from the relay list, and its result is
``{"index": i, **ident(item), "ok": False, "error": err.to_dict()}``; when it
returns a dict, the result is ``{"index": i, **ident(item), "ok": True, **dict}``.
Any other exception fails the whole call: the entrypoint rolls everything back
(a bug is not an item's outcome).

SQLite: pysqlite opens its transaction only before an INSERT/UPDATE/DELETE, and
a SAVEPOINT issued outside a transaction becomes the transaction, so releasing
it commits at once (the caller's rollback would then not undo it). ``each``
opens the outer transaction first, so every SAVEPOINT really nests.
"""
from kernel.errors import DomainError


def begin(session):
    """Make sure the session's transaction is open on the database itself."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")
    return connection


def each(session, items, fn, ident=None):
    begin(session)
    results = []
    for index, item in enumerate(items):
        head = {"index": index}
        if ident is not None:
            head.update(ident(item))
        outbox = session.info.setdefault("outbox", [])
        emitted = len(outbox)
        nested = session.begin_nested()
        try:
            out = fn(item) or {}
            session.flush()
        except DomainError as err:
            nested.rollback()
            del outbox[emitted:]
            results.append({**head, "ok": False, "error": err.to_dict()})
            continue
        except BaseException:
            nested.rollback()
            del outbox[emitted:]
            raise
        nested.commit()
        results.append({**head, **out, "ok": True})
    return results


def summary(results):
    """{"ok": n, "failed": m} for a list from ``each``."""
    ok = sum(1 for r in results if r["ok"])
    return {"ok": ok, "failed": len(results) - ok}
