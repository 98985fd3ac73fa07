"""Prometheus metrics: every entrypoint (RED), events, handlers, and a /metrics port.

Entrypoint figures are recorded by the kernel's entrypoints through the
``Metrics`` dependency (worker start time, then outcome and latency once the
unit of work is finished). Services add business figures with ``counter`` and
``gauge``, which return the same collector when asked twice; ``snapshot``
replaces every value of a gauge that counts rows of the database by label
(so a status whose count fell to nothing disappears instead of staying stale).

``skillcert_entrypoint_failures_total`` counts only failures that are not a
``DomainError`` (a bug, a database or broker outage): the error-rate alert
watches it, while refused requests (VALIDATION_FAILED, ...) stay visible as
outcomes of ``skillcert_entrypoint_calls_total``.
``skillcert_entrypoint_last_success_timestamp_seconds`` is when an entrypoint
last finished well; the readiness probe reads it for the outbox sweep timer.
The alert rules and dashboard in deploy/ are written against these names.
"""
import logging
import threading
import time
import weakref

from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server

from kernel import settings

log = logging.getLogger(__name__)

ENTRYPOINT_CALLS = Counter(
    "skillcert_entrypoint_calls_total", "Entrypoint calls by outcome (ok or an error code)",
    ["service", "entrypoint", "kind", "outcome"])
ENTRYPOINT_LATENCY = Histogram(
    "skillcert_entrypoint_latency_seconds", "Entrypoint latency, unit of work included",
    ["service", "entrypoint", "kind"],
    buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
EVENTS_PUBLISHED = Counter(
    "skillcert_events_published_total", "Events relayed from the outbox", ["service", "event"])
OUTBOX_BACKLOG = Gauge(
    "skillcert_outbox_backlog", "Outbox rows not yet published", ["service"])
HANDLER_RETRIES = Counter(
    "skillcert_handler_retries_total", "Event handler failures sent for a retry",
    ["service", "handler"])
DEAD_LETTERS = Counter(
    "skillcert_dead_letters_total", "Events moved to a dead-letter queue", ["service", "handler"])
DEAD_LETTER_DEPTH = Gauge(
    "skillcert_dead_letter_queue_depth", "Messages waiting in a dead-letter queue",
    ["service", "queue"])

ACKS_DROPPED = Counter(
    "skillcert_acks_dropped_total",
    "Acks or requeues dropped because the delivery's channel was gone (the broker redelivers)")
RPC_REFUSED = Counter(
    "skillcert_rpc_refused_total",
    "RPC requests refused before any work and dead-lettered, by reason",
    ["service", "reason"])

ENTRYPOINT_FAILURES = Counter(
    "skillcert_entrypoint_failures_total",
    "Entrypoint calls that failed with an unexpected error (not a DomainError)",
    ["service", "entrypoint", "kind", "error"])
ENTRYPOINT_LAST_SUCCESS = Gauge(
    "skillcert_entrypoint_last_success_timestamp_seconds",
    "Unix time an entrypoint last finished without error", ["service", "entrypoint", "kind"])
CALENDAR_PENDING = Gauge(
    "skillcert_calendar_pending",
    "Things waiting for a working-day calendar year nobody has loaded yet "
    "(review due dates, certificate collection dates, ticket/publication days)",
    ["service", "year"])

_lock = threading.Lock()
_servers = {}


def counter(name, documentation, labels=()):
    return _collector(Counter, name, documentation, labels)


def gauge(name, documentation, labels=()):
    return _collector(Gauge, name, documentation, labels)


def _collector(kind, name, documentation, labels):
    with _lock:
        existing = REGISTRY._names_to_collectors.get(name) or \
            REGISTRY._names_to_collectors.get(name + "_total")
        if existing is not None:
            return existing
        return kind(name, documentation, list(labels))


def snapshot(gauge, values):
    """Set a labelled gauge to exactly ``values`` ({label tuple: number}):
    label sets absent from ``values`` are removed, not left at an old figure."""
    with _lock:
        gauge.clear()
        for labels, value in values.items():
            gauge.labels(*labels).set(value)


def serve(port):
    """Start the /metrics HTTP server once per process; returns the bound port."""
    with _lock:
        if _servers:
            return next(iter(_servers))
        server, _thread = start_http_server(port)
        bound = server.server_address[1]
        _servers[bound] = server
        log.info("metrics on http://0.0.0.0:%s/metrics", bound)
        return bound


class Metrics(DependencyProvider):
    """Times every worker; serves /metrics when METRICS_PORT is set (0 = any free port)."""

    def __init__(self):
        self.started = weakref.WeakKeyDictionary()
        self.port = None

    def setup(self):
        port = settings.metrics_port(self.container.config)
        if port is not None:
            self.port = serve(port)

    def get_dependency(self, worker_ctx):
        return self

    def worker_setup(self, worker_ctx):
        self.started[worker_ctx] = time.perf_counter()

    def observe(self, worker_ctx, kind, exc_info):
        from kernel.errors import DomainError
        service = self.container.service_name
        name = worker_ctx.entrypoint.method_name
        if exc_info is None:
            outcome = "ok"
            ENTRYPOINT_LAST_SUCCESS.labels(service, name, kind).set_to_current_time()
        elif isinstance(exc_info[1], DomainError):
            outcome = exc_info[1].code
        else:
            outcome = type(exc_info[1]).__name__
            ENTRYPOINT_FAILURES.labels(service, name, kind, outcome).inc()
        ENTRYPOINT_CALLS.labels(service, name, kind, outcome).inc()
        start = self.started.pop(worker_ctx, None)
        if start is not None:
            ENTRYPOINT_LATENCY.labels(service, name, kind).observe(time.perf_counter() - start)
