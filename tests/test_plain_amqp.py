"""The exam service called over plain AMQP with pika (tests/amqp_client.py), as
a system not written with nameko would: the wire format of docs/amqp-clients.md."""
import json

import pytest

from amqp_client import AmqpRpcClient, EventSubscriber, RemoteError, UnknownService, \
    pika_parameters

from exam.service import ExamService


@pytest.fixture
def exam(container_factory, db_url_for, service_config):
    container = container_factory(ExamService, service_config(db_url_for("exam")))
    container.start()
    return container


@pytest.fixture
def client(amqp_uri):
    with AmqpRpcClient(amqp_uri, timeout=20) as client:
        yield client


def test_calls_return_the_result(exam, client):
    assert client.call("exam", "load_calendar") == {"created": 21, "updated": 0,
                                                    "unchanged": 0}
    batch = client.call("exam", "get_batch", "2026-12")
    assert batch["code"] == "2026-12"
    assert batch["exam_date"] == "2026-12-05"
    assert batch["registration"] == {"start": "2026-10-26", "end": "2026-11-02"}
    assert client.call("exam", "get_batch", code="2026-12") == batch   # kwargs work too
    assert len(client.call("exam", "list_batches", year=2026)) == 10
    assert client.call("exam", "health")["ok"] is True


def test_a_domain_error_arrives_as_nameko_error_dict(exam, client):
    client.call("exam", "load_calendar")
    with pytest.raises(RemoteError) as err:
        client.call("exam", "get_batch", "2031-01")
    error = err.value.error
    assert set(error) == {"exc_type", "exc_path", "exc_args", "value"}
    assert error["exc_type"] == "NotFound"
    assert error["exc_path"].endswith("NotFound")
    assert error["exc_path"] == "kernel.errors.NotFound"
    # [code, message, field, rule, details]: five strings, because nameko's
    # serialize() would turn None into "None" and 3 into "3"; kernel.errors
    # sends "" for a missing field or rule and the details as JSON text.
    assert error["exc_args"] == ["BATCH_NOT_FOUND", "no batch 2031-01", "code", "", "{}"]
    assert err.value.code == "BATCH_NOT_FOUND"
    assert err.value.domain == {"code": "BATCH_NOT_FOUND", "message": "no batch 2031-01",
                                "field": "code", "rule": None, "details": {}}
    assert error["value"] == "BATCH_NOT_FOUND [code]: no batch 2031-01"


def test_error_details_travel_as_json_text(exam, client):
    client.call("exam", "load_calendar")
    with pytest.raises(RemoteError) as err:
        client.call("exam", "update_batch", "2026-12", {"exam_date": "soon"})
    code, _message, field, _rule, details = err.value.exc_args
    assert (code, field) == ("VALIDATION_FAILED", "exam_date")
    assert "exam_date" in json.loads(details)["errors"]
    assert err.value.domain["details"] == json.loads(details)


def test_bad_calls(exam, client):
    with pytest.raises(RemoteError) as err:
        client.call("exam", "no_such_method")
    # refused by the kernel before any work (and dead-lettered), not nameko's MethodNotFound
    assert err.value.exc_path == "kernel.errors.RequestRefused"
    assert err.value.code == "RPC_METHOD_UNKNOWN"
    with pytest.raises(RemoteError) as err:   # kernel.entrypoints turns wrong arguments
        client.call("exam", "get_batch", "2026-12", "extra")   # into a DomainError
    assert err.value.exc_path == "kernel.errors.ValidationFailed"
    assert err.value.code == "BAD_ARGUMENTS"
    assert err.value.domain["details"] == {"method": "get_batch"}
    with pytest.raises(RemoteError) as err:
        client.call("exam", "get_batch")
    assert err.value.code == "BAD_ARGUMENTS"
    with pytest.raises(UnknownService):
        client.call("no_such_service", "health")


def test_no_reply_raises_timeout(amqp_uri, client):
    # a queue takes ghost.* but nothing consumes it: the request is routed, never answered
    import pika
    with pika.BlockingConnection(pika_parameters(amqp_uri)) as conn:
        channel = conn.channel()
        channel.queue_declare("rpc-ghost-test", auto_delete=False)
        channel.queue_bind("rpc-ghost-test", "nameko-rpc", routing_key="ghost.*")
        try:
            with pytest.raises(TimeoutError):
                client.call("ghost", "health", timeout=0.5)
        finally:
            channel.queue_delete("rpc-ghost-test")


def test_events_arrive_as_envelopes(exam, client, amqp_uri):
    with EventSubscriber(amqp_uri, "exam", events=["batch_scheduled"]) as events:
        client.call("exam", "load_calendar")
        received = events.receive(count=21, timeout=10)
    assert len(received) == 21
    env = received[0]
    assert set(env) == {"event_id", "type", "occurred_at", "producer", "schema_version",
                        "payload"}
    assert env["type"] == "exam.batch_scheduled" and env["producer"] == "exam"
    assert len({e["event_id"] for e in received}) == 21


def test_docs_quote_this_client_verbatim():
    """docs/amqp-clients.md quotes tests/amqp_client.py: the quotes must not drift."""
    import re
    from pathlib import Path
    here = Path(__file__).resolve().parent
    doc = (here.parent / "docs" / "amqp-clients.md").read_text()
    source = (here / "amqp_client.py").read_text()
    quotes = re.findall(r"<!-- quoted from tests/amqp_client.py -->\n```python\n(.*?)```",
                        doc, re.S)
    assert len(quotes) == 4
    for quote in quotes:
        assert quote in source, quote[:200]


def test_a_request_without_content_type_gets_an_error_and_the_service_lives(exam, client):
    import pika
    import uuid
    correlation_id = str(uuid.uuid4())
    client.channel.basic_publish(
        exchange="nameko-rpc", routing_key="exam.list_batches",
        body=b'{"args": [], "kwargs": {}}',
        properties=pika.BasicProperties(reply_to=client.reply_to,
                                        correlation_id=correlation_id))
    deadline = __import__("time").monotonic() + 10
    while correlation_id not in client.replies and __import__("time").monotonic() < deadline:
        client.connection.process_data_events(time_limit=0.5)
    assert correlation_id in client.replies          # an answer, not a dead service
    assert client.call("exam", "health")["ok"] is True
