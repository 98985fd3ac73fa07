"""Calling SkillCert over plain AMQP with pika: no nameko on the client side.

This is the reference for systems not written with nameko (docs/amqp-clients.md
quotes it; tests/test_plain_amqp.py runs it against the real exam service).
The wire format follows nameko 2.14 (nameko/rpc.py, nameko/exceptions.py):

- request: exchange ``nameko-rpc`` (topic, durable), routing key
  ``<service>.<method>``, properties ``reply_to`` (a routing key, not a queue
  name), ``correlation_id``, ``content_type=application/json``; body
  ``{"args": [...], "kwargs": {...}}`` (both keys required);
- reply: published by the service to the same ``nameko-rpc`` exchange with
  routing key = our ``reply_to``, so the reply queue must be *bound* to
  ``nameko-rpc`` under that key; body ``{"result": ..., "error": null}`` or
  ``{"result": null, "error": {"exc_type", "exc_path", "exc_args", "value"}}``.

One client is one connection and one channel: use it from one thread.
"""
import json
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pika
from pika.exceptions import UnroutableError

RPC_EXCHANGE = "nameko-rpc"


def pika_parameters(amqp_uri):
    """pika parameters from a kombu/nameko URI (pyamqp://user:pw@host:5672/vhost)."""
    parts = urlsplit(amqp_uri)
    return pika.URLParameters(urlunsplit(("amqp",) + tuple(parts[1:])))


class RemoteError(Exception):
    """The service raised; ``error`` is nameko's error dict, unchanged.

    For a SkillCert DomainError, ``exc_args`` is five strings [code, message,
    field, rule, details]: "" for no field or rule, details as JSON text
    (nameko stringifies every argument). ``code`` is the first; ``domain``
    decodes all five into a dict (None for other exceptions).
    """

    def __init__(self, error):
        super().__init__(f"{error.get('exc_type')}: {error.get('value')}")
        self.error = error
        self.exc_type = error.get("exc_type")
        self.exc_path = error.get("exc_path")
        self.exc_args = error.get("exc_args") or []
        self.code = self.exc_args[0] if self.exc_args else None

    @property
    def domain(self):
        if len(self.exc_args) != 5 or not str(self.exc_path).startswith("kernel.errors."):
            return None
        code, message, field, rule, details = self.exc_args
        return {"code": code, "message": message, "field": field or None,
                "rule": rule or None, "details": json.loads(details) if details else {}}


class UnknownService(Exception):
    """No queue is bound for ``<service>.*``: the service is not running."""


class AmqpRpcClient:
    """client.call("exam", "get_batch", "2026-12") -> the RPC's result.

    Raises RemoteError (with the error dict) when the service raised,
    UnknownService when nothing consumes ``<service>.*``, and TimeoutError when
    no reply came within ``timeout`` seconds.
    """

    def __init__(self, amqp_uri, timeout=30.0, exchange=RPC_EXCHANGE):
        self.timeout = timeout
        self.exchange = exchange
        self.connection = pika.BlockingConnection(pika_parameters(amqp_uri))
        self.channel = self.connection.channel()
        # the exchange nameko declares; declaring it again with the same
        # arguments is a no-op, and lets us bind before any service started
        self.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        # our reply queue, bound to nameko-rpc under its own name: nameko
        # publishes the reply to that exchange with routing key = reply_to
        self.reply_to = f"rpc.reply-plain-{uuid.uuid4()}"
        self.channel.queue_declare(self.reply_to, exclusive=True, auto_delete=True)
        self.channel.queue_bind(self.reply_to, exchange, routing_key=self.reply_to)
        self.channel.basic_consume(self.reply_to, self._on_reply, auto_ack=True)
        # publisher confirms + mandatory: an unroutable request (no such
        # service running) is returned at once instead of never answered
        self.channel.confirm_delivery()
        self.replies = {}

    def _on_reply(self, channel, method, properties, body):
        self.replies[properties.correlation_id] = json.loads(body)

    def call(self, service, method, *args, timeout=None, **kwargs):
        correlation_id = str(uuid.uuid4())
        body = json.dumps({"args": list(args), "kwargs": kwargs})
        try:
            self.channel.basic_publish(
                exchange=self.exchange,
                routing_key=f"{service}.{method}",
                body=body.encode("utf-8"),
                properties=pika.BasicProperties(
                    reply_to=self.reply_to,
                    correlation_id=correlation_id,
                    # required: nameko encodes the reply like the request;
                    # (plain nameko dies without one; the kernel defaults it)
                    content_type="application/json",
                    content_encoding="utf-8",
                    delivery_mode=2,
                ),
                mandatory=True,
            )
        except UnroutableError:
            raise UnknownService(service) from None
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while correlation_id not in self.replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no reply from {service}.{method} in time")
            self.connection.process_data_events(time_limit=min(remaining, 1.0))
        reply = self.replies.pop(correlation_id)
        self.replies.clear()  # late replies to calls that timed out
        if reply.get("error"):
            raise RemoteError(reply["error"])
        return reply["result"]

    def close(self):
        if self.connection.is_open:
            self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class EventSubscriber:
    """Receives event envelopes published to ``<service>.events``.

    ``queue=None`` makes a private queue that goes away with the connection
    (tests, dashboards). A real consumer names a durable queue of its own so
    that events published while it is down wait for it.
    """

    def __init__(self, amqp_uri, service, events=("#",), queue=None):
        self.connection = pika.BlockingConnection(pika_parameters(amqp_uri))
        self.channel = self.connection.channel()
        exchange = f"{service}.events"
        self.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        if queue is None:
            self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        else:
            self.queue = self.channel.queue_declare(queue, durable=True).method.queue
        for event in events:  # routing key = event name, e.g. "batch_scheduled"
            self.channel.queue_bind(self.queue, exchange, routing_key=event)
        self.seen = set()

    def receive(self, count=1, timeout=10.0):
        """Up to ``count`` new envelopes, deduplicated on event_id (delivery is
        at-least-once); fewer if nothing arrives for ``timeout`` seconds."""
        envelopes = []
        for method, _props, body in self.channel.consume(self.queue, inactivity_timeout=timeout):
            if method is None:  # nothing arrived for `timeout` seconds
                break
            envelope = json.loads(body)
            if envelope["event_id"] not in self.seen:  # a real consumer keeps this in its DB
                self.seen.add(envelope["event_id"])
                envelopes.append(envelope)
            self.channel.basic_ack(method.delivery_tag)  # ack after handling
            if len(envelopes) >= count:
                break
        self.channel.cancel()
        return envelopes

    def close(self):
        if self.connection.is_open:
            self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
