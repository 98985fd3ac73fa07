"""Benchmark: the bulk decision of 1,000 applications against the same 1,000
decisions one call each, and against the bare health RPC round trip, same run.

    .venv/bin/python benchmarks/bench_review.py
    .venv/bin/python benchmarks/bench_review.py --db postgresql+psycopg2://postgres@127.0.0.1:5432/postgres

Starts exam and review as their own processes (as `make run` does) on a private
RabbitMQ vhost when rabbitmqctl is available, loads the calendar, plays
registration by publishing application_submitted events (institution channel,
batch 2026-12) until review holds the tasks, then measures, sequentially from
one client:
- health: N bare RPC round trips through the review service (the baseline);
- decide: N approvals, one RPC each;
- decide_many: the same number of approvals in sittings of 200 and in one call
  of N, and how long until every application_approved event is on the broker.
- intake: how fast the 3N setup events became open tasks while one publisher
  (with confirms, the baseline) sent them; then, with review stopped, 3N more
  wait on the broker and review, restarted, drains them (timed from its first
  task to its last: review's intake alone).
``--backlog K`` leaves K more tasks open beside the measured ones.
Prints time, decisions per second and the ratios.
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from nameko.amqp.publish import Publisher  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import clean_up, vhost  # noqa: E402
from kernel.migrate import upgrade  # noqa: E402
from kernel.outbox import envelope, event_exchange  # noqa: E402
from kernel.testing import EventTap, sample_id_number  # noqa: E402

CENTER = {"name": "压测复审员", "role": "center"}
SITTING = 200


def submitted_payload(k):
    return {
        "application_id": str(uuid.uuid4()), "batch_code": "2026-12",
        "project_code": "business-data-analysis", "channel": "institution",
        "institution_code": "inst-02",
        "id_number": sample_id_number(f"19{60 + k // 500 % 40:02d}0101", k % 500),
        "name": "压测考生", "sex": "M", "birth_date": "1970-01-01",
        "person": {"education": "high_school", "phone": "13800138000", "work_unit": "某公司"},
        "claim": {"alternative": "education", "computer_skills": True},
        "precheck": {"condition": "E1", "alternative": "education", "outcome": "met",
                     "checks": []},
        "first_review": {"reviewer": "机构初审员", "reviewed_on": "2026-10-30",
                         "opinion": "pass", "pledge": True},
        "photo": "a" * 64,
        "materials": {"education_proof_kind": "diploma", "application_form": "b" * 64,
                      "integrity_pledge": "c" * 64, "education_proof": "d" * 64,
                      "id_card_front": "e" * 64, "id_card_back": "f" * 64},
        "submitted_at": "2026-11-02T02:00:00+00:00",
    }


def publish_submissions(amqp, count):
    exchange = event_exchange("registration")
    publisher = Publisher(amqp, use_confirms=True, serializer="json", declare=[exchange])
    ids = []
    for k in range(count):
        payload = submitted_payload(k)
        publisher.publish(envelope("registration", "application_submitted", payload),
                          exchange=exchange, routing_key="application_submitted")
        ids.append(payload["application_id"])
    return ids


def wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="SQLAlchemy URL of a PostgreSQL server (default SQLite)")
    parser.add_argument("--count", type=int, default=1000, help="decisions per measurement")
    parser.add_argument("--backlog", type=int, default=0,
                        help="open tasks left in the queue beside the measured ones (how a "
                             "decision's cost grows with the queue)")
    args = parser.parse_args()
    n = args.count

    amqp, vhost_name = vhost()
    tmp = Path(tempfile.mkdtemp(prefix="skillcert-bench-review-"))
    env = dict(os.environ, AMQP_URI=amqp, SKILLCERT_DATA_DIR=str(tmp),
               SKILLCERT_TODAY="2026-11-02", LOG_LEVEL="WARNING")
    urls = {}
    for service in ("exam", "review"):
        if args.db:
            name = f"skillcert_bench_{service}_{uuid.uuid4().hex[:6]}"
            urls[service] = make_url(args.db).set(database=name).render_as_string(False)
        else:
            urls[service] = f"sqlite:///{tmp / (service + '.db')}"
        upgrade(service, service, url=urls[service])
        env[f"{service.upper()}_DATABASE_URL"] = urls[service]
    nameko = str(Path(sys.executable).parent / "nameko")

    def launch(service, cls):
        return subprocess.Popen([nameko, "run", "--config", f"services/{service}/config.yaml",
                                 f"{service}.service:{cls}"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL,
                                stderr=open(tmp / f"{service}.log", "a"))
    procs = [launch("exam", "ExamService"), launch("review", "ReviewService")]
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp}, timeout=300) as rpc:
            deadline = time.monotonic() + 60
            while True:
                try:
                    rpc.exam.health(), rpc.review.health()
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            rpc.exam.load_calendar()
            wait(lambda: len(rpc.review.list_batches()) == 21, 60, "the batches")

            start = time.perf_counter()
            total = 3 * n + args.backlog
            ids = publish_submissions(amqp, total)
            t_publish = time.perf_counter() - start
            wait(lambda: rpc.review.list_pending(limit=1)["total"] == total, 900, "the tasks")
            t_setup = time.perf_counter() - start
            singles, sittings, bulk = ids[:n], ids[n:2 * n], ids[2 * n:3 * n]

            def approvals(batch):
                return [{"application_id": a, "decision": "approve"} for a in batch]

            t_health, _ = timed(lambda: [rpc.review.health() for _ in range(n)])
            t_single, _ = timed(lambda: [rpc.review.decide(
                {"application_id": a, "decision": "approve", "reviewer": CENTER})
                for a in singles])

            def by_sitting():
                for i in range(0, n, SITTING):
                    out = rpc.review.decide_many({"reviewer": CENTER, "decisions": approvals(
                        sittings[i:i + SITTING]), "idempotency_key": uuid.uuid4().hex})
                    assert out["failed"] == 0, out["results"][:3]
            t_sitting, _ = timed(by_sitting)

            with EventTap(amqp, "review", routing_key="application_approved") as tap:
                tap.drain()
                start = time.perf_counter()
                out = rpc.review.decide_many({"reviewer": CENTER, "decisions": approvals(bulk),
                                              "idempotency_key": uuid.uuid4().hex})
                t_bulk = time.perf_counter() - start
                assert out["ok"] == n, out["results"][:3]
                wait(lambda: len(tap.of_type("application_approved")) >= n, 300,
                     "the approval events")
                t_events = time.perf_counter() - start
            assert rpc.review.list_pending(limit=1)["total"] == args.backlog

            # intake alone: the events wait on the broker while review is stopped, then
            # review drains them; timed from the first task it opens to the last
            procs[1].terminate()
            procs[1].wait(timeout=60)
            publish_submissions(amqp, 3 * n)
            procs[1] = launch("review", "ReviewService")
            base, first = args.backlog, None
            while True:
                try:
                    now = rpc.review.list_pending(limit=1)["total"]
                except Exception:              # still starting
                    time.sleep(0.05)
                    continue
                if first is None and now > base:
                    first, t_first = now, time.perf_counter()
                if now == base + 3 * n:
                    t_drain = time.perf_counter() - t_first
                    break
                time.sleep(0.02)
            drained = base + 3 * n - first

        backend = "PostgreSQL" if args.db else "SQLite"
        print(f"review: {n} decisions each way ({backend}, one client, nameko max_workers=10, "
              f"one process per service)")
        print(f"setup: {total} application_submitted events -> open tasks in {t_setup:.1f} s "
              f"({total / t_setup:.0f}/s); {args.backlog} stay open beside the measured ones")
        print(f"  publishing them alone (one publisher, confirms; the baseline): {t_publish:.1f} s "
              f"({total / t_publish:.0f}/s); intake / publishing = {t_publish / t_setup:.2f}")
        print(f"intake alone: {3 * n} events waiting on the broker, review restarted: "
              f"{drained} drained in {t_drain:.1f} s after its first task ({drained / t_drain:.0f}"
              f"/s); against publishing {drained / t_drain / (total / t_publish):.2f}x")
        rows = [("health RPC (baseline)", t_health, n, "round trips"),
                ("decide, 1 per call", t_single, n, "decisions"),
                (f"decide_many, {n // SITTING} x {SITTING}", t_sitting, n, "decisions"),
                (f"decide_many, 1 x {n}", t_bulk, n, "decisions"),
                (f"  ... until {n} events published", t_events, n, "decisions")]
        print(f"{'':38} {'seconds':>8} {'per second':>11} {'ms each':>8}")
        for label, t, count, unit in rows:
            print(f"{label:38} {t:8.2f} {count / t:11.0f} {1000 * t / count:8.2f}  {unit}")
        print(f"bulk (1 x {n}) vs one call each: {t_single / t_bulk:.1f}x faster; "
              f"one bulk decision costs {t_bulk / t_health:.2f} health round trips")
        print(f"sittings of {SITTING} vs one call each: {t_single / t_sitting:.1f}x faster")
    finally:
        clean_up(procs, vhost_name, args.db, urls.values(), tmp)


if __name__ == "__main__":
    main()
