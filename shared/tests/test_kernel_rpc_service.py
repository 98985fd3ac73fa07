"""kernel.rpc.RpcClient between two toy services over the real broker.

A call to a method that answers later than the timeout raises RpcTimeout (code RPC_TIMEOUT)
after about the timeout, and the client keeps working afterwards; a DomainError raised in
the callee arrives in the caller as the same type with the same attributes.
"""
import time

import eventlet
import pytest
from sqlalchemy import Integer
from sqlalchemy.orm import mapped_column

from kernel.db import Database, make_base
from kernel.entrypoints import rpc
from kernel.errors import DomainError, NotFound, RpcTimeout
from kernel.rpc import RpcClient
from kernel.service import ServiceBase

pytestmark = pytest.mark.db

Base = make_base()

CONFIG_TIMEOUT = 0.5       # RPC_TIMEOUT of the caller's config
EXPLICIT_TIMEOUT = 0.3     # RpcClient(..., timeout=)
SLOW = 2.0                 # how long the callee takes


class Note(Base):
    __tablename__ = "notes"
    id = mapped_column(Integer, primary_key=True)


class ToyNotFound(NotFound):
    """A service's own DomainError subclass."""


class BackService(ServiceBase):
    name = "toy_back"
    db = Database(Base)

    @rpc
    def slow(self, seconds):
        eventlet.sleep(seconds)
        return "late"

    @rpc
    def echo(self, value):
        return value

    @rpc
    def lookup(self, code):
        raise ToyNotFound("TOY_NOT_FOUND", f"no toy {code}", field="code", rule="C2",
                          details={"code": code, "tried": 2, "hint": None})


class FrontService(ServiceBase):
    name = "toy_front"
    db = Database(Base)
    back = RpcClient("toy_back")                                   # RPC_TIMEOUT from config
    back_impatient = RpcClient("toy_back", timeout=EXPLICIT_TIMEOUT)

    @rpc
    def ask_slow(self, seconds, impatient=False):
        client = self.back_impatient if impatient else self.back
        return client.slow(seconds)

    @rpc
    def ask_slow_within_own_deadline(self, seconds, deadline):
        own = eventlet.Timeout(deadline)
        try:
            return self.back.slow(seconds)
        except eventlet.Timeout as exc:
            if exc is not own:
                raise
            return "own deadline"
        finally:
            own.cancel()

    @rpc
    def ask_echo(self, value):
        return self.back.echo(value)

    @rpc
    def ask_lookup_and_catch(self, code):
        try:
            self.back.lookup(code)
        except ToyNotFound as exc:            # the caller can catch the callee's own type
            return {"caught": type(exc).__name__, "error": exc.to_dict()}
        return {"caught": None}

    @rpc
    def ask_lookup(self, code):
        return self.back.lookup(code)


@pytest.fixture
def pair(toy_db, container_factory, service_config):
    for cls in (BackService, FrontService):
        config = service_config(toy_db(Base, cls.name), RPC_TIMEOUT=CONFIG_TIMEOUT)
        container_factory(cls, config).start()


def _timed(call, *args, **kwargs):
    start = time.monotonic()
    with pytest.raises(RpcTimeout) as err:
        call(*args, **kwargs)
    return err.value, time.monotonic() - start


def test_call_slower_than_the_configured_timeout_raises_rpc_timeout(pair, rpc):
    exc, elapsed = _timed(rpc.toy_front.ask_slow, SLOW)
    assert exc.code == "RPC_TIMEOUT"
    assert exc.status == "timeout"
    assert exc.details == {"service": "toy_back", "method": "slow",
                           "timeout_s": CONFIG_TIMEOUT}
    assert CONFIG_TIMEOUT <= elapsed < CONFIG_TIMEOUT + 1.0


def test_call_slower_than_an_explicit_timeout_raises_rpc_timeout(pair, rpc):
    exc, elapsed = _timed(rpc.toy_front.ask_slow, SLOW, impatient=True)
    assert exc.code == "RPC_TIMEOUT"
    assert exc.details["timeout_s"] == EXPLICIT_TIMEOUT
    assert EXPLICIT_TIMEOUT <= elapsed < EXPLICIT_TIMEOUT + 1.0


def test_call_within_the_timeout_answers(pair, rpc):
    assert rpc.toy_front.ask_slow(0.05) == "late"


def test_callers_own_shorter_deadline_is_not_reported_as_rpc_timeout(pair, rpc):
    # the caller bounds its own work with eventlet.Timeout(0.2); the client's 0.5 s has not
    # run out, so the caller must see its own timeout, not an RpcTimeout claiming 0.5 s
    assert rpc.toy_front.ask_slow_within_own_deadline(SLOW, 0.2) == "own deadline"


def test_client_keeps_working_after_a_timeout(pair, rpc):
    _timed(rpc.toy_front.ask_slow, 1.0)
    _timed(rpc.toy_front.ask_slow, 1.0)
    # a late reply must not be taken for the answer to a later call
    for value in ("one", "two", {"n": 3}):
        assert rpc.toy_front.ask_echo(value) == value
    eventlet.sleep(1.0)                                   # the late replies arrive now
    assert rpc.toy_front.ask_echo("four") == "four"


def test_domain_error_in_the_callee_arrives_as_the_same_type_in_the_caller(pair, rpc):
    out = rpc.toy_front.ask_lookup_and_catch("X-1")
    assert out == {"caught": "ToyNotFound",
                   "error": {"code": "TOY_NOT_FOUND", "message": "no toy X-1",
                             "field": "code", "rule": "C2",
                             "details": {"code": "X-1", "tried": 2, "hint": None}}}


def test_domain_error_crosses_two_hops_intact(pair, rpc):
    with pytest.raises(ToyNotFound) as err:
        rpc.toy_front.ask_lookup("X-2")
    assert type(err.value) is ToyNotFound and isinstance(err.value, DomainError)
    assert err.value.to_dict() == {"code": "TOY_NOT_FOUND", "message": "no toy X-2",
                                   "field": "code", "rule": "C2",
                                   "details": {"code": "X-2", "tried": 2, "hint": None}}
    assert err.value.status == "not_found"
