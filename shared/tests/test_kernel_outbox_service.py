"""The transactional outbox over the real broker and database, with a toy service.

An RPC writes a row and emits an event in one transaction; the event is relayed after the
commit, never for a rolled-back transaction; a row a crash left unpublished is sent by the
sweep timer every service has (ServiceBase.sweep_outbox).
"""
import uuid
from datetime import datetime, timedelta

import pytest
from marshmallow import fields
from prometheus_client import REGISTRY
from sqlalchemy import Integer, String, func, insert, select
from sqlalchemy.orm import mapped_column

from kernel.db import Database, make_base, utcnow
from kernel.entrypoints import rpc
from kernel.errors import DomainError, RuleViolation, ValidationFailed
from kernel.outbox import Relay, emit, envelope
from kernel.events import Event, Payload, text
from kernel.service import SWEEP_INTERVAL, ServiceBase
from kernel.testing import EventTap, wait_until

pytestmark = pytest.mark.db

Base = make_base()


class Thing(Base):
    __tablename__ = "things"
    id = mapped_column(Integer, primary_key=True, autoincrement=True)
    name = mapped_column(String(50), nullable=False)


class ThingPayload(Payload):
    id = fields.Integer(required=True)
    name = text(50, required=True)


THING_CREATED = Event("toy_ledger", "thing_created", ThingPayload)


class ToyRefused(RuleViolation):
    """A service's own DomainError subclass."""


class LedgerService(ServiceBase):
    name = "toy_ledger"
    db = Database(Base)

    @rpc
    def create(self, name):
        thing = Thing(name=name)
        self.db.add(thing)
        self.db.flush()
        env = emit(self.db, "thing_created", {"id": thing.id, "name": name})
        return {"id": thing.id, "event_id": env["event_id"]}

    @rpc
    def create_then_refuse(self, name):
        self.create(name)
        raise ToyRefused("TOY_REFUSED", f"{name} is not wanted", field="name", rule="R3",
                         details={"name": name, "attempts": 3, "limit": None})

    @rpc
    def create_many(self, names):
        things = [Thing(name=name) for name in names]
        self.db.add_all(things)
        self.db.flush()
        envs = THING_CREATED.emit_many(self.db, ({"id": t.id, "name": t.name} for t in things))
        return [env["event_id"] for env in envs]

    @rpc
    def create_many_then_refuse(self, names):
        self.create_many(names)
        raise ToyRefused("TOY_REFUSED", "not wanted", field="names")

    @rpc
    def count(self):
        return self.db.scalar(select(func.count()).select_from(Thing))


@pytest.fixture
def ledger(toy_db, container_factory, service_config):
    url = toy_db(Base, "ledger")
    container = container_factory(LedgerService, service_config(url))
    container.start()
    return toy_db.engine(url)


def _outbox(engine):
    table = Base.metadata.tables["outbox"]
    with engine.connect() as conn:
        return conn.execute(select(table).order_by(table.c.id)).mappings().all()


def test_rpc_commits_the_row_and_the_event_arrives_in_its_envelope(ledger, rpc, amqp_uri):
    assert rpc.toy_ledger.health()["ok"] is True
    with EventTap(amqp_uri, "toy_ledger") as tap:
        before = datetime.now().astimezone()
        out = rpc.toy_ledger.create("alpha")
        [env] = tap.wait_for("thing_created")
    assert set(env) == {"event_id", "type", "occurred_at", "producer", "schema_version",
                        "payload"}
    assert env["event_id"] == out["event_id"]
    uuid.UUID(env["event_id"])
    assert env["type"] == "toy_ledger.thing_created"
    assert env["producer"] == "toy_ledger"
    assert env["schema_version"] == 1
    assert env["payload"] == {"id": out["id"], "name": "alpha"}
    occurred = datetime.fromisoformat(env["occurred_at"])
    assert occurred.tzinfo is not None
    assert before - timedelta(seconds=1) <= occurred <= datetime.now().astimezone()
    assert rpc.toy_ledger.count() == 1
    # marked published once the broker confirmed it (possibly just after delivery)
    [row] = wait_until(lambda: [r for r in _outbox(ledger) if r["published_at"] is not None])
    assert row["event_id"] == out["event_id"] and row["event_type"] == "thing_created"
    assert row["envelope"] == env
    assert len(_outbox(ledger)) == 1


def test_rpc_that_raises_after_emitting_rolls_back_row_and_event(ledger, rpc, amqp_uri):
    with EventTap(amqp_uri, "toy_ledger") as tap:
        with pytest.raises(ToyRefused) as err:
            rpc.toy_ledger.create_then_refuse("beta")
        # typed errors over RPC: the same class, every attribute intact
        assert type(err.value) is ToyRefused and isinstance(err.value, DomainError)
        assert err.value.code == "TOY_REFUSED"
        assert err.value.message == "beta is not wanted"
        assert (err.value.field, err.value.rule) == ("name", "R3")
        assert err.value.details == {"name": "beta", "attempts": 3, "limit": None}
        assert rpc.toy_ledger.count() == 0
        assert _outbox(ledger) == []
        # a later event is the barrier: anything the failed call published would be ahead
        out = rpc.toy_ledger.create("gamma")
        tap.wait_for("thing_created")
        events = tap.drain()
    assert [e["event_id"] for e in events] == [out["event_id"]]
    assert [e["payload"]["name"] for e in events] == ["gamma"]
    assert rpc.toy_ledger.count() == 1


def test_rpc_with_wrong_arguments_is_a_structured_error(ledger, rpc):
    with pytest.raises(ValidationFailed) as err:
        rpc.toy_ledger.create()
    assert err.value.code == "BAD_ARGUMENTS"
    assert err.value.details == {"method": "create"}
    with pytest.raises(ValidationFailed):
        rpc.toy_ledger.create("a", "b", colour="red")
    assert rpc.toy_ledger.count() == 0


def test_unpublished_outbox_row_is_published_by_the_sweep(ledger, rpc, amqp_uri):
    outbox = Base.metadata.tables["outbox"]
    left = envelope("toy_ledger", "thing_created", {"id": 99, "name": "left behind"},
                    occurred_at=utcnow() - timedelta(minutes=5))
    with EventTap(amqp_uri, "toy_ledger") as tap:
        with ledger.begin() as conn:
            conn.execute(insert(outbox).values(
                event_id=left["event_id"], event_type="thing_created", envelope=left,
                created_at=utcnow() - timedelta(minutes=5), published_at=None))
        found = tap.wait_for("thing_created", timeout=6 * SWEEP_INTERVAL)
    assert [e["event_id"] for e in found] == [left["event_id"]]
    assert found[0] == left
    assert wait_until(lambda: _outbox(ledger)[0]["published_at"] is not None)
    assert len(_outbox(ledger)) == 1
    # the sweep is a kernel timer: counted, and it reports the (now empty) backlog
    # (the event can arrive before the sweep's worker has finished and been counted)
    assert wait_until(lambda: (REGISTRY.get_sample_value("skillcert_entrypoint_calls_total", {
        "service": "toy_ledger", "entrypoint": "sweep_outbox", "kind": "timer",
        "outcome": "ok"}) or 0) >= 1)
    assert wait_until(lambda: REGISTRY.get_sample_value(
        "skillcert_outbox_backlog", {"service": "toy_ledger"}) == 0)


def test_emit_many_writes_every_event_and_the_relay_sends_them_in_order(ledger, rpc,
                                                                      amqp_uri):
    """kernel.outbox.emit_many: 1,200 events of one commit (three INSERTs of at
    most 500 rows) reach the broker once each, in the order emitted, with the
    envelope emit would write; a refused call leaves no row and sends nothing."""
    names = [f"n{k}" for k in range(1200)]
    with EventTap(amqp_uri, "toy_ledger") as tap:
        with pytest.raises(ToyRefused):
            rpc.toy_ledger.create_many_then_refuse(["never"])
        ids = rpc.toy_ledger.create_many(names)
        got = tap.wait_for("thing_created", count=1200, timeout=60)
    assert len(ids) == len(set(ids)) == 1200
    assert [e["event_id"] for e in got] == ids
    assert [e["payload"]["name"] for e in got] == names
    assert {e["type"] for e in got} == {"toy_ledger.thing_created"}
    assert rpc.toy_ledger.count() == 1200
    rows = _outbox(ledger)
    assert [r["event_id"] for r in rows] == ids
    assert [r["envelope"] for r in rows] == got
    assert wait_until(lambda: all(r["published_at"] for r in _outbox(ledger)), timeout=30)


def test_the_sweep_leaves_rows_the_flusher_still_holds(toy_db, amqp_uri):
    """Rows this replica's flusher has queued are not sent a second time by the
    sweep (it sent dozens of a 4,000-event commit twice); the others are."""
    url = toy_db(Base, "relay")
    engine = toy_db.engine(url)
    outbox = Base.metadata.tables["outbox"]
    old = utcnow() - timedelta(minutes=5)
    envs = [envelope("toy_relay", "thing_created", {"id": k, "name": f"t{k}"},
                     occurred_at=old) for k in range(3)]
    with engine.begin() as conn:
        conn.execute(insert(outbox), [{"event_id": e["event_id"], "event_type": "thing_created",
                                       "envelope": e, "created_at": old} for e in envs])
    rows = _outbox(engine)
    relay = Relay("toy_relay", engine, Base.metadata, amqp_uri)
    relay.inflight.add(rows[1]["id"])
    with EventTap(amqp_uri, "toy_relay") as tap:
        sent, backlog = relay.sweep()
        got = tap.wait_for("thing_created", count=2)
    assert (sent, backlog) == (2, 1)
    assert [e["event_id"] for e in got] == [envs[0]["event_id"], envs[2]["event_id"]]
    relay.inflight.clear()
    with EventTap(amqp_uri, "toy_relay") as tap:
        assert relay.sweep() == (1, 0)
        assert [e["event_id"] for e in tap.wait_for("thing_created")] == [envs[1]["event_id"]]
