"""Ops: list and replay dead-lettered events of a service.

    python -m kernel.dlq registration list
    python -m kernel.dlq registration show evt-exam-batch_scheduled--registration.on_batch_scheduled.dlq
    python -m kernel.dlq registration replay [QUEUE]

Talks to the running service over RPC (its ``dead_letters`` and
``replay_dead_letters`` methods), so it needs no knowledge of queue names.
"""
import argparse
import json

from nameko.standalone.rpc import ClusterRpcProxy

from kernel import settings


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m kernel.dlq")
    parser.add_argument("service")
    parser.add_argument("action", choices=["list", "show", "replay"])
    parser.add_argument("queue", nargs="?")
    args = parser.parse_args(argv)
    with ClusterRpcProxy({"AMQP_URI": settings.amqp_uri()}, timeout=30) as cluster:
        svc = getattr(cluster, args.service)
        if args.action == "list":
            out = svc.dead_letters()
        elif args.action == "show":
            out = svc.dead_letters(queue=args.queue)
        else:
            out = svc.replay_dead_letters(queue=args.queue)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
