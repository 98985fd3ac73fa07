"""Fixtures for payment's service tests: the payment service on the real broker
and a fresh database, batch 2026-12 published as the exam service would, the
default fee schedule loaded, approvals published as the review service would."""
import itertools
import uuid

import pytest

from kernel.testing import publish_event, sample_id_number, sample_jpeg, wait_until

from payment import testing
from payment.service import PaymentService


@pytest.fixture
def start_payment(container_factory, db_url_for, service_config):
    """start_payment(today=...) -> a running payment container; the same
    database on a second call (a restart on another date)."""
    url = db_url_for("payment")

    def start(today=testing.IN_WINDOW):
        container = container_factory(PaymentService,
                                      service_config(url, SKILLCERT_TODAY=today))
        container.start()
        return container
    return start


@pytest.fixture
def payment(start_payment, rpc, amqp_uri):
    container = start_payment()
    publish_event(amqp_uri, "exam", "batch_scheduled", {"batch": testing.BATCH_2026_12})
    rpc.payment.load_fee_schedule()
    assert wait_until(lambda: rpc.payment.list_batches(), timeout=10)
    return container


@pytest.fixture
def approve(rpc, amqp_uri):
    """approve(n, **payload overrides) -> the approved payloads, once payment has them."""
    seqs = itertools.count(1)

    def make(n=1, **overrides):
        payloads = [testing.approved_payload(sample_id_number("19900101", next(seqs)),
                                             **overrides) for _ in range(n)]
        for p in payloads:
            publish_event(amqp_uri, "review", "application_approved", p)
        for p in payloads:
            assert wait_until(lambda: _known(rpc, p["application_id"]), timeout=10)
        return payloads
    return make


def _known(rpc, application_id):
    from kernel.errors import NotFound
    try:
        return rpc.payment.get_payable(application_id)
    except NotFound:
        return None


@pytest.fixture
def receipt_file(rpc):
    """Upload a receipt image; returns its hash."""
    def make(seed=None):
        seed = uuid.uuid4().int % 10**6 if seed is None else seed
        return rpc.payment.upload_receipt({"content_base64": testing.b64(sample_jpeg(seed)),
                                           "filename": "回单.jpg"})["hash"]
    return make
