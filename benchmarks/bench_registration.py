"""Benchmark: submit_application over RPC against a bare echo RPC, same run.

    make bench                      # SQLite (the embedded default)
    make bench ARGS="--db postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"

Starts exam, registration and an echo service as their own processes (as
`make run` does) on a private RabbitMQ vhost when rabbitmqctl is available,
loads the calendar, uploads one set of materials, then for 1, 10 and 50
concurrent clients sends N echo calls and N submissions (each a new person)
and prints throughput and p50/p99 latency, and submit/echo as a ratio.
"""
import eventlet
import eventlet.event

eventlet.monkey_patch()

import argparse  # noqa: E402
import base64  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import clean_up, vhost  # noqa: E402
from kernel.migrate import upgrade  # noqa: E402
from kernel.testing import sample_id_number, sample_photo, sample_scan  # noqa: E402

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_clients(amqp, clients, total, make_call):
    """``total`` calls spread over ``clients`` green threads, each with its own
    proxy, connected before the clock starts: real callers (the gateway) hold
    their connection and reply queue; making 50 of them inside the timed window
    measured queue declarations, not RPC (docs/performance.md)."""
    latencies = []
    per_client = total // clients
    connected, go = [0], eventlet.event.Event()

    def client(n):
        with ClusterRpcProxy({"AMQP_URI": amqp}, timeout=60) as proxy:
            connected[0] += 1
            go.wait()
            for i in range(per_client):
                t0 = time.perf_counter()
                make_call(proxy, n * per_client + i)
                latencies.append(time.perf_counter() - t0)

    pool = eventlet.GreenPool(clients)
    for n in range(clients):
        pool.spawn(client, n)
    deadline = time.monotonic() + 60
    while connected[0] < clients:       # every client connected
        if time.monotonic() > deadline:
            raise SystemExit(f"only {connected[0]} of {clients} clients connected in 60 s")
        eventlet.sleep(0.01)
    start = time.perf_counter()
    go.send()
    pool.waitall()
    wall = time.perf_counter() - start
    return {"calls": len(latencies), "throughput": len(latencies) / wall,
            "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
            "mean_ms": statistics.mean(latencies) * 1000}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="SQLAlchemy URL of a PostgreSQL server (default SQLite)")
    parser.add_argument("--calls", type=int, default=1000, help="calls per measurement")
    parser.add_argument("--clients", default="1,10,50")
    args = parser.parse_args()

    amqp, vhost_name = vhost()
    tmp = Path(tempfile.mkdtemp(prefix="skillcert-bench-"))
    env = dict(os.environ, AMQP_URI=amqp, SKILLCERT_DATA_DIR=str(tmp),
               SKILLCERT_TODAY="2026-10-28", LOG_LEVEL="WARNING")
    urls = {}
    for service in ("exam", "registration"):
        if args.db:
            name = f"skillcert_bench_{service}_{uuid.uuid4().hex[:6]}"
            urls[service] = make_url(args.db).set(database=name).render_as_string(False)
        else:
            urls[service] = f"sqlite:///{tmp / (service + '.db')}"
        upgrade(service, service, url=urls[service])
        env[f"{service.upper()}_DATABASE_URL"] = urls[service]
    nameko = str(Path(sys.executable).parent / "nameko")
    procs = []
    for config, module in (("services/exam/config.yaml", "exam.service:ExamService"),
                           ("services/registration/config.yaml", "registration.service:RegistrationService"),
                           ("services/registration/config.yaml", "benchmarks.echo_service:EchoService")):
        prefix = [sys.executable, "-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] \
            if os.environ.get("BENCH_PROFILE") and module.startswith("registration") else []
        procs.append(subprocess.Popen(prefix + [nameko, "run", "--config", config, module], cwd=ROOT,
                                      env=env, stdout=subprocess.DEVNULL,
                                      stderr=open(tmp / f"{module}.log", "w")))
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp}, timeout=60) as rpc:
            deadline = time.monotonic() + 60
            while True:
                try:
                    rpc.exam.health(), rpc.registration.health(), rpc.bench_echo.echo(1)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            rpc.registration.load_reference_data()
            rpc.exam.load_calendar()
            while len(rpc.registration.list_batches()) < 21:
                time.sleep(0.2)

            def up(purpose, content):
                return rpc.registration.upload_material({
                    "purpose": purpose,
                    "content_base64": base64.b64encode(content).decode()})["hash"]
            materials = {"photo": up("photo", sample_photo(1)), "education_proof_kind": "diploma"}
            for n, kind in enumerate(("application_form", "integrity_pledge", "education_proof",
                                      "id_card_front", "id_card_back")):
                materials[kind] = up("scan", sample_scan(10 + n))

        run_id = [0]

        def submit(proxy, i):
            run_id[0] += 1
            k = run_id[0]
            birth = (date(1960, 1, 1) + timedelta(days=k // 500)).strftime("%Y%m%d")
            proxy.registration.submit_application({
                "batch_code": "2026-12", "project_code": "bigdata-platform-setup",
                "channel": "individual", "candidate_pledge": True, "materials": materials,
                "idempotency_key": uuid.uuid4().hex,
                "person": {"name": "压测考生", "id_number": sample_id_number(birth, k % 500),
                           "education": "high_school", "phone": "13800138000"},
                "claim": {"alternative": "education", "computer_skills": True}})

        echo_payload = {"batch_code": "2026-12", "person": {"name": "压测考生"} , "pad": "x" * 600}

        def echo(proxy, i):
            proxy.bench_echo.echo(echo_payload)

        backend = "PostgreSQL" if args.db else "SQLite"
        print(f"submit_application vs bare echo RPC ({backend}, {args.calls} calls each, "
              f"nameko max_workers=10, one process per service)")
        print(f"{'clients':>7} | {'echo/s':>8} {'p50':>7} {'p99':>7} | {'submit/s':>8} "
              f"{'p50':>7} {'p99':>7} | submit/echo")
        for clients in [int(c) for c in args.clients.split(",")]:
            e = run_clients(amqp, clients, args.calls, echo)
            s = run_clients(amqp, clients, args.calls, submit)
            print(f"{clients:>7} | {e['throughput']:8.0f} {e['p50_ms']:6.1f}ms "
                  f"{e['p99_ms']:6.1f}ms | {s['throughput']:8.0f} {s['p50_ms']:6.1f}ms "
                  f"{s['p99_ms']:6.1f}ms | {s['throughput'] / e['throughput']:6.0%}")
    finally:
        clean_up(procs, vhost_name, args.db, urls.values(), tmp)


if __name__ == "__main__":
    main()
