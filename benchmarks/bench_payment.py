"""Bank reconciliation at scale: a 10,000-line statement against 10,000 payment
submissions (goal: under 5 s for the whole import and match).

Measured in one run, on the same generated data:
- baseline: decoding and parsing the statement CSV alone (statements.parse_statement);
- pure matching: matching.match over the parsed credits and the submissions;
- the service: import_statement over RPC on a running payment service whose
  database already holds the submissions (parse, duplicate check against the
  database, insert, match, write the matches, commit);
and the results as ratios to the baseline. A second import of the same file
(every line a duplicate) is timed too.

    .venv/bin/python benchmarks/bench_payment.py [--lines 10000] [--db URL] [--confirm 4000]

--confirm N also times 确认收费 (confirm_submission over RPC) of one
institution's submission of N applications against one of a single
application, and until its N payment_confirmed events are on the broker.

Without --db the service runs on a fresh SQLite file; give a PostgreSQL URL
(postgresql+psycopg2://postgres@127.0.0.1:5432/bench_payment) to measure that.
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent

from sqlalchemy import create_engine, insert  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from exam import events as exam_events  # noqa: E402
from kernel import batches  # noqa: E402
from kernel.db import utcnow  # noqa: E402
from kernel.migrate import upgrade  # noqa: E402

from payment import testing  # noqa: E402
from payment.domain import matching, payments, statements, wording  # noqa: E402
from payment.models import Batch, Item, Receipt, Submission, SubmissionLine  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强文斌宇浩然子涵欣怡梓轩雨桐晨阳思远佳怡"
FEES = (20000, 20000, 20000, 28000, 30000)


def person(rnd):
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


def generate(n, seed=2026):
    """n submissions (a fifth from institutions, paying for 2-40 candidates)
    and n statement lines: 60 % carry the payment reference, 35 % only the
    payer name (a fifth of those written differently by the bank), 5 % are
    credits nobody submitted."""
    rnd = random.Random(seed)
    subs, rows = [], []
    for i in range(n):
        sid = str(uuid.UUID(int=rnd.getrandbits(128)))
        if rnd.random() < 0.2:
            inst = f"inst-{rnd.randrange(1, 60):02d}"
            headcount = rnd.randrange(2, 41)
            amount = headcount * rnd.choice(FEES)
            payer = f"四川{person(rnd)}职业培训学校{inst[-2:]}"
            reference = payments.item_reference("institution", None, inst, testing.BATCH)
            apps = headcount
        else:
            amount = rnd.choice(FEES)
            payer = person(rnd)
            reference = payments.item_reference("individual", sid, None, testing.BATCH)
            apps = 1
        subs.append({"id": sid, "reference": reference, "amount_fen": amount,
                     "payer_name": payer, "applications": apps})
        r = rnd.random()
        note, name = "", payer
        if r < 0.60:
            note = f"考核费 {reference}"
        elif r < 0.95:
            if rnd.random() < 0.2:
                name = payer + rnd.choice(("(个人)", "（对公户）", " "))
            note = rnd.choice(("考试费", "缴费", ""))
        else:
            name, amount = f"不明来款{i}", rnd.randrange(1, 10**6)
        rows.append([f"BK{i:08d}", "2026-11-1" + str(rnd.randrange(6, 9)), wording.yuan(amount),
                     "C", name, f"62{rnd.randrange(10**15):015d}", note])
    return subs, testing.statement_csv(rows).encode("utf-8")


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def seed_database(url, subs):
    """The submissions (and their items) as if payers had submitted them."""
    engine = create_engine(url)
    now = utcnow()
    with Session(engine) as session:
        batches.keep(session, Batch, testing.BATCH_2026_12, exam_events.Batch)
        session.add(Receipt(hash="0" * 64, media_type="image/jpeg", size=1, uploaded_at=now))
        session.flush()
        items, submissions, lines = [], [], []
        for s in subs:
            for k in range(s["applications"]):
                app = str(uuid.uuid4())
                items.append({"application_id": app, "batch_code": testing.BATCH,
                              "project_code": testing.PROJECT, "channel": "individual",
                              "institution_code": None, "id_number": "11010519491231002X",
                              "name": "考生", "reference": s["reference"],
                              "status": payments.SUBMITTED, "submission_id": s["id"],
                              "approved_at": now, "updated_at": now})
                lines.append({"submission_id": s["id"], "application_id": app,
                              "amount_fen": s["amount_fen"] // s["applications"]})
            submissions.append({
                "id": s["id"], "reference": s["reference"], "channel": "individual",
                "payer_kind": "self", "institution_code": None, "batch_code": testing.BATCH,
                "payer_name": s["payer_name"], "payer_account": "",
                "payee_name": "四川省职业技能鉴定指导中心", "payee_account": "x",
                "amount_fen": s["amount_fen"], "expected_fen": s["amount_fen"], "note": "",
                "receipt_hash": "0" * 64, "status": payments.PENDING, "submitted_by": "bench",
                "submitted_at": now})
        session.execute(insert(Item), items)
        session.execute(insert(Submission), submissions)
        session.execute(insert(SubmissionLine), lines)
        session.commit()
    engine.dispose()
    return len(items)


def seed_confirm(url, n):
    """One institution's submission paying for ``n`` candidates and one
    candidate's own, both waiting for 确认收费; returns their ids."""
    engine = create_engine(url)
    now = utcnow()
    out = []
    with Session(engine) as session:
        for channel, count in (("individual", 1), ("institution", n)):
            sid = str(uuid.uuid4())
            inst = "inst-bench" if channel == "institution" else None
            reference = payments.item_reference(channel, sid, inst, testing.BATCH)
            apps = [str(uuid.uuid4()) for _ in range(count)]
            session.execute(insert(Submission), [{
                "id": sid, "reference": reference, "channel": channel,
                "payer_kind": "self" if inst is None else "institution",
                "institution_code": inst, "batch_code": testing.BATCH, "payer_name": "付款人",
                "payer_account": "", "payee_name": "四川省职业技能鉴定指导中心",
                "payee_account": "x", "amount_fen": 20000 * count,
                "expected_fen": 20000 * count, "note": "", "receipt_hash": "0" * 64,
                "status": payments.PENDING, "submitted_by": "bench", "submitted_at": now}])
            session.execute(insert(Item), [{
                "application_id": app, "batch_code": testing.BATCH,
                "project_code": testing.PROJECT, "channel": channel, "institution_code": inst,
                "id_number": "11010519491231002X", "name": "考生", "reference": reference,
                "status": payments.SUBMITTED, "submission_id": sid, "approved_at": now,
                "updated_at": now} for app in apps])
            session.execute(insert(SubmissionLine), [
                {"submission_id": sid, "application_id": app, "amount_fen": 20000}
                for app in apps])
            out.append(sid)
        session.commit()
    engine.dispose()
    return out


def confirm_phase(url, n):
    """确认收费 over RPC of a 1-application submission (the baseline) and of
    one of ``n`` applications; and how long until all n payment_confirmed
    events are on the broker (a queue bound to payment.events counts them)."""
    from kombu import Connection, Queue
    from kernel.outbox import event_exchange
    small, big = seed_confirm(url, n)
    with running_payment(url) as (amqp, rpc), \
            Connection(amqp.replace("pyamqp://", "amqp://")) as conn:
        bound = Queue("bench-payment-confirmed-" + uuid.uuid4().hex[:6],
                      event_exchange("payment"), routing_key="payment_confirmed",
                      auto_delete=True)(conn.channel())
        bound.declare()
        one, _ = timed(rpc.payment.confirm_submission, {"submission_id": small, "actor": "bench"})
        start = time.perf_counter()
        out = rpc.payment.confirm_submission({"submission_id": big, "actor": "bench"})
        many = time.perf_counter() - start
        arrived = 0
        while arrived < n + 1 and time.perf_counter() - start < 300:
            arrived = bound.queue_declare(passive=True).message_count
            time.sleep(0.05)
        published = time.perf_counter() - start
    return one, many, published, arrived - 1, out["status"]


@contextlib.contextmanager
def running_payment(url):
    """A payment service on ``url`` in a vhost of its own; yields (amqp, rpc)."""
    from nameko.containers import ServiceContainer
    from nameko.standalone.rpc import ClusterRpcProxy
    from payment.service import PaymentService
    amqp, own_vhost = vhost()
    data_dir = tempfile.mkdtemp(prefix="bench-payment-")
    container = ServiceContainer(PaymentService, {
        "AMQP_URI": amqp, "DATABASE_URL": url, "SKILLCERT_DATA_DIR": data_dir,
        "SKILLCERT_TODAY": testing.IN_WINDOW, "max_workers": 4})
    container.start()
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp}, timeout=300) as rpc:
            rpc.payment.health()
            yield amqp, rpc
    finally:
        container.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        if own_vhost:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", own_vhost],
                           capture_output=True)


def vhost():
    """A RabbitMQ vhost of its own (so a running suite's payment service does
    not answer), or the default one when rabbitmqctl is not usable."""
    base = os.environ.get("AMQP_URI", "pyamqp://guest:guest@localhost:5672/")
    if not shutil.which("rabbitmqctl") or os.geteuid() != 0:
        return base, None
    name = "skillcert_bench_" + uuid.uuid4().hex[:8]
    if subprocess.run(["rabbitmqctl", "-q", "add_vhost", name], capture_output=True).returncode:
        return base, None
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", name, "guest", ".*", ".*",
                    ".*"], capture_output=True)
    return base.rstrip("/") + "/" + name, name


def through_service(url, raw, subs):
    with running_payment(url) as (_, rpc):
        request = {"content_base64": testing.b64(raw), "filename": "bench.csv",
                   "actor": "bench"}
        first, out = timed(rpc.payment.import_statement, request)
        again, out2 = timed(rpc.payment.import_statement, request)
        report_s, report = timed(rpc.payment.reconciliation_report, testing.BATCH)
    return first, out, again, out2, report_s, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--db", default=None, help="database URL for the service run")
    parser.add_argument("--confirm", type=int, default=4000, metavar="N",
                        help="also time 确认收费 of one submission of N applications "
                             "(0: skip)")
    args = parser.parse_args()

    subs, raw = generate(args.lines)
    print(f"statement: {args.lines} lines, {len(raw) / 1024:.0f} KiB; "
          f"submissions: {len(subs)}")

    # baseline and pure matching (best of 3 each)
    parse_s = min(timed(lambda: statements.parse_statement(statements.decode_statement(raw)))[0]
                  for _ in range(3))
    parsed = statements.parse_statement(statements.decode_statement(raw))
    credits = [dict(c, id=n) for n, c in enumerate(parsed["credits"])]
    runs = [timed(matching.match, credits, subs) for _ in range(3)]
    match_s, result = min(runs, key=lambda r: r[0])
    print(f"baseline  parse CSV alone          {parse_s:8.3f} s   1.00x")
    print(f"domain    match (pure)             {match_s:8.3f} s   {match_s / parse_s:5.2f}x  "
          f"matched {len(result['matched'])}, ambiguous {len(result['ambiguous'])}, "
          f"unmatched {len(result['unmatched'])}")

    tmp = tempfile.mkdtemp(prefix="bench-payment-db-")
    url = args.db or f"sqlite:///{tmp}/payment.db"
    if args.db and make_url(url).drivername.startswith("postgresql"):
        from sqlalchemy import text
        admin = create_engine(make_url(url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()
    upgrade("payment", "payment", url=url)
    seed_s, n_items = timed(seed_database, url, subs)
    print(f"(setup: {len(subs)} submissions, {n_items} items seeded in {seed_s:.1f} s on "
          f"{make_url(url).get_backend_name()})")
    first, out, again, out2, report_s, report = through_service(url, raw, subs)
    rec = out["reconciliation"]
    print(f"service   import_statement (RPC)   {first:8.3f} s   {first / parse_s:5.2f}x  "
          f"imported {out['imported']}, matched {rec['matched']}, "
          f"ambiguous {rec['ambiguous']}, unmatched {rec['unmatched']}")
    print(f"service   same file again          {again:8.3f} s   {again / parse_s:5.2f}x  "
          f"duplicates {out2['duplicates']}, imported {out2['imported']}")
    print(f"service   reconciliation_report    {report_s:8.3f} s   {report_s / parse_s:5.2f}x  "
          f"matched {report['totals']['matched_credits']}, without credit "
          f"{report['totals']['submissions_without_credit']}")
    goal = "met" if first < 5 else "NOT met"
    print(f"goal: import + match of {args.lines} lines under 5 s: {goal} ({first:.2f} s)")
    if args.confirm:
        one, many, published, arrived, status = confirm_phase(url, args.confirm)
        print(f"baseline  confirm 1 application    {one:8.3f} s   1.00x")
        print(f"service   confirm {args.confirm:>5} at once     {many:8.3f} s   "
              f"{many / one:5.1f}x  ({many / one / args.confirm:.3f}x per application, {status})")
        print(f"service   ... its events on broker {published:8.3f} s   "
              f"{published / one:5.1f}x  ({arrived} of {args.confirm} payment_confirmed)")
        print(f"goal: 确认收费 of {args.confirm} inside the gateway's 10 s: "
              f"{'met' if many < 10 else 'NOT met'} ({many:.2f} s)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if rec["matched"] else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
