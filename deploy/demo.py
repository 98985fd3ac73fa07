"""The suite doing its job, over HTTP only: ``make demo`` (or
``python -m deploy.demo [--url http://127.0.0.1:8080] [--candidates 200]``)
against a running ``make run``.

One batch of candidates (four fifths registered in bulk by two institutions,
one fifth individuals with accounts of their own) goes through every stage:
registration with materials, the center's review, payment with bank receipts,
finance's confirmation and the bank reconciliation, rosters, rooms, seating,
assessor dispatch, admission tickets, check-in, computer scores, the score
summary checked and the session supervised, publication, finalisation,
e-certificates downloaded and verified, paper certificates printed. Beforehand four assessors go from the
application through the review chain, study and exam to their cards (the
first one is shown step by step; the exam needs three assessors in each room,
the quality supervisor is the center's). A short summary gives the numbers at each stage; a
sample admission ticket and a sample e-certificate are written to --out.

The weeks between the stages pass on the rehearsal clock (kernel.clock): the
suite must run with SKILLCERT_REHEARSAL=1 and the demo moves the date through
PUT /admin/clock. Without it only what today's date allows runs, and the
summary says which stages were skipped and why. Every stage whose service is
not running is skipped the same way. Each run uses a batch, accounts, people
and rooms of its own, so the demo can run again on the same suite.

With ``--until registered`` (``make demo ARGS="--until registered"``) the demo
stops once the candidates are registered (the assessors with their cards, the
batch, the institutions' bulk registration and the individuals' applications,
all with their materials) and leaves the rest to the staff in the browser: it
prints the batch code, the rehearsal date it left the clock on (the
registration window's; the review window opens on the date in DAYS["review"])
and the staff accounts it made with their password, and writes every account
of the run (staff, institution operators and the individual candidates, who
pay for themselves) to ``<--out>/accounts-<batch>.json`` (the candidates'
user names are not printed: they hold part of an ID number).
``--until`` takes any stage name of the summary too ("review", "payment", ...).
benchmarks/walk_batch_browser.py carries such a batch through the staff
consoles in headless Chromium (docs/web.md, "Walking a batch through the
consoles").

The provincial-center password comes from GATEWAY_ADMIN_PASSWORD or from the
file the gateway wrote at its first start (<data dir>/gateway-admin-password).
"""
import json
import argparse
import base64
import csv
import io
import os
import random
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import requests

from kernel.testing import sample_id_number, sample_jpeg, sample_photo, sample_scan

PROJECT = "bigdata-analysis"               # E1; both institutions below may register it
INSTITUTIONS = ("inst-01", "inst-02")
TEMPLATE = "2026-12"                       # the demo batch copies this batch's windows
DAYS = {"registration": "2026-11-02", "review": "2026-11-04", "payment": "2026-11-16",
        "rosters": "2026-11-19", "tickets": "2026-11-30", "exam": "2026-12-05",
        "after_exam": "2026-12-07", "publication": "2026-12-11", "final": "2026-12-18",
        "certificates": "2026-12-21"}
ASSESSOR_DAYS = {"apply": "2025-05-12", "study": "2025-05-20", "exam": "2025-06-06"}
PERIOD = "2025-2"
SCANS = ("application_form", "integrity_pledge", "education_proof", "id_card_front",
         "id_card_back")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
PASSWORD = "Demo-pass-2026"
# Chengdu's county codes: each run draws one and a span of birth dates, so runs on one
# suite do not hand out an ID number an earlier run gave an account (PERSON_HAS_ACCOUNT)
REGIONS = ("510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114",
           "510115", "510116", "510117", "510118", "510121", "510129", "510131", "510181")
WORKERS = 8
BULK = 500                 # applications in one institution request (the gateway's limit)
PAGE = 1000                # rows of one review-queue page, decisions in one bulk call
ROOM_SEATS = 120
SESSIONS = 2               # the exam day's default sessions (上午, 下午)


UNTIL = {"registered": "registration"}   # --until's words for the stages of Demo.PLAN


class Failed(Exception):
    """A request the demo needed did not work."""


class Skipped(Exception):
    """A stage cannot run here (a service is absent, or the date cannot move)."""


class Api:
    """The gateway's API as one person calls it. The people the demo signs in
    share the first one's requests.Session, so one pool of connections (no more
    than WORKERS are in flight; urllib3's pools are thread-safe and the token is
    a header, not a cookie): with a Session each, every person kept an idle
    keep-alive connection, and at N=10,000 the 2,000 individual candidates held
    more than a gateway replica serves at once (GATEWAY_MAX_CONNECTIONS, 1000):
    503 TOO_MANY_CONNECTIONS in the review stage."""

    def __init__(self, base, token=None, session=None):
        self.base, self.token = base.rstrip("/"), token
        self.session = session or requests.Session()

    def call(self, method, path, body=None, params=None, expect=(200, 201), raw=False):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        for attempt in range(5):
            r = self.session.request(method, self.base + path, json=body, params=params,
                                     headers=headers, timeout=120)
            if r.status_code != 429:
                break
            time.sleep(float(r.headers.get("Retry-After", "2")))
        if r.status_code in (503,) and "SERVICE_UNAVAILABLE" in r.text:
            raise Skipped(r.json()["message"])
        if r.status_code == 429:
            raise Failed(f"{method} {path}: still rate-limited after 5 tries; start the suite "
                         "with GATEWAY_RATE_LIMIT=1000/1 GATEWAY_TARGET_RATE_LIMIT=1000/1 "
                         "(README, the demo)")
        if r.status_code not in expect:
            raise Failed(f"{method} {path}: {r.status_code} {r.text[:500]}")
        return r if raw else (r.json() if r.content else None)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body if body is not None else {}, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def login(self, username, password):
        out = self.post("/auth/token", {"username": username, "password": password})
        return Api(self.base, out["access_token"], self.session)


def b64(data):
    return base64.b64encode(data).decode()


def say(*parts):
    print("demo:", *parts, flush=True)


def parallel(fn, items):
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(fn, items))


class Demo:
    def __init__(self, url, count, out, until=None):
        self.api = Api(url.rstrip("/") + "/api")   # the API is under /api (docs/web.md)
        self.count, self.out = count, Path(out)
        self.until = UNTIL.get(until, until)     # the last stage to run (None: every one)
        self.run = uuid.uuid4().hex[:6]
        self.rnd = random.Random(self.run)
        self.numbers = {}              # stage -> {figure: value}
        self.notes = []
        self.stages = []

    # --- helpers ------------------------------------------------------------------

    def figure(self, stage, **values):
        self.numbers.setdefault(stage, {}).update(values)

    def admin_password(self):
        if os.environ.get("GATEWAY_ADMIN_PASSWORD"):
            return os.environ["GATEWAY_ADMIN_PASSWORD"]
        data_dir = Path(os.environ.get("SKILLCERT_DATA_DIR") or "var")
        path = data_dir / "gateway-admin-password"
        if not path.is_file():
            raise Failed(f"no GATEWAY_ADMIN_PASSWORD and no {path}: give the provincial "
                         "center's password in GATEWAY_ADMIN_PASSWORD")
        return path.read_text().strip()

    def account(self, role, **extra):
        # 12 hex digits: with 4, two of N=10,000's 127 unit or municipal accounts
        # had one name about one run in eight (409 USERNAME_TAKEN)
        username = f"demo-{self.run}-{role[:10]}-{uuid.uuid4().hex[:12]}"
        self.admin.post("/admin/accounts", dict({"username": username, "password": PASSWORD,
                                                 "name": f"演示{role}", "role": role}, **extra))
        client = self.api.login(username, PASSWORD)
        client.username = username
        return client

    def at(self, day):
        """Move the rehearsal clock (the suite must run with SKILLCERT_REHEARSAL=1)."""
        if self.clock["today"] == day:
            return
        if not self.clock["rehearsal"]:
            raise Skipped(f"needs the date {day}; the suite runs on {self.clock['today']} "
                          "without the rehearsal clock (start it with SKILLCERT_REHEARSAL=1)")
        self.clock = self.admin.put("/admin/clock", {"today": day})
        time.sleep(0.2)

    def person(self, n):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7 + self.rnd.randrange(3)) % len(GIVEN)]
        birth = (date(1970, 1, 1) + timedelta(days=(self.day_base + n * 13) % 10950)).strftime(
            "%Y%m%d")
        return name, sample_id_number(birth, seq=self.seq_base + n, female=bool(n % 2),
                                      region=self.region)

    # --- the stages -----------------------------------------------------------------

    def setup(self):
        say(f"gateway {self.api.base}, run {self.run}")
        self.api.get("/health")
        self.admin = self.api.login(os.environ.get("GATEWAY_ADMIN_USERNAME", "admin"),
                                    self.admin_password())
        self.clock = self.admin.get("/admin/clock")
        self.seq_base = self.rnd.randrange(0, 400)
        self.region, self.day_base = self.rnd.choice(REGIONS), self.rnd.randrange(0, 10950)
        self.staff = {role: self.account(role) for role in
                      ("reviewer", "finance", "exam_admin", "certificate_officer")}
        self.operators = {code: self.account("institution_operator", institution_code=code)
                          for code in INSTITUTIONS}
        self.figure("setup", staff_accounts=len(self.staff) + len(self.operators),
                    rehearsal_clock=self.clock["rehearsal"], today=self.clock["today"])

    @property
    def rooms_needed(self):
        """Rooms of ROOM_SEATS seats for SESSIONS sessions: every candidate seated."""
        return max(1, -(-self.count // (ROOM_SEATS * SESSIONS)))

    def assessors(self):
        """Assessors from their applications to their cards (A1-A6): three for every
        room of a session, one more (four for one room)."""
        self.at(ASSESSOR_DAYS["apply"])
        admin, cards, steps = self.admin, [], []
        for n in range(3 * self.rooms_needed + 1):
            unit = f"demo-{self.run}-u{n}"
            region = "510600"
            admin.post("/assessor/units", {"code": unit, "name": f"演示考评推荐单位{self.run}{n}",
                                           "kind": "filed", "region": region,
                                           "address": "德阳市旌阳区", "contact": "0838-1234567"})
            unit_account = self.account("institution_operator", institution_code=unit)
            municipal = self.account("municipal_center", region=region)
            name = f"考评员{SURNAMES[n % len(SURNAMES)]}{self.run[:2]}"   # 127 at N=10,000
            id_number = sample_id_number((date(1960, 1, 1) + timedelta(
                days=self.day_base % 3650)).strftime("%Y%m%d"), seq=self.seq_base + n,
                region=self.region)
            applicant = self.signup(name, id_number)
            photo = applicant.post("/assessor/materials", {
                "purpose": "photo", "content_base64": b64(sample_photo(900 + n))})["hash"]
            scan = applicant.post("/assessor/materials", {
                "purpose": "scan", "content_base64": b64(sample_scan(900 + n))})["hash"]
            app = applicant.post("/assessor/applications", assessor_form(
                name, id_number, unit, photo, scan))
            path = f"/assessor/applications/{app['id']}"
            for step, who in (("unit", unit_account), ("municipal", municipal),
                              ("provincial", admin)):
                if step in app["chain"]:
                    app = who.post(f"{path}/reviews", {"step": step, "decision": "approve",
                                                       "reason": "同意"})
                    if n == 0:
                        steps.append(f"{step}: {app['status']}")
            self.at(ASSESSOR_DAYS["exam"])
            admin.post(f"{path}/study", {"studied_on": ASSESSOR_DAYS["study"], "hours": 24,
                                         "course": "考评员工作流程"})
            app = admin.post(f"{path}/exam-score", {"score": 80 + n % 21})   # 80..100
            cards.append(app["card_number"])
            if n == 0:
                steps += ["study 24 h", f"exam 80: {app['status']}", f"card {app['card_number']}"]
                mine = applicant.get("/assessor/my-cards")
                assert any(c["card_number"] == app["card_number"] for c in mine)
                check = self.api.get(f"/public/assessor-cards/{app['card_number']}",
                                     params={"on_date": DAYS["exam"]})
                steps.append(f"public check on {DAYS['exam']}: valid={check.get('valid')}")
            self.at(ASSESSOR_DAYS["apply"])
        self.cards = cards
        self.figure("assessors", applied=len(cards), cards=len(cards), first=" -> ".join(steps))

    def signup(self, name, id_number):
        username = f"demo-{self.run}-{id_number[-8:]}"
        made = self.api.post("/accounts", {"username": username, "password": PASSWORD,
                                           "name": name, "id_number": id_number,
                                           "phone": "13800138000"})
        client = Api(self.api.base, made["access_token"], self.api.session)  # signed in
        client.username = username
        return client

    def batch(self):
        """A batch of this run with the windows of 2026-12 (a code letter of its own)."""
        template = self.api.get(f"/batches/{TEMPLATE}")
        taken = {b["code"] for b in self.api.get("/batches", params={"year": 2026})}
        free = [f"{TEMPLATE}{c}" for c in "abcdefghijklmnopqrstuvwxyz"
                if f"{TEMPLATE}{c}" not in taken]
        if not free:
            raise Failed("every demo batch code 2026-12a..z is taken")
        self.code = free[0]
        body = {k: template[k] for k in ("year", "registration", "review", "payment", "ticket",
                                         "exam_date", "re_review_working_days",
                                         "accepted_id_documents")}
        body.update(code=self.code, seq=template["seq"])
        self.staff["exam_admin"].post("/batches", body)
        self.batch_info = body
        self.figure("batch", code=self.code, exam_date=body["exam_date"])

    def register(self):
        self.at(DAYS["registration"])
        individuals = self.count // 5
        per_inst = (self.count - individuals) // len(INSTITUTIONS)
        self.people = {}
        results = {"institution_ok": 0, "institution_failed": 0}
        n = 0
        for code, operator in self.operators.items():
            scans = {k: operator.post("/materials", {"purpose": "scan", "content_base64": b64(
                sample_scan(hash((self.run, code, k)) % 10**6))})["hash"] for k in SCANS}
            items = []
            for _ in range(per_inst):
                name, id_number = self.person(n)
                photo = operator.post("/materials", {"purpose": "photo", "content_base64": b64(
                    sample_photo(hash((self.run, n)) % 10**6))})["hash"]
                items.append({"batch_code": self.code, "project_code": PROJECT,
                              "first_review": {"reviewer": f"{code}初审员",
                                               "reviewed_on": "2026-10-30", "opinion": "pass",
                                               "pledge": True},
                              "person": {"name": name, "id_number": id_number,
                                         "education": "high_school", "phone": "13900139000",
                                         "work_unit": "成都某数据公司"},
                              "claim": {"alternative": "education", "computer_skills": True},
                              "materials": dict(scans, photo=photo,
                                                education_proof_kind="diploma"),
                              "candidate_pledge": True})
                self.people[id_number] = {"name": name, "institution_code": code}
                n += 1
            for start in range(0, len(items), BULK):
                chunk = items[start:start + BULK]
                out = operator.post(f"/institutions/{code}/applications", {
                    "applications": chunk,
                    "idempotency_key": f"demo-{self.run}-{code}-{start // BULK}"})
                results["institution_ok"] += out["ok"]
                results["institution_failed"] += out["failed"]
                for item, r in zip(chunk, out["results"]):
                    if r["ok"]:
                        self.people[item["person"]["id_number"]]["application_id"] = \
                            r["application_id"]
            roster = operator.get(f"/institutions/{code}/roster",
                                  params={"batch_code": self.code}, raw=True)
            (self.out / f"roster-{code}-{self.code}.csv").write_bytes(roster.content)

        def individual(k):
            name, id_number = self.person(k)
            client = self.signup(name, id_number)
            up = lambda purpose, data: client.post("/materials", {   # noqa: E731
                "purpose": purpose, "content_base64": b64(data)})["hash"]
            seed = hash((self.run, k)) % 10**6
            materials = {"photo": up("photo", sample_photo(seed)),
                         "education_proof_kind": "diploma"}
            for j, kind in enumerate(SCANS):
                materials[kind] = up("scan", sample_scan(seed * 10 + j))
            app = client.post("/applications", {
                "batch_code": self.code, "project_code": PROJECT,
                "person": {"name": name, "id_number": id_number, "education": "high_school",
                           "phone": "13800138000", "work_unit": "成都某科技有限公司"},
                "claim": {"alternative": "education", "computer_skills": True},
                "materials": materials, "candidate_pledge": True})
            status = client.get(f"/applications/{app['id']}")["status"]
            return id_number, name, client, app["id"], status

        done = parallel(individual, range(n, n + individuals))
        for id_number, name, client, app_id, status in done:
            self.people[id_number] = {"name": name, "institution_code": None,
                                      "application_id": app_id, "client": client}
        self.figure("registration", submitted=sum(1 for p in self.people.values()
                                                  if p.get("application_id")),
                    via_institutions=results["institution_ok"], individuals=len(done),
                    refused=results["institution_failed"])

    def review(self):
        self.at(DAYS["review"])
        reviewer = self.staff["reviewer"]
        wanted = {p["application_id"] for p in self.people.values() if p.get("application_id")}
        deadline = time.monotonic() + 60 + self.count * 0.1
        while True:
            ids = []
            while True:                  # the queue, a page at a time
                page = reviewer.get("/review/queue", params={
                    "batch_code": self.code, "limit": PAGE, "offset": len(ids)})["items"]
                ids += [i["application_id"] for i in page]
                if len(page) < PAGE:
                    break
            ids = [a for a in ids if a in wanted]
            if len(ids) == len(wanted) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        rejected = set(ids[:2])          # two with a forged education proof (V2)
        own = {p["application_id"] for p in self.people.values() if p.get("client")}

        def decision(a):
            return {"decision": "reject" if a in rejected else "approve",
                    "reason": "学历证明与学信网记录不符" if a in rejected else "材料齐全"}
        # the institutions' applications in bulk, the individuals' one at a time
        bulk = [dict(decision(a), application_id=a) for a in ids if a not in own]
        ok = failed = 0
        for start in range(0, len(bulk), PAGE):
            out = reviewer.post("/review/decisions", {"decisions": bulk[start:start + PAGE]})
            ok, failed = ok + out["ok"], failed + out["failed"]
        singles = parallel(lambda a: reviewer.post(f"/review/applications/{a}/decision",
                                                   decision(a)), [a for a in ids if a in own])
        ok += len(singles)
        self.figure("review", in_queue=len(ids), approved=ok - len(rejected),
                    rejected=len(rejected), failed=failed, one_by_one=len(singles))
        for p in self.people.values():
            if p.get("application_id") in rejected:
                p["rejected"] = True
        self.wait_status({p["application_id"] for p in self.people.values()
                          if p.get("application_id") and not p.get("rejected")}, "approved")

    def wait_status(self, ids, status, timeout=None):
        """Until registration shows every application in ``status`` (events travel)."""
        reviewer = self.staff["reviewer"]
        deadline = time.monotonic() + (timeout or 90 + 0.1 * self.count)
        pending = set(ids)
        while pending and time.monotonic() < deadline:
            for code in INSTITUTIONS:
                for a in reviewer.get(f"/institutions/{code}/applications",
                                      params={"batch_code": self.code, "status": status}):
                    pending.discard(a["id"])
            for p in self.people.values():
                if p.get("client") and p["application_id"] in pending:
                    if p["client"].get(f"/applications/{p['application_id']}")["status"] == \
                            status:
                        pending.discard(p["application_id"])
            if pending:
                time.sleep(1)
        if pending:
            raise Failed(f"{len(pending)} applications did not reach '{status}'")

    def pay(self):
        self.at(DAYS["payment"])
        finance = self.staff["finance"]
        payee = finance.get("/payments/payee")
        submissions, statement = [], []

        def receipt(client, amount, payer):
            up = client.post("/receipts", {"content_base64": b64(sample_jpeg(
                self.rnd.randrange(10**6))), "filename": "回单.jpg"})
            return {"file": up["hash"], "payee_name": payee["payee_name"],
                    "payee_account": payee["payee_accounts"][0], "payer_name": payer,
                    "amount_fen": amount, "transfer_date": DAYS["payment"]}

        for code, operator in self.operators.items():
            order = wait_for(lambda: (lambda o: o["applications"] and o)(operator.get(
                f"/institutions/{code}/payment-order", params={"batch_code": self.code})))
            inst_name = code
            sub = operator.post(f"/institutions/{code}/payments", {
                "batch_code": self.code,
                "application_ids": [a["application_id"] for a in order["applications"]],
                "receipt": receipt(operator, order["total_fen"], inst_name),
                "note": order["note"]})
            submissions.append(sub)
            statement.append((sub, inst_name))

        def individual(p):
            client, app_id = p["client"], p["application_id"]
            due = wait_for(lambda: client.call("GET", f"/applications/{app_id}/payment",
                                               expect=(200, 404)) or None)
            if due.get("code"):
                raise Failed(f"no payable item for {app_id}: {due}")
            return client.post(f"/applications/{app_id}/payment", {
                "receipt": receipt(client, due["amount_due_fen"], p["name"]),
                "note": "考试费"}), p["name"]

        own = [p for p in self.people.values() if p.get("client") and not p.get("rejected")]
        for sub, payer in parallel(individual, own):
            submissions.append(sub)
            statement.append((sub, payer))
        # the bank statement of the center's account, imported and reconciled (K1)
        rows = [[f"DEMO{self.run}{i:04d}", DAYS["payment"], f"{sub['amount_fen'] / 100:.2f}",
                 "C", payer, "", sub["reference"]] for i, (sub, payer) in enumerate(statement)]
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(
            [["bank_serial", "value_date", "amount", "direction", "payer_name", "payer_account",
              "note"]] + rows)
        imported = finance.post("/payments/statements", {
            "content_base64": b64(text.getvalue().encode("utf-8")),
            "filename": f"statement-{self.run}.csv"})
        confirmed = 0
        for sub in submissions:
            finance.post(f"/payments/submissions/{sub['id']}/confirm", {})
            confirmed += len(sub["applications"])
        report = finance.get("/payments/reconciliation", params={"batch_code": self.code})
        self.figure("payment", submissions=len(submissions), applications_confirmed=confirmed,
                    statement_credits=imported.get("imported"),
                    reconciliation=imported.get("reconciliation"),
                    report={k: v for k, v in report.items() if not isinstance(v, (list, dict))})
        self.wait_status({p["application_id"] for p in self.people.values()
                          if p.get("application_id") and not p.get("rejected")}, "paid")

    def exam_prepare(self):
        self.at(DAYS["rosters"])
        admin = self.staff["exam_admin"]
        admin.post("/exam/rosters/close")
        roster = admin.get(f"/exam/batches/{self.code}/roster")
        rooms = [f"D{self.run}{k:02d}"[:20] for k in range(self.rooms_needed)]
        for k, room in enumerate(rooms):
            admin.post("/exam/rooms", {"code": room, "name": f"演示考场{self.run}-{k + 1}",
                                       "location": f"成都市青羊区鉴定考点{k + 1}楼",
                                       "seats": [f"{n:03d}" for n in range(1, ROOM_SEATS + 1)],
                                       "spacing": {"rule": "all"}})
        arranged = admin.post(f"/exam/batches/{self.code}/arrangement", {"rooms": rooms})
        dispatch = admin.post(f"/exam/batches/{self.code}/dispatch", {})
        seats = admin.get(f"/exam/batches/{self.code}/arrangement")["seats"]
        self.seats = seats
        self.dispatch = dispatch["session_rooms"]
        self.figure("exam preparation", roster=len(roster.get("candidates", [])),
                    seated=len(seats), sessions=len({s["session"] for s in seats}),
                    rooms=len({(s["session"], s["room"]) for s in seats}),
                    assessors_dispatched=sum(len(s["assessors"]) for s in self.dispatch),
                    summary={k: v for k, v in arranged.items() if isinstance(v, (int, str))})

    def tickets(self):
        self.at(DAYS["tickets"])
        printed = 0
        for code, operator in self.operators.items():
            status = operator.get(f"/institutions/{code}/ticket-status",
                                  params={"batch_code": self.code})
            for part in range(1, status["parts"] + 1):      # PDFs of at most per_pdf
                pdf = operator.get(f"/institutions/{code}/tickets", raw=True,
                                   params={"batch_code": self.code, "part": part})
                path = self.out / f"tickets-{code}-{self.code}-{part}.pdf"
                path.write_bytes(pdf.content)
                printed += 1
                if code == INSTITUTIONS[0] and part == 1:
                    self.sample_ticket = path
        own = [p for p in self.people.values() if p.get("client") and not p.get("rejected")]
        pdfs = parallel(lambda p: p["client"].get("/tickets", raw=True), own)
        downloads = len(pdfs)
        if pdfs:
            (self.out / "sample-ticket.pdf").write_bytes(pdfs[0].content)
            self.sample_ticket = self.out / "sample-ticket.pdf"
        self.figure("tickets", institution_pdfs=printed, individual_downloads=downloads,
                    sample=str(self.sample_ticket))

    def exam_day(self):
        self.at(DAYS["exam"])
        admin = self.staff["exam_admin"]
        absent = {s["ticket_number"] for s in self.seats[:3]}      # three do not come
        present = [s for s in self.seats if s["ticket_number"] not in absent]

        def check_in(s):
            return admin.post("/exam/check-in", {
                "ticket_number": s["ticket_number"],
                "document": {"type": "resident_id_card_2g", "number": s["id_number"],
                             "expires_on": "2035-01-01"}})
        parallel(check_in, present)
        scores = {s["ticket_number"]: (self.rnd.randrange(45, 99), s) for s in present}
        for session in sorted({s["session"] for s in present}):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(["ticket_number", "id_number", "name", "score"])
            for ticket, (score, s) in scores.items():
                if s["session"] == session:
                    writer.writerow([ticket, s["id_number"], s["name"], score])
            admin.post(f"/exam/batches/{self.code}/computer-scores", {
                "session_code": session, "csv": text.getvalue(),
                "filename": f"{self.code}-{session}.csv"})
        # 智能化上机考核: the computer score is the score (T4); per room the recorder
        # totals, the checker (not an assessor) checks with the stamped scan; the
        # center's quality supervisor signs each session's record (002 二(八)(九))
        sheet_scan = admin.post("/exam/summary-scans", {
            "content_base64": base64.b64encode(sample_scan(7)).decode(),
            "filename": "成绩汇总表.jpg"})["hash"]
        checker = sample_id_number("19750101", seq=self.seq_base + 300)
        for slot in self.dispatch:
            where = {"session_code": slot["session"], "room_code": slot["room"]}
            admin.post(f"/exam/batches/{self.code}/score-summaries",
                       dict(where, overseer="监督人员"))
            admin.post(f"/exam/batches/{self.code}/verifications", dict(
                where, approve=True, note="核分无误", checker_id_number=checker,
                scan=sheet_scan))
        for n, session in enumerate(sorted({s["session"] for s in self.dispatch})):
            supervisor = {"name": "质量督导员", "unit": "四川省职业技能鉴定指导中心",
                          "id_number": sample_id_number("19700101",
                                                        seq=self.seq_base + 500 + n)}
            admin.put(f"/exam/batches/{self.code}/sessions/{session}/supervisor",
                      {"supervisor": supervisor})
            admin.post(f"/exam/batches/{self.code}/sessions/{session}/supervision",
                       {"record": "考核全过程现场督导，未见违规", "signed_by": supervisor})
        self.at(DAYS["after_exam"])
        admin.post("/exam/no-shows")
        self.figure("exam day", present=len(present), absent=len(absent),
                    score_sheets_verified=len(self.dispatch))

    def publish(self):
        admin = self.staff["exam_admin"]
        self.at(DAYS["publication"])
        admin.post("/exam/publication")
        results = self.api.get(f"/public/results/{self.code}")
        rows = results.get("results") or results.get("rows") or []
        self.at(DAYS["final"])
        admin.post("/exam/publication")
        passed = sum(1 for r in rows if r.get("result") == "合格")
        absent = sum(1 for r in rows if r.get("result") == "缺考")
        (self.out / f"results-{self.code}.csv").write_text(results.get("csv", ""),
                                                           encoding="utf-8-sig")
        self.figure("results", published=len(rows), passed=passed,
                    failed=len(rows) - passed - absent, absent=absent)

    def certificates(self):
        self.at(DAYS["certificates"])
        officer = self.staff["certificate_officer"]
        want = self.numbers["results"]["passed"]

        def listed():
            found = officer.call("GET", "/admin/certificates", params={"batch_code": self.code},
                                 expect=(200, 504))
            return isinstance(found, list) and len(found) >= want and found
        issued = wait_for(listed, timeout=300 + 0.2 * self.count, interval=2)
        def mine(p):
            client = p["client"]
            return [client.get(f"/certificates/{c.get('certificate', c).get('number')}/pdf",
                               raw=True)
                    for c in client.get("/certificates")
                    if c.get("certificate", c).get("batch_code", self.code) == self.code]
        pdfs = [pdf for got in parallel(mine, [p for p in self.people.values()
                                               if p.get("client")]) for pdf in got]
        downloads, verified = len(pdfs), 0
        if pdfs:
            path = self.out / "sample-e-certificate.pdf"
            path.write_bytes(pdfs[0].content)
            self.sample_cert = path
            check = self.api.post("/public/certificates/verify-pdf",
                                  {"content_base64": b64(pdfs[0].content)})
            verified += check["result"] == "valid"
        for c in issued[:5]:                    # the public checks a few numbers (rate-limited)
            number = c.get("number") or c.get("certificate_number")
            verified += self.api.get(f"/public/certificates/{number}")["result"] == "valid"
        printed = officer.post("/admin/print-batches", {"batch_code": self.code})
        self.figure("certificates", issued=len(issued), e_certificates_downloaded=downloads,
                    verified_valid=verified, paper_printed=printed.get("count"),
                    sample=str(getattr(self, "sample_cert", None)))

    # --- running it -------------------------------------------------------------------------

    PLAN = (("setup", "setup", ()), ("assessors", "assessors", ("setup",)),
            ("batch", "batch", ("setup",)), ("registration", "register", ("batch",)),
            ("review", "review", ("registration",)), ("payment", "pay", ("review",)),
            ("exam preparation", "exam_prepare", ("payment", "assessors")),
            ("tickets", "tickets", ("exam preparation",)),
            ("exam day", "exam_day", ("tickets",)), ("results", "publish", ("exam day",)),
            ("certificates", "certificates", ("results",)))

    def go(self):
        self.out.mkdir(parents=True, exist_ok=True)
        outcome = {}
        try:
            for stage, method, needs in self.PLAN:
                missing = [n for n in needs if outcome.get(n) != "ran"]
                if missing:
                    outcome[stage] = f"not run: needs {', '.join(missing)}"
                    continue
                started = time.monotonic()
                say(f"{stage} ...")
                try:
                    getattr(self, method)()
                    outcome[stage] = "ran"
                except Skipped as exc:
                    outcome[stage] = f"skipped: {exc}"
                except (Failed, requests.RequestException, KeyError, AssertionError) as exc:
                    outcome[stage] = f"FAILED: {type(exc).__name__}: {exc}"
                self.figure(stage, seconds=round(time.monotonic() - started, 1))
                if stage == self.until:
                    break
        finally:
            if self.until and all(v == "ran" for v in outcome.values()):
                pass                  # the clock stays where the staff go on from
            elif getattr(self, "clock", None) and self.clock.get("rehearsal"):
                try:
                    self.admin.call("DELETE", "/admin/clock")
                except Exception:
                    pass
        self.summary(outcome)
        ok = all(v == "ran" for v in outcome.values())
        if self.until and ok:
            self.hand_over()
        return 0 if ok else 1

    def hand_over(self):
        """--until: what the staff need to go on in the browser."""
        accounts = {
            "batch_code": getattr(self, "code", None), "password": PASSWORD,
            "clock": self.clock.get("today"), "until": self.until, "run": self.run,
            "admin": os.environ.get("GATEWAY_ADMIN_USERNAME", "admin"),
            "staff": {role: c.username for role, c in self.staff.items()},
            "institutions": {code: c.username for code, c in self.operators.items()},
            "candidates": [{"username": p["client"].username,
                            "application_id": p.get("application_id")}
                           for p in getattr(self, "people", {}).values() if p.get("client")],
            "institution_candidates": sum(1 for p in getattr(self, "people", {}).values()
                                          if p.get("institution_code")),
        }
        path = self.out / f"accounts-{accounts['batch_code']}.json"
        path.write_text(json.dumps(accounts, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nStopped after {self.until}: the staff go on in the browser", flush=True)
        print(f"  batch {accounts['batch_code']}, rehearsal clock on {accounts['clock']} "
              f"(the review window opens {DAYS['review']}: 管理员 → 工作日历)")
        print(f"  password of every account below: {PASSWORD}")
        for role, username in accounts["staff"].items():
            print(f"  {role:22} {username}")
        for code, username in accounts["institutions"].items():
            print(f"  {'institution ' + code:22} {username}")
        print(f"  the provincial center: {accounts['admin']} (its own password)")
        print(f"  {len(accounts['candidates'])} individual candidates' accounts "
              f"(they pay for themselves): {path.resolve()}", flush=True)

    def summary(self, outcome):
        print("\nSkillCert demo: one batch over HTTP", flush=True)
        for stage, _, _ in self.PLAN:
            if stage not in outcome and self.until:
                continue
            print(f"  {stage:17} {outcome.get(stage, 'not run')}")
            for key, value in self.numbers.get(stage, {}).items():
                print(f"  {'':17}   {key}: {value}")
        print(f"  files in {self.out.resolve()}", flush=True)


def wait_for(fn, timeout=60, interval=0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            if not value:
                raise Failed("timed out waiting")
            return value
        time.sleep(interval)


def assessor_form(name, id_number, unit, photo, scan):
    sentence = "本人长期从事大数据分析与数据治理工作，负责项目实施与人员培训考核。"
    summary = (sentence * 10)[:300]
    return {"period_code": PERIOD, "filled_on": "2025-05-08",
            "person": {"name": name, "id_number": id_number, "phone": "13900139000",
                       "education": "bachelor", "work_unit": "德阳数据科技有限公司",
                       "professional_years": 12, "address": "德阳市旌阳区", "region": "德阳市",
                       "title": {"level": "intermediate", "specialty": "计算机应用",
                                 "certificate": scan},
                       "qualifications": [{"kind": "skill_level", "level": "senior",
                                           "occupation": "大数据工程技术人员",
                                           "certificate_number": "S0001", "certificate": scan}]},
            "unit": {"code": unit, "kind": "filed", "filing_accepted_on": None},
            "projects": [PROJECT, "bigdata-cleaning"],
            "conditions": [{"condition": 1, "evidence": [scan]},
                           {"condition": 4, "evidence": [scan]}],
            "work_summary": summary,
            "materials": {"photo": photo, "declaration_form": scan, "id_card_copy": scan,
                          "social_insurance_proof": scan},
            "pledge": {"signed": True, "signed_on": "2025-05-08"}}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy.demo", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8080"),
                        help="the gateway (default http://127.0.0.1:8080)")
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--out", default=str(Path(os.environ.get("SKILLCERT_DATA_DIR") or "var")
                                             / "demo"),
                        help="where the ticket, certificate and rosters go (var/demo)")
    parser.add_argument("--until", choices=sorted(set(UNTIL) | {s for s, _, _ in Demo.PLAN}),
                        metavar="STAGE", help="stop after this stage: 'registered' (the "
                        "candidates registered with their materials; the staff go on in the "
                        "browser) or a stage of the summary")
    args = parser.parse_args(argv)
    if args.candidates < 20:
        parser.error("--candidates: at least 20 (B1 holds a project from 10 candidates)")
    try:
        return Demo(args.url, args.candidates, args.out, args.until).go()
    except requests.ConnectionError as exc:
        say(f"cannot reach the gateway at {args.url} ({exc.__class__.__name__}); "
            "start the suite first: make run")
        return 2


if __name__ == "__main__":
    sys.exit(main())
