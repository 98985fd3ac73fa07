"""One RabbitMQ user per service, with the permissions of deploy/rabbitmq/definitions.json.

    python -m deploy.broker definitions --vhost skillcert [--out FILE]
        RabbitMQ definitions (users with password hashes, permissions, topic
        permissions, the shared exchanges) for a broker that loads them itself:
        compose (`load_definitions`), Kubernetes, `rabbitmqctl import_definitions`.
        Each password from RABBITMQ_PASSWORD_<NAME> (RABBITMQ_PASSWORD_GATEWAY,
        ..., RABBITMQ_PASSWORD_OPS); with --admin USER, an administrator USER with
        RABBITMQ_PASSWORD (the management UI). Passwords never appear in the output.
    python -m deploy.broker env >> deploy/.env
        new random passwords for compose: RABBITMQ_PASSWORD (the administrator)
        and RABBITMQ_PASSWORD_<NAME> for each user.
    python -m deploy.broker provision [--data-dir var] [--amqp-uri URI]
    python -m deploy.broker deprovision [--data-dir var] [--amqp-uri URI]
        what `make run` and `make test` do through deploy/launch.py.

``provision(amqp_uri, data_dir, services)`` (deploy/launch.py calls it) makes,
on the virtual host of ``amqp_uri`` and with the local ``rabbitmqctl``, one
user per service named and one for ``ops``, imports their permissions and the
shared exchanges (``rabbitmqctl import_definitions``: only password hashes
cross the command line's stdin, never a password on an argument list) and
answers ``{name: AMQP URI with that user}``. Passwords are generated
(``secrets``) once per data dir and virtual host and kept in
``<data dir>/broker/<vhost>.json`` (0600, directory 0700); running it again
reuses them, so replicas already running keep their connections. User names
carry the virtual host (``<vhost>.<service>``; ``default.<service>`` for
``/``), so two suites on two virtual hosts never reset each other's
passwords. When rabbitmqctl is missing, refuses, or the broker is not on this
machine, it answers ``{}`` and prints one line saying why; callers then use
``amqp_uri`` as it is.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
DEFINITIONS = HERE / "rabbitmq" / "definitions.json"
OPS = "ops"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
HASHING = "rabbit_password_hashing_sha256"
CTL_TIMEOUT = 60


def say(*parts):
    print("broker:", *parts, flush=True)


def definitions(path=DEFINITIONS):
    """deploy/rabbitmq/definitions.json as a dict."""
    return json.loads(Path(path).read_text())


def nodes_of(amqp_uri):
    """The URLs of an AMQP URI: one, or a cluster's failover list (kombu's
    ``amqp://node1;amqp://node2;...``)."""
    return [u.strip() for u in amqp_uri.split(";") if u.strip()]


def vhost_of(amqp_uri):
    """The virtual host an AMQP URI names ("/" when it names none)."""
    path = urlsplit(nodes_of(amqp_uri)[0]).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def slug(vhost):
    """The virtual host as a user-name prefix: ``default`` for ``/``; other
    names keep letters, digits, ``_`` and ``-``, and a short hash when anything
    else had to go (two virtual hosts never share a prefix)."""
    if vhost == "/":
        return "default"
    kept = re.sub(r"[^A-Za-z0-9_-]", "_", vhost)
    if kept != vhost:
        kept += "-" + hashlib.sha256(vhost.encode()).hexdigest()[:8]
    return kept


def user_name(vhost, name):
    return f"{slug(vhost)}.{name}"


def password_hash(password, salt=None):
    """RabbitMQ's stored form of a password (rabbit_password_hashing_sha256):
    base64(salt + sha256(salt + password)), a 4-byte random salt."""
    salt = secrets.token_bytes(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def rabbit_definitions(vhost, passwords, admin=None, spec=None):
    """RabbitMQ's definitions document for ``vhost``: a user per entry of
    ``passwords`` ({name: password}, names of definitions.json) with its
    permissions, the shared exchanges, and with ``admin`` = (user, password) an
    administrator with every permission (the management UI)."""
    spec = spec or definitions()
    unknown = sorted(set(passwords) - set(spec["users"]))
    if unknown:
        raise KeyError(f"no broker permissions for {', '.join(unknown)} in {DEFINITIONS}")
    out = {"vhosts": [{"name": vhost}], "users": [], "permissions": [],
           "topic_permissions": [],
           "exchanges": [{"name": x["name"], "vhost": vhost, "type": x["type"], "durable": True,
                          "auto_delete": False, "internal": False, "arguments": {}}
                         for x in spec["exchanges"]]}
    for name, password in sorted(passwords.items()):
        rules, user = spec["users"][name], user_name(vhost, name)
        out["users"].append({"name": user, "password_hash": password_hash(password),
                             "hashing_algorithm": HASHING, "tags": []})
        out["permissions"].append({"user": user, "vhost": vhost, "configure": rules["configure"],
                                   "write": rules["write"], "read": rules["read"]})
        for exchange, topic in sorted(rules.get("topic", {}).items()):
            out["topic_permissions"].append({"user": user, "vhost": vhost,
                                             "exchange": exchange, "write": topic["write"],
                                             "read": topic["read"]})
    if admin:
        user, password = admin
        out["users"].append({"name": user, "password_hash": password_hash(password),
                             "hashing_algorithm": HASHING, "tags": ["administrator"]})
        out["permissions"].append({"user": user, "vhost": vhost, "configure": ".*",
                                   "write": ".*", "read": ".*"})
    return out


def with_user(amqp_uri, user, password):
    """``amqp_uri`` with another user and password (host, port, vhost kept; each
    URL of a failover list)."""
    nodes = nodes_of(amqp_uri)
    if len(nodes) > 1:
        return ";".join(with_user(u, user, password) for u in nodes)
    parts = urlsplit(amqp_uri)
    host = parts.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


# --- the local broker (make run, make test) -------------------------------------------

def _store(data_dir, vhost):
    return Path(data_dir) / "broker" / f"{slug(vhost)}.json"


def _read_store(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _write_store(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(content, out, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _rabbitmqctl(*args, stdin=None):
    return subprocess.run(["rabbitmqctl", "-q", *args], input=stdin, capture_output=True,
                          text=True, timeout=CTL_TIMEOUT)


def _why_not(amqp_uri):
    """Why provisioning cannot run here, or None."""
    if not shutil.which("rabbitmqctl"):
        return "rabbitmqctl is not on PATH"
    for url in nodes_of(amqp_uri):
        host = urlsplit(url).hostname or ""
        if host not in LOCAL_HOSTS:
            return (f"the broker ({host}) is not on this machine; rabbitmqctl manages the "
                    "local one")
    return None


def _first_line(result):
    text = (result.stderr or result.stdout or "").strip().splitlines()
    return text[0][:200] if text else f"exit {result.returncode}"


def provision(amqp_uri, data_dir, services):
    """One RabbitMQ user per service on the vhost of amqp_uri, permissions from
    deploy/rabbitmq/definitions.json; answers {service name: AMQP URI with that user}
    (passwords generated, kept owner-only in the data dir), and ``ops``: the URI
    for the launcher's own calls and the ops commands. Answers {} and prints one
    line saying why when rabbitmqctl is missing or refuses; callers then use
    amqp_uri as it is."""
    why = _why_not(amqp_uri)
    if why:
        say(f"one shared broker user ({why})")
        return {}
    spec = definitions()
    names = list(dict.fromkeys([*services, OPS]))
    unknown = [n for n in names if n not in spec["users"]]
    if unknown:
        say(f"one shared broker user (no permissions for {', '.join(unknown)} in "
            f"{DEFINITIONS.relative_to(HERE.parent)})")
        return {}
    vhost = vhost_of(amqp_uri)
    store = _store(data_dir, vhost)
    kept = _read_store(store) or {}
    users = dict(kept.get("users", {})) if kept.get("vhost") == vhost else {}
    for name in names:
        if name not in users:
            users[name] = {"user": user_name(vhost, name),
                           "password": secrets.token_urlsafe(24)}
    document = rabbit_definitions(vhost, {n: users[n]["password"] for n in names}, spec=spec)
    try:
        result = _rabbitmqctl("import_definitions", "--format", "json",   # from stdin
                              stdin=json.dumps(document))
    except (OSError, subprocess.SubprocessError) as exc:
        say(f"one shared broker user (rabbitmqctl failed: {type(exc).__name__})")
        return {}
    if result.returncode != 0:
        say(f"one shared broker user (rabbitmqctl import_definitions refused: "
            f"{_first_line(result)})")
        return {}
    _write_store(store, {"vhost": vhost, "users": users})
    say(f"{len(names)} broker users on vhost {vhost!r} ({', '.join(names)}), permissions "
        f"from {DEFINITIONS.relative_to(HERE.parent)}")
    return {n: with_user(amqp_uri, users[n]["user"], users[n]["password"]) for n in names}


def stored_uri(amqp_uri, data_dir, name=OPS):
    """The URI of ``name``'s user that provision() made for this data dir and the
    vhost of ``amqp_uri``, or None."""
    vhost = vhost_of(amqp_uri)
    kept = _read_store(_store(data_dir, vhost)) or {}
    entry = kept.get("users", {}).get(name) if kept.get("vhost") == vhost else None
    return with_user(amqp_uri, entry["user"], entry["password"]) if entry else None


def deprovision(amqp_uri, data_dir):
    """Remove what provision made: the users of this data dir and vhost, and
    their passwords. The shared exchanges stay (they hold no messages)."""
    vhost = vhost_of(amqp_uri)
    store = _store(data_dir, vhost)
    kept = _read_store(store)
    if not kept:
        return
    if not _why_not(amqp_uri):
        for entry in kept.get("users", {}).values():
            try:
                _rabbitmqctl("delete_user", entry["user"])
            except (OSError, subprocess.SubprocessError):
                pass
    try:
        store.unlink()
    except OSError:
        pass


# --- command line ----------------------------------------------------------------------

def _env_passwords(names):
    missing = [n for n in names if not os.environ.get(f"RABBITMQ_PASSWORD_{n.upper()}")]
    if missing:
        raise SystemExit("set " + ", ".join(f"RABBITMQ_PASSWORD_{n.upper()}" for n in missing))
    return {n: os.environ[f"RABBITMQ_PASSWORD_{n.upper()}"] for n in names}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy.broker")
    sub = parser.add_subparsers(dest="action", required=True)
    d = sub.add_parser("definitions", help="RabbitMQ definitions with the users' password "
                       "hashes (passwords from RABBITMQ_PASSWORD_<NAME>)")
    d.add_argument("--vhost", default="skillcert")
    d.add_argument("--admin", metavar="USER", help="also an administrator USER whose password "
                   "is RABBITMQ_PASSWORD")
    d.add_argument("--out", help="write here instead of standard output")
    d.add_argument("--mode", default="0600", help="of the --out file (0644 when the broker "
                   "runs as another user and loads it: it holds salted hashes of random "
                   "passwords, never a password)")
    sub.add_parser("env", help="RABBITMQ_PASSWORD_<NAME>=<new random password> lines for "
                   "an .env file (compose)")
    for action in ("provision", "deprovision"):
        p = sub.add_parser(action, help=f"{action} the users on the local broker")
        p.add_argument("--data-dir", default=os.environ.get("SKILLCERT_DATA_DIR", "var"))
        p.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI",
                                                            "pyamqp://guest:guest@localhost:5672/"))
    args = parser.parse_args(argv)
    if args.action == "definitions":
        names = list(definitions()["users"])
        admin = None
        if args.admin:
            if not os.environ.get("RABBITMQ_PASSWORD"):
                raise SystemExit("set RABBITMQ_PASSWORD (the administrator's password)")
            admin = (args.admin, os.environ["RABBITMQ_PASSWORD"])
        text = json.dumps(rabbit_definitions(args.vhost, _env_passwords(names), admin),
                          indent=2) + "\n"
        if args.out:
            mode = int(args.mode, 8)
            fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "w") as out:
                out.write(text)
            os.chmod(args.out, mode)
            print(f"wrote {args.out} ({len(names)} users on vhost {args.vhost!r})",
                  file=sys.stderr)
        else:
            sys.stdout.write(text)
    elif args.action == "env":
        for name in ["", *definitions()["users"]]:
            key = f"RABBITMQ_PASSWORD_{name.upper()}" if name else "RABBITMQ_PASSWORD"
            print(f"{key}={secrets.token_urlsafe(24)}")
    elif args.action == "provision":
        from deploy.services import SERVICES
        uris = provision(args.amqp_uri, Path(args.data_dir), [s.name for s in SERVICES])
        for name in uris:
            print(f"{name}: {user_name(vhost_of(args.amqp_uri), name)}")
    else:
        deprovision(args.amqp_uri, Path(args.data_dir))


if __name__ == "__main__":
    main()
