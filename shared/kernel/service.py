"""What every service class has: ``class RegistrationService(ServiceBase)``.

- ``metrics``: entrypoint figures and the /metrics port;
- ``health()``: RPC that answers once the database is reachable (the launcher
  waits on it);
- ``dead_letters()`` / ``replay_dead_letters(queue=None)``: RPC for ops;
- a timer that sweeps the outbox (events a crash left unpublished) and
  refreshes the backlog and dead-letter gauges.
A subclass sets ``name`` and ``db = Database(Base)``.
"""
from kombu import Connection, Queue
from sqlalchemy import text

from kernel import metrics, settings
from kernel.errors import NotFound
from kernel.entrypoints import ATTEMPT_HEADER, EventHandler, rpc, timer
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

SWEEP_INTERVAL = 5


class DeadLetterBox(DependencyProvider):
    """Lists and replays the dead-letter queues of this service's handlers."""

    def get_dependency(self, worker_ctx):
        return self

    def _queues(self):
        return [ep for ep in self.container.entrypoints if isinstance(ep, EventHandler)]

    def depths(self):
        out = {}
        with Connection(settings.amqp_uri(self.container.config)) as conn:
            channel = conn.channel()
            for ep in self._queues():
                q = Queue(ep.dead_letter_queue.name, durable=True)
                _, count, _ = q(channel).queue_declare(passive=True)
                out[ep.dead_letter_queue.name] = count
        return out

    def peek(self, queue, limit=50):
        """The messages in ``queue`` without removing them."""
        if queue not in {ep.dead_letter_queue.name for ep in self._queues()}:
            raise NotFound("QUEUE_UNKNOWN", f"{queue} is not a dead-letter queue of this "
                           "service", field="queue")
        items = []
        with Connection(settings.amqp_uri(self.container.config)) as conn:
            channel = conn.channel()
            bound = Queue(queue, durable=True)(channel)
            for _ in range(limit):
                message = bound.get(no_ack=False)
                if message is None:
                    break
                items.append({"headers": {k: v for k, v in message.headers.items()
                                          if k.startswith("x-skillcert")},
                              "event": message.payload})
            # closing the channel without acks puts every message back
        return items

    def replay(self, queue=None, limit=1000):
        moved = {}
        known = {ep.dead_letter_queue.name for ep in self._queues()} | \
            {ep.queue.name for ep in self._queues()}
        if queue is not None and queue not in known:
            raise NotFound("QUEUE_UNKNOWN", f"{queue} is not a queue of this service",
                           field="queue", details={"queues": sorted(known)})
        with Connection(settings.amqp_uri(self.container.config),
                        transport_options={"confirm_publish": True}) as conn:
            channel = conn.channel()
            producer = conn.Producer(channel)
            for ep in self._queues():
                name = ep.dead_letter_queue.name
                if queue not in (None, name, ep.queue.name):
                    continue
                bound = Queue(name, durable=True)(channel)
                count = 0
                while count < limit:
                    message = bound.get(no_ack=False)
                    if message is None:
                        break
                    headers = dict(message.headers)
                    headers[ATTEMPT_HEADER] = 0
                    producer.publish(message.body, exchange="", routing_key=ep.queue.name,
                                     headers=headers, content_type=message.content_type,
                                     content_encoding=message.content_encoding,
                                     delivery_mode=2)
                    message.ack()
                    count += 1
                moved[name] = count
        return moved


class ServiceBase:
    name = None
    config = Config()
    metrics = metrics.Metrics()
    dead_letter_box = DeadLetterBox()

    @rpc
    def health(self):
        self.db.execute(text("SELECT 1"))
        return {"service": self.name, "ok": True, "metrics_port": self.metrics.port}

    @rpc
    def dead_letters(self, queue=None, limit=50):
        depths = self.dead_letter_box.depths()
        if queue is None:
            return {"queues": depths}
        return {"queues": {queue: depths.get(queue)},
                "messages": self.dead_letter_box.peek(queue, limit)}

    @rpc
    def replay_dead_letters(self, queue=None):
        return {"replayed": self.dead_letter_box.replay(queue)}

    @timer(interval=SWEEP_INTERVAL)
    def sweep_outbox(self):
        relay = self.db.info.get("relay")
        sent, backlog = relay.sweep()
        metrics.OUTBOX_BACKLOG.labels(self.name).set(backlog)
        for queue, depth in self.dead_letter_box.depths().items():
            metrics.DEAD_LETTER_DEPTH.labels(self.name, queue).set(depth)
        self.refresh_business_metrics()
        return {"sent": sent, "backlog": backlog}

    def refresh_business_metrics(self):
        """Services set their business gauges (counted from their database) here;
        it runs with the outbox sweep, every SWEEP_INTERVAL seconds."""
