"""What a careless or hostile client cannot do to the gateway (docs/security.md):
bodies nested too deep, silent connections, too many connections, personal
data in the access log, guessing user names by the time of the answer,
costing a scrypt hash with a refused sign-up, a forged X-Forwarded-For, a
file answer a browser would sniff or keep."""
import logging
import socket
import time
from types import SimpleNamespace

import ipaddress
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import auth, dispatch
from kernel.testing import wait_until

from .conftest import Client, bound_url, sample_id_number
from .test_gateway_service import error


def test_a_body_nested_5000_deep_is_a_400_not_a_500(gateway):
    deep = '{"username": ' + "[" * 5000 + "]" * 5000 + ', "password": "x"}'
    r = gateway.request("POST", "/auth/token", data=deep,
                        headers={"Content-Type": "application/json"})
    body = error(r, 400, "JSON_TOO_DEEP")
    assert body["details"]["max_depth"] == dispatch.MAX_JSON_DEPTH
    # brackets inside strings do not count
    r = gateway.post("/auth/token", {"username": "[" * 60, "password": "{" * 100})
    error(r, 401, "BAD_CREDENTIALS")


def test_the_access_log_never_holds_a_query_string(gateway, caplog):
    id_number = sample_id_number("19900101", 77)
    with caplog.at_level(logging.INFO, logger="nameko.web.server"):
        gateway.get("/batches", params={"year": "2026", "note": id_number})
        assert wait_until(lambda: any("/batches" in r.getMessage()
                                      for r in caplog.records), timeout=5)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert id_number not in text and "/api/batches?…" in text


def test_id_number_look_ups_take_a_body_never_a_query_string(gateway):
    person = {"id_number": sample_id_number("19900101", 78), "name": "张三"}
    assert gateway.post("/public/applications", person).json() == []
    error(gateway.get("/public/applications", params=person), 405, "METHOD_NOT_ALLOWED")
    error(gateway.post("/public/tickets", person), 404)
    error(gateway.post("/public/certificates", {"id_number": "x"}), 400, "VALIDATION_FAILED")


def _port(container):
    return int(bound_url(container).rsplit(":", 1)[1].split("/")[0])


def test_a_silent_connection_is_closed_after_the_socket_timeout(services, start_gateway):
    port = _port(start_gateway(GATEWAY_SOCKET_TIMEOUT="1"))
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")      # and then nothing
    started = time.monotonic()
    assert sock.recv(1024) == b""                                  # closed by the gateway
    assert time.monotonic() - started < 8
    sock.close()


def test_one_connection_over_the_cap_gets_503_and_the_others_go_on(services, start_gateway):
    container = start_gateway(GATEWAY_MAX_CONNECTIONS="2", GATEWAY_SOCKET_TIMEOUT="20")
    port = _port(container)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    server = next(ep.server for ep in container.entrypoints if hasattr(ep, "server"))
    assert wait_until(lambda: server.open_connections == 2, timeout=5)
    extra = socket.create_connection(("127.0.0.1", port), timeout=10)
    extra.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = extra.recv(4096)
    assert answer.startswith(b"HTTP/1.1 503") and b"TOO_MANY_CONNECTIONS" in answer
    for s in idle + [extra]:
        s.close()
    assert wait_until(lambda: server.open_connections == 0, timeout=10)
    assert Client(bound_url(container)).get("/health").status_code == 200


def test_an_unknown_user_name_costs_the_same_scrypt_as_a_known_one(gateway, accounts,
                                                                   monkeypatch):
    known = accounts("reviewer")
    calls = []
    real = auth._derive
    monkeypatch.setattr(auth, "_derive", lambda *a: calls.append(1) or real(*a))
    error(gateway.post("/auth/token", {"username": known.account["username"],
                                       "password": "wrong-pass-1"}), 401, "BAD_CREDENTIALS")
    error(gateway.post("/auth/token", {"username": "nobody-like-this",
                                       "password": "wrong-pass-1"}), 401, "BAD_CREDENTIALS")
    assert len(calls) == 2                       # one hash each, the decoy for the unknown


def test_a_signup_is_signed_in_at_once_with_one_scrypt_hash(gateway, monkeypatch):
    """The sign-up's answer carries the token /auth/token would give: a new
    candidate's password is hashed once (not hashed, then checked again)."""
    calls = []
    real = auth._derive
    monkeypatch.setattr(auth, "_derive", lambda *a: calls.append(1) or real(*a))
    r = gateway.post("/accounts", {"username": "new-one", "password": "secret-pass-1",
                                   "name": "张三", "id_number": sample_id_number("19900101", 6),
                                   "phone": "13800138000"})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["token_type"] == "bearer" and made["expires_in"] > 0
    assert "password" not in str(made) and "secret-pass-1" not in r.text
    me = Client(gateway.base, made["access_token"]).get("/accounts/me")
    assert me.status_code == 200 and me.json()["username"] == "new-one"
    assert me.json()["role"] == "candidate" and len(calls) == 1


def test_a_refused_signup_costs_no_scrypt_hash(gateway, monkeypatch):
    body = {"username": "first-one", "password": "secret-pass-1", "name": "张三",
            "id_number": sample_id_number("19900101", 5), "phone": "13800138000"}
    assert gateway.post("/accounts", body).status_code == 201
    calls = []
    real = auth._derive
    monkeypatch.setattr(auth, "_derive", lambda *a: calls.append(1) or real(*a))
    error(gateway.post("/accounts", body), 409, "USERNAME_TAKEN")
    error(gateway.post("/accounts", dict(body, username="second-one")), 409,
          "PERSON_HAS_ACCOUNT")
    assert calls == []


def _request(peer, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    env = EnvironBuilder(path="/api/health", headers=headers,
                         environ_base={"REMOTE_ADDR": peer}).get_environ()
    return Request(env)


def _service(trust=False, proxies=()):
    keys = SimpleNamespace(trust_forwarded=trust,
                           trusted_proxies=[ipaddress.ip_network(p) for p in proxies])
    return SimpleNamespace(keys=keys)


@pytest.mark.parametrize("trust,proxies,peer,forwarded,client", [
    (False, (), "203.0.113.9", "1.2.3.4", "203.0.113.9"),        # no proxy: the peer
    (True, (), "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),   # one hop: the last
    (False, ("10.0.0.0/8",), "10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3", "198.51.100.7"),
    (False, ("10.0.0.0/8",), "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not our proxy
    (False, ("10.0.0.0/8",), "10.0.0.2", None, "10.0.0.2"),
])
def test_only_our_proxies_hops_of_x_forwarded_for_are_trusted(trust, proxies, peer,
                                                              forwarded, client):
    assert dispatch.client_address(_service(trust, proxies), _request(peer, forwarded)) == client


def test_a_file_answer_is_an_attachment_never_sniffed_nor_cached(gateway, accounts, upload):
    candidate = accounts("candidate")
    materials = upload(candidate)
    r = candidate.get(f"/materials/{materials['photo']}")
    assert r.status_code == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Content-Disposition"].startswith("attachment;")


def test_signup_and_password_change_are_rate_limited_per_client(services, start_gateway):
    gateway = Client(bound_url(start_gateway(GATEWAY_RATE_LIMIT="2/60")))
    for n in range(2):
        body = {"username": f"rate-{n}", "password": "secret-pass-1", "name": "张三",
                "id_number": sample_id_number("19900101", 40 + n)}
        assert gateway.post("/accounts", body).status_code == 201
    body = {"username": "rate-9", "password": "secret-pass-1", "name": "张三",
            "id_number": sample_id_number("19900101", 49)}
    error(gateway.post("/accounts", body), 429, "RATE_LIMITED")
    me = gateway.login("rate-0", "secret-pass-1")
    for _ in range(2):
        error(me.post("/accounts/me/password", {"old_password": "wrong-pass-9",
                                                "new_password": "secret-pass-2"}), 401)
    error(me.post("/accounts/me/password", {"old_password": "wrong-pass-9",
                                            "new_password": "secret-pass-2"}), 429,
          "RATE_LIMITED")


def test_a_look_up_target_is_limited_from_every_address_together(services, start_gateway):
    """One person's ID number (or one certificate number) looked up from many
    addresses: the per-target bucket holds them all (birth-date guessing)."""
    container = start_gateway(GATEWAY_RATE_LIMIT="100/60", GATEWAY_TARGET_RATE_LIMIT="3/3600")
    url = bound_url(container)
    person = {"id_number": sample_id_number("19900101", 61), "name": "张三"}
    limiter = next(d for d in container.dependencies if d.__class__.__name__ == "Limiter")
    for n in range(3):          # three "addresses": the per-client buckets never fill
        limiter.buckets = {k: v for k, v in limiter.buckets.items() if "target" in k}
        assert Client(url).post("/public/applications", person).status_code == 200
    limiter.buckets = {k: v for k, v in limiter.buckets.items() if "target" in k}
    error(Client(url).post("/public/applications", person), 429, "RATE_LIMITED_TARGET")
    other = dict(person, id_number=sample_id_number("19900101", 62))
    assert Client(url).post("/public/applications", other).status_code == 200
    for _ in range(3):
        assert Client(url).get("/public/certificates/51202600000000001X").status_code != 429
    error(Client(url).get("/public/certificates/51202600000000001X"), 429, "RATE_LIMITED_TARGET")


def test_a_name_with_another_middle_dot_or_a_trailing_space_is_the_same_person(gateway):
    """Names are normalised (kernel.names) on both sides: the account's name as
    signed up, and the name a candidate types when applying or looking up."""
    body = {"username": "dot-name", "password": "secret-pass-1", "name": "阿依古丽•买买提 ",
            "id_number": sample_id_number("19900101", 71)}
    r = gateway.post("/accounts", body)
    assert r.status_code == 201 and r.json()["name"] == "阿依古丽·买买提"
    error(gateway.post("/accounts", dict(body, username="bidi-name", name="张\u202e三",
                                         id_number=sample_id_number("19900101", 72))),
          400, "VALIDATION_FAILED")
    person = {"id_number": body["id_number"], "name": "阿依古丽・买买提"}
    assert gateway.post("/public/applications", person).status_code == 200


def test_a_self_registered_account_does_not_reach_what_an_institution_registered(
        gateway, accounts, upload):
    """Anyone can open a candidate account bound to a checksum-valid ID number;
    until the person is verified it reaches only what it submitted itself, not
    the applications (and scans) an institution registered for that person."""
    from .conftest import INSTITUTION, institution_item
    operator = accounts("institution_operator")
    item = institution_item(upload(operator), 31, name="王五")
    r = operator.post(f"/institutions/{INSTITUTION}/applications", {"applications": [item]})
    assert r.status_code == 200 and r.json()["ok"] == 1, r.text
    app_id = r.json()["results"][0]["application_id"]
    squatter = accounts("candidate", name="王五", id_number=item["person"]["id_number"])
    assert squatter.get("/applications").json() == []
    error(squatter.get(f"/applications/{app_id}"), 403, "PERSON_NOT_VERIFIED")
    error(squatter.post(f"/applications/{app_id}/withdraw", {"reason": "x"}), 403,
          "PERSON_NOT_VERIFIED")
    # the same ID number under another name is not the person at all
    other = accounts("candidate", name="赵六", id_number=sample_id_number("19900101", 32))
    error(other.get(f"/applications/{app_id}"), 403, "NOT_YOUR_APPLICATION")
