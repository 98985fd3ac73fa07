"""Broker connection faults: acks on a dead channel, reconnection, a broker restart.

- ``kernel.amqp.QueueConsumer.ack_message`` on a delivery whose socket is dead (the
  incident: ``ConnectionResetError`` in ``ack_message`` after a broker restart) is
  dropped, and the broker redelivers the message; nameko's own consumer raises there,
  which killed the service.
- A service whose consumer connection is cut under it (its socket shut down) while a
  handler is running survives, reconnects by itself and applies the event once.
- ``broker_restart`` (only with SKILLCERT_BROKER_FAULT_TESTS=1: it stops the RabbitMQ
  application for every test on this machine): ``rabbitmqctl stop_app; start_app``
  during a stream of events; every event is applied exactly once and nothing is
  dead-lettered.
"""
import socket
import subprocess

import eventlet
import pytest
from kombu import Connection, Queue
from nameko.messaging import QueueConsumer as NamekoQueueConsumer
from sqlalchemy import Integer, String, create_engine, func, select
from sqlalchemy.orm import mapped_column

from kernel.amqp import QueueConsumer
from kernel.db import Database, make_base
from kernel.dlq import DeadLetters
from kernel.entrypoints import handles, rpc
from kernel.outbox import envelope
from kernel.service import ServiceBase
from kernel.testing import publish_event, wait_until

Base = make_base()
GATE = {"event": None, "entered": 0}


class Seen(Base):
    __tablename__ = "seen"
    id = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id = mapped_column(String(36), nullable=False)


class SteadyService(ServiceBase):
    name = "toy_steady"
    db = Database(Base)

    @handles("toy_feed", "tick")
    def on_tick(self, event):
        if event["payload"].get("hold") and GATE["event"] is not None:
            GATE["entered"] += 1
            GATE["event"].wait()
        self.db.add(Seen(event_id=event["event_id"]))

    @rpc
    def ping(self):
        return "pong"


def _kill_socket(connection):
    """Cut an amqp connection under its owner: the socket is shut down, the
    owner's next write fails as it did after the broker restart."""
    connection.transport.sock.shutdown(socket.SHUT_RDWR)


def _delivery(amqp_uri, queue_name, body):
    conn = Connection(amqp_uri)
    channel = conn.channel()
    queue = Queue(queue_name, durable=False, auto_delete=False)(channel)
    queue.declare()
    conn.Producer(channel).publish(body, routing_key=queue_name, serializer="json")
    message = wait_until(lambda: queue.get(no_ack=False), timeout=10)
    assert message is not None
    return conn, message


@pytest.mark.parametrize("consumer_cls", [QueueConsumer], ids=["kernel"])
def test_ack_on_a_dead_channel_is_dropped_and_the_broker_redelivers(amqp_uri, consumer_cls):
    conn, message = _delivery(amqp_uri, "toy-ack-dead", {"n": 1})
    _kill_socket(message.channel.connection)
    consumer_cls().ack_message(message)             # must not raise
    consumer_cls().requeue_message(message)
    conn.collect()
    with Connection(amqp_uri) as again:
        queue = Queue("toy-ack-dead")(again.channel())
        redelivered = wait_until(lambda: queue.get(no_ack=False), timeout=10)
        assert redelivered is not None and redelivered.payload == {"n": 1}
        assert redelivered.delivery_info["redelivered"]
        redelivered.ack()
        queue.delete()


def test_nameko_own_consumer_raises_on_the_same_dead_channel(amqp_uri):
    """What killed the review service (kept to show the kernel's consumer is needed)."""
    conn, message = _delivery(amqp_uri, "toy-ack-dead-nameko", {"n": 2})
    _kill_socket(message.channel.connection)
    with pytest.raises(OSError):
        NamekoQueueConsumer().ack_message(message)
    conn.collect()
    with Connection(amqp_uri) as again:
        Queue("toy-ack-dead-nameko")(again.channel()).delete()


@pytest.fixture
def steady(toy_db, container_factory, service_config):
    GATE.update(event=eventlet.event.Event(), entered=0)
    url = toy_db(Base, "steady")
    container = container_factory(SteadyService, service_config(url))
    container.start()
    yield container
    if not GATE["event"].ready():
        GATE["event"].send(True)


def seen(container):
    engine = create_engine(container.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Seen.event_id, func.count()).group_by(Seen.event_id))
            return dict(rows.all())
    finally:
        engine.dispose()


def kernel_consumer(container):
    [consumer] = [e for e in container.extensions if isinstance(e, QueueConsumer)
                  and getattr(e, "_consumers", None)
                  and any(getattr(p, "method_name", "") == "on_tick" for p in e._consumers)]
    return consumer


@pytest.mark.db
def test_service_survives_its_connection_cut_under_a_running_handler_and_reconnects(
        steady, amqp_uri, rpc):
    held = envelope("toy_feed", "tick", {"hold": True})
    publish_event(amqp_uri, "toy_feed", "tick", held["payload"], event_id=held["event_id"])
    assert wait_until(lambda: GATE["entered"] == 1)
    consumer = kernel_consumer(steady)
    old_connection = next(iter(consumer._consumers.values())).channel.connection
    _kill_socket(old_connection)
    GATE["event"].send(True)                     # the handler finishes and acks on it
    # the broker redelivers the held event on the new connection: applied once
    assert wait_until(lambda: seen(steady).get(held["event_id"]) == 1)
    assert not steady._died.ready()
    after = publish_event(amqp_uri, "toy_feed", "tick", {})
    assert wait_until(lambda: seen(steady).get(after["event_id"]) == 1)
    assert rpc.toy_steady.ping() == "pong"
    assert seen(steady)[held["event_id"]] == 1


def _rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


@pytest.mark.broker_restart
@pytest.mark.db
def test_broker_restart_during_a_stream_of_events_loses_and_duplicates_nothing(
        steady, amqp_uri, rpc):
    sent = [publish_event(amqp_uri, "toy_feed", "tick", {"n": i})["event_id"]
            for i in range(100)]
    assert wait_until(lambda: len(seen(steady)) >= 10)
    _rabbitmqctl("stop_app")                 # the handlers are mid-stream
    _rabbitmqctl("start_app")
    _rabbitmqctl("await_startup")

    def publish_after():
        try:
            return [publish_event(amqp_uri, "toy_feed", "tick", {"n": 100 + i})["event_id"]
                    for i in range(100)]
        except Exception:
            return None
    more = wait_until(publish_after, timeout=60)
    assert more
    assert wait_until(lambda: set(sent + more) <= set(seen(steady)), timeout=120)
    assert not steady._died.ready()
    assert set(seen(steady).values()) == {1}             # none applied twice
    assert DeadLetters.of(amqp_uri, SteadyService).depths()[
        "evt-toy_feed-tick--toy_steady.on_tick.dlq"] == 0
    assert wait_until(lambda: rpc.toy_steady.ping() == "pong", timeout=60)
