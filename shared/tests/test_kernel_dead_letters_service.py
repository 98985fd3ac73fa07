"""Unreadable events and the dead-letter tools, over the real broker.

An event whose body is not JSON (garbage, or a pickle) goes to its handler's
dead-letter queue with the reason, instead of being acked and lost; the dead letters
are read as JSON only (a pickle in a DLQ is shown by size and first bytes, never
unpickled, by ``dead_letters`` and by ``python -m kernel.dlq show``), and
``python -m kernel.dlq <service> list`` reads the broker directly, so it answers while
the service is down.
"""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from kombu import Connection, Queue
from sqlalchemy import Integer, String
from sqlalchemy.orm import mapped_column

from kernel.db import Database, make_base
from kernel.dlq import DeadLetters, handler_queues
from kernel.entrypoints import handles
from kernel.outbox import envelope, event_exchange
from kernel.service import ServiceBase
from kernel.testing import wait_until

pytestmark = pytest.mark.db

Base = make_base()
UNPICKLED = []
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
QUEUE = "evt-toy_src-noted--toy_letters.on_noted"
DLQ = QUEUE + ".dlq"


class Noted(Base):
    __tablename__ = "noted"
    id = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id = mapped_column(String(36), nullable=False)


class LettersService(ServiceBase):
    name = "toy_letters"
    db = Database(Base)

    @handles("toy_src", "noted")
    def on_noted(self, event):
        self.db.add(Noted(event_id=event["event_id"]))


def _unpickle_marker():
    UNPICKLED.append(True)
    return {"event_id": "x"}


class Evil:
    def __reduce__(self):
        return (_unpickle_marker, ())


@pytest.fixture
def letters(toy_db, container_factory, service_config, amqp_uri):
    UNPICKLED.clear()
    container = container_factory(LettersService, service_config(toy_db(Base, "letters")))
    container.start()
    with Connection(amqp_uri) as conn:           # the module shares one vhost
        Queue(DLQ, durable=True)(conn.channel()).purge()
    return container


def publish_raw(amqp_uri, body, content_type, content_encoding="utf-8"):
    exchange = event_exchange("toy_src")
    with Connection(amqp_uri) as conn:
        conn.Producer().publish(body, exchange=exchange, routing_key="noted",
                                declare=[exchange], content_type=content_type,
                                content_encoding=content_encoding, delivery_mode=2)


def cli(amqp_uri, *args):
    env = dict(os.environ, AMQP_URI=amqp_uri,
               PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-m", "kernel.dlq", "toy_letters", *args,
                          "--service-class", "test_kernel_dead_letters_service:LettersService"],
                         capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_queue_names_come_from_the_class_as_nameko_names_them(letters):
    [handler] = [ep for ep in letters.entrypoints if getattr(ep, "method_name", "") == "on_noted"]
    assert handler_queues(LettersService) == [handler.queue.name] == [QUEUE]


def test_event_whose_body_is_not_json_goes_to_the_dead_letter_queue(letters, rpc, amqp_uri):
    publish_raw(amqp_uri, b"\x00not json at all", "application/json")
    assert wait_until(lambda: rpc.toy_letters.dead_letters()["queues"][DLQ] == 1)
    [letter] = rpc.toy_letters.dead_letters(queue=DLQ)["messages"]
    assert letter["headers"]["x-skillcert-reason"] == "NOT_JSON"
    assert letter["headers"]["x-skillcert-queue"] == QUEUE
    assert letter["undecoded"]["bytes"] == len(b"\x00not json at all")
    # the handler goes on with readable events
    env = envelope("toy_src", "noted", {})
    publish_raw(amqp_uri, json.dumps(env), "application/json")
    assert wait_until(lambda: letters_applied(letters) == 1)


def letters_applied(container):
    from sqlalchemy import create_engine, func, select
    engine = create_engine(container.config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Noted.__table__)).scalar_one()
    finally:
        engine.dispose()


def test_a_pickled_event_is_dead_lettered_and_never_unpickled_by_the_dead_letter_tools(
        letters, rpc, amqp_uri):
    body = pickle.dumps(Evil())
    publish_raw(amqp_uri, body, "application/x-python-serialize", "binary")
    assert wait_until(lambda: rpc.toy_letters.dead_letters()["queues"][DLQ] == 1)
    [letter] = rpc.toy_letters.dead_letters(queue=DLQ)["messages"]
    assert letter["undecoded"]["content_type"] == "application/x-python-serialize"
    assert "event" not in letter
    shown = cli(amqp_uri, "show", DLQ)
    assert shown["queues"] == {DLQ: 1}
    assert shown["messages"][0]["undecoded"]["bytes"] == len(body)
    # and not by the kernel's own reader either
    [again] = DeadLetters.of(amqp_uri, LettersService).peek(DLQ)
    assert "event" not in again
    assert UNPICKLED == []


def test_dlq_list_reads_the_broker_while_the_service_is_down(letters, amqp_uri):
    publish_raw(amqp_uri, b"garbage", "application/json")
    box = DeadLetters.of(amqp_uri, LettersService)
    assert wait_until(lambda: box.depths()[DLQ] == 1)
    letters.stop()                                     # the service is down
    listing = cli(amqp_uri, "list")
    assert listing == {"queues": {DLQ: 1, "rpc-toy_letters.dlq": 0}}
    assert cli(amqp_uri, "replay", DLQ) == {"replayed": {DLQ: 1}}
    assert box.depths()[DLQ] == 0
