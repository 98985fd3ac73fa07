"""Sample data for the exam service's tests, the end-to-end test and the
benchmark: the upstream services' event payloads (the brief's contracts),
rooms, cards and score sheets. Nothing in the service imports it.

Dates are batch 2026-12 of the 2026 calendar: payment window 11-16 to 11-18,
ticket window 11-30 to 12-04, exam on Saturday 12-05, results published from
12-11 (5 working days after) to 12-17 (5 working days).
"""
import csv
import io
import random
import uuid
from datetime import date

from kernel.testing import sample_id_number

BATCH = "2026-12"
PROJECT = "bigdata-platform-setup"
OTHER_PROJECT = "business-data-analysis"
AFTER_PAYMENT = "2026-11-19"        # the rosters are decided (B1)
TICKET_DAY = "2026-11-30"           # first day of the ticket window (T1)
EXAM_DAY = "2026-12-05"
PUBLICATION_DAY = "2026-12-11"      # first day of publication (T5)
PUBLICATION_LAST_DAY = "2026-12-17"
AFTER_PUBLICATION = "2026-12-18"

NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def batch_2026_12():
    """Batch 2026-12 as the pure rules take it (dates as dates), for unit tests."""
    d = date.fromisoformat
    return {"code": BATCH, "year": 2026, "seq": 10, "exam_date": d(EXAM_DAY),
            "registration": {"start": d("2026-10-26"), "end": d("2026-11-02")},
            "review": {"start": d("2026-11-02"), "end": d("2026-11-13")},
            "payment": {"start": d("2026-11-16"), "end": d("2026-11-18")},
            "ticket": {"start": d(TICKET_DAY), "end": d("2026-12-04")},
            "re_review_working_days": 10, "accepted_id_documents": ["resident_id_card_2g"]}


def exam_starter(container_factory, service_config, db_url):
    """start(today, **config) -> a running exam container on ``db_url``; the
    previous one stops first (a restart on another date or with other settings,
    the same database)."""
    running = []

    def start(today=AFTER_PAYMENT, **config):
        from exam.service import ExamService
        while running:
            running.pop().stop()
        container = container_factory(ExamService, service_config(
            db_url, SKILLCERT_TODAY=today, **config))
        container.start()
        running.append(container)
        return container
    return start


def person(n):
    """A distinct (name, ID number) for candidate ``n``."""
    return NAMES[n % len(NAMES)] + "小" + "一二三四五六七八九十"[n // len(NAMES) % 10], \
        sample_id_number("19900101", seq=n + 1)


def confirmed(n, project=PROJECT, institution_code=None, batch=BATCH, application_id=None):
    """payment.payment_confirmed's payload for candidate ``n``."""
    name, id_number = person(n)
    return {"application_id": application_id or str(uuid.uuid4()), "batch_code": batch,
            "project_code": project, "institution_code": institution_code,
            "id_number": id_number, "name": name, "amount_fen": 20000,
            "submission_id": str(uuid.uuid4()), "confirmed_at": "2026-11-17T02:00:00+00:00",
            "actor": "财务A"}


def submitted(confirmation, photo, work_unit="成都某科技有限公司"):
    """registration.application_submitted's payload matching a confirmation."""
    channel = "institution" if confirmation["institution_code"] else "individual"
    return {"application_id": confirmation["application_id"],
            "batch_code": confirmation["batch_code"],
            "project_code": confirmation["project_code"], "channel": channel,
            "institution_code": confirmation["institution_code"],
            "id_number": confirmation["id_number"], "name": confirmation["name"],
            "sex": "M", "birth_date": "1990-01-01",
            "person": {"education": "high_school", "major": None, "occupation": None,
                       "phone": "13800138000", "work_unit": work_unit},
            "claim": {}, "precheck": {}, "first_review": None, "photo": photo,
            "materials": {}, "submitted_at": "2026-11-01T02:00:00+00:00"}


def card(n, projects=(PROJECT,), unit=None, valid_from="2025-06-01",
         valid_until="2028-05-31", reason=None):
    """assessor_training.card_issued/expired/revoked's payload for assessor ``n``."""
    out = {"card_number": f"KPY2025{n:05d}", "id_number": sample_id_number("19800101", seq=n),
           "name": f"考评员{n}", "unit": unit or f"第{n}考评单位", "projects": list(projects),
           "valid_from": valid_from, "valid_until": valid_until}
    if reason:
        out["reason"] = reason
    return out


def room(code, seats=20, spacing="all", name=None, location="成都市青羊区鉴定考点3楼"):
    return {"code": code, "name": name or f"第{code}考场", "location": location,
            "seats": [f"{n:02d}" for n in range(1, seats + 1)], "spacing": {"rule": spacing}}


def practical_assessment(project=PROJECT, combination="mean", computer_weight="1/2"):
    """EXAM_PROJECT_ASSESSMENT for a project with an on-site practical part (T4)."""
    return {project: {"practical_part": True, "practical_combination": combination,
                      "computer_weight": computer_weight}}


def score_csv(rows, header=("ticket_number", "id_number", "name", "score")):
    """rows: (ticket_number, id_number, name, score) tuples."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def synthetic_candidates(n, projects=22, institutions=40, seed=7):
    """``n`` candidates over ``projects`` projects and ``institutions``
    institutions (a fifth individual), for the arrangement benchmark."""
    rnd = random.Random(seed)
    return [{"application_id": f"{i:08d}-0000-4000-8000-{rnd.randrange(16**12):012x}",
             "project_code": f"project-{rnd.randrange(projects):02d}",
             "institution_code": None if rnd.random() < 0.2
             else f"inst-{rnd.randrange(institutions):02d}"} for i in range(n)]
