"""The kernel's side of the broker connection: how a delivery is read and settled.

``QueueConsumer`` replaces nameko's for every kernel entrypoint (and for
``RpcClient``'s reply listener):

- **JSON only.** A body is read as JSON (``application/json``, or no
  content_type at all) and never with kombu's other deserialisers: a pickle or
  YAML message is not decoded. What cannot be read is handed to the provider's
  ``refuse(message, code, reason)`` (its dead-letter queue) instead of kombu's
  "log one line and ack", which lost it.
- **A size limit** for providers that have ``max_bytes`` (the RPC consumer:
  RPC_MAX_BYTES), checked before the body is parsed.
- **Acks on a dead channel are dropped.** After a broker restart the worker
  that finishes a delivery of the old connection would ack on a closed socket
  (``ConnectionResetError``) and nameko would kill the container for it. The
  ack is dropped with a warning: the broker has already put the message back
  and redelivers it (the inbox and idempotency keys make the rerun harmless);
  the consumer thread reconnects by itself (kombu's ConsumerMixin).
"""
import logging
from functools import partial

import kombu.serialization
from kombu import Exchange
from nameko import messaging as nameko_messaging
from nameko import rpc as nameko_rpc

log = logging.getLogger(__name__)

JSON = "application/json"

# headers a refused or failed message carries into its dead-letter queue
ATTEMPT_HEADER = "x-skillcert-attempt"
DB_ATTEMPT_HEADER = "x-skillcert-db-attempt"
ERROR_HEADER = "x-skillcert-error"
ORIGIN_HEADER = "x-skillcert-queue"
REASON_HEADER = "x-skillcert-reason"
ROUTING_KEY_HEADER = "x-skillcert-routing-key"


class NotJson(ValueError):
    pass


def decode_json(message):
    """The body of ``message`` as JSON; ``NotJson`` for any other content type or a
    body that does not parse. Never one of kombu's other deserialisers."""
    content_type = (message.content_type or JSON).split(";")[0].strip().lower()
    if content_type != JSON:
        raise NotJson(f"content_type {content_type[:60]!r} is not {JSON}")
    try:
        return kombu.serialization.loads(message.body, JSON,
                                         message.content_encoding or "utf-8", accept=[JSON])
    except Exception as exc:
        raise NotJson(f"the body is not JSON ({type(exc).__name__})") from None


def settle(message, how):
    """``message.ack()`` / ``message.requeue()``, dropped when the channel of the
    delivery is gone (the broker has the message back already). True if done."""
    try:
        if not message.channel.connection:
            log.warning("%s dropped: the connection of this delivery is closed; "
                        "the broker redelivers it", how)
            return False
        getattr(message, how)()
        return True
    except Exception as exc:
        from kernel import metrics
        metrics.ACKS_DROPPED.inc()
        log.warning("%s dropped: the channel of this delivery is gone (%s); "
                    "the broker redelivers it", how, type(exc).__name__)
        return False


def dead_letter_exchange(service):
    """``<service>.dlx``: the direct exchange through which a service parks its
    own messages (retry queues, dead-letter queues, and back to a handler's
    queue), each queue bound under its own name. Not the default exchange:
    whoever may publish there may put a message into any queue (a forged event
    straight into another service's handler), so no service's broker user may
    (deploy/rabbitmq/definitions.json)."""
    return Exchange(f"{service}.dlx", type="direct", durable=True, auto_delete=False)


def park(channel, exchange, *queues):
    """Declare ``exchange`` and bind each of ``queues`` (declared already) to it
    under its own name."""
    exchange(channel).declare()
    for queue in queues:
        channel.queue_bind(queue, exchange.name, routing_key=queue)


def durable_arguments(config, dead_letter_exchange=None, dead_letter_key=None, ttl_ms=None,
                      consumed=True):
    """The arguments of one of the kernel's durable queues (RPC, event handler,
    retry, dead-letter). With SKILLCERT_QUEUE_TYPE=classic (the default) they are
    what they have always been: a TTL and where it dead-letters, for a retry
    queue; nothing else (RabbitMQ refuses to redeclare a queue with other
    arguments, so a classic vhost keeps working). With ``quorum``:

    - ``x-queue-type: quorum``: the queue is a Raft group on three nodes (the
      cluster's default group size), which survives the loss of one;
    - dead-lettering (a retry queue's TTL, a handler's delivery limit)
      ``at-least-once`` (with ``x-overflow: reject-publish``, which it needs): a
      quorum queue's default is at-most-once, which drops the message if its
      target has no leader at that moment, e.g. during a node's loss;
    - ``x-delivery-limit`` on the queues a service consumes (``consumed``): the
      broker's own redelivery (a consumer that died or lost its connection
      before its ack) stops after SKILLCERT_DELIVERY_LIMIT deliveries and the
      message goes to the dead-letter queue, not round a crash loop for ever.
      The kernel's retries are not redeliveries: a failed handler republishes
      the message to its retry queue (a new message, delivery count 0) and acks,
      so HANDLER_RETRY_DELAYS and HANDLER_DB_RETRY_DELAYS own retrying, the
      delivery limit only counts crashes and lost connections. Dead-letter
      queues have none (peeking at one, kernel.dlq, gives its messages back,
      which a quorum queue counts as a delivery).
    """
    from kernel import settings
    args = {}
    if ttl_ms is not None:
        args.update({"x-message-ttl": int(ttl_ms), "x-dead-letter-exchange": dead_letter_exchange,
                     "x-dead-letter-routing-key": dead_letter_key})
    if settings.queue_type(config) != "quorum":
        return args
    args["x-queue-type"] = "quorum"
    if consumed and ttl_ms is None:
        args["x-delivery-limit"] = settings.delivery_limit(config)
        if dead_letter_exchange:
            args.update({"x-dead-letter-exchange": dead_letter_exchange,
                         "x-dead-letter-routing-key": dead_letter_key})
    if "x-dead-letter-exchange" in args:
        args.update({"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"})
    return args


def declare_missing(conn, queue):
    """Declare ``queue`` unless it exists (then it is left with the arguments it
    was made with: a retry queue of an older release dead-letters through the
    default exchange, which still works, and declaring it again with other
    arguments would be refused)."""
    probe = conn.channel()
    try:
        probe.queue_declare(queue.name, passive=True)
        return False
    except conn.channel_errors:
        queue(conn.channel()).declare()
        return True
    finally:
        try:
            probe.close()
        except Exception:
            pass


def use_if_exists(conn, exchange):
    """Mark ``exchange`` not to be declared again when it exists already. A
    service's broker user may configure (declare, delete) only its own names;
    ``nameko-rpc`` and the other services' ``<service>.events`` are made by
    deploy/broker.py (or by whoever comes first, on a broker without per-service
    users) and a passive check needs no permission."""
    probe = conn.channel()
    try:
        probe.exchange_declare(exchange.name, exchange.type, passive=True)
        exchange.no_declare = True
    except conn.channel_errors:
        pass
    finally:
        try:
            probe.close()
        except Exception:
            pass
    return exchange


def publish_raw(publisher, message, exchange, routing_key, headers,
                default_type="application/octet-stream"):
    """Publish ``message``'s body exactly as it arrived (bytes, content type and
    encoding kept: nothing is decoded) to ``exchange`` (the service's
    dead_letter_exchange), persistent."""
    publisher.publish(message.body, exchange=exchange, routing_key=routing_key,
                      headers=headers, content_type=message.content_type or default_type,
                      content_encoding=message.content_encoding or "binary",
                      delivery_mode=2)


class QueueConsumer(nameko_messaging.QueueConsumer):
    """nameko's queue consumer with JSON-only reading, refusals and safe acks.
    ``broker``: the node (host:port of AMQP_URI's failover list, kombu's
    ``a;b;c``) its connection consumes from now, None while it reconnects."""

    broker = None

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        node = connection.host
        if node != self.broker:
            log.info("consuming from the broker node %s", node)
        self.broker = node
        super().on_consume_ready(connection, channel, consumers, **kwargs)

    def on_connection_error(self, exc, interval):
        # nameko's own line masks the password of the first URL of a failover
        # list only
        from nameko.utils import sanitize_url
        self.broker = None
        log.warning("Error connecting to broker at %s (%s).\nRetrying in %s seconds.",
                    ";".join(sanitize_url(u) for u in self.amqp_uri.split(";")), exc, interval)

    def ack_message(self, message):
        settle(message, "ack")

    def requeue_message(self, message):
        settle(message, "requeue")

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            # kombu hands the undecoded message to on_message: we decode it
            consumer.on_message = partial(self._on_raw_message, provider)
            # a provider's own prefetch (a batching event handler takes more
            # than max_workers at once). basic.qos holds for the consumers a
            # channel starts after it, and all of them share one channel: so
            # each consumer sets its own just before it starts
            consumer.consume = partial(_consume_with_prefetch, consumer, consumer.consume,
                                       getattr(provider, "prefetch", None)
                                       or self.prefetch_count)
        return consumers

    def _on_raw_message(self, provider, message):
        limit = getattr(provider, "max_bytes", None)
        if limit is not None and len(message.body) > limit:
            return self._refuse(provider, message, "TOO_LARGE",
                                f"the body has {len(message.body)} bytes, over the limit "
                                f"of {limit}")
        try:
            body = decode_json(message)
        except NotJson as exc:
            return self._refuse(provider, message, "NOT_JSON", str(exc))
        self.handle_message(provider, body, message)

    def _refuse(self, provider, message, code, reason):
        refuse = getattr(provider, "refuse", None)
        if refuse is None:
            log.warning("%s: unreadable message dropped (%s: %s)",
                        type(provider).__name__, code, reason)
            self.ack_message(message)
            return

        def run():
            try:
                refuse(message, code, reason)
            except Exception:
                log.exception("could not refuse a message (%s); requeueing it", code)
                self.requeue_message(message)
        self.container.spawn_managed_thread(run, identifier=f"refuse[{code}]")


def _consume_with_prefetch(consumer, consume, prefetch_count, *args, **kwargs):
    consumer.qos(prefetch_count=prefetch_count)
    return consume(*args, **kwargs)


def broker_node(container):
    """The broker node ``container``'s consumers are on (host:port), or None."""
    consumer = container.shared_extensions.get(QueueConsumer)
    return getattr(consumer, "broker", None)


class ReplyListener(nameko_rpc.ReplyListener):
    """RpcClient's reply queue, read through the kernel's consumer (safe acks)."""
    queue_consumer = QueueConsumer()

    def setup(self):
        super().setup()
        from kernel import settings
        if settings.queue_type(self.container.config) == "quorum":
            # on a cluster a reply queue is the connection's own (exclusive,
            # auto-delete, not durable): a durable classic queue whose node is
            # down cannot be declared again anywhere until that node is back,
            # a transient one is redeclared on the node the consumer moved to.
            # Not a quorum queue: it lives as long as its connection, and a reply
            # in flight at a node's loss is a RPC_TIMEOUT the caller retries.
            self.queue.durable, self.queue.exclusive, self.queue.auto_delete = \
                False, True, True
        from kombu import Connection
        with Connection(self.container.config[nameko_rpc.AMQP_URI_CONFIG_KEY]) as conn:
            use_if_exists(conn, self.queue.exchange)          # nameko-rpc
