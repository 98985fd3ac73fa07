"""Helpers for tests that watch the broker (used by service and e2e tests)."""
import time

from kombu import Connection, Queue

from kernel.outbox import event_exchange


class EventTap:
    """Binds a private queue to ``<service>.events`` and collects envelopes.

    with EventTap(amqp_uri, "exam") as tap:
        ...
        tap.wait_for("batch_scheduled", count=21)
    """

    def __init__(self, amqp_uri, service, routing_key="#"):
        self.amqp_uri, self.service, self.routing_key = amqp_uri, service, routing_key
        self.events = []

    def __enter__(self):
        self.conn = Connection(self.amqp_uri)
        self.channel = self.conn.channel()
        self.queue = Queue("", exchange=event_exchange(self.service),
                           routing_key=self.routing_key, exclusive=True, auto_delete=True)
        self.queue = self.queue(self.channel)
        self.queue.declare()
        return self

    def __exit__(self, *exc):
        self.conn.release()

    def drain(self):
        while True:
            message = self.queue.get(no_ack=True)
            if message is None:
                return self.events
            self.events.append(message.payload)

    def of_type(self, event):
        return [e for e in self.drain() if e["type"].endswith("." + event)]

    def wait_for(self, event, count=1, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            found = self.of_type(event)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def wait_until(predicate, timeout=10.0, interval=0.05):
    """Poll ``predicate`` until it returns something truthy; return that or None."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
