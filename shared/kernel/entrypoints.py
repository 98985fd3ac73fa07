"""The kernel's nameko entrypoints: ``rpc``, ``timer`` and ``handles``.

Each one finishes the unit of work (commit or rollback through the Database
dependency) before it answers, and records metrics. nameko's own entrypoints
answer first and tear down after, which would let a caller see success for a
transaction that failed to commit, and lets an event handler's failure ack the
message and lose it.

``handles(source, event)`` is an event handler with
- an inbox: an event id is applied once per handler, whatever the redelivery;
- retry with backoff: a failed message goes to ``<queue>.retry.<delay>ms``,
  a queue whose TTL is that delay, and the broker dead-letters it back to
  ``<queue>`` when the TTL ends (delays from HANDLER_RETRY_DELAYS, default
  1 s, 5 s, 30 s; one queue per delay);
- a dead-letter queue ``<queue>.dlq`` after the last retry (or at once for an
  event whose payload is invalid: a retry cannot fix it), which ops list and
  replay (``python -m kernel.dlq``).
If even the retry publish fails, the message is requeued: never acked and lost.

``handles(source, event, batch=n)`` takes deliveries in batches of up to n
(its consumer's prefetch is 2n, so the next batch gathers while one runs): one
worker, one transaction, one inbox query and insert (``outbox.claim_many``) and
one commit for the batch, the acks after the commit. A batch waits at most
BATCH_LINGER for more deliveries. When anything in a batch fails (the handler
raises for one event, the commit fails), nothing of it is kept and every event
of it runs again on its own as above, with its own retries and dead letter: a
batch never changes what happens to an event, only what it costs.

Every delivery is read by ``kernel.amqp.QueueConsumer``: JSON only, refusals to
the dead-letter queues, acks on a dead channel dropped (docs/robustness-kernel.md).
"""
import functools
import inspect
import logging
import sys

import eventlet
from kombu import Connection, Queue
from nameko import events as nameko_events
from nameko import rpc as nameko_rpc
from nameko import timer as nameko_timer
from nameko.amqp.publish import Publisher
from nameko.exceptions import ContainerBeingKilled

from kernel import metrics, settings
from kernel.amqp import (ATTEMPT_HEADER, DB_ATTEMPT_HEADER, ERROR_HEADER, JSON,
                         ORIGIN_HEADER, REASON_HEADER, ROUTING_KEY_HEADER, QueueConsumer,
                         dead_letter_exchange, declare_missing, durable_arguments, park,
                         publish_raw, use_if_exists)
from kernel.errors import DomainError, RequestRefused, is_database_error

log = logging.getLogger(__name__)

BATCH_LINGER = 0.02    # seconds a batch waits for more deliveries
EVENT_BATCH = 100      # the batch of the handlers of one event per candidate (handles(batch=))

__all__ = ["rpc", "timer", "handles", "Deliveries", "EVENT_BATCH", "payload_ids", "ATTEMPT_HEADER", "DB_ATTEMPT_HEADER", "ERROR_HEADER",
           "ORIGIN_HEADER", "rpc_dead_letter_queue", "handler_queue_name"]


def rpc_dead_letter_queue(service):
    """Where a service's refused RPC requests go: ``rpc-<service>.dlq``."""
    return nameko_rpc.RPC_QUEUE_TEMPLATE.format(service) + ".dlq"


def handler_queue_name(service, source_service, event_type, method_name):
    """nameko's queue name of a service-pool event handler."""
    return f"evt-{source_service}-{event_type}--{service}.{method_name}"


class UnitOfWork:
    kind = "?"

    def finish(self, worker_ctx, result, exc_info):
        from kernel.db import Database
        for dep in self.container.dependencies:
            if isinstance(dep, Database):
                exc_info = dep.finish(worker_ctx, exc_info)
        for dep in self.container.dependencies:
            if isinstance(dep, metrics.Metrics):
                dep.observe(worker_ctx, self.kind, exc_info)
        return (None if exc_info else result), exc_info


class RpcConsumer(nameko_rpc.RpcConsumer):
    """Reads every RPC request before any work is done. A request is refused,
    dead-lettered to ``rpc-<service>.dlq`` with the reason and acked (and
    answered with a RequestRefused error when it has a reply address) when it

    - is over RPC_MAX_BYTES (default 32 MiB), or its body is not JSON;
    - has no ``reply_to`` (nameko's responder dies on it with a KeyError after
      the work is done, and the unacked request kills every replica in turn);
    - names a method the service does not have, or is not ``{"args": [...],
      "kwargs": {...}}``.
    A request without content_type is read as JSON, and answered in JSON."""

    queue_consumer = QueueConsumer()

    def setup(self):
        super().setup()
        config = self.container.config
        self.max_bytes = settings.rpc_max_bytes(config)
        self.amqp_uri = settings.amqp_uri(config)
        self.dead_letter_exchange = dead_letter_exchange(self.container.service_name)
        self.dead_letter_queue = Queue(rpc_dead_letter_queue(self.container.service_name),
                                       durable=True, queue_arguments=durable_arguments(
                                           config, consumed=False))
        # rpc-<service>: quorum on a cluster (its consumers declare it)
        self.queue.queue_arguments = durable_arguments(
            config, self.dead_letter_exchange.name, self.dead_letter_queue.name)
        with Connection(self.amqp_uri) as conn:
            use_if_exists(conn, self.queue.exchange)          # nameko-rpc
            channel = conn.channel()
            self.dead_letter_queue(channel).declare()
            park(channel, self.dead_letter_exchange, self.dead_letter_queue.name)
        self.dead_letter_publisher = Publisher(self.amqp_uri, use_confirms=True)

    def handle_message(self, body, message):
        message.properties["content_type"] = JSON       # answer in JSON, whatever came
        service = self.container.service_name
        routing_key = message.delivery_info.get("routing_key", "")
        details = {"service": service, "routing_key": routing_key[:200]}
        if not message.properties.get("reply_to"):
            return self.refuse(message, RequestRefused(
                "RPC_NO_REPLY_TO", "the request has no reply_to", details=details))
        provider = next((p for p in self._providers
                         if routing_key == f"{service}.{p.method_name}"), None)
        if provider is None:
            return self.refuse(message, RequestRefused(
                "RPC_METHOD_UNKNOWN", f"{service} has no method "
                f"{routing_key.rsplit('.', 1)[-1][:100]!r}", details=details))
        if not (isinstance(body, dict) and isinstance(body.get("args"), list)
                and isinstance(body.get("kwargs"), dict)
                and all(isinstance(k, str) for k in body["kwargs"])):
            return self.refuse(message, RequestRefused(
                "RPC_MALFORMED", 'the body is not {"args": [...], "kwargs": {...}}',
                details=dict(details, reason="MALFORMED")))
        try:
            provider.handle_message(body, message)
        except Exception:
            self.handle_result(message, None, sys.exc_info())

    def refuse(self, message, error, reason=None):
        """Dead-letter the request, answer it with ``error`` if it can be, ack it.
        (kernel.amqp.QueueConsumer calls it with a code and a reason: TOO_LARGE,
        NOT_JSON.)"""
        service = self.container.service_name
        routing_key = message.delivery_info.get("routing_key", "")
        details = {"service": service, "routing_key": routing_key[:200]}
        if error == "TOO_LARGE":
            error = RequestRefused("BODY_TOO_LARGE", reason, details={
                "max_bytes": self.max_bytes, "service": service,
                "routing_key": routing_key[:200]})
        elif not isinstance(error, DomainError):          # NOT_JSON
            error = RequestRefused("RPC_MALFORMED", reason,
                                   details=dict(details, reason=str(error)))
        try:
            publish_raw(self.dead_letter_publisher, message, self.dead_letter_exchange,
                        self.dead_letter_queue.name, {
                REASON_HEADER: error.code, ERROR_HEADER: str(error)[:500],
                ORIGIN_HEADER: self.queue.name, ROUTING_KEY_HEADER: routing_key[:200]})
        except Exception as exc:
            log.warning("%s: could not dead-letter a refused request (%s); requeueing it",
                        service, type(exc).__name__)
            self.queue_consumer.requeue_message(message)
            return
        metrics.RPC_REFUSED.labels(service, error.code).inc()
        log.warning("%s: RPC request refused and dead-lettered (%s)", service, error)
        if message.properties.get("reply_to"):
            message.properties["content_type"] = JSON
            try:
                raise error
            except DomainError:
                self.handle_result(message, None, sys.exc_info())
            return
        self.queue_consumer.ack_message(message)

    def handle_result(self, message, result, exc_info):
        """Answer, then ack. A reply that cannot be sent (the broker went away)
        is logged: the request's ack is dropped with its channel and the broker
        redelivers it; the kernel's idempotency makes the rerun harmless."""
        responder = nameko_rpc.Responder(
            self.container.config[nameko_rpc.AMQP_URI_CONFIG_KEY],
            nameko_rpc.get_rpc_exchange(self.container.config), "json", message,
            ssl=self.container.config.get(nameko_rpc.AMQP_SSL_CONFIG_KEY),
            login_method=self.container.config.get(nameko_rpc.LOGIN_METHOD_CONFIG_KEY))
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except Exception as exc:
            log.warning("%s: the reply could not be sent (%s)", self.container.service_name,
                        type(exc).__name__)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class Rpc(UnitOfWork, nameko_rpc.Rpc):
    """An RPC whose unit of work failed on the database (DATABASE_BUSY, or
    DATABASE_UNAVAILABLE before its commit) runs again after RPC_DB_RETRY_DELAYS
    before anyone is answered, so a start-up call (the reference data) or a
    lock held a moment longer does not fail on the first try. A commit that
    failed because the database went away is not run again (it may have
    committed); the caller hears DATABASE_UNAVAILABLE."""
    kind = "rpc"
    rpc_consumer = RpcConsumer()

    def __init__(self, expected_exceptions=(DomainError,), **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def setup(self):
        super().setup()
        self.db_retry_delays = settings.rpc_db_retry_delays(self.container.config)
        # the method's signature, once: nameko's check runs inspect.getcallargs
        # on every call (docs/performance.md); the decorated method as nameko sees
        # it, not what functools.wraps points to
        self.signature = inspect.signature(getattr(self.container.service_cls,
                                                   self.method_name), follow_wrapped=False)

    def check_signature(self, args, kwargs):
        """Wrong arguments are a structured error like any other bad input."""
        from kernel.errors import ValidationFailed
        try:
            self.signature.bind(None, *args, **kwargs)     # None: the unbound self
        except TypeError as exc:
            raise ValidationFailed("BAD_ARGUMENTS", f"{self.method_name}: {exc}",
                                   details={"method": self.method_name})

    def handle_message(self, body, message):
        args, kwargs = body["args"], body["kwargs"]
        self.check_signature(args, kwargs)
        self._spawn(message, args, kwargs, self.unpack_message_headers(message), 0)

    def _spawn(self, message, args, kwargs, context_data, attempt):
        try:
            self.container.spawn_worker(
                self, args, kwargs, context_data=context_data,
                handle_result=functools.partial(self.handle_result, message, attempt=attempt))
        except ContainerBeingKilled:
            self.rpc_consumer.requeue_message(message)

    def handle_result(self, message, worker_ctx, result, exc_info, attempt=0):
        result, exc_info = self.finish(worker_ctx, result, exc_info)
        if exc_info is not None and attempt < len(self.db_retry_delays) \
                and self._worth_another_run(exc_info[1]):
            delay = self.db_retry_delays[attempt]
            args, kwargs, data = worker_ctx.args, worker_ctx.kwargs, dict(worker_ctx.data)
            log.info("%s failed on the database (%s); running it again in %s s",
                     self.method_name, exc_info[1].code, delay)

            def again():
                eventlet.sleep(delay)
                self._spawn(message, args, kwargs, data, attempt + 1)
            self.container.spawn_managed_thread(again, identifier=f"rpc-db-retry[{attempt}]")
            return result, exc_info
        return self.rpc_consumer.handle_result(message, result, exc_info)

    @staticmethod
    def _worth_another_run(exc):
        if not is_database_error(exc):
            return False
        return exc.code == "DATABASE_BUSY" or not getattr(exc, "at_commit", False)


rpc = Rpc.decorator


class Timer(UnitOfWork, nameko_timer.Timer):
    kind = "timer"

    def handle_result(self, worker_ctx, result, exc_info):
        result, exc_info = self.finish(worker_ctx, result, exc_info)
        return super().handle_result(worker_ctx, result, exc_info)


timer = Timer.decorator


class Deliveries(list):
    """The events of one batch, as a batching handler's worker gets them: a type
    no message body can be, so a body that is a JSON list is never taken for one."""


class EventHandler(UnitOfWork, nameko_events.EventHandler):
    """See the module's docstring. Two retry budgets: a failure on the database
    (DATABASE_BUSY / DATABASE_UNAVAILABLE) counts against HANDLER_DB_RETRY_DELAYS
    (default about 19 minutes: an outage of a few minutes dead-letters nothing),
    any other failure against HANDLER_RETRY_DELAYS. A body that is not JSON goes
    to the dead-letter queue at once."""
    kind = "event"
    queue_consumer = QueueConsumer()

    def __init__(self, source_service, event_type, batch=None, **kwargs):
        kwargs.setdefault("expected_exceptions", (DomainError,))
        super().__init__(source_service, event_type, handler_type=nameko_events.SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=False, **kwargs)
        self.batch = batch
        self.prefetch = 2 * batch if batch else None     # kernel.amqp.QueueConsumer
        self.waiting = []              # (body, message) of the batch being gathered
        self.lingering = False

    def setup(self):
        super().setup()
        config = self.container.config
        self.amqp_uri = settings.amqp_uri(config)
        self.delays = settings.handler_retry_delays(config)
        self.db_delays = settings.handler_db_retry_delays(config)
        # retries, dead letters and replays go through <service>.dlx, never the
        # default exchange (kernel.amqp.dead_letter_exchange)
        self.parking = dead_letter_exchange(self.container.service_name)
        # one retry queue per delay, the TTL on the queue: RabbitMQ expires
        # messages only at the head of a queue, so one queue with per-message
        # TTLs would hold a 1 s retry behind a 30 s one
        self.retry_queues = {
            delay: Queue(f"{self.queue.name}.retry.{int(delay * 1000)}ms", durable=True,
                         queue_arguments=durable_arguments(
                             config, self.parking.name, self.queue.name,
                             ttl_ms=int(delay * 1000), consumed=False))
            for delay in sorted(set(self.delays) | set(self.db_delays))}
        self.dead_letter_queue = Queue(self.queue.name + ".dlq", durable=True,
                                       queue_arguments=durable_arguments(config,
                                                                         consumed=False))
        # quorum on a cluster: a message past the delivery limit goes to the .dlq
        self.queue.queue_arguments = durable_arguments(config, self.parking.name,
                                                       self.dead_letter_queue.name)
        with Connection(self.amqp_uri) as conn:
            use_if_exists(conn, self.queue.exchange)          # <source>.events
            channel = conn.channel()
            self.parking(channel).declare()
            self.queue(channel).declare()
            for queue in self.retry_queues.values():
                declare_missing(conn, queue)
            self.dead_letter_queue(channel).declare()
            park(channel, self.parking, self.queue.name, self.dead_letter_queue.name,
                 *(q.name for q in self.retry_queues.values()))
        self.publisher = Publisher(self.amqp_uri, use_confirms=True, serializer="json")

    # --- batches (handles(..., batch=n)) ------------------------------------------

    def handle_message(self, body, message):
        headers = message.headers or {}
        if not self.batch or not (isinstance(body, dict)
                                  and isinstance(body.get("event_id"), str)) \
                or headers.get(ATTEMPT_HEADER) or headers.get(DB_ATTEMPT_HEADER):
            # malformed ones and retries (which failed once already) alone
            return super().handle_message(body, message)
        self.waiting.append((body, message))
        if len(self.waiting) >= self.batch:
            self._spawn_batch()
        elif not self.lingering:
            self.lingering = True
            self.container.spawn_managed_thread(self._linger,
                                                identifier=f"{self.method_name}.linger")

    def _linger(self):
        eventlet.sleep(BATCH_LINGER)
        self.lingering = False
        self._spawn_batch()

    def _spawn_batch(self):
        taken, self.waiting = self.waiting[:self.batch], self.waiting[self.batch:]
        if not taken:
            return
        try:
            self.container.spawn_worker(
                self, (Deliveries(body for body, _ in taken),), {},
                context_data=self.unpack_message_headers(taken[0][1]),
                handle_result=functools.partial(self.handle_batch_result, taken))
        except ContainerBeingKilled:
            for _, message in taken:
                self.queue_consumer.requeue_message(message)

    def handle_batch_result(self, taken, worker_ctx, result=None, exc_info=None):
        result, exc_info = self.finish(worker_ctx, result, exc_info)
        if exc_info is None:
            for _, message in taken:
                self.queue_consumer.ack_message(message)
            return result, exc_info
        log.info("%s: a batch of %s failed (%s); each of its events runs again on its own",
                 self.method_name, len(taken), type(exc_info[1]).__name__)

        def one_by_one():
            for body, message in taken:
                super(EventHandler, self).handle_message(body, message)
        # from a thread of its own: this worker's slot is free while they wait for one
        self.container.spawn_managed_thread(one_by_one,
                                            identifier=f"{self.method_name}.one_by_one")
        return result, exc_info

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        result, exc_info = self.finish(worker_ctx, result, exc_info)
        if exc_info is not None:
            try:
                self._retry_or_dead_letter(message, exc_info[1])
            except Exception:
                log.exception("could not park failed event; requeueing it")
                self.queue_consumer.requeue_message(message)
                return result, exc_info
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def refuse(self, message, code, reason):
        """A message that cannot be read (not JSON) goes to the dead-letter queue
        as it came, with the reason: a retry cannot fix it."""
        headers = dict(message.headers or {})
        headers.update({ATTEMPT_HEADER: int(headers.get(ATTEMPT_HEADER, 0)) + 1,
                        REASON_HEADER: code, ERROR_HEADER: f"EVENT_{code}: {reason}"[:500],
                        ORIGIN_HEADER: self.queue.name})
        publish_raw(self.publisher, message, self.parking, self.dead_letter_queue.name, headers)
        metrics.DEAD_LETTERS.labels(self.container.service_name, self.method_name).inc()
        log.error("%s: unreadable event dead-lettered (%s: %s)", self.method_name, code, reason)
        self.queue_consumer.ack_message(message)

    def _retry_or_dead_letter(self, message, exc):
        service = self.container.service_name
        headers = dict(message.headers)
        on_database = is_database_error(exc)
        counter, delays = ((DB_ATTEMPT_HEADER, self.db_delays) if on_database
                           else (ATTEMPT_HEADER, self.delays))
        attempt = int(headers.get(counter, 0)) + 1
        headers.update({counter: attempt, ERROR_HEADER: repr(exc)[:500],
                        ORIGIN_HEADER: self.queue.name})
        headers.setdefault(ATTEMPT_HEADER, 0)
        hopeless = isinstance(exc, DomainError) and exc.status == "invalid"
        if attempt <= len(delays) and not hopeless:
            publish_raw(self.publisher, message, self.parking,
                        self.retry_queues[delays[attempt - 1]].name, headers, default_type=JSON)
            metrics.HANDLER_RETRIES.labels(service, self.method_name).inc()
            log.warning("%s failed (%sattempt %s), retrying: %r", self.method_name,
                        "database " if on_database else "", attempt, exc)
        else:
            publish_raw(self.publisher, message, self.parking, self.dead_letter_queue.name,
                        headers, default_type=JSON)
            metrics.DEAD_LETTERS.labels(service, self.method_name).inc()
            log.error("%s failed for good after %s attempts, dead-lettered: %r",
                      self.method_name, attempt, exc)


def payload_ids(events, key="application_id"):
    """The distinct string values of ``payload[key]`` in a batch's events, sorted:
    what a preload reads in one query."""
    return sorted({e["payload"][key] for e in events if isinstance(e.get("payload"), dict)
                   and isinstance(e["payload"].get(key), str)})


def handles(source_service, event_type, batch=None, preload=None, **kwargs):
    """Decorate ``method(self, event)``; ``event`` is the envelope dict.

    The method runs only the first time this handler sees the event id (the
    inbox row commits with the handler's changes); it needs ``self.db``.
    ``batch=n``: up to n events in one unit of work (the module's docstring);
    the method is still called once per event, in the order they came.
    ``preload(self, events)`` runs once per batch, before the method, with the
    batch's new events: where a handler reads in one query what each event
    would read in one of its own.
    """
    def decorator(fn):
        handler_name = f"{fn.__qualname__}"

        @functools.wraps(fn)
        def wrapper(self, event):
            from kernel.outbox import claim, claim_many
            if isinstance(event, Deliveries):
                fresh = claim_many(self.db, [e["event_id"] for e in event], handler_name)
                todo = list({e["event_id"]: e for e in reversed(event)
                             if e["event_id"] in fresh}.values())[::-1]   # first copies, in order
                if preload is not None and todo:
                    preload(self, todo)
                for each in todo:
                    fn(self, each)
                return None
            event_id = event.get("event_id") if isinstance(event, dict) else None
            if not event_id:
                from kernel.errors import ValidationFailed
                raise ValidationFailed("EVENT_MALFORMED", "an event without an event_id")
            if not claim(self.db, event_id, handler_name):
                log.info("%s already applied %s; skipped", handler_name, event_id)
                return None
            return fn(self, event)
        return EventHandler.decorator(source_service, event_type, batch=batch,
                                      **kwargs)(wrapper)
    return decorator
