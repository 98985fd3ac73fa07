"""Benchmark: one whole batch of N candidates over the gateway, stage by stage.

    make bench-batch N=2000                          # SQLite
    make bench-batch N=2000 DB=postgresql+psycopg2://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/bench_batch.py --candidates 2000 [--db URL] [--profile DIR]

Starts the whole suite as ``make run`` does (``python -m deploy.launch`` with
SKILLCERT_REHEARSAL=1, every service, one replica each, publisher confirms,
the outbox and the inbox as always) on a RabbitMQ vhost, data dir, HTTP port
and metrics ports of its own, plus the bare echo service of the other
benchmarks (benchmarks/echo_service.py). Then drives deploy/demo.py's batch
(``Demo``: its steps, unchanged) with N candidates: accounts, uploads,
institution bulk and individual submissions, review in bulk and one by one,
payments with receipts, the bank statement and confirmations, arrangement,
tickets, check-in, scores, publication, certificates and their verification.

Every request the demo sends is timed and filed under its stage and its
operation. Printed: for every stage its wall time, candidates per second and
share of the end-to-end time; for every operation its count, throughput,
p50/p99 and the ratio of its p50 to two baselines measured in the same run
(before and after the batch): a bare echo RPC (nameko, 1 and 50 concurrent
clients) and a bare HTTP round trip through the gateway (GET /api/health, 1
and 8 concurrent clients, 8 being the demo's concurrency). The machine is
shared, so absolute figures are noisy: compare the ratios.

``--profile DIR`` samples every replica with py-spy (py-spy, pinned in requirements-test.txt)
during the batch and writes a collapsed-stack file per replica plus the top
frames of each into DIR (docs/performance.md reads them).

PostgreSQL: the databases are created by the benchmark (``skillcert_bb<id>_<service>``)
and dropped afterwards; no other database of the server is touched.
"""
import sys

if "--echo-baseline" in sys.argv:            # the echo clients run green, as nameko's do
    import eventlet
    eventlet.monkey_patch()

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- baselines ------------------------------------------------------------------------

def echo_baseline(amqp, clients, calls):
    """``calls`` echo RPCs from ``clients`` green threads, a ClusterRpcProxy each
    (run in a process of its own: eventlet). {clients: (calls/s, p50 s, p99 s)}."""
    import eventlet
    from nameko.standalone.rpc import ClusterRpcProxy
    payload = {"batch_code": "2026-12", "person": {"name": "压测考生"}, "pad": "x" * 600}
    out = {}
    with ClusterRpcProxy({"AMQP_URI": amqp}, timeout=60) as rpc:   # warm the queues
        for _ in range(20):
            rpc.bench_echo.echo(payload)
    for n in clients:
        latencies, per = [], max(1, calls // n)

        def client():
            with ClusterRpcProxy({"AMQP_URI": amqp}, timeout=60) as rpc:
                rpc.bench_echo.echo(payload)
                ready.wait()
                for _ in range(per):
                    t0 = time.perf_counter()
                    rpc.bench_echo.echo(payload)
                    latencies.append(time.perf_counter() - t0)
        ready = eventlet.event.Event()
        pool = eventlet.GreenPool(n)
        for _ in range(n):
            pool.spawn(client)
        eventlet.sleep(0.5 + n * 0.02)           # every client connected
        start = time.perf_counter()
        ready.send()
        pool.waitall()
        wall = time.perf_counter() - start
        out[n] = (len(latencies) / wall, percentile(latencies, 50), percentile(latencies, 99))
    return out


def run_echo_baseline(amqp, clients, calls):
    proc = subprocess.run([sys.executable, __file__, "--echo-baseline", amqp,
                           "--clients", ",".join(map(str, clients)), "--calls", str(calls)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    if proc.returncode:
        raise SystemExit(f"the echo baseline failed:\n{proc.stderr[-3000:]}")
    return {int(k): v for k, v in json.loads(proc.stdout.strip().splitlines()[-1]).items()}


def http_baseline(url, clients, calls):
    """GET /api/health through the gateway from ``clients`` threads, a session each."""
    import requests
    out = {}
    for n in clients:
        latencies, per = [], max(1, calls // n)
        barrier = threading.Barrier(n + 1)

        def client():
            s = requests.Session()
            s.get(url + "/api/health", timeout=60)
            barrier.wait()
            for _ in range(per):
                t0 = time.perf_counter()
                s.get(url + "/api/health", timeout=60).raise_for_status()
                latencies.append(time.perf_counter() - t0)
        threads = [threading.Thread(target=client) for _ in range(n)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        out[n] = (len(latencies) / wall, percentile(latencies, 50), percentile(latencies, 99))
    return out


# --- the suite ---------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Suite:
    """deploy.launch (every service) and the echo service, on a vhost of their own."""

    def __init__(self, work, db):
        from deploy.services import SERVICES
        self.work, self.db = work, db
        self.amqp, self.vhost = harness.vhost()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password = "bench-" + secrets.token_hex(8)
        self.id = uuid.uuid4().hex[:6]
        self.db_urls = []
        env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
        env.update(AMQP_URI=self.amqp, SKILLCERT_DATA_DIR=str(work / "data"),
                   WEB_SERVER_ADDRESS=f"127.0.0.1:{self.port}", SKILLCERT_REHEARSAL="1",
                   GATEWAY_ADMIN_PASSWORD=self.password, GATEWAY_RATE_LIMIT="1000000/1",
                   GATEWAY_TARGET_RATE_LIMIT="1000000/1", GATEWAY_SMS_RATE_LIMIT="1000000/1",
                   CERTIFICATE_VERIFY_URL=f"{self.url}/certificates/verify",
                   PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
        if db:
            from sqlalchemy.engine import make_url
            template = make_url(db).set(database=f"skillcert_bb{self.id}_SERVICE")
            env["SKILLCERT_DATABASE_URL"] = template.render_as_string(False).replace(
                "SERVICE", "{service}")
            self.db_urls = [env["SKILLCERT_DATABASE_URL"].format(service=s.name)
                            for s in SERVICES]
        self.env = env
        self.log = work / "launch.log"
        self.procs = []

    def start(self):
        base_port = 61000 + random.randrange(40) * 100
        self.launcher = subprocess.Popen(
            [sys.executable, "-m", "deploy.launch", "--base-port", str(base_port)], cwd=ROOT,
            env=self.env, stdin=subprocess.DEVNULL, stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT, start_new_session=True)
        nameko = str(Path(sys.executable).parent / "nameko")
        self.echo = subprocess.Popen(
            [nameko, "run", "--config", "services/registration/config.yaml",
             "benchmarks.echo_service:EchoService"], cwd=ROOT,
            env=dict(self.env, METRICS_PORT="0"), stdout=subprocess.DEVNULL,
            stderr=open(self.work / "echo.log", "w"))
        deadline = time.monotonic() + 300
        while "SkillCert is running" not in self.log.read_text(errors="replace"):
            if self.launcher.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the suite did not start; see {self.log}:\n"
                                 + self.log.read_text(errors="replace")[-3000:])
            time.sleep(0.5)

    def pids(self):
        """{replica label: pid} from the launcher's lines, and the echo service."""
        found = dict(re.findall(r"started (\S+) \(pid (\d+)", self.log.read_text()))
        found["bench_echo"] = self.echo.pid
        return {k: int(v) for k, v in found.items()}

    def stop(self):
        if self.launcher.poll() is None:
            self.launcher.send_signal(signal.SIGTERM)
            try:
                self.launcher.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.launcher.pid, signal.SIGKILL)
                self.launcher.wait()
        harness.clean_up([self.echo], self.vhost, self.db, self.db_urls, self.work / "data")


# --- profiles -------------------------------------------------------------------------

class Profiles:
    """py-spy record of every replica during the batch (collapsed stacks)."""

    def __init__(self, folder, pids, rate=20):
        self.folder, self.rate = Path(folder), rate
        self.folder.mkdir(parents=True, exist_ok=True)
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self.procs = {label: subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw",
             "--nonblocking", "--output", str(self.folder / f"{label}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for label, pid in pids.items()}

    def stop(self):
        for p in self.procs.values():
            p.send_signal(signal.SIGINT)
        for p in self.procs.values():
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
        lines = []
        for label in sorted(self.procs):
            lines += top_frames(self.folder / f"{label}.txt", label, self.rate)
        (self.folder / "top.txt").write_text("\n".join(lines) + "\n")
        return lines


def top_frames(path, label, rate, count=18):
    """The frames of project code and its libraries holding the most samples
    (inclusive), from a py-spy raw file: 'stack;frames;... N' per line."""
    if not path.is_file():
        return [f"{label}: no profile"]
    total, inclusive = 0, collections.Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        seen = set()
        for frame in stack.split(";"):
            name = re.sub(r" \(([^)]*?)(:\d+)?\)$", lambda m: f" ({m.group(1)})", frame)
            if name not in seen:
                seen.add(name)
                inclusive[name] += int(n)
    out = [f"== {label}: {total} samples at {rate}/s (busy time only)"]
    for name, n in inclusive.most_common(count * 3):
        if any(s in name for s in ("<module>", "run (nameko", "_bootstrap", "main (")):
            continue
        out.append(f"  {100 * n / max(total, 1):5.1f}%  {name[:150]}")
        if len(out) > count:
            break
    return out


# --- the batch ----------------------------------------------------------------------------

OPERATIONS = (        # (name, method, path pattern) the first that matches
    ("sign-up (account)", "POST", r"/accounts$"),
    ("staff account", "POST", r"/admin/accounts$"),
    ("log-in (token)", "POST", r"/auth/token$"),
    ("upload (material)", "POST", r"/(assessor/)?materials$"),
    ("upload (receipt)", "POST", r"/receipts$"),
    ("bulk submission (<=500)", "POST", r"/institutions/[^/]+/applications$"),
    ("individual submission", "POST", r"/applications$"),
    ("review queue page", "GET", r"/review/queue$"),
    ("bulk review (<=1000)", "POST", r"/review/decisions$"),
    ("single review", "POST", r"/review/applications/[^/]+/decision$"),
    ("institution payment", "POST", r"/institutions/[^/]+/payments$"),
    ("individual payment", "POST", r"/applications/[^/]+/payment$"),
    ("bank statement import", "POST", r"/payments/statements$"),
    ("payment confirmation", "POST", r"/payments/submissions/[^/]+/confirm$"),
    ("arrangement", "POST", r"/exam/batches/[^/]+/arrangement$"),
    ("assessor dispatch", "POST", r"/exam/batches/[^/]+/dispatch$"),
    ("institution tickets (PDF)", "GET", r"/institutions/[^/]+/tickets$"),
    ("individual ticket (PDF)", "GET", r"/tickets$"),
    ("check-in", "POST", r"/exam/check-in$"),
    ("computer scores (CSV)", "POST", r"/exam/batches/[^/]+/computer-scores$"),
    ("publication", "POST", r"/exam/publication$"),
    ("certificate PDF", "GET", r"/certificates/[^/]+/pdf$"),
    ("certificate verification", "(GET|POST)", r"/public/certificates/"),
    ("status poll", "GET", r"/applications/[^/]+$|/institutions/[^/]+/applications$"
                           r"|/applications/[^/]+/payment$|/admin/certificates$"),
    ("clock move", "PUT", r"/admin/clock$"),
)


def operation(method, path):
    for name, m, pattern in OPERATIONS:
        if re.fullmatch(m, method) and re.search(pattern, path.split("?")[0]):
            return name
    return "other"


class Recorder:
    """Every request of the demo: (stage, operation, start, seconds)."""

    def __init__(self):
        self.stage = "?"
        self.rows = []

    def install(self, demo_module):
        original = demo_module.Api.call
        recorder = self

        def call(api, method, path, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(api, method, path, *args, **kwargs)
            finally:
                recorder.rows.append((recorder.stage, operation(method, path), t0,
                                      time.perf_counter() - t0))
        demo_module.Api.call = call


def timed_demo(demo_module, recorder):
    class TimedDemo(demo_module.Demo):
        """deploy.demo's batch, each stage timed (its steps are the demo's own)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.walls = {}
            for stage, method, _ in self.PLAN:
                setattr(self, method, self._timed(stage, getattr(self, method)))

        def _timed(self, stage, fn):
            def run():
                recorder.stage = stage
                t0 = time.perf_counter()
                try:
                    return fn()
                finally:
                    self.walls[stage] = (t0, time.perf_counter())
            return run
    return TimedDemo


# --- the report -----------------------------------------------------------------------------

def report(n, backend, walls, rows, echo, http):
    echo_p50 = {c: v[1] for c, v in echo.items()}
    http_p50 = {c: v[1] for c, v in http.items()}
    e1, h1 = echo_p50[min(echo_p50)], http_p50[min(http_p50)]
    end_to_end = max(e for _, e in walls.values()) - min(s for s, _ in walls.values())
    lines = [f"one batch of {n} candidates over the gateway ({backend}; every service one "
             "replica, publisher confirms, outbox and inbox on)", "",
             "baselines in the same run (before and after the batch, the mean):"]
    for c, (rate, p50, p99) in sorted(echo.items()):
        lines.append(f"  bare echo RPC      {c:>3} clients: {rate:7.0f} calls/s  p50 "
                     f"{p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms")
    for c, (rate, p50, p99) in sorted(http.items()):
        lines.append(f"  bare HTTP (health) {c:>3} clients: {rate:7.0f} calls/s  p50 "
                     f"{p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms")
    lines += ["", f"{'stage':18} {'wall s':>8} {'share':>6} {'cand/s':>8} {'requests':>8} "
                  f"{'p50 ms':>8} {'p99 ms':>8}"]
    for stage, (s, e) in walls.items():
        lat = [r[3] for r in rows if r[0] == stage]
        lines.append(f"{stage:18} {e - s:8.1f} {(e - s) / end_to_end:6.1%} {n / (e - s):8.1f} "
                     f"{len(lat):8d} {percentile(lat, 50) * 1000:8.1f} "
                     f"{percentile(lat, 99) * 1000:8.1f}")
    lines.append(f"{'end to end':18} {end_to_end:8.1f} {'100%':>6} {n / end_to_end:8.1f} "
                 f"{len(rows):8d}")
    lines += ["", f"{'operation':26} {'count':>6} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'busy s':>7} {'p50/http':>8} {'p50/echo':>8}"]
    by_op = collections.defaultdict(list)
    for stage, op, t0, dt in rows:
        by_op[op].append((t0, dt))
    for op, got in sorted(by_op.items(), key=lambda kv: -sum(d for _, d in kv[1])):
        lat = [d for _, d in got]
        span = max(t + d for t, d in got) - min(t for t, _ in got)
        p50 = percentile(lat, 50)
        lines.append(f"{op:26} {len(lat):6d} {len(lat) / max(span, 1e-9):7.1f} "
                     f"{p50 * 1000:8.1f} {percentile(lat, 99) * 1000:8.1f} {sum(lat):7.1f} "
                     f"{p50 / h1:8.1f} {p50 / e1:8.1f}")
    lines += ["", "per s: the operation's count over the time from its first request to the end "
              "of its last; busy s: the sum of its latencies (8 clients at most at once); "
              "p50/http and p50/echo: its median over the 1-client baselines' medians."]
    return "\n".join(lines)


def mean_baselines(a, b):
    return {c: tuple((x + y) / 2 for x, y in zip(a[c], b[c])) for c in a}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--db", help="SQLAlchemy URL of a PostgreSQL server (default SQLite); "
                        "the benchmark creates and drops databases of its own there")
    parser.add_argument("--profile", metavar="DIR", help="py-spy every replica into DIR")
    parser.add_argument("--profile-rate", type=int, default=20,
                        help="py-spy samples per second (each recorder costs CPU: at 50/s "
                        "the eight took about 1.2 of this machine's 2 cores)")
    parser.add_argument("--out", help="also write the report into this file")
    parser.add_argument("--echo-baseline", metavar="AMQP", help=argparse.SUPPRESS)
    parser.add_argument("--clients", default="1,50", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=600, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_baseline:
        result = echo_baseline(args.echo_baseline, [int(c) for c in args.clients.split(",")],
                               args.calls)
        print(json.dumps(result))
        return 0

    from deploy import demo
    work = Path(tempfile_dir())
    suite = Suite(work, args.db)
    backend = "PostgreSQL" if args.db else "SQLite"
    print(f"bench-batch: {args.candidates} candidates, {backend}, work dir {work}", flush=True)
    profiles = None
    try:
        suite.start()
        print("bench-batch: suite up; baselines ...", flush=True)
        echo1 = run_echo_baseline(suite.amqp, [1, 50], 600)
        http1 = http_baseline(suite.url, [1, 8], 600)
        recorder = Recorder()
        recorder.install(demo)
        os.environ["GATEWAY_ADMIN_PASSWORD"] = suite.password
        batch = timed_demo(demo, recorder)(suite.url, args.candidates, str(work / "demo"))
        if args.profile:
            profiles = Profiles(args.profile, suite.pids(), args.profile_rate)
        code = batch.go()
        if profiles:
            top = profiles.stop()
            profiles = None
            print("\n".join(top))
        echo2 = run_echo_baseline(suite.amqp, [1, 50], 600)
        http2 = http_baseline(suite.url, [1, 8], 600)
        text = report(args.candidates, backend, batch.walls, recorder.rows,
                      mean_baselines(echo1, echo2), mean_baselines(http1, http2))
        print("\n" + text, flush=True)
        if args.out:
            Path(args.out).write_text(text + "\n")
        return code
    finally:
        if profiles:
            profiles.stop()
        suite.stop()
        shutil.rmtree(work, ignore_errors=True)


def tempfile_dir():
    import tempfile
    base = ROOT / "var"
    base.mkdir(exist_ok=True)
    return tempfile.mkdtemp(prefix="bench-batch-", dir=base)


if __name__ == "__main__":
    sys.exit(main())
