"""Ops commands: RPCs no HTTP route reaches, run with the ops broker user.

    python -m deploy.ops rotate-signing-key --actor "ops:<your name>"
    python -m deploy.ops call SERVICE METHOD [ARG_JSON ...] [--kwargs JSON]
        e.g.  python -m deploy.ops call exam close_rosters --kwargs '{"today": "2026-11-17"}'
              python -m deploy.ops call registration load_reference_data

The gateway's broker user may not call these (deploy/rabbitmq/definitions.json):
key rotation, timers run for a given date, dead letters and reference data are
for whoever holds the ops user. Its URI: ``--amqp-uri``, else SKILLCERT_OPS_AMQP_URI
(compose, Kubernetes: the ops password of deploy/broker.py's definitions), else
the ops user `make run` provisioned for this data dir (``<data dir>/broker/``),
else AMQP_URI. The answer is printed as JSON; a refused call exits 1 with the
structured error.
"""
import argparse
import json
import os
import sys
import uuid
from pathlib import Path

from deploy import broker

DEFAULT_AMQP_URI = "pyamqp://guest:guest@localhost:5672/"


def ops_uri(explicit=None):
    if explicit:
        return explicit
    if os.environ.get("SKILLCERT_OPS_AMQP_URI"):
        return os.environ["SKILLCERT_OPS_AMQP_URI"]
    base = os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI
    data_dir = Path(os.environ.get("SKILLCERT_DATA_DIR") or "var")
    return broker.stored_uri(base, data_dir) or base


def call(amqp_uri, service, method, args=(), kwargs=None, timeout=60):
    from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout) as proxy:
        return getattr(proxy[service], method)(*args, **(kwargs or {}))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy.ops")
    parser.add_argument("--amqp-uri", help="the ops user's AMQP URI (see the module's doc)")
    parser.add_argument("--timeout", type=float, default=60)
    sub = parser.add_subparsers(dest="action", required=True)
    rotate = sub.add_parser("rotate-signing-key", help="certificate starts signing with a "
                            "new key (docs/operations.md, Rotate signing keys)")
    rotate.add_argument("--actor", required=True, help='who rotates, e.g. "ops:王工"')
    rotate.add_argument("--idempotency-key", default=None,
                        help="the same key again answers the first rotation")
    any_call = sub.add_parser("call", help="any RPC")
    any_call.add_argument("service")
    any_call.add_argument("method")
    any_call.add_argument("args", nargs="*", help="positional arguments, each JSON")
    any_call.add_argument("--kwargs", default="{}", help="keyword arguments, a JSON object")
    args = parser.parse_args(argv)
    uri = ops_uri(args.amqp_uri)
    if args.action == "rotate-signing-key":
        service, method = "certificate", "rotate_signing_key"
        positional = [{"actor": args.actor,
                       "idempotency_key": args.idempotency_key or f"rotate-{uuid.uuid4().hex}"}]
        keywords = {}
    else:
        service, method = args.service, args.method
        try:
            positional = [json.loads(a) for a in args.args]
            keywords = json.loads(args.kwargs)
        except ValueError as exc:
            parser.error(f"arguments must be JSON: {exc}")
    from kernel.errors import DomainError
    try:
        result = call(uri, service, method, positional, keywords, timeout=args.timeout)
    except DomainError as exc:
        print(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2), file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"{service}.{method} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
