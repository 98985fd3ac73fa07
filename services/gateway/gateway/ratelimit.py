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
# per target (one ID number, one certificate number), from every address
# together: a person checks their own a few times; a botnet guessing one
# person's birth date, or walking certificate numbers, is held to this
DEFAULT_TARGET_RATE = "30/3600"
# verification codes sent, per account and per phone number (whoever asks):
# each code has 5 tries, so at most 25 guesses of a million an hour
DEFAULT_SMS_RATE = "5/3600"
MAX_CLIENTS = 100_000


class Limiter(DependencyProvider):

    def setup(self):
        rate = settings.get(self.container.config, "GATEWAY_RATE_LIMIT", DEFAULT_RATE)
        self.capacity, self.per_second = domain.parse_rate(rate)
        target = settings.get(self.container.config, "GATEWAY_TARGET_RATE_LIMIT",
                              DEFAULT_TARGET_RATE)
        self.target_capacity, self.target_per_second = domain.parse_rate(target)
        sms = settings.get(self.container.config, "GATEWAY_SMS_RATE_LIMIT", DEFAULT_SMS_RATE)
        self.sms_capacity, self.sms_per_second = domain.parse_rate(sms)
        self.buckets = {}

    def get_dependency(self, worker_ctx):
        return self

    def take(self, route, client, now=None):
        self._take((route, client), self.capacity, self.per_second, now, "RATE_LIMITED",
                   "too many requests from this address; try again later")

    def take_target(self, route, target, now=None):
        """One bucket per looked-up thing, whoever asks (docs/security.md)."""
        self._take((route, "target", target), self.target_capacity, self.target_per_second,
                   now, "RATE_LIMITED_TARGET",
                   "this has been looked up too often; try again later")

    def take_sms(self, kind, key, now=None):
        """One verification code sent, per account (``kind`` "account") and per
        phone number ("phone", keyed by a digest of the number)."""
        self._take(("sms", kind, key), self.sms_capacity, self.sms_per_second, now,
                   "VERIFICATION_RATE_LIMITED", "too many verification codes were asked for; "
                   "try again later")

    def _rate_of(self, key):
        if key[0] == "sms":
            return self.sms_capacity, self.sms_per_second
        if len(key) == 3 and key[1] == "target":
            return self.target_capacity, self.target_per_second
        return self.capacity, self.per_second

    def _take(self, key, capacity, per_second, now, code, message):
        now = time.monotonic() if now is None else now
        allowed, bucket, wait = domain.take(self.buckets.get(key), now, capacity, per_second)
        self.buckets[key] = bucket
        if len(self.buckets) > MAX_CLIENTS:
            self.prune(now)
        if not allowed:
            raise domain.TooManyRequests(code, message,
                                         details={"retry_after_s": round(wait, 1)})

    def prune(self, now):
        for key, bucket in list(self.buckets.items()):
            if domain.full_again(bucket, now, *self._rate_of(key)):
                del self.buckets[key]
        while len(self.buckets) > MAX_CLIENTS:        # still full: forget the oldest
            del self.buckets[next(iter(self.buckets))]
