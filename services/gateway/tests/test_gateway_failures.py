"""Failures behind the gateway become HTTP statuses, never stack traces: a
service that is not running (503), one that does not answer (504), one that
breaks (500, a generic body). A module of its own: its broker vhost has never
seen the registration service, so calls to it are undeliverable."""
import eventlet
from nameko.rpc import rpc as nameko_rpc

from .conftest import Client, bound_url
from .test_gateway_service import error


class StubExam:
    """Plays an exam service that hangs or breaks (for 504 and 500)."""
    name = "exam"

    @nameko_rpc
    def list_batches(self, year=None):
        eventlet.sleep(3)
        return []

    @nameko_rpc
    def get_batch(self, code):
        raise RuntimeError("database password is hunter2")


def test_timeouts_are_504_failures_are_500_without_details_and_absent_services_503(
        container_factory, start_gateway, service_config):
    gateway = Client(bound_url(start_gateway(RPC_TIMEOUT=0.5)))
    err = error(gateway.get("/projects"), 503, "SERVICE_UNAVAILABLE")   # registration is down
    assert err["details"]["service"] == "registration"
    stub = container_factory(StubExam, service_config("sqlite://"))
    stub.start()
    err = error(gateway.get("/batches"), 504, "RPC_TIMEOUT")
    assert err["details"]["service"] == "exam"
    r = gateway.get("/batches/2026-12")
    err = error(r, 500, "INTERNAL_ERROR")
    assert "hunter2" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    assert err["details"]["incident"]
