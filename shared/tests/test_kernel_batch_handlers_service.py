"""Batching event handlers (kernel.entrypoints.handles(..., batch=n, preload=...)) over
the real broker and database.

A toy service takes a toy producer's events in batches of up to 50 (prefetch 100, above
the container's max_workers of 10). BATCH_LINGER is raised to 1 s here so that what a
batch holds depends only on what was published, not on timing. Covered: every event
applied once, in batches of the configured size, with one preload per batch; an event id
twice in a batch applied once; a batch with one failing event keeps nothing of it, runs
each event again on its own, applies the others once and retries and dead-letters the bad
one as an unbatched handler would; a body that is a JSON list is not taken for a batch.
"""
import collections

import pytest
from kombu import Connection
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import mapped_column

from kernel import entrypoints, metrics
from kernel.db import Database, make_base
from kernel.entrypoints import handles, rpc
from kernel.outbox import envelope, event_exchange
from kernel.service import ServiceBase
from kernel.testing import wait_until

pytestmark = pytest.mark.db

Base = make_base()

CALLS = collections.Counter()        # event_id -> times the handler body ran
PRELOADS = []                        # the size of each batch the preload saw


class Applied(Base):
    __tablename__ = "applied"
    id = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id = mapped_column(String(36), nullable=False)
    n = mapped_column(Integer, nullable=False)


def preload(service, events):
    PRELOADS.append(len(events))
    service.db.info["preloaded"] = {e["event_id"] for e in events}


class BatchSinkService(ServiceBase):
    name = "toy_batch_sink"
    db = Database(Base)

    @handles("toy_batch_source", "item", batch=50, preload=preload)
    def on_item(self, event):
        CALLS[event["event_id"]] += 1
        if event["payload"].get("poison"):
            raise RuntimeError("this one cannot be applied")
        preloaded = self.db.info.get("preloaded")
        assert preloaded is None or event["event_id"] in preloaded
        self.db.add(Applied(event_id=event["event_id"], n=event["payload"]["n"]))

    @rpc
    def applied(self):
        return [[r.event_id, r.n] for r in self.db.scalars(select(Applied).order_by(Applied.id))]


QUEUE = "evt-toy_batch_source-item--toy_batch_sink.on_item"


def publish_all(amqp_uri, bodies):
    exchange = event_exchange("toy_batch_source")
    with Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        for body in bodies:
            producer.publish(body, exchange=exchange, routing_key="item", declare=[exchange],
                             delivery_mode=2)


@pytest.fixture
def sink(toy_db, container_factory, service_config, monkeypatch):
    CALLS.clear()
    PRELOADS.clear()
    monkeypatch.setattr(entrypoints, "BATCH_LINGER", 1.0)
    container = container_factory(BatchSinkService,
                                  service_config(toy_db(Base, "batch_sink")))
    container.start()
    return container


def units_of_work(outcome):
    return metrics.ENTRYPOINT_CALLS.labels("toy_batch_sink", "on_item", "event",
                                           outcome)._value.get()


def items(count, **extra):
    return [envelope("toy_batch_source", "item", dict(extra, n=i)) for i in range(count)]


def test_events_are_applied_once_each_in_batches_above_the_worker_count(sink, rpc, amqp_uri):
    envs = items(120)
    publish_all(amqp_uri, envs)
    assert wait_until(lambda: len(rpc.toy_batch_sink.applied()) == 120)
    assert sorted(n for _, n in rpc.toy_batch_sink.applied()) == list(range(120))
    assert all(CALLS[e["event_id"]] == 1 for e in envs)
    # 50 + 50 while the prefetch of 100 holds, then the 20 left once the first is acked
    assert sorted(PRELOADS) == [20, 50, 50]


def test_the_order_of_a_batch_is_the_order_of_delivery(sink, rpc, amqp_uri):
    publish_all(amqp_uri, items(40))
    assert wait_until(lambda: len(rpc.toy_batch_sink.applied()) == 40)
    assert [n for _, n in rpc.toy_batch_sink.applied()] == list(range(40))
    assert PRELOADS == [40]


def test_an_event_twice_in_one_batch_is_applied_once(sink, rpc, amqp_uri):
    envs = items(5)
    publish_all(amqp_uri, envs + [envs[2]])
    assert wait_until(lambda: len(rpc.toy_batch_sink.applied()) == 5)
    assert CALLS[envs[2]["event_id"]] == 1
    assert PRELOADS == [5]
    ok_before = units_of_work("ok")
    publish_all(amqp_uri, [envs[3]])                  # and again after the commit
    assert wait_until(lambda: units_of_work("ok") == ok_before + 1)   # a batch of one, skipped
    assert CALLS[envs[3]["event_id"]] == 1 and PRELOADS == [5]
    assert len(rpc.toy_batch_sink.applied()) == 5


def test_one_failing_event_fails_alone_after_its_batch_runs_again_one_by_one(
        sink, rpc, amqp_uri):
    envs = items(30)
    poisoned = envelope("toy_batch_source", "item", {"n": 99, "poison": True})
    depth = rpc.toy_batch_sink.dead_letters()["queues"][QUEUE + ".dlq"]
    publish_all(amqp_uri, envs[:10] + [poisoned] + envs[10:])
    dlq = QUEUE + ".dlq"
    assert wait_until(lambda: rpc.toy_batch_sink.dead_letters()["queues"][dlq] == depth + 1)
    assert sorted(n for _, n in rpc.toy_batch_sink.applied()) == list(range(30))
    # the batch stopped at the bad one and was rolled back; then each ran alone: the good
    # ones are applied once, by that second run
    assert all(CALLS[e["event_id"]] == 2 for e in envs[:10])
    assert all(CALLS[e["event_id"]] == 1 for e in envs[10:])
    # the bad one: in the batch, alone, then the two retries (HANDLER_RETRY_DELAYS 0.2,0.4)
    assert CALLS[poisoned["event_id"]] == 4
    [message] = [m for m in rpc.toy_batch_sink.dead_letters(queue=dlq)["messages"]
                 if m["event"] == poisoned]
    assert "this one cannot be applied" in message["headers"]["x-skillcert-error"]
    assert PRELOADS == [31]                          # the runs one by one have no preload


def test_a_list_body_is_not_taken_for_a_batch(sink, rpc, amqp_uri):
    dlq = QUEUE + ".dlq"
    envs = items(2)
    depth = rpc.toy_batch_sink.dead_letters()["queues"][dlq]   # the queues outlive a test
    publish_all(amqp_uri, [envs, envs[0]])           # a JSON list of two envelopes, then one
    assert wait_until(lambda: rpc.toy_batch_sink.dead_letters()["queues"][dlq] == depth + 1)
    [message] = [m for m in rpc.toy_batch_sink.dead_letters(queue=dlq)["messages"]
                 if m["event"] == envs]
    assert "EVENT_MALFORMED" in message["headers"]["x-skillcert-error"]
    assert wait_until(lambda: rpc.toy_batch_sink.applied() == [[envs[0]["event_id"], 0]])
    assert CALLS[envs[1]["event_id"]] == 0
