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
"""
import functools
import logging

from kombu import Connection, Queue
from nameko import events as nameko_events
from nameko import rpc as nameko_rpc
from nameko import timer as nameko_timer
from nameko.amqp.publish import Publisher

from kernel import metrics, settings
from kernel.errors import DomainError

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-skillcert-attempt"
ERROR_HEADER = "x-skillcert-error"
ORIGIN_HEADER = "x-skillcert-queue"


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
    """nameko's responder reads the request's content_type to pick the reply's
    serializer and dies on a KeyError when a (non-nameko) client sent none; the
    unacked request then kills every replica in turn. Default it to JSON."""

    def handle_message(self, body, message):
        message.properties.setdefault("content_type", "application/json")
        return super().handle_message(body, message)


class Rpc(UnitOfWork, nameko_rpc.Rpc):
    kind = "rpc"
    rpc_consumer = RpcConsumer()

    def __init__(self, expected_exceptions=(DomainError,), **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def check_signature(self, args, kwargs):
        """Wrong arguments are a structured error like any other bad input."""
        from nameko.exceptions import IncorrectSignature
        from kernel.errors import ValidationFailed
        try:
            super().check_signature(args, kwargs)
        except IncorrectSignature as exc:
            raise ValidationFailed("BAD_ARGUMENTS", f"{self.method_name}: {exc}",
                                   details={"method": self.method_name})

    def handle_result(self, message, worker_ctx, result, exc_info):
        result, exc_info = self.finish(worker_ctx, result, exc_info)
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = Rpc.decorator


class Timer(UnitOfWork, nameko_timer.Timer):
    kind = "timer"

    def handle_result(self, worker_ctx, result, exc_info):
        result, exc_info = self.finish(worker_ctx, result, exc_info)
        return super().handle_result(worker_ctx, result, exc_info)


timer = Timer.decorator


class EventHandler(UnitOfWork, nameko_events.EventHandler):
    kind = "event"

    def __init__(self, source_service, event_type, **kwargs):
        kwargs.setdefault("expected_exceptions", (DomainError,))
        super().__init__(source_service, event_type, handler_type=nameko_events.SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=False, **kwargs)

    def setup(self):
        super().setup()
        config = self.container.config
        self.amqp_uri = settings.amqp_uri(config)
        self.delays = settings.handler_retry_delays(config)
        # one retry queue per delay, the TTL on the queue: RabbitMQ expires
        # messages only at the head of a queue, so one queue with per-message
        # TTLs would hold a 1 s retry behind a 30 s one
        self.retry_queues = [
            Queue(f"{self.queue.name}.retry.{int(delay * 1000)}ms", durable=True,
                  queue_arguments={"x-message-ttl": int(delay * 1000),
                                   "x-dead-letter-exchange": "",
                                   "x-dead-letter-routing-key": self.queue.name})
            for delay in self.delays]
        self.dead_letter_queue = Queue(self.queue.name + ".dlq", durable=True)
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            for queue in self.retry_queues:
                queue(channel).declare()
            self.dead_letter_queue(channel).declare()
        self.publisher = Publisher(self.amqp_uri, use_confirms=True, serializer="json")

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

    def _retry_or_dead_letter(self, message, exc):
        service = self.container.service_name
        attempt = int(message.headers.get(ATTEMPT_HEADER, 0)) + 1
        headers = dict(message.headers)
        headers.update({ATTEMPT_HEADER: attempt, ERROR_HEADER: repr(exc)[:500],
                        ORIGIN_HEADER: self.queue.name})
        hopeless = isinstance(exc, DomainError) and exc.status == "invalid"
        if attempt <= len(self.delays) and not hopeless:
            self.publisher.publish(message.payload, exchange="",
                                   routing_key=self.retry_queues[attempt - 1].name,
                                   headers=headers)
            metrics.HANDLER_RETRIES.labels(service, self.method_name).inc()
            log.warning("%s failed (attempt %s), retrying: %r", self.method_name, attempt, exc)
        else:
            self.publisher.publish(message.payload, exchange="",
                                   routing_key=self.dead_letter_queue.name, headers=headers)
            metrics.DEAD_LETTERS.labels(service, self.method_name).inc()
            log.error("%s failed for good after %s attempts, dead-lettered: %r",
                      self.method_name, attempt, exc)


def handles(source_service, event_type, **kwargs):
    """Decorate ``method(self, event)``; ``event`` is the envelope dict.

    The method runs only the first time this handler sees the event id (the
    inbox row commits with the handler's changes); it needs ``self.db``.
    """
    def decorator(fn):
        handler_name = f"{fn.__qualname__}"

        @functools.wraps(fn)
        def wrapper(self, event):
            from kernel.outbox import claim
            event_id = event.get("event_id") if isinstance(event, dict) else None
            if not event_id:
                from kernel.errors import ValidationFailed
                raise ValidationFailed("EVENT_MALFORMED", "an event without an event_id")
            if not claim(self.db, event_id, handler_name):
                log.info("%s already applied %s; skipped", handler_name, event_id)
                return None
            return fn(self, event)
        return EventHandler.decorator(source_service, event_type, **kwargs)(wrapper)
    return decorator
