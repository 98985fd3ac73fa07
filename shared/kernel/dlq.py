"""Dead letters of a service, straight from the broker.

    python -m kernel.dlq registration list
    python -m kernel.dlq registration show evt-exam-batch_scheduled--registration.on_batch_scheduled.dlq
    python -m kernel.dlq registration replay [QUEUE]

The queue names come from the service's class (its event handlers, found by
importing ``<service>.service``, or ``--service-class module:Class``), so the
command works while the service is down. The queues of a service:

- ``<handler queue>.dlq``: events a handler gave up on (after its retries, or
  at once for an invalid or unreadable event); ``replay`` moves them back;
- ``rpc-<service>.dlq``: RPC requests refused before any work (no reply_to,
  not JSON, unknown method, too large); listed, never replayed (the caller
  has its answer, or had no address for one).

Bodies are read as JSON only: anything else (a pickle, say) is shown by its
size and first bytes and never deserialised.
"""
import argparse
import base64
import importlib
import inspect
import json

from kombu import Connection, Queue
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from kernel import settings
from kernel.amqp import (ATTEMPT_HEADER, DB_ATTEMPT_HEADER, NotJson, dead_letter_exchange,
                         decode_json)
from kernel.errors import NotFound

PREVIEW_BYTES = 200


def handler_queues(service_cls, service=None):
    """The queue of every kernel event handler of ``service_cls``, from the class."""
    from kernel.entrypoints import EventHandler, handler_queue_name
    service = service or service_cls.name
    queues = set()
    for name, member in inspect.getmembers(service_cls):
        for ep in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()) or ():
            if isinstance(ep, EventHandler):
                queues.add(handler_queue_name(service, ep.source_service, ep.event_type, name))
    return sorted(queues)


def find_service_class(service, target=None):
    """``target`` ("module:Class"), else the ServiceBase subclass named ``service``
    in ``<service>.service`` (the layout of every service of the suite)."""
    from kernel.service import ServiceBase
    if target:
        module_name, _, cls_name = target.partition(":")
        return getattr(importlib.import_module(module_name), cls_name)
    module = importlib.import_module(f"{service}.service")
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if issubclass(obj, ServiceBase) and obj is not ServiceBase and \
                getattr(obj, "name", None) == service:
            return obj
    raise LookupError(f"no service class named {service!r} in {module.__name__}")


def describe(message):
    """A dead letter as JSON-safe data: the kernel's headers and the event (JSON
    only), or, for a body that is not JSON, its content type, size and preview."""
    headers = {k: v for k, v in (message.headers or {}).items() if k.startswith("x-skillcert")}
    item = {"headers": headers}
    try:
        item["event"] = decode_json(message)
    except NotJson as exc:
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
        item["undecoded"] = {"content_type": message.content_type, "bytes": len(body),
                             "reason": str(exc),
                             "preview_base64": base64.b64encode(body[:PREVIEW_BYTES]).decode()}
    return item


class DeadLetters:
    """List, show and replay one service's dead letters over AMQP."""

    def __init__(self, amqp_uri, service, queues):
        from kernel.entrypoints import rpc_dead_letter_queue
        self.amqp_uri = amqp_uri
        self.service = service
        self.handler_queues = {q + ".dlq": q for q in queues}
        self.rpc_queue = rpc_dead_letter_queue(service)

    @classmethod
    def of(cls, amqp_uri, service_cls, service=None):
        service = service or service_cls.name
        return cls(amqp_uri, service, handler_queues(service_cls, service))

    @property
    def queues(self):
        return sorted(self.handler_queues) + [self.rpc_queue]

    def depths(self):
        """Messages per dead-letter queue; None for one the broker does not have
        (the service never started with that handler)."""
        out = {}
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            for name in self.queues:
                try:
                    _, count, _ = Queue(name, durable=True)(channel).queue_declare(passive=True)
                    out[name] = count
                except conn.channel_errors:      # the broker closed this channel
                    out[name] = None
                    channel = conn.channel()
        return out

    def _known(self, queue, replayable=False):
        known = set(self.handler_queues) | set(self.handler_queues.values())
        if not replayable:
            known.add(self.rpc_queue)
        if queue not in known:
            raise NotFound("QUEUE_UNKNOWN", f"{queue} is not a dead-letter queue of "
                           f"{self.service}", field="queue", details={"queues": self.queues})

    def peek(self, queue, limit=50):
        """Up to ``limit`` messages of ``queue``, left where they are."""
        self._known(queue)
        items = []
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            bound = Queue(queue, durable=True)(channel)
            for _ in range(int(limit)):
                message = bound.get(no_ack=False)       # never decoded by kombu
                if message is None:
                    break
                items.append(describe(message))
            # closing the channel without acks puts every message back
        return items

    def replay(self, queue=None, limit=1000):
        """Move the dead letters of one handler (``queue``: its queue or its .dlq),
        or of all, back to their handler with fresh retry budgets."""
        if queue is not None:
            self._known(queue, replayable=True)
        moved = {}
        exchange = dead_letter_exchange(self.service)   # bound to every handler queue
        with Connection(self.amqp_uri, transport_options={"confirm_publish": True}) as conn:
            channel = conn.channel()
            producer = conn.Producer(channel)
            for dlq, target in sorted(self.handler_queues.items()):
                if queue not in (None, dlq, target):
                    continue
                try:
                    probe = conn.channel()
                    _, waiting, _ = Queue(dlq, durable=True)(probe).queue_declare(passive=True)
                    # the handler's queue is bound to <service>.dlx by its service;
                    # bind it here too in case that service has not run since
                    probe.queue_bind(target, exchange.name, routing_key=target)
                except conn.channel_errors:
                    moved[dlq] = 0
                    continue
                bound = Queue(dlq, durable=True)(channel)
                count = 0
                # what is there now: a letter that fails again at once comes back
                # while we read, and is not moved round and round
                while count < min(limit, waiting):
                    message = bound.get(no_ack=False)
                    if message is None:
                        break
                    headers = dict(message.headers or {})
                    headers[ATTEMPT_HEADER] = 0
                    headers[DB_ATTEMPT_HEADER] = 0
                    producer.publish(message.body, exchange=exchange, routing_key=target,
                                     headers=headers,
                                     content_type=message.content_type or "application/json",
                                     content_encoding=message.content_encoding or "utf-8",
                                     delivery_mode=2)
                    message.ack()
                    count += 1
                moved[dlq] = count
        return moved


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m kernel.dlq")
    parser.add_argument("service")
    parser.add_argument("action", choices=["list", "show", "replay"])
    parser.add_argument("queue", nargs="?")
    parser.add_argument("--limit", type=int, default=50, help="messages shown by `show`")
    parser.add_argument("--service-class", help="module:Class when it is not "
                        "<service>.service")
    args = parser.parse_args(argv)
    box = DeadLetters.of(settings.amqp_uri(), find_service_class(args.service,
                                                                 args.service_class),
                         args.service)
    try:
        if args.action == "list":
            out = {"queues": box.depths()}
        elif args.action == "show":
            if not args.queue:
                parser.error("show needs a QUEUE (see `list`)")
            out = {"queues": {args.queue: box.depths().get(args.queue)},
                   "messages": box.peek(args.queue, args.limit)}
        else:
            out = {"replayed": box.replay(args.queue)}
    except NotFound as exc:
        parser.exit(2, json.dumps(exc.to_dict(), ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
