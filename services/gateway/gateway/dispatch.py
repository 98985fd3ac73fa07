"""One HTTP request through the route table: match, rate-limit, authenticate,
authorise, validate, scope, run the handler, answer."""
import ipaddress
import json
import logging
import re
import time

from prometheus_client import Counter, Histogram
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import MethodNotAllowed as WzMethodNotAllowed, NotFound as WzNotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from kernel.errors import NotFound, ValidationFailed
from kernel.schemas import load

from gateway import auth, domain, portal
from gateway.portal import API_PREFIX
from gateway.models import Account
from gateway.routes import PER_USERNAME, ROUTES
from gateway.web import File, error_response, file_response, json_response

log = logging.getLogger(__name__)

REQUESTS = Counter("skillcert_http_requests_total", "HTTP requests by route and status",
                   ["route", "method", "status"])
LATENCY = Histogram("skillcert_http_request_seconds", "HTTP request latency by route",
                    ["route"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))

URLS = Map([Rule(API_PREFIX + route.rule, methods=[route.method], endpoint=route)
            for route in ROUTES], strict_slashes=False)
QR_LINK = "/certificates/verify"   # printed in every certificate's QR code (portal.py)


def is_api(path):
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


class Context:
    """What a handler gets: ``ctx.path``, ``ctx.query`` (validated), ``ctx.body``
    (the JSON as sent), ``ctx.data`` (the body as the gateway's schema loaded
    it), ``ctx.principal``, ``ctx.account``, ``ctx.db``, ``ctx.rpc("exam")``."""

    def __init__(self, service, request, route, path):
        self.service, self.request, self.route, self.path = service, request, route, path
        self.principal, self.account = domain.ANONYMOUS, None
        self.query, self.body, self.data = {}, None, None

    @property
    def db(self):
        return self.service.db

    @property
    def keys(self):
        return self.service.keys

    @property
    def config(self):
        return self.service.config

    @property
    def actor(self):
        """How the services record who did it: "role:username"."""
        return f"{self.principal.role}:{self.principal.username}"

    def rpc(self, service):
        return getattr(self.service, service)


def handle(service, request):
    started = time.perf_counter()
    route = None
    api_path = request.path
    if not is_api(api_path):
        if api_path.rstrip("/") == QR_LINK and not portal.wants_html(request):
            api_path = API_PREFIX + QR_LINK        # an API client following a QR link
        else:
            response = portal.serve(request, portal.web_dir(service.config))
            if response is not None:
                return response
    try:
        adapter = URLS.bind_to_environ(request.environ)
        try:
            route, path = adapter.match(api_path, method=request.method)
        except WzNotFound:
            raise NotFound("ROUTE_NOT_FOUND", f"no route {request.path}; the routes are in "
                           f"{API_PREFIX}/openapi.json")
        except WzMethodNotAllowed as exc:
            raise domain.MethodNotAllowed("METHOD_NOT_ALLOWED", f"{request.method} is not "
                                          f"allowed on {request.path}",
                                          details={"allowed": sorted(exc.valid_methods or [])})
        response = run(service, request, route, path)
    except Exception as exc:
        service.db.rollback()
        response = error_response(exc)
    name = route.name if route else "unknown"
    REQUESTS.labels(name, request.method, str(response.status_code)).inc()
    LATENCY.labels(name).observe(time.perf_counter() - started)
    return response


def run(service, request, route, path):
    ctx = Context(service, request, route, path)
    if route.rate_limited is True:
        service.limiter.take(route.name, client_address(service, request))
    ctx.principal, ctx.account = authenticate(service, request)
    release(service)
    domain.authorise(route.roles, ctx.principal)
    for name, value in path.items():
        check_text(value, name)
    for name, value in request.args.items(multi=True):
        check_text(value, name)
    repeated = sorted(k for k in request.args if len(request.args.getlist(k)) > 1)
    if repeated:
        raise ValidationFailed("VALIDATION_FAILED", f"{repeated[0]}: give it once",
                               field=repeated[0],
                               details={"errors": {k: ["given more than once"] for k in repeated}})
    if route.query is not None:
        ctx.query = load(route.query(), request.args.to_dict(flat=True))
    elif request.args:
        raise ValidationFailed("VALIDATION_FAILED", "this route takes no query parameters",
                               details={"errors": {k: ["Unknown field."] for k in request.args}})
    if route.body is not None:
        ctx.body = read_json(service, request)
        check_text(ctx.body, "")
        key = request.headers.get("Idempotency-Key")
        if key and "idempotency_key" in route.body().fields and "idempotency_key" not in ctx.body:
            ctx.body["idempotency_key"] = key
        if route.rate_limited == PER_USERNAME:     # sign-in: one bucket per address and name
            service.limiter.take(route.name, (client_address(service, request),
                                              str(ctx.body.get("username"))[:64]))
        ctx.data = load((route.check or route.body)(), ctx.body)
    if route.per_target:
        target = ctx.path.get(route.per_target) or (ctx.data or {}).get(route.per_target)
        if target:
            service.limiter.take_target(route.name, str(target).strip().upper()[:64])
    scope(ctx)
    result = route.handler(ctx)
    if isinstance(result, Response):
        return result
    if isinstance(result, File):
        return file_response(result)
    return json_response(result, status=route.status)


def scope(ctx):
    """An institution operator works only on their own institution."""
    p = ctx.principal
    if p.role != domain.INSTITUTION:
        return
    if "institution_code" in ctx.path:
        domain.check_institution(p, ctx.path["institution_code"])
    if ctx.route.query is not None and "institution_code" in ctx.route.query().fields:
        if ctx.query.get("institution_code") is None:
            ctx.query["institution_code"] = p.institution_code
        domain.check_institution(p, ctx.query["institution_code"])


def release(service):
    """End the account's read before the route runs: nothing is written yet, so
    the commit only gives the session's database connection back to the pool
    (the account stays loaded: expire_on_commit is off). Without it every
    request held its connection while it waited on the services' RPCs, and on
    SQLite, where a process has one connection (kernel.db), the gateway served
    one signed-in request at a time (docs/performance.md). A handler that uses
    ``ctx.db`` afterwards gets a transaction of its own."""
    db = service.db
    if db.in_transaction() and not (db.new or db.dirty or db.deleted):
        db.commit()


def authenticate(service, request):
    """(principal, account) from the bearer token; the public without one."""
    token = auth.bearer(request.headers.get("Authorization"))
    if token is None:
        return domain.ANONYMOUS, None
    claims = auth.read_token(service.keys.secret, token)
    try:
        account = service.db.get(Account, claims["sub"])
    except SQLAlchemyError:
        log.exception("accounts database")
        raise
    if account is None or not account.active or account.token_version != claims["ver"]:
        raise domain.Unauthenticated("TOKEN_REVOKED", "this token is no longer valid (password "
                                     "changed or account disabled): sign in again")
    return domain.Principal(username=account.username, role=account.role, name=account.name,
                            institution_code=account.institution_code, region=account.region,
                            id_number=account.id_number,
                            verified=account.verified_at is not None), account


def read_json(service, request):
    limit = service.keys.max_body
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise too_large(limit)
    if not raw.strip():
        raise ValidationFailed("VALIDATION_FAILED", "this route takes a JSON object as its body",
                               details={"errors": {"_schema": ["missing body"]}})
    if _nesting(raw) > MAX_JSON_DEPTH:
        raise ValidationFailed("JSON_TOO_DEEP", f"the body nests deeper than {MAX_JSON_DEPTH} "
                               "levels", details={"max_depth": MAX_JSON_DEPTH})
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValidationFailed("VALIDATION_FAILED", "the body is not valid JSON",
                               details={"errors": {"_schema": ["not JSON"]}})
    if not isinstance(body, dict):
        raise ValidationFailed("VALIDATION_FAILED", "the body must be a JSON object",
                               details={"errors": {"_schema": ["not an object"]}})
    return body


MAX_JSON_DEPTH = 32     # no route's body nests more than a few levels


# a JSON string, written as "unrolled loop" (runs of plain characters, then one
# escape): the same strings as '"(?:[^"\\]|\\.)*"', whose alternation per character
# took 31 ms of the gateway's one thread on a 340 KB upload; this one 0.7 ms
STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
BRACKETS = re.compile(rb"[\[\]{}]")


def _nesting(raw):
    """How deep the brackets of a JSON text go (outside strings), counted
    before parsing (in C, by two regular expressions) so that a body nested
    thousands deep costs nothing and never reaches the parser's recursion."""
    depth = deepest = 0
    for bracket in BRACKETS.findall(STRINGS.sub(b"", raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        else:
            depth -= 1
    return deepest


def check_text(value, where):
    """No NUL character anywhere: PostgreSQL cannot store one in text, and no
    person types one."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationFailed("VALIDATION_FAILED", f"{where or 'the body'}: text must not "
                                   "contain the NUL character", field=where or None,
                                   details={"errors": {where or "_schema": ["NUL character"]}})
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, where)
            check_text(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            check_text(item, f"{where}.{n}" if where else str(n))


def too_large(limit):
    return domain.PayloadTooLarge("BODY_TOO_LARGE", f"the body is larger than {limit} bytes",
                                  details={"max_bytes": limit})


def client_address(service, request):
    """The client's address for rate limits: the peer, unless the peer is a
    proxy of ours (GATEWAY_TRUSTED_PROXIES, or GATEWAY_TRUST_FORWARDED for one
    hop); then X-Forwarded-For is read from the right, where our proxies
    appended what they saw, and the first hop that is not one of them is the
    client. Whatever a client writes to the left of that is ignored."""
    peer = request.remote_addr or "?"
    keys = service.keys
    proxies = keys.trusted_proxies
    if not (keys.trust_forwarded or proxies):
        return peer
    if proxies and not _among(peer, proxies):
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")
            if h.strip()]
    if not proxies:
        return hops[-1] if hops else peer
    for hop in reversed(hops):
        if not _among(hop, proxies):
            return hop
    return peer


def _among(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)
