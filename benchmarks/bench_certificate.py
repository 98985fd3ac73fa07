"""Certificate verification throughput in one process (goal: >= 1,000/s).

    .venv/bin/python benchmarks/bench_certificate.py [--certificates 2000] [--seconds 2]
        [--db URL] [--rpc [--window 200]]

Measures, in the same run and on the same data:
- baseline: a bare Ed25519 signature check (key already loaded);
- baseline: the database lookup of one certificate by number alone (a session
  each time, as each RPC worker has);
- verify by number: parse and check the number, look it up, rebuild the signed
  record, check the signature, read the status (certificate.verification.by_number,
  the code behind the verify_number RPC);
- verify by QR payload: parse the payload, check its signature, look the
  certificate up and compare it (verification.by_qr, behind verify_qr);
- offline: domain.verify_offline (what a verifier app does, no database);
- verify_numbers: 50 numbers in one session (one connection checkout a batch);
and prints each rate with its ratio to the baselines. ``--rpc`` adds the RPCs
end to end through RabbitMQ: the service runs in this process (10 workers), a
client process keeps ``--window`` numbers in flight, one number a call
(verify_number) or 50 a call (verify_numbers).
The database is a fresh SQLite file, or with --db a scratch PostgreSQL database.
"""
import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1000
AMQP = "pyamqp://guest:guest@localhost:5672/"


def build(url, keys_path, count):
    """A migrated database with ``count`` signed certificates; returns
    (engine, keyring, numbers, qr texts)."""
    from sqlalchemy.orm import Session
    from kernel.db import make_engine, utcnow
    from kernel.migrate import upgrade
    from kernel.testing import sample_id_number
    from certificate import domain, signing
    from certificate.keys import KeyDirectory, Keyring
    from certificate.models import Certificate

    upgrade("certificate", "certificate", url=url)
    engine = make_engine(url)
    keyring = Keyring(KeyDirectory(keys_path))
    numbers, qrs = [], []
    with Session(engine) as session:
        keyring.bootstrap(session)
        kid, key = keyring.signer(session)
        for serial in range(1, count + 1):
            cert = {"number": domain.make_number("51", 2026, serial),
                    "application_id": str(uuid.uuid4()), "batch_code": "2026-10",
                    "project_code": "bigdata-platform-setup", "project_name": "大数据运行平台搭建",
                    "channel": "individual", "institution_code": None,
                    "id_number": sample_id_number("19900101", serial), "name": "张三",
                    "sex": "M", "exam_date": date(2026, 10, 24), "score": 80,
                    "issued_on": date(2026, 11, 20), "issued_at": utcnow(),
                    "photo_sha256": "0" * 64, "pdf_sha256": f"{serial:064x}", "kid": kid,
                    "status": "valid", "paper_status": "none"}
            record = domain.record_of(cert)
            cert["signature"] = signing.sign(key, record.encode("utf-8"))
            if serial % 10 == 0:              # some revoked ones, as in life
                cert.update(status="revoked", revoked_on=date(2026, 12, 1),
                            revoked_at=utcnow(), revocation_reason_code="falsified_material",
                            revocation_reason="伪造学历证明")
            session.add(Certificate(**cert))
            numbers.append(cert["number"])
            qrs.append(domain.qr_text("https://verify.example/c",
                                      domain.qr_payload(record, cert["signature"])))
        session.commit()
    return engine, keyring, numbers, qrs


@contextlib.contextmanager
def scratch_database(server, tmp):
    if not server:
        yield f"sqlite:///{tmp}/certificate.db"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    name = f"skillcert_bench_certificate_{uuid.uuid4().hex[:8]}"
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(fn, items, seconds):
    """Calls per second of ``fn(item)`` over ``items`` for about ``seconds``."""
    done, start = 0, time.perf_counter()
    while True:
        for item in items:
            fn(item)
        done += len(items)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def measure(cases, seconds, rounds=5):
    """Median rate of each case over ``rounds`` interleaved rounds, so that a
    burst of load on a shared machine hits every case alike."""
    rates = {label: [] for label in cases}
    for fn, items in cases.values():
        for item in items[:50]:              # warm up
            fn(item)
    for _ in range(rounds):
        for label, (fn, items) in cases.items():
            rates[label].append(timed(fn, items, seconds / rounds))
    return {label: statistics.median(values) for label, values in rates.items()}


def function_level(engine, keyring, numbers, qrs, seconds):
    from sqlalchemy.orm import Session
    from certificate import domain, signing, verification
    from certificate.models import Certificate

    with Session(engine) as session:
        row = session.get(Certificate, numbers[0])
        record, signature = domain.record_of(row.to_dict()), row.signature
        public = keyring.public_key(session, row.kid)
        published = {"keys": keyring.published(session)}

    def bare_signature(_):
        assert signing.verifies(public, record.encode("utf-8"), signature)

    def lookup(number):                      # the very select the verification runs
        with Session(engine) as s:
            assert s.execute(verification.BY_NUMBER, {"value": number}).first() is not None

    def by_number(number):
        with Session(engine) as s:
            assert verification.by_number(keyring, s, number)["result"] != "not_genuine"

    def by_qr(text):
        with Session(engine) as s:
            assert verification.by_qr(keyring, s, text)["result"] != "not_genuine"

    def offline(text):
        assert domain.verify_offline(text, published)["result"] == "valid"

    def by_numbers(batch):                   # verify_numbers: 50 in one session
        with Session(engine) as s:
            assert len(verification.many_by_number(keyring, s, batch)) == len(batch)

    shuffled = random.sample(numbers, len(numbers))
    batches = [shuffled[i:i + 50] for i in range(0, len(shuffled), 50)]
    cases = {
        "baseline: bare Ed25519 verify": (bare_signature, shuffled),
        "baseline: DB lookup by number (own session)": (lookup, shuffled),
        "verify by number (lookup + signature)": (by_number, shuffled),
        "verify by QR payload (signature + lookup)": (by_qr, random.sample(qrs, len(qrs))),
        "verify QR offline (signature only)": (offline, qrs),
        "verify_numbers: 50 numbers a session": (by_numbers, batches),
    }
    rates = measure(cases, seconds * len(cases))
    rates["verify_numbers: 50 numbers a session"] *= 50
    print(f"function level, one thread, {len(numbers)} certificates on {engine.dialect.name}, "
          f"median of 5 interleaved rounds:")
    for label, per_s in rates.items():
        print(f"  {label:<44} {per_s:>10,.0f}/s   {1e6 / per_s:>8.1f} µs each")
    sig, db = rates["baseline: bare Ed25519 verify"], \
        rates["baseline: DB lookup by number (own session)"]
    print()
    for label, value in list(rates.items())[2:]:
        label = label.split(" (")[0]
        print(f"  {label:<38} = {value / sig:5.2f} x signature, {value / db:5.2f} x lookup;"
              f" goal {GOAL}/s {'met' if value >= GOAL else 'NOT met'} ({value / GOAL:.1f} x)")
    return rates


def over_rpc(url, keys_path, numbers, seconds, window, batch):
    """verify_number through RabbitMQ: the service runs in this process, the
    callers in another one (so that they do not take the service's CPU)."""
    import json
    from eventlet.green import subprocess
    from nameko.containers import ServiceContainer
    from certificate.service import CertificateService

    config = {"AMQP_URI": AMQP, "DATABASE_URL": url, "CERTIFICATE_KEYS_DIR": str(keys_path),
              "SKILLCERT_DATA_DIR": str(Path(keys_path).parent), "max_workers": 10}
    container = ServiceContainer(CertificateService, config)
    container.start()
    numbers_file = Path(keys_path).parent / "numbers.json"
    numbers_file.write_text(json.dumps(numbers))
    import resource
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    try:
        out = subprocess.run([sys.executable, __file__, "--caller", str(numbers_file),
                              "--seconds", str(seconds), "--window", str(window),
                              "--batch", str(batch)],
                             capture_output=True, text=True, timeout=seconds + 120)
    finally:
        container.stop()
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    done, elapsed = json.loads(out.stdout.strip().splitlines()[-1])
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    busy = (cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime) / elapsed
    per_s = done / elapsed
    label = f"verify_numbers RPC, {batch} a call" if batch else "verify_number RPC, one a call"
    print(f"  {label:<44} {per_s:>10,.0f}/s   goal {GOAL}/s: "
          f"{'met' if per_s >= GOAL else 'NOT met'} ({per_s / GOAL:.1f} x)")
    print(f"  {'':<44} service busy {busy:.0%} of a core, {1e6 * busy / per_s:,.0f} µs "
          f"CPU per verification")
    return per_s


def caller(numbers_file, seconds, window, batch):
    """The client side of --rpc: keeps ``window`` calls in flight (of one
    number, or of ``batch`` numbers each); prints [verifications, seconds]."""
    import json
    from nameko.standalone.rpc import ClusterRpcProxy
    numbers = json.loads(Path(numbers_file).read_text())
    with ClusterRpcProxy({"AMQP_URI": AMQP}, timeout=60) as cluster:
        if batch:
            method, window = cluster.certificate.verify_numbers, max(1, window // batch)
            argument = lambda i: [numbers[(i + k) % len(numbers)] for k in range(batch)]  # noqa
            per_call = batch
        else:
            method, argument, per_call = cluster.certificate.verify_number, \
                lambda i: numbers[i % len(numbers)], 1  # noqa
        for i in range(5):
            method(argument(i))
        done, i = 0, 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            replies = [method.call_async(argument(i + k * per_call)) for k in range(window)]
            for reply in replies:
                reply.result()
            done += window * per_call
            i += window * per_call
        print(json.dumps([done, time.perf_counter() - start]))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--db", help="a PostgreSQL server URL: a scratch database is made "
                        "there and dropped after (default: a fresh SQLite file)")
    parser.add_argument("--rpc", action="store_true", help="also measure the RPC end to end")
    parser.add_argument("--window", type=int, default=200, help="numbers in flight over RPC")
    parser.add_argument("--batch", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--caller", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rpc or args.caller:
        import eventlet
        eventlet.monkey_patch()
    if args.caller:
        return caller(args.caller, args.seconds, args.window, args.batch)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.db, tmp) as url:
        keys_path = Path(tmp) / "keys"
        engine, keyring, numbers, qrs = build(url, keys_path, args.certificates)
        function_level(engine, keyring, numbers, qrs, args.seconds)
        engine.dispose()
        if args.rpc:
            print(f"\nRPC end to end through RabbitMQ (the service in this process, "
                  f"{args.window} numbers in flight from a client process):")
            for batch in (0, 50):
                over_rpc(url, keys_path, numbers, args.seconds, args.window, batch)


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    main()
