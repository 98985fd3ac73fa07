"""A signed-in request gives its database connection back once its account is
read (gateway.dispatch.release): on SQLite a process has one connection, and a
request that kept it through its RPCs held every other one back
(docs/performance.md)."""
from types import SimpleNamespace

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from gateway import dispatch
from gateway.models import Account, Base


def one_connection_session():
    engine = create_engine("sqlite://", poolclass=QueuePool, pool_size=1, max_overflow=0,
                           pool_timeout=0.5)
    Base.metadata.create_all(engine)
    return engine, Session(engine, expire_on_commit=False, future=True)


def test_a_read_gives_the_connection_back_and_the_account_stays_loaded():
    engine, db = one_connection_session()
    db.execute(select(Account)).all()
    assert engine.pool.checkedout() == 1
    dispatch.release(SimpleNamespace(db=db))
    assert not db.in_transaction()
    assert engine.pool.checkedout() == 0
    with engine.connect():          # another request gets the one connection at once
        pass


def test_pending_writes_are_left_to_the_end_of_the_request():
    engine, db = one_connection_session()
    db.execute(select(Account)).all()
    db.add(Account(username="x", password_hash="h", role="candidate", name="张三"))
    dispatch.release(SimpleNamespace(db=db))
    assert db.in_transaction() and db.new
    db.rollback()
