"""A SQLAlchemy 2.x session per nameko worker, and the kernel's own tables.

``Database(Base)`` is a nameko dependency: ``self.db`` in a worker is a
``Session``. The kernel's entrypoints (kernel.entrypoints) finish the unit of
work *before* they answer: commit on success, rollback on error. nameko itself
would answer an RPC first and only then tear the worker down, so a caller could
see "done" for a commit that then failed. After the commit, the events the
worker wrote to the outbox are relayed to the broker (kernel.outbox).
"""
import functools
import logging
import sys
import weakref
from datetime import datetime, timezone

from nameko.extensions import DependencyProvider
from sqlalchemy import (JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table,
                        create_engine, event)
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

from kernel import settings
from kernel.errors import Conflict, DatabaseBusy, DatabaseUnavailable, DomainError

log = logging.getLogger(__name__)


def utcnow():
    return datetime.now(timezone.utc)


class Timestamp(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one (UTC)")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def make_base():
    """A declarative base with a naming convention (stable constraint names for
    Alembic) and the kernel's outbox and inbox tables in its metadata."""
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })

    Base = type("Base", (DeclarativeBase,), {"metadata": metadata})
    add_kernel_tables(metadata)
    return Base


def add_kernel_tables(metadata):
    Table(
        "outbox", metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
               autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("envelope", JSON, nullable=False),
        Column("created_at", Timestamp(), nullable=False),
        Column("published_at", Timestamp(), nullable=True, index=True),
    )
    Table(
        "idempotency", metadata,
        Column("key", String(100), primary_key=True),
        Column("operation", String(100), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("response", JSON, nullable=True),
        Column("created_at", Timestamp(), nullable=False),
    )
    Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(200), primary_key=True),
        Column("processed_at", Timestamp(), nullable=False),
    )
    Table(      # kernel.calendar: the working-day years loaded at run time (kernel_0002)
        "calendar_year", metadata,
        Column("year", Integer, primary_key=True, autoincrement=False),
        Column("holidays", JSON, nullable=False),
        Column("workdays", JSON, nullable=False),
        Column("source", String(200), nullable=False),
        Column("loaded_by", String(100), nullable=False),
        Column("loaded_at", Timestamp(), nullable=False),
        Column("version", Integer, nullable=False),
    )


def make_engine(url, busy_timeout=30.0):
    """An engine that never puts statement parameters (ID numbers, names) into its
    error messages (``hide_parameters``). ``busy_timeout`` (DATABASE_BUSY_TIMEOUT,
    seconds) bounds a wait for a lock: SQLite's busy timeout, PostgreSQL's
    ``lock_timeout``; past it the caller hears DATABASE_BUSY."""
    kwargs = {"future": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        # One connection per process: SQLite has one writer, and its busy wait
        # is not green. A second writer blocked inside sqlite3 would freeze the
        # whole eventlet hub (and with it the reply the first writer waits
        # for); waiting for the pool's one connection is a green wait.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": float(busy_timeout)}
        kwargs.update(pool_size=1, max_overflow=0, pool_timeout=60)
    else:   # a server can drop idle connections: check each one as it leaves the pool
        kwargs.update(pool_size=5, max_overflow=10, pool_pre_ping=True)
        if url.startswith("postgresql"):
            kwargs["connect_args"] = {
                "connect_timeout": 5,
                "options": f"-c lock_timeout={int(float(busy_timeout) * 1000)}"}
        _green_psycopg()
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
            # let SQLAlchemy, not pysqlite, decide when a transaction begins, so
            # that SAVEPOINTs nest inside it (SQLAlchemy's documented recipe)
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN")
    return engine


def _green_psycopg():
    """psycopg2 blocks the whole eventlet hub unless it is told to yield."""
    try:
        import eventlet.patcher
        if eventlet.patcher.is_monkey_patched("socket"):
            from psycogreen.eventlet import patch_psycopg
            patch_psycopg()
    except ImportError:  # pragma: no cover - psycogreen is pinned in requirements
        log.warning("psycogreen missing: PostgreSQL calls will block the event loop")


# SQLSTATEs worth another try soon: serialization failure, deadlock, lock not
# available / lock timeout, statement cancelled (timeout), too many connections
BUSY_SQLSTATES = {"40001", "40P01", "55P03", "57014", "53300"}
BUSY_TEXTS = ("database is locked", "database table is locked", "database schema is locked")


def _driver_errors():
    errors = [sa_exc.DBAPIError, sa_exc.TimeoutError, sa_exc.DisconnectionError,
              sa_exc.PendingRollbackError]
    import sqlite3
    errors.append(sqlite3.Error)
    try:
        import psycopg2
        errors.append(psycopg2.Error)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


DRIVER_ERRORS = _driver_errors()


def is_driver_error(exc):
    return isinstance(exc, DRIVER_ERRORS)


def database_error(exc, where=None):
    """The DomainError a caller hears for a database failure ``exc``, never the
    driver's text (which can hold SQL, and on PostgreSQL a key's value):

    - a unique key another writer took first: ``CONCURRENT_UPDATE`` (Conflict);
    - locked, a serialization failure, a deadlock, a lock timeout, the pool
      exhausted: ``DATABASE_BUSY``;
    - anything else (cannot connect, the database refuses connections, gone
      mid-transaction): ``DATABASE_UNAVAILABLE``.
    All three are worth one more try. What happened is logged here, without
    the driver's message or any parameter."""
    if isinstance(exc, DomainError):
        return exc
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "pgcode", None) or getattr(orig, "sqlite_errorname", None)
    text = str(orig).lower() if not isinstance(exc, IntegrityError) else ""
    statement = (getattr(exc, "statement", None) or "").split("\n")[0][:120]
    log.warning("database error%s: %s (%s)%s", f" in {where}" if where else "",
                type(orig).__name__, sqlstate or "no code",
                f" at: {statement}" if statement else "")
    details = {"sqlstate": sqlstate} if sqlstate else {}
    if isinstance(exc, IntegrityError) or (sqlstate or "").startswith("23"):
        constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
        if constraint:
            details["constraint"] = constraint
        return Conflict("CONCURRENT_UPDATE", "another request changed the same record at "
                        "the same time; try again", details=details)
    if (isinstance(exc, sa_exc.TimeoutError) or sqlstate in BUSY_SQLSTATES
            or sqlstate in ("SQLITE_BUSY", "SQLITE_LOCKED")
            or any(t in text for t in BUSY_TEXTS)):
        return DatabaseBusy("DATABASE_BUSY", "the database is busy; try again in a moment",
                            details=details)
    return DatabaseUnavailable("DATABASE_UNAVAILABLE", "the database cannot be reached; "
                               "try again later", details=details)


def commit_error(exc):
    """What a caller hears when a commit fails (kept for callers of the old name)."""
    error = database_error(exc, "commit")
    error.at_commit = True
    return error


def _raised(error):
    """exc_info for ``error`` raised without the driver's exception as its context."""
    try:
        raise error from None
    except DomainError:
        return sys.exc_info()


class Database(DependencyProvider):
    """``self.db``: a Session for this worker, finished by the entrypoint."""

    def __init__(self, base):
        self.base = base
        self.engine = None
        self.sessions = weakref.WeakKeyDictionary()

    def setup(self):
        from kernel.outbox import Relay
        service = self.container.service_name
        self.url = settings.database_url(service, self.container.config)
        self.engine = make_engine(self.url, settings.database_busy_timeout(self.container.config))
        self.relay = Relay(service, self.engine, self.base.metadata,
                           settings.amqp_uri(self.container.config))

    def start(self):
        from kernel import calendar       # the working-day years loaded at run time
        calendar.refresh_from_engine(self.container.service_name, self.engine,
                                     self.base.metadata)

    def stop(self):
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx):
        session = Session(self.engine, expire_on_commit=False, future=True)
        session.info["service"] = self.container.service_name
        session.info["outbox"] = []
        session.info["tables"] = self.base.metadata.tables
        session.info["relay"] = self.relay
        self.sessions[worker_ctx] = session
        return session

    def worker_setup(self, worker_ctx):
        """Wrap this worker's method: a database failure inside it leaves as a
        DomainError (kernel.db.database_error), so neither the caller nor nameko's
        log of the failed worker sees the driver's message."""
        name = worker_ctx.entrypoint.method_name
        method = getattr(worker_ctx.service, name, None)
        if method is None or getattr(method, "_kernel_guarded", False):
            return
        where = f"{self.container.service_name}.{name}"

        @functools.wraps(method)
        def guarded(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except DRIVER_ERRORS as exc:
                raise database_error(exc, where) from None
        guarded._kernel_guarded = True
        setattr(worker_ctx.service, name, guarded)

    def finish(self, worker_ctx, exc_info):
        """Commit or roll back; return the exc_info the caller should see."""
        session = self.sessions.get(worker_ctx)
        if exc_info is not None and is_driver_error(exc_info[1]):
            # a database failure that did not pass through the worker's method
            exc_info = _raised(database_error(exc_info[1], _where(worker_ctx)))
        if session is None or session.info.get("finished"):
            return exc_info
        session.info["finished"] = True
        if exc_info is not None:
            _quietly(session.rollback)
            session.info["outbox"] = []
            return exc_info
        try:
            session.commit()
        except Exception as exc:
            _quietly(session.rollback)
            session.info["outbox"] = []
            if not is_driver_error(exc) and not isinstance(exc, DomainError):
                raise
            error = database_error(exc, _where(worker_ctx, "commit"))
            error.at_commit = True
            return _raised(error)
        return None

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        session = self.sessions.get(worker_ctx)
        if session is None:
            return
        self.finish(worker_ctx, exc_info)   # for entrypoints that are not the kernel's
        ids = session.info.get("outbox") or []
        _quietly(session.close)
        if ids:
            self.relay.publish_soon(ids)

    def worker_teardown(self, worker_ctx):
        self.sessions.pop(worker_ctx, None)


def _where(worker_ctx, what=None):
    try:
        name = f"{worker_ctx.service_name}.{worker_ctx.entrypoint.method_name}"
    except AttributeError:  # pragma: no cover
        name = "?"
    return f"{name} ({what})" if what else name


def _quietly(fn):
    """Roll back or close a session whose connection may be dead: the pool
    discards such a connection; the failure was already reported."""
    try:
        fn()
    except Exception as exc:
        log.info("ignored while cleaning up a session: %s", type(exc).__name__)
