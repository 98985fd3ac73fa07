"""Event handlers (kernel.entrypoints.handles) over the real broker and database.

A toy service handles events of a toy producer; the test publishes the envelopes itself
with kombu, to the exchange ``toy_source.events`` with the event name as routing key, as
a producer's outbox relay would. Covered: the inbox (an event id is applied once per
handler), retry with backoff (HANDLER_RETRY_DELAYS "0.2,0.4" from service_config: three
attempts), the dead-letter queue with its ops RPCs (dead_letters, replay_dead_letters), and
a malformed event going to the DLQ without retries.
"""
import collections

import pytest
from kombu import Connection
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import mapped_column

from kernel import metrics
from kernel.db import Database, make_base
from kernel.entrypoints import handles, rpc
from kernel.outbox import envelope, event_exchange
from kernel.service import ServiceBase
from kernel.testing import wait_until

pytestmark = pytest.mark.db

Base = make_base()

CALLS = collections.Counter()        # (handler, event_id) -> times the handler body ran
SWITCH = {"doomed_handler_fixed": False}


class Applied(Base):
    __tablename__ = "applied"
    id = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id = mapped_column(String(36), nullable=False)
    handler = mapped_column(String(50), nullable=False)


class SinkService(ServiceBase):
    name = "toy_sink"
    db = Database(Base)

    @handles("toy_source", "thing_happened")
    def on_thing(self, event):
        CALLS["on_thing", event["event_id"]] += 1
        if CALLS["on_thing", event["event_id"]] <= event["payload"].get("fail_times", 0):
            raise RuntimeError("flaky dependency")
        self.db.add(Applied(event_id=event["event_id"], handler="on_thing"))

    @handles("toy_source", "thing_happened")
    def audit(self, event):
        """A second handler of the same event keeps its own inbox entry."""
        self.db.add(Applied(event_id=event["event_id"], handler="audit"))

    @handles("toy_source", "doomed")
    def on_doomed(self, event):
        CALLS["on_doomed", event["event_id"]] += 1
        self.db.add(Applied(event_id=event["event_id"], handler="on_doomed"))
        self.db.flush()
        if not SWITCH["doomed_handler_fixed"]:
            raise RuntimeError("the doomed handler is broken")

    @rpc
    def applied(self):
        rows = self.db.scalars(select(Applied).order_by(Applied.id))
        return sorted([r.event_id, r.handler] for r in rows)


def queue_of(handler, event):
    return f"evt-toy_source-{event}--toy_sink.{handler}"


def publish(amqp_uri, event, body):
    """Publish ``body`` as the toy producer's relay would."""
    exchange = event_exchange("toy_source")
    with Connection(amqp_uri) as conn:
        conn.Producer(serializer="json").publish(
            body, exchange=exchange, routing_key=event, declare=[exchange], delivery_mode=2)


def metric(collector, *labels):
    return collector.labels(*labels)._value.get()


def calls(handler, outcome):
    return metric(metrics.ENTRYPOINT_CALLS, "toy_sink", handler, "event", outcome)


@pytest.fixture
def sink(toy_db, container_factory, service_config):
    CALLS.clear()
    SWITCH["doomed_handler_fixed"] = False
    container = container_factory(SinkService, service_config(toy_db(Base, "sink")))
    container.start()
    return container


def test_inbox_applies_the_same_event_once_per_handler(sink, rpc, amqp_uri):
    env = envelope("toy_source", "thing_happened", {"n": 1})
    ok_before = calls("on_thing", "ok") + calls("audit", "ok")
    publish(amqp_uri, "thing_happened", env)
    publish(amqp_uri, "thing_happened", env)                 # a redelivery, same event_id
    # both copies are handled by both handlers (a duplicate raced on the inbox key is retried)
    assert wait_until(lambda: calls("on_thing", "ok") + calls("audit", "ok") - ok_before >= 4)
    assert rpc.toy_sink.applied() == sorted([[env["event_id"], "on_thing"],
                                             [env["event_id"], "audit"]])
    assert CALLS["on_thing", env["event_id"]] == 1
    # and again later, after both commits: still skipped
    publish(amqp_uri, "thing_happened", env)
    assert wait_until(lambda: calls("on_thing", "ok") + calls("audit", "ok") - ok_before >= 6)
    assert CALLS["on_thing", env["event_id"]] == 1
    assert len(rpc.toy_sink.applied()) == 2


def test_inbox_applies_different_events_each_once(sink, rpc, amqp_uri):
    envs = [envelope("toy_source", "thing_happened", {"n": i}) for i in range(3)]
    for env in envs:
        publish(amqp_uri, "thing_happened", env)
    assert wait_until(lambda: len(rpc.toy_sink.applied()) == 6)
    assert {e for e, h in rpc.toy_sink.applied() if h == "on_thing"} == \
        {e["event_id"] for e in envs}


def test_failed_handler_is_retried_and_applied_once(sink, rpc, amqp_uri):
    env = envelope("toy_source", "thing_happened", {"fail_times": 2})   # fails twice
    retries_before = metric(metrics.HANDLER_RETRIES, "toy_sink", "on_thing")
    failed_before = calls("on_thing", "RuntimeError")
    publish(amqp_uri, "thing_happened", env)
    assert wait_until(lambda: [env["event_id"], "on_thing"] in rpc.toy_sink.applied())
    assert CALLS["on_thing", env["event_id"]] == 3          # the last of three attempts
    assert metric(metrics.HANDLER_RETRIES, "toy_sink", "on_thing") - retries_before == 2
    assert calls("on_thing", "RuntimeError") - failed_before == 2
    assert rpc.toy_sink.applied() == sorted([[env["event_id"], "on_thing"],
                                             [env["event_id"], "audit"]])
    assert rpc.toy_sink.dead_letters()["queues"][queue_of("on_thing", "thing_happened")
                                                 + ".dlq"] == 0


def test_handler_that_keeps_failing_is_dead_lettered_listed_and_replayed(sink, rpc, amqp_uri):
    queue = queue_of("on_doomed", "doomed")
    dlq = queue + ".dlq"
    env = envelope("toy_source", "doomed", {"n": 7})
    dead_before = metric(metrics.DEAD_LETTERS, "toy_sink", "on_doomed")
    publish(amqp_uri, "doomed", env)

    assert wait_until(lambda: rpc.toy_sink.dead_letters()["queues"][dlq] == 1)
    assert CALLS["on_doomed", env["event_id"]] == 3        # first try + two retries
    assert metric(metrics.DEAD_LETTERS, "toy_sink", "on_doomed") - dead_before == 1
    assert rpc.toy_sink.applied() == []                    # every attempt rolled back

    listing = rpc.toy_sink.dead_letters(queue=dlq)
    assert listing["queues"] == {dlq: 1}
    [message] = listing["messages"]
    assert message["event"] == env
    headers = message["headers"]
    assert headers["x-skillcert-attempt"] == 3
    assert headers["x-skillcert-queue"] == queue
    assert "RuntimeError" in headers["x-skillcert-error"]
    assert "the doomed handler is broken" in headers["x-skillcert-error"]
    assert rpc.toy_sink.dead_letters()["queues"][dlq] == 1  # listing does not consume

    SWITCH["doomed_handler_fixed"] = True
    assert rpc.toy_sink.replay_dead_letters(queue=dlq) == {"replayed": {dlq: 1}}
    assert wait_until(lambda: rpc.toy_sink.applied() == [[env["event_id"], "on_doomed"]])
    assert CALLS["on_doomed", env["event_id"]] == 4
    assert rpc.toy_sink.dead_letters()["queues"][dlq] == 0
    assert rpc.toy_sink.replay_dead_letters(queue=dlq) == {"replayed": {dlq: 0}}


def test_replayed_event_that_fails_again_gets_its_retries_again(sink, rpc, amqp_uri):
    dlq = queue_of("on_doomed", "doomed") + ".dlq"
    env = envelope("toy_source", "doomed", {"n": 8})
    publish(amqp_uri, "doomed", env)
    assert wait_until(lambda: rpc.toy_sink.dead_letters()["queues"][dlq] == 1)
    assert rpc.toy_sink.replay_dead_letters()["replayed"][dlq] == 1   # all queues
    assert wait_until(lambda: CALLS["on_doomed", env["event_id"]] == 6)
    assert wait_until(lambda: rpc.toy_sink.dead_letters()["queues"][dlq] == 1)
    [message] = rpc.toy_sink.dead_letters(queue=dlq)["messages"]
    assert message["headers"]["x-skillcert-attempt"] == 3


def test_event_without_event_id_goes_to_the_dlq_without_retries(sink, rpc, amqp_uri):
    dlq = queue_of("on_thing", "thing_happened") + ".dlq"
    body = {"type": "toy_source.thing_happened", "producer": "toy_source",
            "payload": {"n": 1}}
    retries_before = metric(metrics.HANDLER_RETRIES, "toy_sink", "on_thing")
    malformed_before = calls("on_thing", "EVENT_MALFORMED")
    depth_before = rpc.toy_sink.dead_letters()["queues"][dlq]
    publish(amqp_uri, "thing_happened", body)
    assert wait_until(lambda: rpc.toy_sink.dead_letters()["queues"][dlq] == depth_before + 1)
    messages = rpc.toy_sink.dead_letters(queue=dlq)["messages"]
    [message] = [m for m in messages if m["event"] == body]
    assert message["headers"]["x-skillcert-attempt"] == 1
    assert "EVENT_MALFORMED" in message["headers"]["x-skillcert-error"]
    assert metric(metrics.HANDLER_RETRIES, "toy_sink", "on_thing") == retries_before
    assert calls("on_thing", "EVENT_MALFORMED") - malformed_before == 1
    assert not any(k[0] == "on_thing" for k in CALLS)           # the body never ran
    assert rpc.toy_sink.applied() == []
