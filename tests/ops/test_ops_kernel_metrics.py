"""The kernel figures the alerts rely on: unexpected failures apart from refused
requests, the time of the last success, and gauges replaced whole."""
import sys
import time
from types import SimpleNamespace

from prometheus_client import REGISTRY

from kernel import metrics
from kernel.errors import NotFound


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


class WorkerContext:                       # what Metrics reads of nameko's (weakly kept)
    def __init__(self, entrypoint):
        self.entrypoint = SimpleNamespace(method_name=entrypoint)


def observe(exc=None, entrypoint="lookup"):
    recorder = metrics.Metrics()
    recorder.container = SimpleNamespace(service_name="toy_ops")
    ctx = WorkerContext(entrypoint)
    recorder.worker_setup(ctx)
    exc_info = None
    if exc is not None:
        try:
            raise exc
        except Exception:
            exc_info = sys.exc_info()
    recorder.observe(ctx, "rpc", exc_info)


def test_only_unexpected_errors_count_as_failures_and_successes_are_timed():
    labels = dict(service="toy_ops", entrypoint="lookup", kind="rpc")
    before_refused = sample("skillcert_entrypoint_calls_total", outcome="TOY_MISSING", **labels)
    before_failed = sample("skillcert_entrypoint_failures_total", error="KeyError", **labels)
    observe(NotFound("TOY_MISSING", "no such toy"))
    observe(KeyError("boom"))
    assert sample("skillcert_entrypoint_calls_total", outcome="TOY_MISSING", **labels) == \
        before_refused + 1
    assert sample("skillcert_entrypoint_failures_total", error="KeyError", **labels) == \
        before_failed + 1
    assert sample("skillcert_entrypoint_failures_total", error="TOY_MISSING", **labels) == 0
    assert sample("skillcert_entrypoint_last_success_timestamp_seconds", **labels) == 0
    started = time.time()
    observe()
    assert sample("skillcert_entrypoint_last_success_timestamp_seconds", **labels) >= \
        int(started)


def test_snapshot_replaces_every_value_of_a_gauge():
    gauge = metrics.gauge("skillcert_toy_ops_by_status", "toy", ["status"])
    metrics.snapshot(gauge, {("submitted",): 3, ("approved",): 2})
    metrics.snapshot(gauge, {("approved",): 4})
    assert sample("skillcert_toy_ops_by_status", status="approved") == 4
    assert REGISTRY.get_sample_value("skillcert_toy_ops_by_status",
                                     {"status": "submitted"}) is None
