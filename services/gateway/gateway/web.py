"""HTTP plumbing: the entrypoint, JSON and file responses, errors as HTTP.

``Http`` is nameko's HTTP entrypoint finished like the kernel's entrypoints
(kernel.entrypoints.UnitOfWork): the worker's database work is committed or
rolled back *before* the response leaves, and the outcome is counted. An
exception never reaches nameko's own error page: ``error_response`` turns a
DomainError into its HTTP status and the JSON body {code, message, field,
rule, details}, a service that is not running into 503, and anything else
into a 500 with a generic body (the stack trace goes to the log only).
"""
import json
import logging
import re
import uuid
from urllib.parse import quote

import eventlet

from nameko.exceptions import MethodNotFound, UnknownService
from nameko.web.handlers import HttpRequestHandler
from eventlet import wsgi
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from kernel.entrypoints import UnitOfWork
from kernel.errors import DomainError, NotFound

from gateway.domain import MethodNotAllowed, ServiceUnavailable

log = logging.getLogger(__name__)

# DomainError.status (the coarse class every service uses) -> HTTP
HTTP_STATUS = {
    "invalid": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "too_large": 413,
    "unprocessable": 422,
    "rate_limited": 429,
    "unavailable": 503,
    "timeout": 504,
}
JSON = "application/json"


class File:
    """A handler's answer that is a file, not JSON."""

    def __init__(self, content, media_type, filename=None):
        self.content, self.media_type, self.filename = content, media_type, filename


def json_response(payload, status=200, headers=None):
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return Response(body, status=status, headers=headers, content_type=JSON + "; charset=utf-8")


def file_response(file, status=200):
    # a file is always an attachment, never sniffed into something else, never
    # cached (uploaded scans and receipts are personal data)
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
               "Content-Disposition": content_disposition(file.filename or "download")}
    content = file.content.encode("utf-8") if isinstance(file.content, str) else file.content
    return Response(content, status=status, headers=headers, content_type=file.media_type)


def content_disposition(filename):
    """An ASCII fallback and the real (Chinese) name, RFC 6266 / RFC 8187."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def as_domain_error(exc):
    """The DomainError a client should see for ``exc``, or None (a 500)."""
    if isinstance(exc, DomainError) and exc.code == "RPC_METHOD_UNKNOWN":
        return ServiceUnavailable("SERVICE_UNAVAILABLE", "the service behind this route "
                                  "cannot do this yet (another version of it is running)")
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, UnknownService):
        service = getattr(exc, "_service_name", "?")
        return ServiceUnavailable("SERVICE_UNAVAILABLE", f"the {service} service is not "
                                  "running; try again later", details={"service": service})
    if isinstance(exc, MethodNotFound):
        return ServiceUnavailable("SERVICE_UNAVAILABLE", "the service behind this route "
                                  "cannot do this yet (another version of it is running)")
    return None


def error_response(exc):
    err = as_domain_error(exc)
    if err is None:
        incident = uuid.uuid4().hex[:12]
        log.error("unexpected error (incident %s)", incident, exc_info=exc)
        return json_response({"code": "INTERNAL_ERROR", "message": "something went wrong on "
                              "our side; the incident was logged", "field": None, "rule": None,
                              "details": {"incident": incident}}, status=500)
    status = HTTP_STATUS.get(err.status, 422)
    headers = {}
    if status == 429 and err.details.get("retry_after_s") is not None:
        headers["Retry-After"] = str(int(err.details["retry_after_s"]) + 1)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="skillcert"'
    return json_response(err.to_dict(), status=status, headers=headers)


class JsonWsgiApp(WsgiApp):
    """nameko's WSGI app, answering a path no entrypoint takes (e.g. one with a
    newline in it) with the JSON error body instead of werkzeug's HTML page."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            if exc.code == 405:
                err = MethodNotAllowed("METHOD_NOT_ALLOWED", f"{request.method} is not "
                                       "allowed here")
            else:
                err = NotFound("ROUTE_NOT_FOUND", "no such route; the routes are in "
                               "/api/openapi.json")
            return error_response(err)(environ, start_response)
        request.path_values = values
        return provider.handle_request(request)(environ, start_response)


class RedactQuery(logging.Filter):
    """The access log keeps the path, never the query string: a query can hold
    an ID number, a name or a QR payload (docs/security.md)."""
    QUERY = re.compile(r'(\"[A-Z]+ [^ ?"]*)\?[^ "]*')

    def filter(self, record):
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = self.QUERY.sub(r"\1?…", record.msg)
        return True


ACCESS_LOG = logging.getLogger("nameko.web.server")
ACCESS_LOG.addFilter(RedactQuery())


class JsonWebServer(WebServer):
    """URLs up to 64 KB reach the routes (eventlet's default is 8 KB), so a long
    query value gets the route's own 400, not a bare 414. A connection that
    sends nothing for GATEWAY_SOCKET_TIMEOUT seconds (30) is closed (slowloris),
    and at most GATEWAY_MAX_CONNECTIONS (1000) are served at once: one more is
    answered 503 and closed at once."""
    URL_LIMIT = 64 * 1024
    BUSY_BODY = json.dumps({"code": "TOO_MANY_CONNECTIONS", "message": "the gateway serves "
                            "as many connections as it may; try again in a moment",
                            "field": None, "rule": None, "details": {}}).encode()
    BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nRetry-After: 1\r\nContent-Length: "
            + str(len(BUSY_BODY)).encode() + b"\r\n\r\n" + BUSY_BODY)

    def _setting(self, key, default):
        from kernel import settings
        return float(settings.get(self.container.config, key, default))

    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=HttpOnlyProtocol, debug=False):
        return wsgi.Server(sock, sock.getsockname(), wsgi_app, protocol=protocol, debug=debug,
                           log=ACCESS_LOG, url_length_limit=self.URL_LIMIT,
                           socket_timeout=self._setting("GATEWAY_SOCKET_TIMEOUT", 30))

    def run(self):
        limit = int(self._setting("GATEWAY_MAX_CONNECTIONS", 1000))
        self.open_connections = 0
        while self._is_accepting:
            sock, addr = self._sock.accept()
            if self.open_connections >= limit:
                eventlet.spawn_n(self._refuse, sock)
                continue
            sock.settimeout(self._serv.socket_timeout)
            self.open_connections += 1
            self.container.spawn_managed_thread(lambda s=sock, a=addr: self._serve(s, a))

    def _serve(self, sock, addr):
        try:
            self.process_request(sock, addr)
        finally:
            self.open_connections -= 1

    def _refuse(self, sock):
        try:
            sock.settimeout(1)
            sock.sendall(self.BUSY)
        except OSError:
            pass
        finally:
            sock.close()


class Http(UnitOfWork, HttpRequestHandler):
    """``@http("GET,POST", "/<path:path>")`` with a unit of work and JSON errors."""
    kind = "http"
    server = JsonWebServer()

    def __init__(self, method, url, **kwargs):
        kwargs.setdefault("expected_exceptions", (DomainError,))
        super().__init__(method, url, **kwargs)

    def handle_result(self, event, worker_ctx, result, exc_info):
        result, exc_info = self.finish(worker_ctx, result, exc_info)
        event.send(result, exc_info)
        return result, exc_info

    def response_from_exception(self, exc):
        return error_response(exc)


http = Http.decorator
