"""Handlers that only relay a request to one RPC, and request bodies derived
from the services' own schemas."""
import base64
import hashlib
from datetime import date, datetime

from gateway.web import File


def relay(service, method, path=(), query=(), body=False, actor=None, inject=None,
          file=False, drop=(), args_from="query"):
    """A handler calling ``service.method``:
    - with a body: one argument, the JSON body plus the path parameters
      ``path``, ``actor`` (a field name) set to the signed-in account, and
      ``inject(ctx)`` (a dict) on top;
    - without: the path parameters ``path`` as positional arguments and the
      query parameters ``query`` as keyword arguments.
    ``file``: the answer carries {content_base64, media_type, filename};
    ``drop``: query parameters that are not the RPC's (renamed by ``inject``);
    ``args_from="body"``: the keyword arguments ``query`` come from the
    validated body instead (personal data is sent in a body, never in a URL)."""
    def handler(ctx):
        if body:
            request = dict(ctx.body)
            request.update({p: ctx.path[p] for p in path})
            if actor:
                request[actor] = ctx.actor
            if inject:
                request.update(inject(ctx))
            args, kwargs = [request], {}
        else:
            args = [ctx.path[p] for p in path]
            source = ctx.data if args_from == "body" else ctx.query
            kwargs = {q: plain(source.get(q)) for q in query}
            if inject:
                kwargs.update(inject(ctx))
            for name in drop:
                kwargs.pop(name, None)
        out = getattr(ctx.rpc(service), method)(*args, **kwargs)
        return as_file(out) if file else out
    handler.__name__ = handler.__qualname__ = f"{service}.{method}"
    return handler


KEY_LENGTH = 100       # the services' idempotency keys (their schemas' Key)


def part_key(key, part):
    """The idempotency key of one part of a request the gateway sends in several
    calls: ``<key>:<part>``, or, when that would pass KEY_LENGTH, the key's
    digest in its place (cutting it short would give two parts one key)."""
    derived = f"{key}:{part}"
    if len(derived) > KEY_LENGTH:
        derived = f"{hashlib.sha256(key.encode()).hexdigest()}:{part}"
    return derived


def plain(value):
    """Query values as the RPC takes them (dates as ISO text)."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def as_file(out):
    return File(base64.b64decode(out["content_base64"]),
                out.get("media_type") or "application/octet-stream", out.get("filename"))


def body(schema, name, *exclude, doc=None):
    """``schema`` without the fields the gateway fills in itself (the actor,
    the ids in the path), named ``name`` in the OpenAPI document."""
    meta = type("Meta", (schema.Meta,), {"exclude": tuple(exclude)})
    return type(name, (schema,), {"Meta": meta, "__doc__": doc or schema.__doc__,
                                  "__module__": __name__})
