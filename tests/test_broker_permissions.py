"""Broker permissions (issue 13: "every service shares one all-powerful broker
user, so anything on the broker can call timer RPCs with any date, rotate keys,
forge `exam.result_finalized` and get a genuinely signed certificate").

On the real RabbitMQ, a virtual host of this module's own with the users of
deploy/rabbitmq/definitions.json made by deploy/broker.py (removed afterwards):
- the gateway's user is refused by the broker (ACCESS_REFUSED) for every ops
  RPC, for forging an event, and for another service's queues; every user but
  exam's is refused on exam.events;
- the gateway's user may call exactly the RPCs its routes relay (derived from
  services/gateway/gateway/routes.py and its handlers, so the definitions cannot
  drift), each service exactly the RPCs its code calls and read exactly the
  event exchanges its handlers bind to;
- the whole suite, every service on its own user, runs the gateway journey
  (account to verified e-certificate), the staff timer routes, refusals and dead
  letters (parked through <service>.dlx), and ops rotates the signing key with
  python -m deploy.ops.
"""
import ast
import importlib
import inspect
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import amqp
import pytest
from amqp.exceptions import AccessRefused

from deploy import broker
from deploy.services import BY_NAME, SERVICES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from review_helpers import _load  # noqa: E402

_gw = _load("gateway_test_fixtures_broker", ROOT / "services" / "gateway" / "tests" /
            "conftest.py")
start_gateway, accounts, upload = _gw.start_gateway, _gw.accounts, _gw.upload
_journey = _load("gateway_journey_broker", ROOT / "tests" / "e2e" / "test_gateway_journey.py")
journey = _journey.test_candidate_journey_from_account_to_verified_e_certificate

SPEC = broker.definitions()
NAMES = [s.name for s in SERVICES]
DATED_TIMERS = ("exam.close_rosters", "exam.mark_no_shows", "exam.run_publication",
                "review.close_review_window", "payment.close_payment_window")
CERTIFICATE_HANDLER = "evt-exam-result_finalized--certificate.on_result_finalized"

needs_rabbitmqctl = pytest.mark.skipif(
    not broker.shutil.which("rabbitmqctl") or os.geteuid() != 0,
    reason="provisioning needs rabbitmqctl (as root) on this machine")


# --- what the code calls, read from the code ------------------------------------------

def service_class(name):
    service = BY_NAME[name]
    return getattr(importlib.import_module(service.module), service.class_name)


def rpc_methods(name):
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
    from kernel.entrypoints import Rpc
    return {n for n, member in inspect.getmembers(service_class(name))
            for ep in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()) or ()
            if isinstance(ep, Rpc)}


EVERY_RPC = {f"{name}.{method}" for name in NAMES for method in rpc_methods(name)}


def handler_sources(name):
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
    from kernel.entrypoints import EventHandler
    return {ep.source_service for _, member in inspect.getmembers(service_class(name))
            for ep in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()) or ()
            if isinstance(ep, EventHandler)}


def handler_queues(name):
    from kernel.dlq import handler_queues as queues
    return queues(service_class(name), name)


def service_calls(name):
    """``target.method`` for every ``self.<client>.<method>`` in the modules of the
    service class and its bases, where ``<client>`` is one of its RpcClients, and
    for every ``<client>.<method>`` in the service's package (the client handed to
    a helper under its own name, as exam's store modules take ``registration``)."""
    from kernel.rpc import RpcClient
    cls = service_class(name)
    clients = {attr: dep.target_service for attr, dep in inspect.getmembers(cls)
               if isinstance(dep, RpcClient)}
    calls = set()
    package = Path(importlib.import_module(BY_NAME[name].package).__file__).parent
    sources = {Path(inspect.getsourcefile(k)) for k in cls.__mro__ if k is not object}
    sources |= set(package.rglob("*.py"))
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Attribute):
                continue
            owner = node.value
            if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) \
                    and owner.value.id == "self" and owner.attr in clients:
                calls.add(f"{clients[owner.attr]}.{node.attr}")
            elif isinstance(owner, ast.Name) and owner.id in clients and \
                    f"{clients[owner.id]}.{node.attr}" in EVERY_RPC:
                calls.add(f"{clients[owner.id]}.{node.attr}")
    return calls


def gateway_calls():
    """Every RPC the gateway makes: the routes' relays (``relay(service, method)``
    names its handler ``service.method``) and ``ctx.rpc("service").method`` in the
    gateway's code (also through a name it was assigned to)."""
    from gateway.routes import ROUTES
    calls = {r.handler.__name__ for r in ROUTES
             if getattr(r.handler, "__module__", "") == "gateway.handlers.common"}
    for path in (ROOT / "services" / "gateway" / "gateway").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
                call = node.value
                if isinstance(call.func, ast.Attribute) and call.func.attr == "rpc" \
                        and call.args and isinstance(call.args[0], ast.Constant):
                    calls.add(f"{call.args[0].value}.{node.attr}")
    return calls


def topic(name, what):
    return re.compile(SPEC["users"][name]["topic"]["nameko-rpc"][what])


def allowed_calls(name):
    pattern = topic(name, "write")
    return {rk for rk in EVERY_RPC if pattern.fullmatch(rk)}


# --- static: the definitions file against the code ---------------------------------------

def test_there_is_a_broker_user_for_every_service_and_for_ops():
    assert set(SPEC["users"]) == set(NAMES) | {"ops"}
    # the shared exchanges the administrator makes, so no service needs to declare them
    assert SPEC["exchanges"] == [{"name": "nameko-rpc", "type": "topic"}] + [
        {"name": f"{n}.events", "type": "topic"} for n in NAMES]


def test_the_gateway_user_may_call_exactly_the_rpcs_its_routes_relay():
    calls = gateway_calls()
    assert calls <= EVERY_RPC, sorted(calls - EVERY_RPC)     # no relay to a missing RPC
    assert allowed_calls("gateway") == calls, (
        "deploy/rabbitmq/definitions.json, gateway's topic write, is not what the gateway "
        f"calls: missing {sorted(calls - allowed_calls('gateway'))}, "
        f"extra {sorted(allowed_calls('gateway') - calls)}")


def test_the_gateway_user_may_call_no_ops_rpc():
    ops_only = {*DATED_TIMERS, "certificate.rotate_signing_key"}
    for name in NAMES:
        ops_only |= {f"{name}.dead_letters", f"{name}.replay_dead_letters",
                     f"{name}.sync_batches"}
        ops_only |= {f"{t}.{m}" for t, m in BY_NAME[name].reference_data}
        ops_only |= {f"{name}.{m}" for m in rpc_methods(name) if m.startswith("load_")}
    assert ops_only & EVERY_RPC >= {"certificate.rotate_signing_key", *DATED_TIMERS}
    assert not ops_only & allowed_calls("gateway")
    assert not ops_only & gateway_calls()


def test_the_staff_timer_routes_relay_the_date_less_rpcs():
    from gateway.routes import BY_NAME as ROUTE
    for route, rpc in (("close_rosters", "exam.close_rosters_now"),
                       ("mark_no_shows", "exam.mark_no_shows_now"),
                       ("run_publication", "exam.run_publication_now"),
                       ("close_review_window", "review.close_review_window_now"),
                       ("close_payment_window", "payment.close_payment_window_now")):
        assert ROUTE[route].handler.__name__ == rpc
        service, method = rpc.split(".")
        assert inspect.signature(getattr(service_class(service), method)).parameters.keys() \
            == {"self"}, f"{rpc} takes no date"
    assert "rotate_signing_key" not in ROUTE


@pytest.mark.parametrize("name", [n for n in NAMES if n != "gateway"])
def test_each_service_user_may_call_exactly_what_its_code_calls(name):
    assert allowed_calls(name) == service_calls(name)


@pytest.mark.parametrize("name", NAMES)
def test_each_service_user_reads_the_event_exchanges_its_handlers_bind_to(name):
    read = re.compile(SPEC["users"][name]["read"])
    readable = {n for n in NAMES if read.fullmatch(f"{n}.events")}
    assert readable == handler_sources(name)
    write = re.compile(SPEC["users"][name]["write"])
    assert {n for n in NAMES if write.fullmatch(f"{n}.events")} == {name}


@pytest.mark.parametrize("name", NAMES)
def test_each_service_user_configures_only_its_own_queues(name):
    configure = re.compile(SPEC["users"][name]["configure"])
    for other in NAMES:
        mine = other == name
        queues = [f"rpc-{other}", f"rpc-{other}.dlq", f"{other}.dlx", f"{other}.events"]
        for queue in handler_queues(other):
            queues += [queue, queue + ".dlq", queue + ".retry.1000ms"]
        for queue in queues:
            assert bool(configure.fullmatch(queue)) == mine, (name, queue)
    for shared in ("nameko-rpc", "amq.default", ""):
        assert not configure.fullmatch(shared)
    for user, rules in SPEC["users"].items():
        assert not re.fullmatch(rules["write"], "amq.default"), user


def test_docs_architecture_lists_every_user_and_what_it_calls():
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text[text.index("### Broker users"):]
    rows = {m.group(1): m.group(2).split(" | ") for m in
            re.finditer(r"^\| `(\w+)` \| (.*) \|$", section, re.M)}
    assert set(rows) == set(SPEC["users"])
    for name in NAMES:
        events, sources, calls = rows[name]
        assert events.startswith(f"`{name}.events`") == (name != "gateway"), name
        assert set(re.findall(r"`(\w+)`", sources)) == handler_sources(name), name
        if name != "gateway":
            assert set(re.findall(r"`([\w.]+)`", calls)) == service_calls(name), name


# --- on the broker ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def users(amqp_uri, tmp_path_factory):
    if broker.vhost_of(amqp_uri) == "/":
        pytest.skip("needs a virtual host of its own (rabbitmqctl)")
    data_dir = tmp_path_factory.mktemp("broker-data")
    uris = broker.provision(amqp_uri, data_dir, NAMES)
    if not uris:
        pytest.skip("rabbitmqctl could not provision the users")
    with amqp_connection(amqp_uri) as conn:      # what the services would have made
        channel = conn.channel()
        for queue in ("rpc-certificate", "rpc-exam", CERTIFICATE_HANDLER):
            channel.queue_declare(queue, durable=True, auto_delete=False)
    yield {"uris": uris, "data_dir": data_dir}
    broker.deprovision(amqp_uri, data_dir)
    listed = subprocess.run(["rabbitmqctl", "-q", "list_users"], capture_output=True,
                            text=True).stdout
    assert broker.slug(broker.vhost_of(amqp_uri)) + "." not in listed


class amqp_connection:
    def __init__(self, uri):
        parts = urlsplit(uri)
        self.conn = amqp.Connection(f"{parts.hostname}:{parts.port or 5672}",
                                    userid=unquote(parts.username),
                                    password=unquote(parts.password),
                                    virtual_host=broker.vhost_of(uri))

    def __enter__(self):
        self.conn.connect()
        return self.conn

    def __exit__(self, *exc):
        try:
            self.conn.close()
        except Exception:
            pass


def refused(uri, action):
    """The broker's ACCESS_REFUSED text for ``action(channel)`` as the user of ``uri``."""
    with amqp_connection(uri) as conn:
        channel = conn.channel()
        with pytest.raises(AccessRefused) as info:
            action(channel)
            # publish refusals arrive asynchronously: wait for the next round trip
            channel.exchange_declare("nameko-rpc", "topic", passive=True)
        assert "ACCESS_REFUSED" in str(info.value)
        return str(info.value)


def publish(exchange, routing_key, body=b"{}"):
    return lambda ch: ch.basic_publish(amqp.Message(body, content_type="application/json"),
                                       exchange=exchange, routing_key=routing_key)


@needs_rabbitmqctl
def test_the_passwords_are_owner_only_and_names_carry_the_vhost(users, amqp_uri):
    store = users["data_dir"] / "broker" / f"{broker.slug(broker.vhost_of(amqp_uri))}.json"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    kept = json.loads(store.read_text())
    vhost = broker.vhost_of(amqp_uri)
    assert {e["user"] for e in kept["users"].values()} == \
        {f"{broker.slug(vhost)}.{n}" for n in [*NAMES, "ops"]}
    again = broker.provision(amqp_uri, users["data_dir"], NAMES)     # idempotent
    assert again == users["uris"]


@needs_rabbitmqctl
def test_finding_gateway_user_cannot_rotate_the_signing_key(users):
    text = refused(users["uris"]["gateway"], publish("nameko-rpc", "certificate.rotate_signing_key"))
    assert "certificate.rotate_signing_key" in text


@needs_rabbitmqctl
@pytest.mark.parametrize("rpc", DATED_TIMERS)
def test_finding_gateway_user_cannot_run_a_timer_with_a_date(users, rpc):
    refused(users["uris"]["gateway"], publish("nameko-rpc", rpc))


@needs_rabbitmqctl
@pytest.mark.parametrize("rpc", sorted({f"{t}.{m}" for s in SERVICES for t, m in s.reference_data}
                                       | {f"{n}.{m}" for n in NAMES for m in
                                          ("dead_letters", "replay_dead_letters")}))
def test_finding_gateway_user_cannot_load_reference_data_or_touch_dead_letters(users, rpc):
    refused(users["uris"]["gateway"], publish("nameko-rpc", rpc))


@needs_rabbitmqctl
def test_finding_gateway_user_cannot_forge_exam_result_finalized(users):
    gateway = users["uris"]["gateway"]
    body = json.dumps({"event_id": "forged", "type": "exam.result_finalized",
                       "payload": {"passed": True}}).encode()
    assert "exam.events" in refused(gateway, publish("exam.events", "result_finalized", body))
    # nor straight into certificate's handler queue, by the default exchange or its .dlx
    assert "amq.default" in refused(gateway, publish("", CERTIFICATE_HANDLER, body))
    assert "certificate.dlx" in refused(gateway, publish("certificate.dlx", CERTIFICATE_HANDLER,
                                                         body))


@needs_rabbitmqctl
@pytest.mark.parametrize("name", [n for n in NAMES if n != "exam"] + ["ops"])
def test_finding_no_user_but_exams_may_publish_exam_events(users, name):
    refused(users["uris"][name], publish("exam.events", "result_finalized"))


@needs_rabbitmqctl
def test_finding_gateway_user_cannot_read_another_services_queue(users):
    gateway = users["uris"]["gateway"]
    assert "rpc-certificate" in refused(gateway, lambda ch: ch.basic_get("rpc-certificate"))
    refused(gateway, lambda ch: ch.basic_consume(CERTIFICATE_HANDLER, callback=print))
    # nor listen in: bind a queue of its own to other services' requests or events
    mine = "rpc.reply-gateway-00000000-0000-4000-8000-000000000000"

    def declare_and_bind(exchange, key):
        def action(ch):
            ch.queue_declare(mine, auto_delete=True)
            ch.queue_bind(mine, exchange, key)
        return action
    assert "certificate.*" in refused(gateway, declare_and_bind("nameko-rpc", "certificate.*"))
    assert "exam.events" in refused(gateway, declare_and_bind("exam.events", "#"))


@needs_rabbitmqctl
def test_finding_gateway_user_cannot_declare_or_delete_other_names(users):
    gateway = users["uris"]["gateway"]
    refused(gateway, lambda ch: ch.queue_delete("rpc-exam"))
    refused(gateway, lambda ch: ch.exchange_delete("nameko-rpc"))
    refused(gateway, lambda ch: ch.queue_declare(CERTIFICATE_HANDLER, durable=True,
                                                 auto_delete=False))


@needs_rabbitmqctl
def test_the_gateway_user_may_publish_every_rpc_its_routes_relay(users):
    with amqp_connection(users["uris"]["gateway"]) as conn:
        channel = conn.channel()
        for call in sorted(gateway_calls()):       # no service runs yet: dropped unrouted
            channel.basic_publish(amqp.Message(b"{}"), exchange="nameko-rpc", routing_key=call)
        channel.exchange_declare("nameko-rpc", "topic", passive=True)   # none was refused


# --- the whole suite on its own users ---------------------------------------------------------

SUITE_DATES = dict(registration="2026-11-02", review="2026-11-03", payment="2026-11-16",
                   exam="2026-11-19", certificate="2026-12-21")


@pytest.fixture
def ops(users):
    from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy({"AMQP_URI": users["uris"]["ops"]}, timeout=30) as proxy:
        yield proxy


@pytest.fixture
def suite_gateway(users, ops, container_factory, db_url_for, service_config, start_gateway):
    """Every service on its own broker user; ops loads the reference data."""
    from kernel.testing import wait_until
    for name, package, cls in _gw.SUITE:
        service = getattr(importlib.import_module(f"{package}.service"), cls)
        container = container_factory(service, service_config(
            db_url_for(name, package), AMQP_URI=users["uris"][name],
            SKILLCERT_TODAY=SUITE_DATES.get(name, _gw.TODAY), HANDLER_RETRY_DELAYS="0.2,0.5,1"))
        container.start()
    ops.registration.load_reference_data()
    ops.exam.load_calendar()
    ops.payment.load_fee_schedule()
    ops.assessor_training.load_reference_data()
    for name in ("registration", "review", "payment"):
        assert wait_until(lambda: len(ops[name].list_batches()) == 21, timeout=20), name
    return _gw.Client(_gw.bound_url(start_gateway(AMQP_URI=users["uris"]["gateway"])))


@needs_rabbitmqctl
def test_the_suite_on_its_own_users_runs_the_gateway_journey(suite_gateway, accounts, upload,
                                                             amqp_uri):
    journey(suite_gateway, accounts, upload, amqp_uri)


@needs_rabbitmqctl
def test_the_staff_timer_routes_work_on_the_gateway_user_and_ops_rotates_the_key(
        suite_gateway, accounts, users, ops, amqp_uri):
    exam_admin, finance, reviewer = accounts("exam_admin"), accounts("finance"), \
        accounts("reviewer")
    for client, path in ((exam_admin, "/exam/rosters/close"), (exam_admin, "/exam/no-shows"),
                         (exam_admin, "/exam/publication"), (finance, "/payments/windows/close"),
                         (reviewer, "/review/window/close")):
        r = client.post(path)
        assert r.status_code == 200, (path, r.text)
    assert exam_admin.post("/exam/rosters/close").json()["today"] == SUITE_DATES["exam"]

    # the rotation route is gone; ops rotates with python -m deploy.ops on the ops user
    admin = accounts("provincial_center")
    assert admin.post("/admin/certificate-keys/rotate", {}).status_code == 404
    before = suite_gateway.get("/public/certificate-keys").json()
    out = subprocess.run([sys.executable, "-m", "deploy.ops", "--amqp-uri",
                          users["uris"]["ops"], "rotate-signing-key", "--actor", "ops:测试"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    kid = json.loads(out.stdout)["kid"]
    after = suite_gateway.get("/public/certificate-keys").json()
    assert after != before and kid in json.dumps(after)
    # the gateway's user, given the same command, is refused by the broker
    out = subprocess.run([sys.executable, "-m", "deploy.ops", "--amqp-uri",
                          users["uris"]["gateway"], "--timeout", "10", "rotate-signing-key",
                          "--actor", "gateway"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1 and "ACCESS_REFUSED" in out.stderr, out.stderr


@needs_rabbitmqctl
def test_refusals_and_dead_letters_park_through_each_services_own_exchange(
        suite_gateway, users, ops, amqp_uri):
    from kernel.testing import wait_until
    # a request without reply_to, on a method the gateway may call: exam refuses it
    # into rpc-exam.dlq (through exam.dlx) and stays up
    with amqp_connection(users["uris"]["gateway"]) as conn:
        channel = conn.channel()
        channel.basic_publish(amqp.Message(b'{"args": [], "kwargs": {}}',
                                           content_type="application/json"),
                              exchange="nameko-rpc", routing_key="exam.list_rooms")
        channel.exchange_declare("nameko-rpc", "topic", passive=True)
    assert wait_until(lambda: ops.exam.dead_letters()["queues"]["rpc-exam.dlq"] == 1,
                      timeout=20)
    assert ops.exam.health()["ok"]
    # an unreadable event (played by the broker's administrator) reaches certificate's
    # dead-letter queue through certificate.dlx; ops lists and replays it
    with amqp_connection(amqp_uri) as conn:
        conn.channel().basic_publish(amqp.Message(b"not json", content_type="application/json"),
                                     exchange="exam.events", routing_key="result_finalized")
    dlq = CERTIFICATE_HANDLER + ".dlq"
    assert wait_until(lambda: ops.certificate.dead_letters()["queues"][dlq] == 1, timeout=20)
    listed = subprocess.run([sys.executable, "-m", "kernel.dlq", "certificate", "list"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, AMQP_URI=users["uris"]["ops"]))
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["queues"][dlq] == 1
    # replayed by ops (python -m kernel.dlq) and by the service's own user (its RPC):
    # back to the handler through certificate.dlx, and dead-lettered again
    replayed = subprocess.run([sys.executable, "-m", "kernel.dlq", "certificate", "replay"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, AMQP_URI=users["uris"]["ops"]))
    assert replayed.returncode == 0, replayed.stderr
    assert {q: n for q, n in json.loads(replayed.stdout)["replayed"].items() if n} == {dlq: 1}
    assert wait_until(lambda: ops.certificate.dead_letters()["queues"][dlq] == 1, timeout=20)
    assert {q: n for q, n in ops.certificate.replay_dead_letters()["replayed"].items()
            if n} == {dlq: 1}
    assert wait_until(lambda: ops.certificate.dead_letters()["queues"][dlq] == 1, timeout=20)


# --- compose and Kubernetes: the same users from `python -m deploy.broker definitions` -------

@needs_rabbitmqctl
def test_the_definitions_for_compose_and_kubernetes_load_into_rabbitmq(tmp_path):
    """What compose's broker-definitions writes (and Kubernetes loads) is a RabbitMQ
    definitions file with the same users: imported into a broker, each user logs in
    with its password and is held to definitions.json; no password is in the file."""
    import secrets as _secrets
    import uuid
    vhost = "skillcert_defs_" + uuid.uuid4().hex[:8]
    env = {f"RABBITMQ_PASSWORD_{n.upper()}": _secrets.token_urlsafe(16) for n in SPEC["users"]}
    env["RABBITMQ_PASSWORD"] = _secrets.token_urlsafe(16)
    out = tmp_path / "definitions.json"
    made = subprocess.run([sys.executable, "-m", "deploy.broker", "definitions", "--vhost", vhost,
                           "--admin", f"{vhost}-admin", "--out", str(out), "--mode", "0644"],
                          cwd=ROOT, env=dict(os.environ, **env), capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    text = out.read_text()
    assert not any(password in text for password in env.values())
    document = json.loads(text)
    assert {u["name"] for u in document["users"]} == \
        {f"{vhost}.{n}" for n in SPEC["users"]} | {f"{vhost}-admin"}
    loaded = subprocess.run(["rabbitmqctl", "-q", "import_definitions", "--format", "json"],
                            input=text, capture_output=True, text=True, timeout=60)
    try:
        assert loaded.returncode == 0, loaded.stderr
        uri = f"pyamqp://{{}}:{{}}@localhost:5672/{vhost}"
        gateway = uri.format(f"{vhost}.gateway", env["RABBITMQ_PASSWORD_GATEWAY"])
        refused(gateway, publish("nameko-rpc", "certificate.rotate_signing_key"))
        with amqp_connection(gateway) as conn:      # what it may do, it may
            channel = conn.channel()
            channel.basic_publish(amqp.Message(b"{}"), exchange="nameko-rpc",
                                  routing_key="exam.list_batches")
            channel.exchange_declare("nameko-rpc", "topic", passive=True)
        exam = uri.format(f"{vhost}.exam", env["RABBITMQ_PASSWORD_EXAM"])
        with amqp_connection(exam) as conn:
            channel = conn.channel()
            channel.basic_publish(amqp.Message(b"{}"), exchange="exam.events",
                                  routing_key="result_finalized")
            channel.exchange_declare("exam.events", "topic", passive=True)
        with amqp_connection(uri.format(f"{vhost}-admin", env["RABBITMQ_PASSWORD"])):
            pass
    finally:
        for user in document["users"]:
            subprocess.run(["rabbitmqctl", "-q", "delete_user", user["name"]],
                           capture_output=True, timeout=60)
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True,
                       timeout=60)
