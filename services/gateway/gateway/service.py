"""The gateway: HTTP/JSON in front of the services' RPC. Every request goes
through gateway.dispatch and the route table (gateway.routes); the gateway's
own database holds the accounts."""
import logging

import eventlet
from nameko.extensions import DependencyProvider

from kernel.db import Database
from kernel.entrypoints import rpc
from kernel.rpc import RpcClient
from kernel.service import ServiceBase

from gateway import dispatch
from gateway.keys import Keys
from gateway.models import Base
from gateway.ratelimit import Limiter
from gateway.sms import Sms
from gateway.web import Http, http

log = logging.getLogger(__name__)

METHODS = "GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS"


class Address(DependencyProvider):
    """Where the HTTP server listens (the port is known once it has bound)."""

    def get_dependency(self, worker_ctx):
        return self

    def start(self):
        self.container.spawn_managed_thread(self._announce)

    def bound(self):
        for ep in self.container.entrypoints:
            sock = getattr(getattr(ep, "server", None), "_sock", None)
            if isinstance(ep, Http) and sock is not None:
                host, port = sock.getsockname()[:2]
                return "127.0.0.1" if host in ("0.0.0.0", "::") else host, port
        return None

    def url(self):
        found = self.bound()
        return f"http://{found[0]}:{found[1]}/" if found else None

    def _announce(self):
        for _ in range(200):
            if self.bound():
                log.info("gateway: HTTP on %s (portal %s, docs %sapi/docs, OpenAPI "
                         "%sapi/openapi.json)", self.url(),
                         self.url(), self.url(), self.url())
                return
            eventlet.sleep(0.05)


class GatewayService(ServiceBase):
    name = "gateway"
    db = Database(Base)
    keys = Keys()
    limiter = Limiter()
    sms = Sms()
    address = Address()
    registration = RpcClient("registration")
    exam = RpcClient("exam")
    review = RpcClient("review")
    payment = RpcClient("payment")
    certificate = RpcClient("certificate")
    assessor_training = RpcClient("assessor_training")

    @http(METHODS, "/")
    def index(self, request):
        return dispatch.handle(self, request)

    @http(METHODS, "/<path:path>")
    def route(self, request, path):
        return dispatch.handle(self, request)

    @rpc
    def health(self):
        out = super().health()
        out["http"] = self.address.url()
        return out
