"""The role matrix, generated from the route table: every route called by every
role (and by the public, without a token). A role the route lists gets past
the role check (whatever the handler then says about the dummy input); any
other role is refused: 401 NOT_AUTHENTICATED for the public, 403
ROLE_NOT_ALLOWED for an account. The OpenAPI document states the same roles."""
from gateway import domain
from gateway.routes import ROUTES

from .conftest import INSTITUTION

REFUSALS = {"NOT_AUTHENTICATED", "ROLE_NOT_ALLOWED"}


def path_of(route):
    path = route.path
    for param in route.path_params:
        path = path.replace("{%s}" % param, INSTITUTION if param == "institution_code"
                            else "x")
    return path


def call(client, route):
    if route.body is not None:
        return client.request(route.method, path_of(route), json={})
    return client.request(route.method, path_of(route))


def refusal(response):
    if response.status_code not in (401, 403):
        return None
    return response.json()["code"]


def test_every_route_admits_exactly_the_roles_it_lists(suite_gateway, accounts):
    clients = {role: accounts(role) for role in domain.ROLES}
    wrong = []
    # signing out ends the account's tokens: it is called last of all
    for route in sorted(ROUTES, key=lambda r: r.name == "logout"):
        for role, client in clients.items():
            response = call(client, route)
            code = refusal(response)
            if route.public or role in route.roles:
                if code in REFUSALS or response.status_code >= 500:
                    wrong.append(f"{route.method} {route.path} as {role}: refused "
                                 f"({response.status_code} {response.text[:200]})")
            else:
                expected = "NOT_AUTHENTICATED" if role == domain.PUBLIC else "ROLE_NOT_ALLOWED"
                status = 401 if role == domain.PUBLIC else 403
                if (response.status_code, code) != (status, expected):
                    wrong.append(f"{route.method} {route.path} as {role}: expected {status} "
                                 f"{expected}, got {response.status_code} "
                                 f"{response.text[:200]}")
    assert not wrong, "\n".join(wrong)


def test_the_openapi_document_states_the_roles_of_the_route_table(gateway):
    doc = gateway.get("/openapi.json").json()
    documented = {(method.upper(), path): op for path, ops in doc["paths"].items()
                  for method, op in ops.items()}
    assert set(documented) == {(r.method, r.path) for r in ROUTES}
    for route in ROUTES:
        op = documented[(route.method, route.path)]
        roles = [domain.PUBLIC] if route.public else list(route.roles)
        assert op["x-roles"] == roles, route.name
        assert ("security" in op) == (not route.public), route.name
        if not route.public:
            assert {"401", "403"} <= set(op["responses"]), route.name
        if route.rate_limited:
            assert "429" in op["responses"], route.name
