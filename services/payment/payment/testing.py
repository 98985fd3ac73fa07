"""Helpers for tests, demos and the benchmark that play payment's neighbours:
the exam service's batch, the review service's approval, a payer's receipt,
the bank's statement. (Used by services/payment/tests, tests/e2e and
benchmarks/bench_payment.py; nothing in the service imports it.)"""
import base64
import csv
import io
import uuid

from payment.domain import fee_schedule

BATCH = "2026-12"
# batch 2026-12 of the 2026 calendar (001 附件2) as exam.batch_scheduled carries it
BATCH_2026_12 = {
    "code": BATCH, "year": 2026, "seq": 11,
    "registration": {"start": "2026-10-26", "end": "2026-11-02"},
    "review": {"start": "2026-11-02", "end": "2026-11-13"},
    "payment": {"start": "2026-11-16", "end": "2026-11-18"},
    "ticket": {"start": "2026-11-30", "end": "2026-12-04"},
    "exam_date": "2026-12-05", "re_review_working_days": 10,
    "accepted_id_documents": ["resident_id_card_2g"], "status": "scheduled", "version": 1,
}
# batch 2024-12 of the 2024 calendar (000 附件): a 2024 batch (000 五: 三联单)
BATCH_2024 = "2024-12"
BATCH_2024_12 = dict(
    BATCH_2026_12, code=BATCH_2024, year=2024,
    registration={"start": "2024-10-28", "end": "2024-11-01"},
    review={"start": "2024-11-04", "end": "2024-11-15"},
    payment={"start": "2024-11-18", "end": "2024-11-20"},
    ticket={"start": "2024-12-02", "end": "2024-12-06"}, exam_date="2024-12-07",
    re_review_working_days=5, accepted_id_documents=["resident_id_card_2g",
                                                     "social_security_card"])
IN_WINDOW_2024 = "2024-11-18"   # first day of 2024-12's payment window
IN_WINDOW = "2026-11-16"        # first day of 2026-12's payment window
AFTER_WINDOW = "2026-11-19"     # the day after it closed
PROJECT = "bigdata-platform-setup"
PROJECT_NAME = "大数据运行平台搭建"


def center():
    return fee_schedule.default_center()


def approved_payload(id_number, name="张三", channel="individual", institution_code=None,
                     project=PROJECT, batch=BATCH, application_id=None):
    """review.application_approved's payload (the brief's event contract)."""
    return {"application_id": application_id or str(uuid.uuid4()), "batch_code": batch,
            "project_code": project, "channel": channel,
            "institution_code": institution_code if channel == "institution" else None,
            "id_number": id_number, "name": name, "actor": "复审员A", "reason": None,
            "decided_at": "2026-11-10T02:00:00+00:00"}


def receipt(file_hash, amount_fen, payer_name, **overrides):
    """P3: what a receipt to the center shows."""
    out = {"file": file_hash, "payee_name": center()["payee_name"],
           "payee_account": center()["payee_accounts"][0], "payer_name": payer_name,
           "amount_fen": amount_fen, "transfer_date": "2026-11-16"}
    out.update(overrides)
    return out


def sample_pdf(pages=1):
    """A real, small PDF (a scanned-looking receipt)."""
    import time

    from PIL import Image
    buf = io.BytesIO()
    images = [Image.new("RGB", (200, 120), (240, 240, 240 - n)) for n in range(pages)]
    fixed = time.strptime("2026-11-16 09:00", "%Y-%m-%d %H:%M")   # the same bytes every time
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], creationDate=fixed,
                   modDate=fixed)
    return buf.getvalue()


def b64(data):
    return base64.b64encode(data).decode()


STATEMENT_HEADER = ["bank_serial", "value_date", "amount", "direction", "payer_name",
                    "payer_account", "note"]


def statement_csv(rows, header=STATEMENT_HEADER):
    """rows: lists in the header's order (amounts in yuan, as the bank writes them)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
