"""The suite under faults, end to end (issue 13: "a fault test in make test").

A suite started by the launcher (all services, two registration replicas, each
service on a PostgreSQL database of its own, on a RabbitMQ node of its own:
faultkit) takes a stream of submissions over the gateway's HTTP API (an
institution registers one candidate per request, each with its own idempotency
key) while, in order:

1. one registration replica and the review replica are killed with SIGKILL
   (supervisord restarts them; the launcher says which and why);
2. RabbitMQ's application is stopped for 10 s (``rabbitmqctl stop_app``), then
   started again (``start_app``, in a ``finally``);
3. registration's database refuses connections for 60 s (``ALLOW_CONNECTIONS
   false`` and its sessions terminated; given back in a ``finally``).

Afterwards, without anyone's help: every replica answers ``health`` again; every
refusal carried a structured error code the portal knows (counted per code);
every submission that was refused is retried with its own idempotency key, as a
client does, and accepted (an answer lost in a fault but committed comes back as
the same application); every accepted application reaches review exactly once
(one review task each, none for anything else: lost 0, duplicated 0); no outbox
row is left unpublished in any service's database, and every dead-letter (and
retry) queue of the vhost is empty. The counts are printed as a table.
"""
import base64
import collections
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from deploy.services import BY_NAME, SERVICES
from kernel.testing import sample_id_number, sample_photo, sample_scan

from faultkit import Databases, Launched, PrivateRabbit, Unusable, free_port, wait_for

pytestmark = [pytest.mark.fault, pytest.mark.e2e, pytest.mark.db, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-02"                    # the last registration day of batch 2026-12
BATCH = "2026-12"
PROJECT = "bigdata-platform-setup"
INSTITUTION = "inst-01"
ADMIN_PASSWORD = "fault-admin-" + uuid.uuid4().hex[:8]
PASSWORD = "fault-pass-2026"
SCANS = ("application_form", "integrity_pledge", "education_proof", "id_card_front",
         "id_card_back")
REPLICAS = {"registration": 2}
WORKERS = 4
PACE = 0.1                              # seconds between one worker's submissions
BROKER_DOWN = 10                        # seconds the broker's application is stopped
DATABASE_DOWN = 60                      # seconds registration's database refuses
# what a client may be told while a service, the broker or a database is away
UNAVAILABLE = {"DATABASE_UNAVAILABLE", "DATABASE_BUSY", "RPC_TIMEOUT", "SERVICE_UNAVAILABLE"}


@dataclass
class Answer:
    kind: str                 # accepted | refused | unstructured
    code: str = None          # the error code of a refusal
    status: int = None        # HTTP status
    application_id: str = None
    phase: str = ""
    seconds: float = 0.0


@dataclass
class Submission:
    n: int
    key: str
    body: dict
    answers: list = field(default_factory=list)

    @property
    def first(self):
        return self.answers[0]

    @property
    def accepted(self):
        return next((a.application_id for a in self.answers if a.kind == "accepted"), None)


class Api:
    def __init__(self, base, token=None):
        self.base, self.token = base, token
        self.session = requests.Session()

    def post(self, path, body, timeout=60):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.session.post(self.base + path, json=body, headers=headers,
                                 timeout=timeout)

    def login(self, username, password):
        r = self.post("/auth/token", {"username": username, "password": password})
        assert r.status_code == 200, r.text
        return Api(self.base, r.json()["access_token"])


def answer_of(response_or_exc, phase, seconds):
    if isinstance(response_or_exc, Exception):
        return Answer("unstructured", f"no answer: {type(response_or_exc).__name__}",
                      phase=phase, seconds=seconds)
    r = response_or_exc
    try:
        data = r.json()
    except ValueError:
        return Answer("unstructured", f"HTTP {r.status_code}, not JSON", r.status_code,
                      phase=phase, seconds=seconds)
    if r.status_code in (200, 201) and isinstance(data, dict) and "results" in data:
        [result] = data["results"]
        if result.get("ok"):
            return Answer("accepted", status=r.status_code,
                          application_id=result["application_id"], phase=phase,
                          seconds=seconds)
        data = result.get("error") or {}
    code = data.get("code") if isinstance(data, dict) else None
    if not code:
        return Answer("unstructured", f"HTTP {r.status_code} without a code", r.status_code,
                      phase=phase, seconds=seconds)
    return Answer("refused", code, r.status_code, phase=phase, seconds=seconds)


class Stream:
    """WORKERS submitters, each one submission at a time, until stopped."""

    def __init__(self, operator, materials):
        self.operator, self.materials = operator, materials
        self.submissions, self.phase = [], "warm-up"
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.counter = iter(range(10**6))
        self.threads = [threading.Thread(target=self.work, daemon=True)
                        for _ in range(WORKERS)]

    def body(self, n):
        birth = (date(1975, 1, 1) + timedelta(days=n // 400)).strftime("%Y%m%d")
        return {"idempotency_key": f"fault-{uuid.uuid4().hex}", "applications": [{
            "batch_code": BATCH, "project_code": PROJECT,
            "first_review": {"reviewer": "王老师", "reviewed_on": "2026-10-30",
                             "opinion": "pass", "pledge": True},
            "person": {"name": "李四", "id_number": sample_id_number(birth, n % 400 + 50),
                       "education": "high_school", "phone": "13900139000"},
            "claim": {"alternative": "education", "computer_skills": True},
            "materials": self.materials, "candidate_pledge": True}]}

    def send(self, submission, api):
        phase, started = self.phase, time.monotonic()
        try:
            got = api.post(f"/institutions/{INSTITUTION}/applications", submission.body)
        except requests.RequestException as exc:
            got = exc
        answer = answer_of(got, phase, time.monotonic() - started)
        submission.answers.append(answer)
        return answer

    def work(self):
        api = Api(self.operator.base, self.operator.token)
        while not self.stopping.is_set():
            with self.lock:
                n = next(self.counter)
            body = self.body(n)
            submission = Submission(n, body["idempotency_key"], body)
            self.send(submission, api)
            with self.lock:
                self.submissions.append(submission)
            self.stopping.wait(PACE)

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=90)
        assert not any(t.is_alive() for t in self.threads), "a submitter did not stop"

    def accepted_count(self):
        with self.lock:
            return sum(1 for s in self.submissions if s.accepted)

    def more_accepted(self, what, count=10, timeout=90):
        """``count`` more submissions accepted from now on: the stream flows again."""
        start = self.accepted_count()
        wait_for(f"{count} submissions accepted {what}",
                 lambda: self.accepted_count() >= start + count, timeout)


def health_of(uri, expected):
    """{service: metrics ports that answered health}; True when every expected replica
    answered (calls go round a service's consumers)."""
    from nameko.standalone.rpc import ClusterRpcProxy
    seen = collections.defaultdict(set)
    try:
        with ClusterRpcProxy({"AMQP_URI": uri}, timeout=3) as rpc:
            for service, ports in expected.items():
                for _ in range(4 * len(ports)):
                    seen[service].add(rpc[service].health()["metrics_port"])
                    if seen[service] >= ports:
                        break
    except Exception:
        return False
    return all(seen[s] >= ports for s, ports in expected.items())


@pytest.fixture
def fault_suite():
    # the data dir under var/fault-test/ (not pytest's tmp dir, which another run
    # may remove): kept when the test fails, for its logs; removed when it passes
    base = ROOT / "var" / "fault-test"
    shutil.rmtree(base, ignore_errors=True)
    tmp_path = base / f"suite-{uuid.uuid4().hex[:8]}"
    services = [s.name for s in SERVICES if s.present]
    try:
        rabbit = PrivateRabbit()
        databases = Databases(services)
    except Unusable as exc:
        pytest.skip(f"fault test: {exc}")
    launched = None
    try:
        try:
            rabbit.start()
        except Unusable as exc:
            pytest.skip(f"fault test: {exc}")
        vhost = "skillcert-fault"
        rabbit.ctl("add_vhost", vhost)
        rabbit.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        uri = rabbit.uri(vhost)
        web_port = free_port()
        env = {f"{svc.upper()}_DATABASE_URL": databases.url(svc) for svc in services}
        env.update(rabbit.env, AMQP_URI=uri, SKILLCERT_TODAY=TODAY,
                   WEB_SERVER_ADDRESS=f"127.0.0.1:{web_port}",
                   GATEWAY_ADMIN_PASSWORD=ADMIN_PASSWORD, GATEWAY_SCRYPT_N="1024",
                   GATEWAY_RATE_LIMIT="100000/1", GATEWAY_TARGET_RATE_LIMIT="100000/1",
                   PYTHONUNBUFFERED="1")
        launched = Launched(["--replicas", ",".join(f"{k}={v}" for k, v in REPLICAS.items())],
                            env, tmp_path / "data")
        launched.wait_for("SkillCert is running:", timeout=180)
        launched.amqp_uri, launched.rabbit, launched.vhost = uri, rabbit, vhost
        launched.databases, launched.services = databases, services
        launched.api = f"http://127.0.0.1:{web_port}/api"
        launched.expected = {svc: {launched.port(SERVICES.index(BY_NAME[svc]), n)
                                   for n in range(1, REPLICAS.get(svc, 1) + 1)}
                             for svc in services}
        yield launched          # the test sets launched.passed at its end
    finally:
        try:
            rabbit.ctl("start_app", check=False)         # whatever happened above
            if launched is not None:
                left = launched.stop()
                assert left == [], f"processes left behind: {left}"
        finally:
            rabbit.stop()
            databases.drop()
            if launched is not None and getattr(launched, "passed", False):
                shutil.rmtree(tmp_path, ignore_errors=True)


def test_submissions_survive_sigkill_broker_restart_and_a_database_outage(fault_suite,
                                                                          capsys):
    suite = fault_suite
    admin = Api(suite.api).login("admin", ADMIN_PASSWORD)
    username = f"fault-{uuid.uuid4().hex[:8]}"
    r = admin.post("/admin/accounts", {"username": username, "password": PASSWORD,
                                       "name": "机构经办人", "role": "institution_operator",
                                       "institution_code": INSTITUTION})
    assert r.status_code == 201, r.text
    operator = Api(suite.api).login(username, PASSWORD)

    def upload(purpose, content):
        r = operator.post("/materials", {"purpose": purpose,
                                         "content_base64": base64.b64encode(content).decode()})
        assert r.status_code == 201, r.text
        return r.json()["hash"]
    materials = {kind: upload("scan", sample_scan(n)) for n, kind in enumerate(SCANS)}
    materials.update(photo=upload("photo", sample_photo(7)), education_proof_kind="diploma")

    stream = Stream(operator, materials)
    recovery = {}
    stream.start()
    try:
        stream.more_accepted("before any fault", count=15, timeout=120)

        # 1. SIGKILL of one registration replica and of review, mid-stream
        stream.phase = "SIGKILL"
        killed = ("registration-2", "review-1")
        for label in killed:
            os.kill(suite.pid(label), signal.SIGKILL)
        started = time.monotonic()
        for label in killed:
            suite.wait_for(rf"{label} died \(SIGKILL\), restarted in", timeout=30)
        wait_for("every replica answering health after the SIGKILLs",
                 lambda: health_of(suite.amqp_uri, suite.expected), 90, interval=1)
        recovery["SIGKILL"] = time.monotonic() - started
        stream.more_accepted("after the SIGKILLs")

        # 2. RabbitMQ's application stopped for BROKER_DOWN s, then started again
        stream.phase = "broker stopping"        # stop_app closes every connection
        suite.rabbit.ctl("stop_app")
        stream.phase = "broker down"
        try:
            time.sleep(BROKER_DOWN)          # the length of the outage, not a guess
        finally:
            suite.rabbit.ctl("start_app")
        stream.phase = "broker back"
        started = time.monotonic()
        suite.rabbit.ctl("await_startup")
        wait_for("every replica answering health after the broker's restart",
                 lambda: health_of(suite.amqp_uri, suite.expected), 150, interval=1)
        recovery["broker"] = time.monotonic() - started
        stream.more_accepted("after the broker's restart")

        # 3. registration's database refuses connections for DATABASE_DOWN s
        stream.phase = "database down"
        with suite.databases.refusing("registration"):
            time.sleep(DATABASE_DOWN)        # the length of the outage, not a guess
        stream.phase = "database back"
        started = time.monotonic()
        stream.more_accepted("after the database came back")
        recovery["database"] = time.monotonic() - started
    finally:
        stream.stop()

    submissions = stream.submissions
    db = suite.databases
    committed_before_retry = db.scalar(
        "registration", "SELECT count(*) FROM applications WHERE batch_code = :b", b=BATCH)

    # every refused one again, with its own key, as a client would
    retry_api = Api(operator.base, operator.token)
    pending = [s for s in submissions if not s.accepted]
    deadline = time.monotonic() + 90
    while pending and time.monotonic() < deadline:
        for s in pending:
            stream.send(s, retry_api)
        pending = [s for s in pending if not s.accepted]
        if pending:
            time.sleep(1)

    accepted = {s.accepted for s in submissions if s.accepted}
    first_accepted = sum(1 for s in submissions if s.first.kind == "accepted")

    # the suite settles by itself: review has every application, outboxes are
    # empty, no event waits in a retry queue or lies in a dead-letter queue
    def settled():
        tasks = db.scalar("review", "SELECT count(*) FROM tasks")
        unpublished = {svc: db.scalar(svc, "SELECT count(*) FROM outbox "
                                           "WHERE published_at IS NULL")
                       for svc in suite.services}
        queues = suite.rabbit.queues(suite.vhost)
        waiting = {q: n for q, n in queues.items()
                   if (q.endswith(".dlq") or ".retry." in q) and n}
        state = {"tasks": tasks, "unpublished": {k: v for k, v in unpublished.items() if v},
                 "waiting": waiting}
        return state if tasks >= len(accepted) and not state["unpublished"] \
            and not waiting else None
    try:
        wait_for("review tasks for every accepted submission, empty outboxes and "
                 "dead-letter queues", settled, 120, interval=1)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{suite.output()[-4000:]}") from None
    wait_for("every replica answering health at the end",
             lambda: health_of(suite.amqp_uri, suite.expected), 60, interval=1)

    applications = {row[0] for row in db.rows(
        "registration", "SELECT id FROM applications WHERE batch_code = :b", b=BATCH)}
    tasks = collections.Counter(row[0] for row in db.rows(
        "review", "SELECT application_id FROM tasks"))
    queues = suite.rabbit.queues(suite.vhost)
    dlqs = {q: n for q, n in queues.items() if q.endswith(".dlq")}
    restarts = suite.restarts()
    refused = collections.Counter(a.code for s in submissions for a in s.answers
                                  if a.kind == "refused")
    first_refused = collections.Counter(s.first.code for s in submissions
                                        if s.first.kind == "refused")
    unstructured = [(s.n, a.phase, a.code) for s in submissions for a in s.answers
                    if a.kind == "unstructured"]
    lost = [a for a in accepted if tasks.get(a, 0) == 0]
    duplicated = {a: n for a, n in tasks.items() if n > 1}
    by_phase = collections.defaultdict(collections.Counter)
    seconds = collections.defaultdict(list)
    for s in submissions:
        by_phase[s.first.phase][s.first.kind] += 1
        seconds[s.first.phase].append(s.first.seconds)
    status = subprocess.run([sys.executable, "-m", "supervisor.supervisorctl", "-c",
                             str(suite.data_dir / "supervisor" / "supervisord.conf"), "status"],
                            capture_output=True, text=True, timeout=30).stdout.splitlines()
    supervisor = suite.data_dir / "supervisor" / "supervisord.conf"

    table = [
        "fault test: submissions over the gateway during SIGKILL, a broker restart and a "
        "database outage",
        f"  tried                      {len(submissions)}",
        f"  accepted at once           {first_accepted}",
        f"  refused at once            {sum(first_refused.values())}"
        + "".join(f"\n    {code:<24} {n}" for code, n in sorted(first_refused.items())),
        f"  unstructured answers       {len(unstructured)}",
        f"  retried with their key     {sum(1 for s in submissions if len(s.answers) > 1)}"
        f" (refusals on retry: {sum(refused.values()) - sum(first_refused.values())})",
        f"  committed though refused   {committed_before_retry - first_accepted}"
        " (the answer was lost; the retry got the same application)",
        f"  accepted in the end        {len(accepted)} of {len(submissions)}",
        f"  applications (registration) {len(applications)}",
        f"  review tasks               {sum(tasks.values())}",
        f"  lost                       {len(lost)}",
        f"  duplicated                 {len(duplicated)}",
        f"  unpublished outbox rows    0 (in {len(suite.services)} databases)",
        f"  dead letters               {sum(dlqs.values())} (in {len(dlqs)} .dlq queues)",
        f"  restarts seen              {len(restarts)}: "
        + ", ".join(f"{label} ({why})" for label, why in restarts),
        "  by phase (first answers; median seconds per request)"] + [
            f"    {phase:<24} {c['accepted']} accepted, {c['refused']} refused"
            + (f", {c['unstructured']} unstructured" if c['unstructured'] else "")
            + f"; {statistics.median(seconds[phase]):.2f} s"
            for phase, c in by_phase.items()] + [
        f"  supervisord at the end     {sum('RUNNING' in line for line in status)} of "
        f"{len(status)} replicas RUNNING",
        "  back by itself after       " + ", ".join(f"{k} {v:.1f} s"
                                                  for k, v in recovery.items()),
    ]
    with capsys.disabled():
        print("\n" + "\n".join(table), flush=True)
    report = os.environ.get("SKILLCERT_FAULT_REPORT")
    if report:
        Path(report).write_text("\n".join(table) + "\n")

    assert unstructured == [], f"answers without a structured error: {unstructured[:20]}"
    assert set(refused) <= UNAVAILABLE, \
        f"refusals other than unavailability: {dict(refused)}\n{suite.output()[-3000:]}"
    assert not pending, f"{len(pending)} submissions still refused after 90 s of retries: " \
        f"{collections.Counter(s.answers[-1].code for s in pending)}"
    assert len(accepted) == len(submissions)            # one application per submission
    assert applications == accepted                     # nothing the clients do not know
    assert lost == [] and duplicated == {}
    assert set(tasks) == accepted                       # review has exactly these
    assert sum(dlqs.values()) == 0, dlqs
    assert {label for label, _ in restarts} >= {"registration-2", "review-1"}
    assert all(why == "SIGKILL" for label, why in restarts
               if label in ("registration-2", "review-1")), restarts
    assert supervisor.exists()
    assert status and all("RUNNING" in line for line in status), status
    assert json.loads((suite.data_dir / "prometheus" / "targets.json").read_text())
    suite.passed = True                                 # its data dir may go
