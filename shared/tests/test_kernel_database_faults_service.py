"""Database faults reach callers as structured errors, and handlers ride them out.

Real faults of the real database (shared/tests/conftest.py ``db_fault``): a lock held by
another connection (SQLite ``BEGIN EXCLUSIVE``, PostgreSQL ``LOCK TABLE``), and on
PostgreSQL a database that refuses connections (``ALLOW_CONNECTIONS false``, its sessions
terminated: ``FATAL: database ... is not currently accepting connections``). On SQLite
"cannot connect" is a database file the process cannot open.

- An RPC caller hears DATABASE_BUSY or DATABASE_UNAVAILABLE, never the driver's text
  (no SQL, no parameter, no "FATAL", no "sqlite3").
- An RPC whose unit of work failed on the database runs again (RPC_DB_RETRY_DELAYS)
  before answering: a start-up reference-data call during a short outage succeeds.
- A handler failing on the database counts against HANDLER_DB_RETRY_DELAYS, not its
  HANDLER_RETRY_DELAYS budget: an outage longer than the latter dead-letters nothing;
  only when the database budget runs out too does the event go to the DLQ.
"""
import os

import pytest
from sqlalchemy import Integer, String, create_engine, func, select, text
from sqlalchemy.orm import mapped_column

from kernel import metrics
from kernel.db import Database, make_base, make_engine
from kernel.dlq import DeadLetters
from kernel.entrypoints import handles, rpc
from kernel.errors import DomainError
from kernel.service import ServiceBase
from kernel.testing import publish_event, wait_until

pytestmark = pytest.mark.db

Base = make_base()
SECRET = "510104199001011234"           # an ID number: never in an error or a log
DLQ = "evt-toy_up-changed--toy_store.on_changed.dlq"
DRIVER_WORDS = ("FATAL", "sqlite3", "psycopg2", "INSERT", "SELECT", "[SQL", SECRET,
                "not currently accepting", "database is locked")


class Item(Base):
    __tablename__ = "items"
    id = mapped_column(Integer, primary_key=True, autoincrement=True)
    code = mapped_column(String(40), nullable=False, unique=True)


class StoreService(ServiceBase):
    name = "toy_store"
    db = Database(Base)

    @rpc
    def add(self, code):
        self.db.add(Item(code=code))
        self.db.flush()
        return code

    @rpc
    def load_reference_data(self):
        """Like registration's: an upsert the launcher calls at start-up."""
        for code in ("ref-1", "ref-2"):
            if self.db.scalar(select(Item).where(Item.code == code)) is None:
                self.db.add(Item(code=code))
        self.db.flush()
        return {"items": self.db.scalar(select(func.count()).select_from(Item))}

    @handles("toy_up", "changed")
    def on_changed(self, event):
        self.db.add(Item(code=event["event_id"]))


def outcome(method, kind, code):
    return metrics.ENTRYPOINT_CALLS.labels("toy_store", method, kind, code)._value.get()


def db_failures(method, kind):
    return outcome(method, kind, "DATABASE_BUSY") + outcome(method, kind, "DATABASE_UNAVAILABLE")


def assert_no_driver_text(error, caplog=None):
    shown = " ".join([str(error), error.message, repr(error.details)])
    for word in DRIVER_WORDS:
        assert word not in shown
    if caplog is not None:
        logged = "\n".join(r.getMessage() + (str(r.exc_info[1]) if r.exc_info else "")
                           for r in caplog.records)
        assert SECRET not in logged


def is_postgres(url):
    return url.startswith("postgresql")


@pytest.fixture
def store(toy_db, container_factory, service_config):
    def start(url=None, **extra):
        url = url or toy_db(Base, "store")
        settings = dict(DATABASE_BUSY_TIMEOUT=0.2, RPC_DB_RETRY_DELAYS=[],
                        HANDLER_RETRY_DELAYS="0.1", HANDLER_DB_RETRY_DELAYS=[0.1] * 12)
        settings.update(extra)
        container = container_factory(StoreService, service_config(url, **settings))
        container.start()
        return container
    return start


def items(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(select(Item.code)).scalars())
    finally:
        engine.dispose()


def test_engines_hide_statement_parameters(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert engine.hide_parameters is True
    with pytest.raises(Exception) as err:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table WHERE id = :id"), {"id": SECRET})
    assert SECRET not in str(err.value)
    engine.dispose()


def test_locked_database_reaches_the_caller_as_database_busy_without_driver_text(
        store, rpc, db_fault, caplog):
    container = store()
    url = container.config["DATABASE_URL"]
    lock = db_fault.lock(url, "items")
    with pytest.raises(DomainError) as err:
        rpc.toy_store.add(SECRET)
    assert err.value.code == "DATABASE_BUSY"
    assert err.value.status == "unavailable"
    assert_no_driver_text(err.value, caplog)
    lock.end()
    assert rpc.toy_store.add("after") == "after"
    assert items(url) == {"after"}


def test_database_refusing_connections_reaches_the_caller_as_database_unavailable(
        store, rpc, db_fault, tmp_path, caplog):
    if is_postgres(os.environ.get("SKILLCERT_TEST_DB", "")):
        container = store()
        url = container.config["DATABASE_URL"]
        assert rpc.toy_store.add("before") == "before"        # a pooled connection exists
        refusal = db_fault.refuse_connections(url)
    else:                                                     # a file that cannot be opened
        url = f"sqlite:///{tmp_path / 'missing-dir' / 'store.db'}"
        store(url)
        refusal = None
    with pytest.raises(DomainError) as err:
        rpc.toy_store.add(SECRET)
    assert err.value.code == "DATABASE_UNAVAILABLE"
    assert_no_driver_text(err.value, caplog)
    with pytest.raises(DomainError) as err:
        rpc.toy_store.health()
    assert err.value.code == "DATABASE_UNAVAILABLE"
    if refusal is not None:
        refusal.end()
        assert wait_until(lambda: _answers(rpc))


def _answers(rpc):
    try:
        return rpc.toy_store.health()["ok"]
    except DomainError:
        return False


def test_reference_data_rpc_runs_again_through_a_short_outage_instead_of_failing(
        store, rpc, db_fault):
    container = store(RPC_DB_RETRY_DELAYS=[0.1] * 50)
    url = container.config["DATABASE_URL"]
    outage = db_fault.outage(url, "items")
    before = db_failures("load_reference_data", "rpc")
    reply = rpc.toy_store.load_reference_data.call_async()
    assert wait_until(lambda: db_failures("load_reference_data", "rpc") - before >= 2)
    outage.end()
    assert reply.result() == {"items": 2}
    assert items(url) == {"ref-1", "ref-2"}


def test_a_commit_that_fails_because_the_database_went_away_is_not_run_again(store, rpc):
    """(The rule behind the retries: only what surely did not commit runs again.)"""
    from kernel.entrypoints import Rpc
    from kernel.errors import DatabaseBusy, DatabaseUnavailable
    gone = DatabaseUnavailable("DATABASE_UNAVAILABLE", "x")
    gone.at_commit = True
    assert not Rpc._worth_another_run(gone)
    assert Rpc._worth_another_run(DatabaseUnavailable("DATABASE_UNAVAILABLE", "x"))
    busy = DatabaseBusy("DATABASE_BUSY", "x")
    busy.at_commit = True
    assert Rpc._worth_another_run(busy)


def test_handler_rides_out_an_outage_longer_than_its_retry_budget_without_dead_letters(
        store, rpc, db_fault, amqp_uri):
    # HANDLER_RETRY_DELAYS "0.1": two attempts would dead-letter any other failure
    container = store()
    url = container.config["DATABASE_URL"]
    box = DeadLetters.of(amqp_uri, StoreService)
    dead_before = box.depths()[DLQ] or 0
    outage = db_fault.outage(url, "items")
    before = db_failures("on_changed", "event")
    event = publish_event(amqp_uri, "toy_up", "changed", {})
    # five failed attempts: more than 1 + len(HANDLER_RETRY_DELAYS)
    assert wait_until(lambda: db_failures("on_changed", "event") - before >= 5, timeout=60)
    assert box.depths()[DLQ] == dead_before
    outage.end()
    assert wait_until(lambda: event["event_id"] in items(url), timeout=30)
    assert box.depths()[DLQ] == dead_before


def test_handler_dead_letters_when_the_database_budget_runs_out_too(
        store, rpc, db_fault, amqp_uri):
    container = store(HANDLER_DB_RETRY_DELAYS=[0.1, 0.1])
    url = container.config["DATABASE_URL"]
    box = DeadLetters.of(amqp_uri, StoreService)
    dead_before = box.depths()[DLQ] or 0
    db_fault.outage(url, "items")
    event = publish_event(amqp_uri, "toy_up", "changed", {})
    assert wait_until(lambda: box.depths()[DLQ] == dead_before + 1, timeout=60)
    [letter] = [m for m in box.peek(DLQ) if m.get("event", {}).get("event_id") ==
                event["event_id"]]
    assert letter["headers"]["x-skillcert-db-attempt"] == 3
    assert letter["headers"]["x-skillcert-attempt"] == 0      # the other budget untouched
