"""Service tests of the gateway over HTTP, the real broker and databases:
accounts and tokens, errors as HTTP, institution and candidate scopes, bulk
registration, rate limiting. Rule IDs in the names are DOMAIN.md's."""
import csv
import io

from kernel.testing import sample_id_number, wait_until

from .conftest import (ADMIN, BATCH, TODAY, INSTITUTION, PASSWORD, Client, application_body,
                       bound_url, institution_item)

ERROR_KEYS = {"code", "message", "field", "rule", "details"}


def error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    if code:
        assert body["code"] == code, body
    return body


# --- accounts and tokens ---------------------------------------------------------------

def test_R2_a_candidate_account_is_bound_to_a_valid_id_number(gateway):
    number = sample_id_number("19950315", 3)
    body = {"username": "zhang.san", "password": PASSWORD, "name": "张三",
            "id_number": number[:-1] + ("0" if number[-1] != "0" else "1")}
    err = error(gateway.post("/accounts", body), 422, "ID_NUMBER_INVALID")
    assert err["rule"] == "R2" and err["field"] == "id_number"
    body["id_number"] = number.lower()
    r = gateway.post("/accounts", body)
    assert r.status_code == 201 and r.json()["id_number"] == number.upper()
    assert "password" not in r.json() and "password_hash" not in r.json()
    error(gateway.post("/accounts", dict(body, username="other.name")), 409,
          "PERSON_HAS_ACCOUNT")
    error(gateway.post("/accounts", dict(body, id_number=sample_id_number("19950315", 4))),
          409, "USERNAME_TAKEN")
    weak = error(gateway.post("/accounts", dict(body, username="x.y.z", password="short")),
                 400, "WEAK_PASSWORD")
    assert weak["field"] == "password"


def test_sign_in_gives_a_token_that_a_password_change_revokes(gateway, accounts):
    error(gateway.post("/auth/token", {"username": "admin", "password": "wrong-pass-1"}), 401,
          "BAD_CREDENTIALS")
    error(gateway.post("/auth/token", {"username": "nobody", "password": "wrong-pass-1"}), 401,
          "BAD_CREDENTIALS")
    user = accounts("finance")
    me = user.get("/accounts/me")
    assert me.status_code == 200 and me.json()["role"] == "finance"
    changed = user.post("/accounts/me/password", {"old_password": PASSWORD,
                                                  "new_password": "new-secret-2"})
    assert changed.status_code == 200, changed.text
    error(user.get("/accounts/me"), 401, "TOKEN_REVOKED")
    again = gateway.login(me.json()["username"], "new-secret-2")
    assert again.get("/accounts/me").status_code == 200
    error(Client(gateway.base, "not.a.token").get("/accounts/me"), 401, "TOKEN_INVALID")
    r = gateway.get("/accounts/me")
    error(r, 401, "NOT_AUTHENTICATED")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_provincial_center_makes_and_disables_staff_accounts(gateway, accounts):
    admin = gateway.login(*ADMIN)
    err = error(admin.post("/admin/accounts", {"username": "op-x", "password": PASSWORD,
                                               "name": "x", "role": "institution_operator"}),
                400, "VALIDATION_FAILED")
    assert err["field"] == "institution_code"
    error(admin.post("/admin/accounts", {"username": "cand-x", "password": PASSWORD,
                                         "name": "x", "role": "candidate"}), 400)
    operator = accounts("institution_operator")
    listed = admin.get("/admin/accounts", params={"role": "institution_operator"}).json()
    assert [a["institution_code"] for a in listed] == [INSTITUTION]
    username = operator.account["username"]
    assert admin.post(f"/admin/accounts/{username}/disable").json()["active"] is False
    error(operator.get("/accounts/me"), 401, "TOKEN_REVOKED")
    error(gateway.post("/auth/token", {"username": username, "password": PASSWORD}), 401)
    error(admin.post("/admin/accounts/admin/disable"), 409, "CANNOT_DISABLE_SELF")
    error(operator.post("/admin/accounts", {}), 401)


# --- errors -----------------------------------------------------------------------------

def test_bad_input_is_a_structured_400_and_unknown_routes_are_json(gateway, accounts):
    candidate = accounts("candidate")
    r = candidate.request("POST", "/applications", data=b"{not json",
                          headers={"Content-Type": "application/json"})
    error(r, 400, "VALIDATION_FAILED")
    err = error(candidate.post("/applications", {"batch_code": BATCH}), 400,
                "VALIDATION_FAILED")
    assert err["field"] and "errors" in err["details"]
    error(gateway.get("/batches", params={"year": "soon"}), 400, "VALIDATION_FAILED")
    error(gateway.get("/batches", params={"sort": "asc", "year": 2026}), 400)
    err = error(candidate.post("/applications", {"batch_code": "2026\x0012"}), 400)
    assert err["field"] == "batch_code"                  # no NUL reaches a database
    error(gateway.get("/batches/2026%0012"), 400, "VALIDATION_FAILED")
    error(gateway.get("/no/such/route"), 404, "ROUTE_NOT_FOUND")
    err = error(gateway.request("DELETE", "/batches"), 405, "METHOD_NOT_ALLOWED")
    assert "GET" in err["details"]["allowed"]
    error(gateway.get("/batches/1999-01"), 404, "BATCH_NOT_FOUND")


def test_a_body_over_the_limit_is_refused_with_413(services, start_gateway):
    gateway = Client(bound_url(start_gateway(GATEWAY_MAX_BODY=1000)))
    r = gateway.post("/accounts", {"username": "x" * 2000, "password": "p"})
    error(r, 413, "BODY_TOO_LARGE")


# --- scopes ------------------------------------------------------------------------------

def test_I1_an_institution_operator_registers_and_sees_only_their_own_candidates(
        gateway, accounts, upload, rpc):
    operator = accounts("institution_operator")
    materials = upload(operator)
    items = [institution_item(materials, seq) for seq in (21, 22)]
    items.append(dict(institution_item(materials, 23), project_code="carbon-asset-appraisal"))
    items.append({"batch_code": BATCH})                              # not even the shape
    r = operator.post(f"/institutions/{INSTITUTION}/applications",
                      {"applications": items, "idempotency_key": "bulk-0001"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["ok"], out["failed"]) == (2, 2)
    assert [x["ok"] for x in out["results"]] == [True, True, False, False]
    assert out["results"][3]["error"]["code"] == "VALIDATION_FAILED"
    again = operator.post(f"/institutions/{INSTITUTION}/applications",
                          {"applications": items, "idempotency_key": "bulk-0001"}).json()
    assert [x.get("application_id") for x in again["results"][:2]] == \
        [x["application_id"] for x in out["results"][:2]]          # replayed, not duplicated
    listed = operator.get(f"/institutions/{INSTITUTION}/applications",
                          params={"batch_code": BATCH}).json()
    assert len(listed) == 2 and {a["institution_code"] for a in listed} == {INSTITUTION}
    error(operator.get("/institutions/inst-02/applications", params={"batch_code": BATCH}),
          403, "OTHER_INSTITUTION")
    error(operator.post("/institutions/inst-02/applications", {"applications": items}), 403,
          "OTHER_INSTITUTION")
    error(operator.get("/institutions/inst-02/roster", params={"batch_code": BATCH}), 403)
    roster = operator.get(f"/institutions/{INSTITUTION}/roster", params={"batch_code": BATCH})
    assert roster.status_code == 200 and roster.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(roster.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "姓名", "性别", "身份证号"] and len(rows) == 3
    # an individual's application is not the operator's to see
    candidate = accounts("candidate")
    mine = candidate.post("/applications", application_body(candidate.account,
                                                            upload(candidate))).json()
    error(operator.get(f"/applications/{mine['id']}"), 403, "OTHER_INSTITUTION")
    theirs = out["results"][0]["application_id"]
    assert operator.get(f"/applications/{theirs}").status_code == 200
    error(candidate.get(f"/applications/{theirs}"), 403, "NOT_YOUR_APPLICATION")
    reviewer = accounts("reviewer")
    assert reviewer.get(f"/applications/{theirs}").status_code == 200


def test_R3_a_candidate_applies_for_themselves_follows_and_withdraws(gateway, accounts,
                                                                      upload):
    candidate = accounts("candidate")
    materials = upload(candidate)
    body = application_body(candidate.account, materials)
    someone = dict(body, person=dict(body["person"], id_number=sample_id_number("19900101", 9)))
    error(candidate.post("/applications", someone), 403, "NOT_YOURSELF")
    r = candidate.post("/applications", body, headers={"Idempotency-Key": "ignored-since-body"})
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["channel"] == "individual" and app["status"] == "submitted"
    err = error(candidate.post("/applications", dict(body, idempotency_key="another-key-9")),
                409, "DUPLICATE_APPLICATION")
    assert err["rule"] == "R3"
    assert [a["id"] for a in candidate.get("/applications").json()] == [app["id"]]
    photo = candidate.get(f"/materials/{materials['photo']}")
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    withdrawn = candidate.post(f"/applications/{app['id']}/withdraw", {"reason": "changed plans"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    timeline = candidate.get(f"/applications/{app['id']}").json()["timeline"]
    assert timeline[-1]["actor"] == f"candidate:{candidate.account['username']}"


# --- public lookups and rate limiting --------------------------------------------------------

def test_public_lookups_by_id_number_are_rate_limited_per_client(services, start_gateway,
                                                                 rpc):
    gateway = Client(bound_url(start_gateway(GATEWAY_RATE_LIMIT="3/60")))
    person = {"id_number": sample_id_number("19950315", 5), "name": "张三"}
    for _ in range(3):
        r = gateway.post("/public/applications", person)
        assert r.status_code == 200 and r.json() == []
    r = gateway.post("/public/applications", person)
    err = error(r, 429, "RATE_LIMITED")
    assert int(r.headers["Retry-After"]) >= 1 and err["details"]["retry_after_s"] > 0
    # another route has its own bucket; routes without an ID number are not limited
    assert gateway.post("/auth/token", {"username": "a", "password": "b"}).status_code == 401
    for _ in range(5):
        assert gateway.get("/batches").status_code == 200


def test_health_rpc_reports_the_http_address(services, start_gateway, rpc):
    container = start_gateway()
    url = bound_url(container)                       # .../api
    assert wait_until(lambda: rpc.gateway.health()["http"] + "api" == url, timeout=10)
    assert Client(url).get("/health").json() == {"service": "gateway", "ok": True}


def test_anyone_reads_today_as_the_suite_sees_it(gateway):
    r = gateway.get("/today")
    assert r.status_code == 200 and r.json() == {"today": TODAY}
