"""Rate limiting of the public routes that take an ID number, a certificate
number or a password: a token bucket per (route, client address), in process.

Each replica keeps its own buckets, so with N gateway replicas behind one
address a client gets up to N times the rate; that is the documented bound
(docs/gateway.md). The buckets of idle clients are dropped once they have
refilled, and the table is capped, so memory stays bounded.
"""
import time

from nameko.extensions import DependencyProvider

from kernel import settings

from gateway import domain

DEFAULT_RATE = "10/60"       # 10 requests at once, then one every 6 s
MAX_CLIENTS = 100_000


class Limiter(DependencyProvider):

    def setup(self):
        rate = settings.get(self.container.config, "GATEWAY_RATE_LIMIT", DEFAULT_RATE)
        self.capacity, self.per_second = domain.parse_rate(rate)
        self.buckets = {}

    def get_dependency(self, worker_ctx):
        return self

    def take(self, route, client, now=None):
        now = time.monotonic() if now is None else now
        key = (route, client)
        allowed, bucket, wait = domain.take(self.buckets.get(key), now, self.capacity,
                                            self.per_second)
        self.buckets[key] = bucket
        if len(self.buckets) > MAX_CLIENTS:
            self.prune(now)
        if not allowed:
            raise domain.TooManyRequests(
                "RATE_LIMITED", "too many requests from this address; try again later",
                details={"retry_after_s": round(wait, 1)})

    def prune(self, now):
        for key, bucket in list(self.buckets.items()):
            if domain.full_again(bucket, now, self.capacity, self.per_second):
                del self.buckets[key]
        while len(self.buckets) > MAX_CLIENTS:        # still full: forget the oldest
            del self.buckets[next(iter(self.buckets))]
