"""Entrypoint metrics of a toy service, read from prometheus_client's REGISTRY and from the
service's own /metrics port (METRICS_PORT=0: any free port)."""
import pytest
import requests
from nameko.exceptions import RemoteError
from prometheus_client import REGISTRY
from sqlalchemy import Integer
from sqlalchemy.orm import mapped_column

from kernel.db import Database, make_base
from kernel.entrypoints import rpc
from kernel.errors import Conflict
from kernel.service import ServiceBase

pytestmark = pytest.mark.db

Base = make_base()


class Tally(Base):
    __tablename__ = "tally"
    id = mapped_column(Integer, primary_key=True)


class MeteredService(ServiceBase):
    name = "toy_metered"
    db = Database(Base)

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def refuse(self):
        raise Conflict("TOY_TAKEN", "already taken", field="code", rule="R3")

    @rpc
    def crash(self):
        return 1 / 0


def calls(entrypoint, outcome):
    return REGISTRY.get_sample_value("skillcert_entrypoint_calls_total", {
        "service": "toy_metered", "entrypoint": entrypoint, "kind": "rpc",
        "outcome": outcome}) or 0.0


def latency_count(entrypoint):
    return REGISTRY.get_sample_value("skillcert_entrypoint_latency_seconds_count", {
        "service": "toy_metered", "entrypoint": entrypoint, "kind": "rpc"}) or 0.0


@pytest.fixture
def metered(toy_db, container_factory, service_config):
    container = container_factory(
        MeteredService, service_config(toy_db(Base, "metered"), METRICS_PORT=0))
    container.start()
    return container


def test_entrypoint_calls_are_counted_by_outcome(metered, rpc):
    before = {key: calls(*key) for key in [("ping", "ok"), ("refuse", "TOY_TAKEN"),
                                           ("crash", "ZeroDivisionError"), ("refuse", "ok")]}
    latency_before = latency_count("ping")
    for _ in range(3):
        assert rpc.toy_metered.ping() == "pong"
    for _ in range(2):
        with pytest.raises(Conflict):
            rpc.toy_metered.refuse()
    with pytest.raises(RemoteError) as err:       # not a DomainError: no type to keep
        rpc.toy_metered.crash()
    assert err.value.exc_type == "ZeroDivisionError"
    # the unit of work (and its figures) is finished before the caller has its answer
    assert calls("ping", "ok") - before["ping", "ok"] == 3
    assert calls("refuse", "TOY_TAKEN") - before["refuse", "TOY_TAKEN"] == 2   # the code
    assert calls("crash", "ZeroDivisionError") - before["crash", "ZeroDivisionError"] == 1
    assert calls("refuse", "ok") == before["refuse", "ok"]
    assert latency_count("ping") - latency_before == 3


def test_metrics_are_served_on_the_metrics_port(metered, rpc):
    rpc.toy_metered.ping()
    port = rpc.toy_metered.health()["metrics_port"]
    assert isinstance(port, int) and port > 0
    body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert ('skillcert_entrypoint_calls_total{entrypoint="ping",kind="rpc",outcome="ok",'
            'service="toy_metered"}') in body
