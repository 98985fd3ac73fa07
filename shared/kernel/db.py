"""A SQLAlchemy 2.x session per nameko worker, and the kernel's own tables.

``Database(Base)`` is a nameko dependency: ``self.db`` in a worker is a
``Session``. The kernel's entrypoints (kernel.entrypoints) finish the unit of
work *before* they answer: commit on success, rollback on error. nameko itself
would answer an RPC first and only then tear the worker down, so a caller could
see "done" for a commit that then failed. After the commit, the events the
worker wrote to the outbox are relayed to the broker (kernel.outbox).
"""
import logging
import sys
import weakref
from datetime import datetime, timezone

from nameko.extensions import DependencyProvider
from sqlalchemy import (JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table,
                        create_engine, event)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

from kernel import settings
from kernel.errors import Conflict, DomainError, Unavailable

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


def make_engine(url):
    kwargs = {"future": True}
    if url.startswith("sqlite"):
        # One connection per process: SQLite has one writer, and its busy wait
        # is not green. A second writer blocked inside sqlite3 would freeze the
        # whole eventlet hub (and with it the reply the first writer waits
        # for); waiting for the pool's one connection is a green wait.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        kwargs.update(pool_size=1, max_overflow=0, pool_timeout=60)
    else:   # a server can drop idle connections: check each one as it leaves the pool
        kwargs.update(pool_size=5, max_overflow=10, pool_pre_ping=True)
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


def commit_error(exc):
    """What a caller hears when a commit fails: a concurrent writer won (a
    unique key, e.g. the same idempotency key twice at once), or the database
    was busy or away. Both are worth one more try."""
    if isinstance(exc, IntegrityError):
        return Conflict("CONCURRENT_UPDATE", "another request changed the same record at "
                        "the same time; try again", details={"reason": str(exc.orig)[:200]})
    return Unavailable("DATABASE_UNAVAILABLE", "the database could not save this change; "
                       "try again", details={"reason": str(exc)[:200]})


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
        self.engine = make_engine(self.url)
        self.relay = Relay(service, self.engine, self.base.metadata,
                           settings.amqp_uri(self.container.config))

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

    def finish(self, worker_ctx, exc_info):
        """Commit or roll back; return the exc_info the caller should see."""
        session = self.sessions.get(worker_ctx)
        if session is None or session.info.get("finished"):
            return exc_info
        session.info["finished"] = True
        if exc_info is not None:
            session.rollback()
            session.info["outbox"] = []
            return exc_info
        try:
            session.commit()
        except Exception as exc:
            log.exception("commit failed in %s", worker_ctx)
            session.rollback()
            session.info["outbox"] = []
            error = commit_error(exc)
            try:
                raise error from exc
            except DomainError:
                return sys.exc_info()
        return None

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        session = self.sessions.get(worker_ctx)
        if session is None:
            return
        self.finish(worker_ctx, exc_info)   # for entrypoints that are not the kernel's
        ids = session.info.get("outbox") or []
        session.close()
        if ids:
            self.relay.publish_soon(ids)

    def worker_teardown(self, worker_ctx):
        self.sessions.pop(worker_ctx, None)
