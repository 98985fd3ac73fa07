"""RPC requests the kernel refuses before any work, over the real broker.

The test publishes each bad request itself (pika for the one of the incident, kombu
for the rest) to the exchange ``nameko-rpc`` as a client not written with nameko
would. Each is dead-lettered to ``rpc-toy_guard.dlq`` with its reason, acked (the
RPC queue is empty afterwards), answered with a RequestRefused error when it has a
reply address, and the service keeps answering. No refused request runs the method.
"""
import collections
import json
import pickle
import uuid

import pika
import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy import Integer
from sqlalchemy.orm import mapped_column

from kernel import metrics
from kernel.db import Database, make_base
from kernel.dlq import DeadLetters
from kernel.entrypoints import rpc
from kernel.service import ServiceBase
from kernel.testing import wait_until

pytestmark = pytest.mark.db

Base = make_base()
CALLS = collections.Counter()
UNPICKLED = []
MAX_BYTES = 4096


class Row(Base):
    __tablename__ = "rows"
    id = mapped_column(Integer, primary_key=True)


class GuardService(ServiceBase):
    name = "toy_guard"
    db = Database(Base)

    @rpc
    def work(self, n=1):
        CALLS["work"] += 1
        self.db.add(Row())
        return n


def _unpickle_marker():
    UNPICKLED.append(True)
    return "unpickled"


class Evil:
    def __reduce__(self):
        return (_unpickle_marker, ())


@pytest.fixture
def guard(toy_db, container_factory, service_config, amqp_uri):
    CALLS.clear()
    UNPICKLED.clear()
    container = container_factory(GuardService, service_config(
        toy_db(Base, "guard"), RPC_MAX_BYTES=MAX_BYTES))
    container.start()
    with Connection(amqp_uri) as conn:           # the module shares one vhost
        Queue("rpc-toy_guard.dlq", durable=True)(conn.channel()).purge()
    return container


def amqp_params(amqp_uri):
    """pika's parameters for the test's vhost (kombu's URI has no %2F escaping)."""
    from urllib.parse import quote, urlsplit
    parts = urlsplit(amqp_uri.replace("pyamqp://", "amqp://"))
    vhost = parts.path[1:] or "/"
    return pika.URLParameters(f"amqp://{parts.username}:{parts.password}@{parts.hostname}:"
                              f"{parts.port or 5672}/{quote(vhost, safe='')}")


def dlq_messages(amqp_uri):
    return DeadLetters(amqp_uri, "toy_guard", []).peek("rpc-toy_guard.dlq", 100)


def rpc_queue_depth(amqp_uri):
    with Connection(amqp_uri) as conn:
        _, count, _ = Queue("rpc-toy_guard", durable=True)(conn.channel()).queue_declare(
            passive=True)
    return count


def refused(reason):
    return metrics.RPC_REFUSED.labels("toy_guard", reason)._value.get()


class ReplyQueue:
    """A reply queue bound to nameko-rpc, as a plain AMQP client makes one."""

    def __init__(self, amqp_uri):
        self.key = str(uuid.uuid4())
        self.conn = Connection(amqp_uri)
        self.queue = Queue("reply-" + self.key, exchange=Exchange("nameko-rpc", "topic",
                                                                   durable=True),
                           routing_key=self.key, exclusive=True, auto_delete=True)(
            self.conn.channel())
        self.queue.declare()

    def publish(self, routing_key, body, **properties):
        correlation_id = str(uuid.uuid4())
        self.conn.Producer().publish(body, exchange="nameko-rpc", routing_key=routing_key,
                                     reply_to=self.key, correlation_id=correlation_id,
                                     **properties)
        return correlation_id

    def reply(self):
        message = wait_until(lambda: self.queue.get(no_ack=True), timeout=10)
        assert message is not None, "no reply"
        return message.properties.get("correlation_id"), json.loads(message.body)

    def close(self):
        self.conn.release()


def assert_refused_reply(reply, code):
    assert reply["result"] is None
    assert reply["error"]["exc_type"] == "RequestRefused"
    assert reply["error"]["exc_args"][0] == code


def test_request_without_reply_to_is_dead_lettered_before_any_work_and_the_service_survives(
        guard, rpc, amqp_uri):
    before = refused("RPC_NO_REPLY_TO")
    # the incident's message: content_type set, no reply_to, a real method
    connection = pika.BlockingConnection(amqp_params(amqp_uri))
    channel = connection.channel()
    channel.basic_publish("nameko-rpc", "toy_guard.work",
                          json.dumps({"args": [], "kwargs": {"n": 2}}),
                          pika.BasicProperties(content_type="application/json"))
    connection.close()
    assert wait_until(lambda: refused("RPC_NO_REPLY_TO") - before == 1)
    [letter] = wait_until(lambda: dlq_messages(amqp_uri))
    assert letter["headers"]["x-skillcert-reason"] == "RPC_NO_REPLY_TO"
    assert letter["headers"]["x-skillcert-routing-key"] == "toy_guard.work"
    assert letter["event"] == {"args": [], "kwargs": {"n": 2}}
    assert CALLS["work"] == 0                              # refused before any work
    assert rpc.toy_guard.work(n=5) == 5                    # the service is alive
    assert rpc_queue_depth(amqp_uri) == 0                  # and the request was acked
    assert not guard._died.ready()


def test_request_whose_body_is_not_json_is_refused_and_answered_with_a_structured_error(
        guard, rpc, amqp_uri):
    replies = ReplyQueue(amqp_uri)
    try:
        sent = replies.publish("toy_guard.work", b"{not json", content_type="application/json",
                               content_encoding="utf-8")
        correlation_id, reply = replies.reply()
        assert correlation_id == sent
        assert_refused_reply(reply, "RPC_MALFORMED")
        assert json.loads(reply["error"]["exc_args"][4])["reason"] == "NOT_JSON"
        # a pickle is not JSON either, and is never unpickled
        replies.publish("toy_guard.work", pickle.dumps({"args": [Evil()], "kwargs": {}}),
                        content_type="application/x-python-serialize",
                        content_encoding="binary")
        assert_refused_reply(replies.reply()[1], "RPC_MALFORMED")
    finally:
        replies.close()
    letters = wait_until(lambda: len(dlq_messages(amqp_uri)) == 2 and dlq_messages(amqp_uri))
    assert [m["headers"]["x-skillcert-reason"] for m in letters] == ["RPC_MALFORMED", "RPC_MALFORMED"]
    assert all("undecoded" in m and "event" not in m for m in letters)
    assert letters[1]["undecoded"]["content_type"] == "application/x-python-serialize"
    assert UNPICKLED == [] and CALLS["work"] == 0
    assert rpc.toy_guard.work() == 1
    assert rpc_queue_depth(amqp_uri) == 0


def test_request_for_an_unknown_method_is_refused_and_answered(guard, rpc, amqp_uri):
    replies = ReplyQueue(amqp_uri)
    try:
        replies.publish("toy_guard.no_such_method", json.dumps({"args": [], "kwargs": {}}),
                        content_type="application/json", content_encoding="utf-8")
        reply = replies.reply()[1]
    finally:
        replies.close()
    assert_refused_reply(reply, "RPC_METHOD_UNKNOWN")
    [letter] = wait_until(lambda: dlq_messages(amqp_uri))
    assert letter["headers"]["x-skillcert-reason"] == "RPC_METHOD_UNKNOWN"
    assert rpc.toy_guard.work() == 1


def test_request_over_rpc_max_bytes_is_refused_before_it_is_parsed(guard, rpc, amqp_uri):
    replies = ReplyQueue(amqp_uri)
    try:
        big = json.dumps({"args": ["x" * MAX_BYTES], "kwargs": {}})
        replies.publish("toy_guard.work", big, content_type="application/json",
                        content_encoding="utf-8")
        reply = replies.reply()[1]
    finally:
        replies.close()
    assert_refused_reply(reply, "BODY_TOO_LARGE")
    assert json.loads(reply["error"]["exc_args"][4])["max_bytes"] == MAX_BYTES
    [letter] = wait_until(lambda: dlq_messages(amqp_uri))
    assert letter["headers"]["x-skillcert-reason"] == "BODY_TOO_LARGE"
    assert CALLS["work"] == 0
    assert rpc.toy_guard.work(n=3) == 3                    # a request under the limit


def test_request_that_is_not_args_and_kwargs_is_refused(guard, rpc, amqp_uri):
    replies = ReplyQueue(amqp_uri)
    try:
        for body in ([1, 2], {"args": "abc", "kwargs": {}}, {"args": []}):
            replies.publish("toy_guard.work", json.dumps(body),
                            content_type="application/json", content_encoding="utf-8")
            assert_refused_reply(replies.reply()[1], "RPC_MALFORMED")
    finally:
        replies.close()
    assert CALLS["work"] == 0
    assert rpc.toy_guard.work() == 1


def test_request_without_content_type_is_read_as_json_and_answered(guard, amqp_uri):
    replies = ReplyQueue(amqp_uri)
    try:
        channel = replies.conn.channel()
        channel.basic_publish(channel.prepare_message(
            json.dumps({"args": [7], "kwargs": {}}).encode(),
            properties={"reply_to": replies.key, "correlation_id": "c-1"}),
            exchange="nameko-rpc", routing_key="toy_guard.work")
        correlation_id, reply = replies.reply()
    finally:
        replies.close()
    assert (correlation_id, reply) == ("c-1", {"result": 7, "error": None})
