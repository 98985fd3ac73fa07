"""The entrypoint of the suite's image (deploy/docker/Dockerfile): one image,
SERVICE picks the service (a nameko name of deploy/services.py).

    python -m deploy.docker.run serve [--migrate]   nameko run <package>.service:<Class>
    python -m deploy.docker.run migrate             upgrade the service's database to head
    python -m deploy.docker.run probe live          /metrics answers (the process serves)
    python -m deploy.docker.run probe ready [--timer sweep_outbox]
                                                    ... and the timer succeeded lately
    python -m deploy.docker.run install-keys SRC DST
                    copy the signing keys SRC/*.pem (a mounted Secret) that DST
                    (certificate's keys directory) does not have yet, mode 0600
    python -m deploy.docker.run new-signing-key DIR
                    write a new signing key DIR/<kid>.pem, as the certificate
                    service names them (to provision the Secret before a first start)

Settings come from the environment as everywhere (kernel.settings: AMQP_URI,
<SERVICE>_DATABASE_URL or SKILLCERT_DATABASE_URL, METRICS_PORT, ...).

Migrations of one database never run twice at once: on PostgreSQL ``migrate``
holds an advisory lock named after the service while it upgrades, so replicas
(compose ``--scale``) or init containers of a rolling update that start
together take turns, and the later ones find the database at head.
"""
import argparse
import importlib.util
import os
import sys
import time
import urllib.request
import warnings
import zlib
from pathlib import Path

from deploy.services import BY_NAME

READY_WITHIN = 30          # seconds: the sweep timer runs every 5 s
LOCK_NAMESPACE = 0x5C1     # first key of pg_advisory_lock(int, int)


def service_from_env():
    name = os.environ.get("SERVICE", "")
    if name not in BY_NAME:
        sys.exit(f"run: SERVICE must be one of {', '.join(BY_NAME)} (got {name!r})")
    return BY_NAME[name]


def migrate(service):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from kernel import migrate as kernel_migrate, settings
    if importlib.util.find_spec(f"{service.package}.migrations") is None:
        print(f"run: {service.name} has no migrations", flush=True)
        return
    url = settings.database_url(service.name)
    if not make_url(url).drivername.startswith("postgresql"):
        kernel_migrate.upgrade(service.name, service.package, url=url)
        print(f"run: {service.name}: database migrated to head", flush=True)
        return
    kernel_migrate.ensure_database(url)
    lock = (LOCK_NAMESPACE, zlib.crc32(service.name.encode()) & 0x7FFFFFFF)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:a, :b)"), {"a": lock[0], "b": lock[1]})
            try:
                kernel_migrate.upgrade(service.name, service.package, url=url)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:a, :b)"),
                             {"a": lock[0], "b": lock[1]})
    finally:
        engine.dispose()
    print(f"run: {service.name}: database migrated to head", flush=True)


def serve(service, with_migrations):
    if with_migrations:
        migrate(service)
    nameko = os.path.join(os.path.dirname(sys.executable), "nameko")
    os.execv(nameko, [nameko, "run", "--config", str(service.config), service.target])


def metrics_text(timeout=3):
    port = os.environ.get("METRICS_PORT", "9100")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout) as resp:
        return resp.read().decode()


def last_success(text, service, entrypoint):
    from prometheus_client.parser import text_string_to_metric_families
    for family in text_string_to_metric_families(text):
        if family.name != "skillcert_entrypoint_last_success_timestamp_seconds":
            continue
        for sample in family.samples:
            if sample.labels.get("service") == service and \
                    sample.labels.get("entrypoint") == entrypoint:
                return sample.value
    return None


def probe(service, what, timer):
    try:
        text = metrics_text()
    except OSError as exc:
        sys.exit(f"probe: /metrics does not answer: {exc}")
    if what == "live" or not timer:
        return
    when = last_success(text, service.name, timer)
    if when is None:
        sys.exit(f"probe: {service.name}.{timer} has not succeeded yet")
    age = time.time() - when
    if age > READY_WITHIN:
        sys.exit(f"probe: {service.name}.{timer} last succeeded {age:.0f} s ago")


def install_keys(source, target):
    """Copy the PEM files of ``source`` that ``target`` lacks (never overwrite: a
    key's file name is its kid); ``target`` is made 0700, the files 0600."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    copied = []
    for pem in sorted(source.glob("*.pem")):
        dest = target / pem.name
        if dest.exists():
            continue
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem.read_bytes())
        copied.append(pem.name)
    print(f"run: signing keys installed in {target}: {', '.join(copied) or 'none new'}",
          flush=True)
    return copied


def new_signing_key(folder):
    from certificate.keys import KeyDirectory
    kid, _key = KeyDirectory(folder).create()
    print(f"run: new signing key {kid}: {Path(folder) / (kid + '.pem')}", flush=True)
    return kid


def main(argv=None):
    os.umask(0o077)      # databases, uploads, logs and keys: the owner only
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    parser = argparse.ArgumentParser(prog="python -m deploy.docker.run")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="run the service (nameko run)")
    serve_cmd.add_argument("--migrate", action="store_true",
                           help="upgrade the database first (under a lock)")
    sub.add_parser("migrate", help="upgrade the service's database to head")
    probe_cmd = sub.add_parser("probe", help="exit 0 when the service is live/ready")
    probe_cmd.add_argument("what", choices=["live", "ready"])
    probe_cmd.add_argument("--timer", default="sweep_outbox",
                           help="ready: the timer that must have succeeded within "
                                f"{READY_WITHIN} s ('' for none)")
    keys_cmd = sub.add_parser("install-keys", help="copy signing keys from a Secret mount")
    keys_cmd.add_argument("source")
    keys_cmd.add_argument("target")
    new_key_cmd = sub.add_parser("new-signing-key", help="write a new signing key file")
    new_key_cmd.add_argument("folder")
    args = parser.parse_args(argv)
    if args.command == "install-keys":
        install_keys(args.source, args.target)
        return
    if args.command == "new-signing-key":
        new_signing_key(args.folder)
        return
    service = service_from_env()
    if args.command == "migrate":
        migrate(service)
    elif args.command == "serve":
        serve(service, args.migrate)
    else:
        probe(service, args.what, args.timer)


if __name__ == "__main__":
    main()
