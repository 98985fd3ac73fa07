"""Bulk registration from a 考核人员花名册 workbook against the same submissions
over the JSON API, measured on a real suite.

    .venv/bin/python benchmarks/bench_roster_import.py [--rows 2000]

A benchmark run on demand, not a test. It launches exam, registration and the
gateway (``python -m deploy.launch --only exam,registration,gateway``, reference
data loaded) on a RabbitMQ vhost, data dir and port of its own, the date pinned
to 2026-11-02 (batch 2026-12 open), and makes two institution operators of
inst-01. It builds a workbook of ``--rows`` candidates (openpyxl, as an
institution fills the template) and a zip of each one's photo and five scans
named by ID number (real JPEGs, unique per person), then times:

1. the import: one multipart POST /institutions/inst-01/roster-imports with
   submit=true (the same request the portal's 批量报名 page sends: the server
   reads the workbook and the zip, uploads the files and submits the rows);
2. the baseline: the same kind of candidates (other ID numbers) over the JSON
   API as a client script would: each file POST /materials (base64), then
   POST /institutions/inst-01/applications in chunks of 500.

It prints both times, rows per second and import/JSON as a ratio (the ratio
takes out most of the machine's speed). Both must submit every row.
"""
import argparse
import base64
import io
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "shared"))
from benchmarks import harness  # noqa: E402

BATCH, TODAY, INSTITUTION = "2026-12", "2026-11-02", "inst-01"
PROJECT, PROJECT_NAME = "bigdata-analysis", "大数据分析"
SCANS = ("application_form", "integrity_pledge", "education_proof", "id_card_front",
         "id_card_back")
SCAN_NAMES = ("个人申报表", "个人诚信承诺书", "学历或学籍证明", "身份证正面", "身份证反面")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url, method="GET", body=None, token=None, headers=None, timeout=600):
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    h = {"Accept": "application/json", **(headers or {})}
    if isinstance(body, (dict, list)):
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def start_suite(workdir):
    amqp, vhost = harness.vhost()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    password = "bench-" + secrets.token_hex(8)
    log = workdir / "launch.log"
    env = dict(os.environ, AMQP_URI=amqp, SKILLCERT_DATA_DIR=str(workdir / "data"),
               WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", GATEWAY_ADMIN_PASSWORD=password,
               SKILLCERT_TODAY=TODAY, GATEWAY_RATE_LIMIT="100000/1", PYTHONUNBUFFERED="1",
               SKILLCERT_BROKER_USERS="0")
    out = open(log, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "deploy.launch", "--only",
                             "exam,registration,gateway",
                             "--base-port", str(62000 + random.randrange(30) * 100)],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the suite stopped (exit {proc.returncode}); see {log}")
        try:
            status, batches = call(f"{url}/batches?year=2026", timeout=3)
            if status == 200 and any(b["code"] == BATCH for b in batches) and \
                    "SkillCert is running" in log.read_text(errors="replace"):
                return url, password, proc, vhost
        except OSError:
            pass
        time.sleep(0.5)
    stop(proc, vhost)
    raise SystemExit(f"the suite did not come up in 180 s; see {log}")


def stop(proc, vhost):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if vhost:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost])


def operator(url, admin_token):
    username = "bench-" + uuid.uuid4().hex[:8]
    password = "Bench-pass-" + secrets.token_hex(4)
    status, out = call(f"{url}/admin/accounts", "POST", {
        "username": username, "password": password, "name": "基准测试", "role":
        "institution_operator", "institution_code": INSTITUTION}, admin_token)
    assert status == 201, out
    return call(f"{url}/auth/token", "POST", {"username": username,
                                              "password": password})[1]["access_token"]


def people(n, start):
    from kernel.testing import sample_id_number
    births = [f"19{70 + k % 30:02d}{1 + k // 30 % 12:02d}{1 + k // 360 % 28:02d}"
              for k in range(start, start + n)]
    return [sample_id_number(b, seq=k % 500) for k, b in zip(range(start, start + n), births)]


def files_of(number, k):
    from kernel.testing import sample_photo, sample_scan
    seed = int(number[6:14]) * 10 + k
    return sample_photo(seed), [sample_scan(seed * 10 + j) for j in range(5)]


def workbook_and_zip(numbers):
    from openpyxl import Workbook
    from gateway import roster_workbook as rw
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in rw.COLUMNS])
    values = {"project": PROJECT_NAME, "education": "本科", "phone": "13900139000",
              "work_unit": "成都数据科技有限公司", "alternative": "学历条件",
              "computer_skills": "是", "current_graduate": "否", "proof_kind": "学历证书"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for k, number in enumerate(numbers):
            row = dict(values, seq=k + 1, name=f"考生{k + 1:04d}", id_number=number)
            ws.append([row.get(c.key, "") for c in rw.COLUMNS])
            photo, scans = files_of(number, k)
            z.writestr(f"{number}.jpg", photo)
            for name, content in zip(SCAN_NAMES, scans):
                z.writestr(f"{number}-{name}.jpg", content)
    book = io.BytesIO()
    wb.save(book)
    return book.getvalue(), out.getvalue()


def multipart(fields, files):
    boundary = "----bench" + uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                     f"{v}\r\n".encode())
    for k, (name, content, media) in files.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; "
                     f"filename=\"{name}\"\r\nContent-Type: {media}\r\n\r\n".encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def import_roster(url, token, numbers):
    book, archive = workbook_and_zip(numbers)
    body, media = multipart({"batch_code": BATCH, "submit": "true", "reviewer": "基准",
                             "reviewed_on": TODAY, "pledge": "true"},
                            {"workbook": ("roster.xlsx", book, "application/octet-stream"),
                             "materials": ("materials.zip", archive, "application/zip")})
    started = time.perf_counter()
    status, out = call(f"{url}/institutions/{INSTITUTION}/roster-imports", "POST", body, token,
                       {"Content-Type": media}, timeout=3600)
    took = time.perf_counter() - started
    assert status == 200, out
    assert out["ok"] == len(numbers), {k: out[k] for k in ("ok", "failed", "invalid")} | {
        "first": [i for i in out["items"] if not i["ok"]][:3]}
    return took, len(body)


def json_api(url, token, numbers):
    uploads = []
    for k, number in enumerate(numbers):
        photo, scans = files_of(number, k)
        uploads.append((number, photo, scans))
    started = time.perf_counter()

    def up(purpose, content):
        status, out = call(f"{url}/materials", "POST", {
            "purpose": purpose, "content_base64": base64.b64encode(content).decode()}, token)
        assert status == 201, out
        return out["hash"]

    def one(entry):
        number, photo, scans = entry
        materials = {"photo": up("photo", photo), "education_proof_kind": "diploma"}
        materials.update({slot: up("scan", s) for slot, s in zip(SCANS, scans)})
        return {"batch_code": BATCH, "project_code": PROJECT,
                "first_review": {"reviewer": "基准", "reviewed_on": TODAY, "opinion": "pass",
                                 "pledge": True},
                "person": {"name": "考生", "id_number": number, "education": "bachelor",
                           "phone": "13900139000", "work_unit": "成都数据科技有限公司"},
                "claim": {"alternative": "education", "computer_skills": True},
                "materials": materials, "candidate_pledge": True}

    with ThreadPoolExecutor(8) as pool:
        items = list(pool.map(one, uploads))
    ok = 0
    for start in range(0, len(items), 500):
        status, out = call(f"{url}/institutions/{INSTITUTION}/applications", "POST",
                           {"idempotency_key": uuid.uuid4().hex,
                            "applications": items[start:start + 500]}, token, timeout=3600)
        assert status == 200, out
        ok += out["ok"]
    took = time.perf_counter() - started
    assert ok == len(numbers), ok
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "services" / "gateway"))
    sys.path.insert(0, str(ROOT / "services" / "registration"))
    workdir = ROOT / "var" / f"bench-roster-{uuid.uuid4().hex[:6]}"
    workdir.mkdir(parents=True)
    url, password, proc, vhost = start_suite(workdir)
    try:
        admin = call(f"{url}/auth/token", "POST", {"username": "admin",
                                                   "password": password})[1]["access_token"]
        numbers = people(args.rows * 2, 0)
        assert len(set(numbers)) == len(numbers), "ID numbers collide"
        first, second = numbers[:args.rows], numbers[args.rows:]
        imported, size = import_roster(url, operator(url, admin), first)
        baseline = json_api(url, operator(url, admin), second)
        print(f"roster import: {args.rows} rows, workbook + zip {size / 1e6:.1f} MB, one request")
        print(f"  import (multipart, server reads the workbook) {imported:8.1f} s  "
              f"{args.rows / imported:7.1f} rows/s")
        print(f"  JSON API (POST /materials + bulk applications) {baseline:7.1f} s  "
              f"{args.rows / baseline:7.1f} rows/s")
        print(f"  import / JSON API: {imported / baseline:.2f}")
    finally:
        stop(proc, vhost)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
