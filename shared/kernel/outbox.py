"""Events: the envelope, the transactional outbox, the idempotent inbox.

``emit(session, "application_submitted", payload)`` writes the event into the
service's ``outbox`` table in the caller's transaction. After the commit the
Database dependency hands the new rows to ``Relay.publish``, which sends them
to the exchange ``<service>.events`` (routing key: the event name, so nameko's
``event_handler("<service>", "<event>")`` and any AMQP client can bind to it)
with publisher confirms, then marks them published. What a crash left
unpublished, ``Relay.sweep`` sends later (a timer in every service). Delivery
is at-least-once; ``claim`` makes handlers apply an event once.
"""
import logging
import uuid

from kombu import Exchange
from nameko.amqp.publish import Publisher
from sqlalchemy import insert, select, update

from kernel.db import utcnow

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


def envelope(producer, event, payload, schema_version=SCHEMA_VERSION, event_id=None,
             occurred_at=None):
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "type": f"{producer}.{event}",
        "occurred_at": (occurred_at or utcnow()).isoformat(),
        "producer": producer,
        "schema_version": schema_version,
        "payload": payload,
    }


def event_exchange(service):
    return Exchange(f"{service}.events", type="topic", durable=True, auto_delete=False)


def emit(session, event, payload, schema_version=SCHEMA_VERSION):
    """Record ``event`` in this transaction; it is published after the commit."""
    service = session.info["service"]
    env = envelope(service, event, payload, schema_version)
    outbox = _table(session, "outbox")
    result = session.execute(insert(outbox).values(
        event_id=env["event_id"], event_type=event, envelope=env, created_at=utcnow()))
    session.info.setdefault("outbox", []).append(result.inserted_primary_key[0])
    return env


EMIT_CHUNK = 500   # rows per INSERT and ids per SELECT IN (SQLite's 999 bound variables)


def emit_many(session, event, payloads, schema_version=SCHEMA_VERSION):
    """``emit`` for many events of one kind in one transaction: one multi-row
    INSERT and one SELECT of the new rows' ids per 500 events, instead of one
    INSERT ... RETURNING round trip per event (confirming one institution's
    4,000 payments took 4,000 of them, docs/performance.md). The ids are queued
    for the relay in the order of ``payloads``; returns the envelopes."""
    payloads = list(payloads)
    if not payloads:
        return []
    service = session.info["service"]
    outbox = _table(session, "outbox")
    now = utcnow()
    envs = [envelope(service, event, payload, schema_version, occurred_at=now)
            for payload in payloads]
    queued = session.info.setdefault("outbox", [])
    for n in range(0, len(envs), EMIT_CHUNK):
        chunk = envs[n:n + EMIT_CHUNK]
        session.execute(insert(outbox), [
            {"event_id": env["event_id"], "event_type": event, "envelope": env,
             "created_at": now} for env in chunk])
        ids = dict(session.execute(select(outbox.c.event_id, outbox.c.id).where(
            outbox.c.event_id.in_([env["event_id"] for env in chunk]))).all())
        queued.extend(ids[env["event_id"]] for env in chunk)
    return envs


def _table(session, name):
    return session.info["tables"][name]


def claim(session, event_id, handler):
    """True the first time ``handler`` sees ``event_id``; False after that.

    The inbox row is written in the handler's own transaction, so the event
    counts as applied exactly when the handler's changes commit. Two replicas
    racing on a redelivery: one commit fails on the primary key, its handler
    is retried and then finds the row.
    """
    inbox = _table(session, "inbox")
    seen = session.execute(select(inbox.c.event_id).where(
        inbox.c.event_id == event_id, inbox.c.handler == handler)).first()
    if seen:
        return False
    session.execute(insert(inbox).values(event_id=event_id, handler=handler,
                                         processed_at=utcnow()))
    return True


def claim_many(session, event_ids, handler):
    """The ids of ``event_ids`` that ``handler`` has not seen, claimed in one
    query and one insert: ``claim`` for a batch of deliveries
    (``handles(..., batch=n)``), with the same exactly-once-with-the-commit
    meaning. An id twice in ``event_ids`` is claimed once."""
    inbox = _table(session, "inbox")
    wanted = list(dict.fromkeys(event_ids))
    if not wanted:
        return set()
    seen = set(session.scalars(select(inbox.c.event_id).where(
        inbox.c.handler == handler, inbox.c.event_id.in_(wanted))))
    fresh = [event_id for event_id in wanted if event_id not in seen]
    if fresh:
        now = utcnow()
        session.execute(insert(inbox), [{"event_id": event_id, "handler": handler,
                                         "processed_at": now} for event_id in fresh])
    return set(fresh)


class Relay:
    """Publishes outbox rows with confirms and marks them published."""

    def __init__(self, service, engine, metadata, amqp_uri):
        self.service = service
        self.engine = engine
        self.outbox = metadata.tables["outbox"]
        self.exchange = event_exchange(service)
        self.publisher = Publisher(amqp_uri, use_confirms=True, serializer="json",
                                   declare=[self.exchange])
        self.pending = []
        self.flushing = False
        self.inflight = set()   # ids queued or being sent by this replica's flusher

    def publish_soon(self, ids):
        """Queue committed outbox rows for a background flusher, which publishes
        whatever has gathered in order and marks it published in one UPDATE, so
        the worker that committed is free at once and a busy service writes one
        mark per batch instead of one per event. What a stop leaves behind the
        sweep publishes."""
        import eventlet
        self.pending.extend(ids)
        self.inflight.update(ids)
        if not self.flushing:
            self.flushing = True
            eventlet.spawn_n(self._flush)

    def _flush(self):
        try:
            while self.pending:
                ids, self.pending = self.pending, []
                try:
                    self.publish(ids)
                except Exception:
                    log.warning("outbox relay failed; the sweep will retry", exc_info=True)
                finally:
                    self.inflight.difference_update(ids)
        finally:
            self.flushing = False

    def publish(self, ids):
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.outbox).where(
                self.outbox.c.id.in_(ids), self.outbox.c.published_at.is_(None))
                .order_by(self.outbox.c.id)).mappings().all()
        self._send(rows)

    def _send(self, rows):
        from kernel import metrics
        sent = []
        try:
            for row in rows:
                self.publisher.publish(row["envelope"], exchange=self.exchange,
                                       routing_key=row["event_type"],
                                       headers={"skillcert.event_id": row["event_id"]})
                sent.append(row["id"])
                metrics.EVENTS_PUBLISHED.labels(self.service, row["event_type"]).inc()
        finally:
            if sent:   # confirmed by the broker: mark them, even if a later one failed
                with self.engine.begin() as conn:
                    conn.execute(update(self.outbox).where(self.outbox.c.id.in_(sent))
                                 .values(published_at=utcnow()))

    def sweep(self, older_than_seconds=2, limit=500):
        """Publish what is still unpublished; returns (sent, backlog). Rows this
        replica's flusher still has queued are left to it: 4,000 events of one
        commit take the flusher seconds, and the sweep sent dozens of them a
        second time (docs/performance.md, 2026-12-06)."""
        from datetime import timedelta
        from sqlalchemy import func
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.outbox).where(
                self.outbox.c.published_at.is_(None), self.outbox.c.created_at <= cutoff)
                .order_by(self.outbox.c.id).limit(limit)).mappings().all()
        rows = [row for row in rows if row["id"] not in self.inflight]
        self._send(rows)
        with self.engine.connect() as conn:
            backlog = conn.execute(select(func.count()).select_from(self.outbox).where(
                self.outbox.c.published_at.is_(None))).scalar_one()
        return len(rows), backlog


