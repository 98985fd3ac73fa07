"""A client not written with nameko (pika, tests/amqp_client.py) submits an
individual application and reads it back: the wire format of docs/amqp-clients.md."""
import pytest

from amqp_client import AmqpRpcClient, RemoteError


@pytest.fixture
def client(amqp_uri):
    with AmqpRpcClient(amqp_uri, timeout=20) as client:
        yield client


def test_R1_R2_plain_amqp_client_submits_and_reads_back_an_application(suite, client,
                                                                       application):
    payload = application()
    app = client.call("registration", "submit_application", payload)
    assert app["status"] == "submitted"
    back = client.call("registration", "get_application", app["id"])
    assert back["id"] == app["id"] and back["timeline"][0]["status"] == "submitted"
    with pytest.raises(RemoteError) as err:
        client.call("registration", "submit_application", dict(
            payload, idempotency_key="plain-amqp-closed-window", batch_code="2026-03"))
    assert err.value.code == "REGISTRATION_WINDOW_CLOSED"
    assert err.value.domain["rule"] == "R1" and err.value.domain["field"] == "batch_code"
