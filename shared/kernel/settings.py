"""Settings from the environment, with defaults that work on a laptop.

Precedence for every value: the nameko config dict (tests pass one), then the
environment, then the default. Database URL for service ``svc``:
``DATABASE_URL`` in config, else ``<SVC>_DATABASE_URL``, else
``SKILLCERT_DATABASE_URL`` with ``{service}`` in it (one server, a database per
service), else ``sqlite:///<data dir>/<svc>.db``.
"""
import os
from pathlib import Path

DEFAULT_AMQP_URI = "pyamqp://guest:guest@localhost:5672/"


def _get(config, key, default=None):
    if config and config.get(key) not in (None, ""):
        return config[key]
    value = os.environ.get(key)
    return value if value not in (None, "") else default


def get(config, key, default=None):
    """Any setting: the nameko config, then the environment, then ``default``."""
    return _get(config, key, default)


def amqp_uri(config=None):
    return _get(config, "AMQP_URI", DEFAULT_AMQP_URI)


def data_dir(config=None):
    path = Path(_get(config, "SKILLCERT_DATA_DIR", Path.cwd() / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service, config=None):
    url = _get(config, "DATABASE_URL") or os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    template = _get(config, "SKILLCERT_DATABASE_URL")
    if template:
        return template.format(service=service)
    return f"sqlite:///{data_dir(config) / (service + '.db')}"


def day(config, value, field="today"):
    """A date argument (ISO text, a date, or None for today) of the RPCs that let
    staff run a timer's job for a given day."""
    from datetime import date
    from kernel.errors import ValidationFailed
    if value in (None, ""):
        return today(config)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("VALIDATION_FAILED", f"{field}: '{value}' is not a date "
                               "like 2026-11-19", field=field)


def rpc_timeout(config=None):
    return float(_get(config, "RPC_TIMEOUT", 10))


def metrics_port(config=None):
    value = _get(config, "METRICS_PORT")
    return None if value is None else int(value)


def handler_retry_delays(config=None):
    """Backoff before each retry of a failed event handler, in seconds."""
    raw = _get(config, "HANDLER_RETRY_DELAYS", "1,5,30")
    if isinstance(raw, (list, tuple)):
        return [float(x) for x in raw]
    return [float(x) for x in str(raw).split(",") if x.strip()]


def today(config=None):
    """Today in Asia/Shanghai (the windows are local dates). SKILLCERT_TODAY
    (an ISO date) pins it for a process (tests); with SKILLCERT_REHEARSAL on,
    the rehearsal clock (kernel.clock) moves it for a whole suite (demos)."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo
    pinned = _get(config, "SKILLCERT_TODAY")
    if pinned:
        return pinned if isinstance(pinned, date) else date.fromisoformat(str(pinned))
    from kernel import clock
    rehearsal = clock.read(config)
    if rehearsal is not None:
        return rehearsal
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _delays(raw):
    if isinstance(raw, (list, tuple)):
        return [float(x) for x in raw]
    return [float(x) for x in str(raw).split(",") if x.strip()]


def handler_db_retry_delays(config=None):
    """Backoff of a handler that failed on the database (DATABASE_BUSY or
    DATABASE_UNAVAILABLE), counted apart from HANDLER_RETRY_DELAYS: about 19
    minutes in all by default, so an outage of a few minutes dead-letters
    nothing."""
    return _delays(_get(config, "HANDLER_DB_RETRY_DELAYS",
                        "1,5,30,60,120,300,300,300"))


def rpc_db_retry_delays(config=None):
    """Pauses before an RPC whose unit of work failed on the database runs again
    (before anyone is answered); the default spends about 3.5 s, inside the
    callers' RPC_TIMEOUT of 10 s."""
    return _delays(_get(config, "RPC_DB_RETRY_DELAYS", "0.25,0.5,1,2"))


def rpc_max_bytes(config=None):
    """The largest RPC request body a service reads (default 32 MiB: above the
    largest legitimate request, a 20 MB bank statement in base64, about 27 MB, so
    the services' own size rules (M3, STATEMENT_TOO_LARGE) still answer first)."""
    return int(_get(config, "RPC_MAX_BYTES", 32 * 1024 * 1024))


def database_busy_timeout(config=None):
    """Seconds a statement waits for a lock before DATABASE_BUSY."""
    return float(_get(config, "DATABASE_BUSY_TIMEOUT", 30))


def queue_type(config=None):
    """SKILLCERT_QUEUE_TYPE: ``classic`` (the default: one node, and every vhost made
    before #20 has classic queues, which RabbitMQ will not redeclare as another
    type) or ``quorum`` (a cluster: every durable queue of the kernel replicated on
    three nodes, kernel.amqp.durable_arguments; a fresh vhost, docs/operations.md)."""
    value = str(_get(config, "SKILLCERT_QUEUE_TYPE", "classic")).strip().lower()
    if value not in ("classic", "quorum"):
        raise ValueError(f"SKILLCERT_QUEUE_TYPE={value!r}: classic or quorum")
    return value


def delivery_limit(config=None):
    """How often a quorum queue hands out one message before it dead-letters it
    (x-delivery-limit): a backstop for a message whose consumer dies on it, not
    the kernel's retries (those republish to the retry queues and ack)."""
    return int(_get(config, "SKILLCERT_DELIVERY_LIMIT", 20))
