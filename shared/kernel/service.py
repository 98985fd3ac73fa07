"""What every service class has: ``class RegistrationService(ServiceBase)``.

- ``metrics``: entrypoint figures and the /metrics port;
- ``health()``: RPC that answers once the database is reachable (the launcher
  waits on it), with the broker node the replica consumes from (``broker``:
  host:port of AMQP_URI's failover list);
- ``dead_letters()`` / ``replay_dead_letters(queue=None)``: RPC for ops (the
  same as ``python -m kernel.dlq``, which reads the broker without the service);
- a timer that sweeps the outbox (events a crash left unpublished) and
  refreshes the backlog and dead-letter gauges.
A subclass sets ``name`` and ``db = Database(Base)``.
"""
from sqlalchemy import text

from kernel import calendar, metrics, settings
from kernel.dlq import DeadLetters
from kernel.entrypoints import EventHandler, rpc, timer
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

SWEEP_INTERVAL = 5


class DeadLetterBox(DependencyProvider):
    """This service's dead letters (kernel.dlq.DeadLetters, straight from the broker)."""

    def get_dependency(self, worker_ctx):
        return self

    @property
    def box(self):       # the handlers' queues are named in their own setup: ask late
        return DeadLetters(
            settings.amqp_uri(self.container.config), self.container.service_name,
            [ep.queue.name for ep in self.container.entrypoints if isinstance(ep, EventHandler)])

    def depths(self):
        return self.box.depths()

    def peek(self, queue, limit=50):
        """The messages in ``queue`` without removing them (JSON only)."""
        return self.box.peek(queue, limit)

    def replay(self, queue=None, limit=1000):
        return self.box.replay(queue, limit)


class BrokerNode(DependencyProvider):
    """The broker node (host:port) this replica's consumers are on now."""

    def get_dependency(self, worker_ctx):
        from kernel.amqp import broker_node
        return broker_node(self.container)


class ServiceBase:
    name = None
    config = Config()
    metrics = metrics.Metrics()
    dead_letter_box = DeadLetterBox()
    broker_node = BrokerNode()

    @rpc
    def health(self):
        self.db.execute(text("SELECT 1"))
        return {"service": self.name, "ok": True, "metrics_port": self.metrics.port,
                "broker": self.broker_node}

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
            metrics.DEAD_LETTER_DEPTH.labels(self.name, queue).set(depth or 0)
        calendar.refresh(self.name, self.db)     # years another replica was told about
        self.refresh_business_metrics()
        return {"sent": sent, "backlog": backlog}

    def refresh_business_metrics(self):
        """Services set their business gauges (counted from their database) here;
        it runs with the outbox sweep, every SWEEP_INTERVAL seconds."""
