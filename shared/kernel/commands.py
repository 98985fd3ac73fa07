"""Mutating RPCs without the boilerplate: validate, replay, run, remember.

Every mutating RPC validates its request with a schema and honours an optional
``idempotency_key`` (kernel.idempotency). ``command(Schema)`` does both:

    @rpc
    @command(ReviewSchema)
    def review_application(self, data):      # data: the loaded request, key removed
        ...
        return result                        # stored with the key, in the same transaction

The RPC is still called with the raw request (one positional argument, or the
keyword ``request``); a replay with the same key returns the stored answer and
runs nothing. ``operation`` defaults to the method name.
"""
import functools

from kernel import idempotency
from kernel.schemas import load


def command(schema, operation=None, rule=None):
    reader = schema()     # one instance: marshmallow copies every field when it makes
    # one, and a load changes nothing in it

    def decorator(fn):
        name = operation or fn.__name__

        @functools.wraps(fn)
        def wrapper(self, request):
            data = load(reader, request, rule=rule)
            key = data.pop("idempotency_key", None)
            done = idempotency.replayed(self.db, key, name, request)
            if done is not None:
                return done
            return idempotency.remember(self.db, key, name, request, fn(self, data))
        return wrapper
    return decorator
