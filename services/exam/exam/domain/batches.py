"""The batch catalogue: an exam plan's windows and its accepted ID documents (T2)."""
import json
from pathlib import Path

from kernel.errors import RuleViolation

WINDOWS = ("registration", "review", "payment", "ticket")
ID_DOCUMENTS = ("resident_id_card_2g", "social_security_card")
ID_DOCUMENT_NAMES = {"resident_id_card_2g": "第二代居民身份证",
                     "social_security_card": "社会保障卡"}
CALENDAR_FILE = Path(__file__).parent.parent / "data" / "batches.json"


def calendar_rows():
    """The 2024 and 2026 calendars of the notices, as batch dicts (wire format)."""
    rows = json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))
    out = []
    for row in rows:
        batch = {"code": row["code"], "year": row["year"], "seq": row["seq"],
                 "exam_date": row["exam_date"],
                 "re_review_working_days": row["re_review_working_days"],
                 "accepted_id_documents": row["accepted_id_documents"]}
        for window in WINDOWS:
            start, end = row[window]
            batch[window] = {"start": start, "end": end}
        out.append(batch)
    return out


def check_batch(batch):
    """``batch`` holds dates (not strings). Raises RuleViolation when the
    windows cannot work: a window that ends before it starts, windows out of
    order, or a window that is not over before the exam."""
    for window in WINDOWS:
        w = batch[window]
        if w["end"] < w["start"]:
            raise RuleViolation("BATCH_WINDOW_INVERTED",
                                f"the {window} window ends before it starts",
                                field=f"{window}.end", details={"window": window})
    starts = [batch[w]["start"] for w in WINDOWS]
    for earlier, later, a, b in zip(starts, starts[1:], WINDOWS, WINDOWS[1:]):
        if later < earlier:
            raise RuleViolation("BATCH_WINDOWS_OUT_OF_ORDER",
                                f"the {b} window starts before the {a} window",
                                field=f"{b}.start")
    for window in WINDOWS:
        if batch[window]["end"] >= batch["exam_date"]:
            raise RuleViolation("BATCH_WINDOW_AFTER_EXAM",
                                f"the {window} window must end before the exam date",
                                field=f"{window}.end")
    unknown = set(batch["accepted_id_documents"]) - set(ID_DOCUMENTS)
    if unknown or not batch["accepted_id_documents"]:
        raise RuleViolation("BATCH_ID_DOCUMENTS", "accepted ID documents must be a non-empty "
                            f"choice of {', '.join(ID_DOCUMENTS)}", field="accepted_id_documents",
                            rule="T2")
    return batch


def changed_fields(current, proposed):
    """Names of the fields whose values differ."""
    return sorted(k for k, v in proposed.items() if current.get(k) != v)
