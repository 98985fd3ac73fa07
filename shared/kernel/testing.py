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

    def wait_for(self, event, count=1, timeout=20.0):
        deadline = time.monotonic() + timeout
        while True:
            found = self.of_type(event)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def wait_until(predicate, timeout=20.0, interval=0.05):
    """Poll ``predicate`` until it returns something truthy; return that or None."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def publish_event(amqp_uri, producer, event, payload, event_id=None):
    """Publish an event as service ``producer`` would (for tests of consumers)."""
    from nameko.amqp.publish import Publisher
    from kernel.outbox import envelope
    env = envelope(producer, event, payload, event_id=event_id)
    exchange = event_exchange(producer)
    Publisher(amqp_uri, use_confirms=True, serializer="json", declare=[exchange]).publish(
        env, exchange=exchange, routing_key=event)
    return env


def sample_jpeg(seed=0, size=None, dimensions=(120, 160)):
    """A real JPEG (decodes), padded after its end marker to ``size`` bytes.
    Different seeds give different content (and so different hashes)."""
    import io
    import random
    from PIL import Image
    rnd = random.Random(seed)
    img = Image.new("RGB", dimensions, (rnd.randrange(256), rnd.randrange(256),
                                        rnd.randrange(256)))
    for _ in range(40):
        x, y = rnd.randrange(dimensions[0]), rnd.randrange(dimensions[1])
        img.putpixel((x, y), (rnd.randrange(256), 0, 0))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    data = buf.getvalue()
    if size is not None:
        if size < len(data):
            raise ValueError("size smaller than the image")
        data += bytes(size - len(data))
    return data


def sample_photo(seed=0):
    """An M1-valid photo (JPEG, well under 50 KB)."""
    return sample_jpeg(seed)


def sample_scan(seed=0, size=250 * 1024):
    """An M2-valid scan (JPEG, 200-300 KB)."""
    return sample_jpeg(seed, size=size, dimensions=(600, 800))


def sample_id_number(birth="19900101", seq=1, region="510104", female=False):
    """A valid 18-character resident ID number (R2) for tests and demos."""
    from stdnum.cn import ric
    seq = int(seq) % 500
    order = seq * 2 + (0 if female else 1)           # the 17th digit's parity is the sex
    body = f"{region}{birth}{order:03d}"
    return body + ric.calc_check_digit(body + "0")
