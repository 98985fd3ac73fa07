"""Fixtures for the kernel's own service tests (toy services defined in the test modules).

``toy_db(Base)``: the URL of a fresh database holding ``Base``'s tables (the toy table plus
the kernel's outbox and inbox), made with ``create_all`` (toy services have no Alembic
migrations): a SQLite file by default, a PostgreSQL database created here and dropped
afterwards when SKILLCERT_TEST_DB names a server (the second pass of `make test`).
Tests that use it are marked ``db`` by their module (``pytestmark``).
"""
import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@pytest.fixture
def toy_db(tmp_path):
    server = os.environ.get("SKILLCERT_TEST_DB")
    created, engines = [], []

    def make(base, name="toy"):
        if server:
            db_name = f"skillcert_test_kernel_{name}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{db_name}"'))
            admin.dispose()
            created.append(db_name)
            url = make_url(server).set(database=db_name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp_path / (name + '-' + uuid.uuid4().hex[:6] + '.db')}"
        engine = create_engine(url)
        base.metadata.create_all(engine)
        engine.dispose()
        return url

    def engine_for(url):
        """An engine for looking into (or seeding) the toy database from the test."""
        engine = create_engine(url)
        engines.append(engine)
        return engine

    make.engine = engine_for
    yield make
    for engine in engines:
        engine.dispose()
    if server and created:
        admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for db_name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "broker_restart: restarts the RabbitMQ application (stop_app/start_app), "
        "which disrupts every other test on this machine; runs only with "
        "SKILLCERT_BROKER_FAULT_TESTS=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SKILLCERT_BROKER_FAULT_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="restarts the broker: set SKILLCERT_BROKER_FAULT_TESTS=1")
    for item in items:
        if "broker_restart" in item.keywords:
            item.add_marker(skip)


class DatabaseFault:
    """Real faults of a real database, for the robustness tests.

    ``lock()``: another connection holds a write lock (SQLite ``BEGIN EXCLUSIVE``;
    PostgreSQL ``LOCK TABLE ... ACCESS EXCLUSIVE`` on ``table``): writers (and on
    PostgreSQL readers of the table) wait, then hear DATABASE_BUSY.
    ``refuse_connections()`` (PostgreSQL): the database stops accepting
    connections (``ALLOW_CONNECTIONS false``) and its sessions are terminated,
    the observed ``FATAL: database ... is not currently accepting connections``.
    ``outage()``: ``refuse_connections`` on PostgreSQL, ``lock`` on SQLite.
    Each returns a handle whose ``end()`` ends the fault (also done at teardown).
    """

    def __init__(self):
        self.active = []

    def lock(self, url, table):
        if url.startswith("sqlite"):
            import sqlite3
            conn = sqlite3.connect(make_url(url).database, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("BEGIN EXCLUSIVE")
            return self._hold(lambda: (conn.rollback(), conn.close()))
        engine = create_engine(url)
        conn = engine.connect()
        conn.execute(text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
        return self._hold(lambda: (conn.rollback(), conn.close(), engine.dispose()))

    def refuse_connections(self, url):
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"),
                         {"name": name})

        def end():
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            admin.dispose()
        return self._hold(end)

    def outage(self, url, table):
        if url.startswith("sqlite"):
            return self.lock(url, table)
        return self.refuse_connections(url)

    def _hold(self, end):
        fault = _Fault(end)
        self.active.append(fault)
        return fault

    def end_all(self):
        for fault in self.active:
            fault.end()


class _Fault:
    def __init__(self, end):
        self._end, self.ended = end, False

    def end(self):
        if not self.ended:
            self.ended = True
            self._end()


@pytest.fixture
def db_fault():
    faults = DatabaseFault()
    yield faults
    faults.end_all()
