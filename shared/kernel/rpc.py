"""RPC from one service to another, with a timeout.

nameko's in-service ``RpcProxy`` waits for ever when the target is down.
``RpcClient("exam")`` wraps it: every call waits at most RPC_TIMEOUT seconds
(default 10, or ``timeout=``) and then raises ``RpcTimeout`` (a DomainError,
code RPC_TIMEOUT). Errors raised in the target arrive as their own DomainError
type (kernel.errors). A request that cannot be published because the broker is
away (stopped, restarting, the connection refused or reset) is refused at once
as ``Unavailable`` SERVICE_UNAVAILABLE (details: service, method, reason
``BROKER``) instead of an unexpected kombu error (a 500 at the gateway). A
connection that broke right after the publish may still have delivered it, so
like RPC_TIMEOUT it means "not known to have run": the suite's idempotency keys
make trying again safe.
"""
import logging

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.rpc import RpcProxy

from kernel import settings
from kernel.amqp import ReplyListener
from kernel.errors import RpcTimeout, Unavailable

log = logging.getLogger(__name__)


class _TimedMethod:
    def __init__(self, proxy, service, method, timeout):
        self.proxy, self.service, self.method, self.timeout = proxy, service, method, timeout

    def __call__(self, *args, **kwargs):
        try:
            reply = getattr(self.proxy, self.method).call_async(*args, **kwargs)
        except (OperationalError, AmqpConnectionError, ConnectionError) as exc:
            log.warning("rpc %s.%s not sent, the broker is away: %s", self.service,
                        self.method, type(exc).__name__)
            raise Unavailable("SERVICE_UNAVAILABLE", "the message broker cannot be reached; "
                              "try again later", details={"service": self.service,
                                                          "method": self.method,
                                                          "reason": "BROKER"}) from None
        timer = eventlet.Timeout(self.timeout)
        try:
            return reply.result()
        except eventlet.Timeout as exc:
            if exc is not timer:      # the caller's own deadline, not this call's
                raise
            raise RpcTimeout(details={"service": self.service, "method": self.method,
                                      "timeout_s": self.timeout})
        finally:
            timer.cancel()


class _TimedProxy:
    def __init__(self, proxy, service, timeout):
        self._proxy, self._service, self._timeout = proxy, service, timeout

    def __getattr__(self, method):
        return _TimedMethod(self._proxy, self._service, method, self._timeout)


class RpcClient(RpcProxy):
    rpc_reply_listener = ReplyListener()   # replies read and acked by the kernel's consumer

    def __init__(self, target_service, timeout=None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        timeout = self.timeout or settings.rpc_timeout(self.container.config)
        return _TimedProxy(super().get_dependency(worker_ctx), self.target_service, timeout)
