"""Walk one batch through the staff consoles in headless Chromium (#17), on demand.

    .venv/bin/python benchmarks/walk_batch_browser.py [--candidates 30] [--dist web/dist]
    .venv/bin/python benchmarks/walk_batch_browser.py --url http://127.0.0.1:8080 --admin-password …

Not a test and not part of ``make test``: a walk-through a person can watch the
figures of. Without --url it launches a whole suite the way the browser tests
do (web/e2e/global-setup.ts): its own RabbitMQ vhost, data dir
(var/walk/suite-<run>), port, SKILLCERT_REHEARSAL=1, the portal from --dist
(build it first: cd web && npm run build), rate-limit buckets as large as the
demo's; with --url it uses a suite already running with SKILLCERT_REHEARSAL=1.

Then ``python -m deploy.demo --until registered --candidates N`` registers a
batch over HTTP (four fifths by two institutions in bulk, one fifth
individuals, all with their materials; the assessors with their cards), and
web/walkthrough/walk.spec.ts (Playwright, its own config: web/playwright.config.ts's
testDir is ./e2e, so ``make test`` never runs it) carries the batch in the
browser, every decision a click or key in a console: 复审 (批量复审 per
institution, the individuals one by one), 缴费 (each institution in its
console, each individual as a candidate), 收费确认, 考务 (确定考核名单, a room,
考场编排, 考评员派遣 with the quality supervisor, 准考证 printed by the
institutions, 考生签到 of every candidate on the exam day, 机考成绩 imported,
成绩汇总 and 核分 of each room, 公示 and 终审), 证书管理 (what was issued, a
print batch), the rehearsal clock moved in 管理员 → 工作日历. The API is used
only to read counts for the checks and the seat list (the exam system's score
file and the candidates' ID cards at the door stand outside the portal).

At the end: every candidate holds a certificate, or the walk says which stage
stopped and why. Prints the seconds of each stage in the browser; screenshots of
each role's main page and of the dashboard are in var/walk/ (walk-*.png).
"""
import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
OUT = ROOT / "var" / "walk"
PYTHON = os.environ.get("PYTHON") or str(ROOT / ".venv" / "bin" / "python")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Suite:
    """A suite of its own, as web/e2e/global-setup.ts launches one."""

    def __init__(self, dist):
        self.run = secrets.token_hex(4)
        self.vhost = f"skillcert-walk-{self.run}"
        self.data = OUT / f"suite-{self.run}"
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.password = f"walk-admin-{self.run}"
        self.dist = dist
        self.child = None

    def start(self):
        rabbitmqctl("add_vhost", self.vhost)
        rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        log = open(self.data / "launch.log", "ab")
        env = dict(os.environ,
                   AMQP_URI=f"pyamqp://guest:guest@127.0.0.1:5672/{self.vhost}",
                   SKILLCERT_DATA_DIR=str(self.data), SKILLCERT_REHEARSAL="1",
                   WEB_SERVER_ADDRESS=f"127.0.0.1:{self.port}",
                   GATEWAY_ADMIN_PASSWORD=self.password,
                   CERTIFICATE_VERIFY_URL=f"{self.url}certificates/verify",
                   SKILLCERT_WEB_DIR=str(self.dist),
                   GATEWAY_RATE_LIMIT="1000/1", GATEWAY_TARGET_RATE_LIMIT="1000/1",
                   PYTHONUNBUFFERED="1")
        base_port = 20000 + secrets.randbelow(400) * 100
        self.child = subprocess.Popen([PYTHON, "-m", "deploy.launch", "--base-port",
                                       str(base_port)], cwd=ROOT, env=env, stdout=log,
                                      stderr=log, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.child.poll() is not None:
                raise SystemExit(f"walk: the suite stopped (exit {self.child.returncode}); "
                                 f"see {self.data / 'launch.log'}")
            try:
                urllib.request.urlopen(self.url + "api/health", timeout=5)
                if "SkillCert is running" in (self.data / "launch.log").read_text(errors="replace"):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"walk: the suite did not come up; see {self.data / 'launch.log'}")

    def stop(self):
        if self.child and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                self.child.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.child.pid, signal.SIGKILL)
        try:
            rabbitmqctl("delete_vhost", self.vhost)
        except (subprocess.SubprocessError, OSError):
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=30, help="the batch's size (>= 20)")
    parser.add_argument("--dist", default=str(WEB / "dist"), help="the built portal to serve")
    parser.add_argument("--url", help="a running suite (SKILLCERT_REHEARSAL=1) instead of a new one")
    parser.add_argument("--admin-password", help="its admin password (with --url)")
    parser.add_argument("--accounts", help="a batch the demo registered already "
                        "(its accounts-<batch>.json): the walk only")
    parser.add_argument("--keep", action="store_true", help="leave the launched suite running")
    args = parser.parse_args()
    if not (WEB / "node_modules" / "@playwright" / "test").is_dir():
        sys.exit("walk: web/node_modules is missing: cd web && npm ci")
    if not args.url and not (Path(args.dist) / "index.html").is_file():
        sys.exit(f"walk: {args.dist} has no built portal: cd web && npm run build")
    OUT.mkdir(parents=True, exist_ok=True)
    suite = None
    if args.url:
        url, password = args.url.rstrip("/") + "/", args.admin_password or ""
    else:
        suite = Suite(Path(args.dist).resolve())
        print(f"walk: launching a suite on {suite.url} (data {suite.data})", flush=True)
        suite.start()
        url, password = suite.url, suite.password
    try:
        accounts = args.accounts
        if not accounts:
            started = time.monotonic()
            demo_out = OUT / "demo"
            done = subprocess.run(
                [PYTHON, "-m", "deploy.demo", "--url", url, "--candidates",
                 str(args.candidates), "--until", "registered", "--out", str(demo_out)],
                cwd=ROOT, env=dict(os.environ, GATEWAY_ADMIN_PASSWORD=password),
                capture_output=True, text=True)
            print(done.stdout, flush=True)
            if done.returncode:
                print(done.stderr[-3000:])
                sys.exit(f"walk: the demo's registration failed (exit {done.returncode})")
            found = sorted(demo_out.glob("accounts-*.json"), key=lambda p: p.stat().st_mtime)
            accounts = str(found[-1])
            print(f"walk: registered over HTTP in {time.monotonic() - started:.0f} s", flush=True)
        env = dict(os.environ, SKILLCERT_E2E_URL=url, SKILLCERT_E2E_ADMIN_PASSWORD=password,
                   WALK_ACCOUNTS=str(Path(accounts).resolve()), WALK_OUT=str(OUT))
        started = time.monotonic()
        done = subprocess.run(["npx", "playwright", "test", "-c", "walkthrough/playwright.config.ts"],
                              cwd=WEB, env=env)
        print(f"walk: the browser walk took {time.monotonic() - started:.0f} s "
              f"(exit {done.returncode})", flush=True)
        stages = OUT / "stages.json"
        if stages.is_file():
            for row in json.loads(stages.read_text()):
                print(f"  {row['stage']:34} {row['seconds']:7.1f} s  {row.get('note', '')}")
        return done.returncode
    finally:
        if suite and not args.keep:
            suite.stop()
        elif suite:
            print(f"walk: the suite keeps running on {suite.url}, admin password "
                  f"{suite.password} (stop: kill {suite.child.pid})")


if __name__ == "__main__":
    sys.exit(main())
