"""The reconciliation report of a batch (K1): matched credits, underpayments
and overpayments, unmatched credits and submissions without a credit."""
from collections import defaultdict
from datetime import timedelta

UNMATCHED_CREDIT_MARGIN = timedelta(days=7)   # report: credits booked around the window


def reconciliation_report(batch, submissions, credits):
    """One batch's reconciliation.

    submissions: the batch's submissions that are pending or confirmed
    [{"id", "reference", "status", "payer_name", "amount_fen", "expected_fen",
      "credit_id", "applications"}]; credits: the credits matched to them plus
    the unmatched credits booked from a week before the payment window to a
    week after it [{"id", "bank_serial", "value_date", "amount_fen",
    "payer_name", "note", "status", "method", "candidates", "submissions"}].
    A credit's "submissions" are all it pays for (possibly in other batches)
    with their expected amounts: [{"id", "expected_fen"}].
    """
    by_credit = defaultdict(list)
    for s in submissions:
        if s["credit_id"] is not None:
            by_credit[s["credit_id"]].append(s)
    matched, unmatched, under, over = [], [], [], []
    for c in credits:
        if c["status"] != "matched":
            start, end = batch["payment"]
            if start - UNMATCHED_CREDIT_MARGIN <= c["value_date"] <= \
                    end + UNMATCHED_CREDIT_MARGIN:
                unmatched.append(_credit_view(c))
            continue
        if c["id"] not in by_credit:
            continue
        expected = sum(s["expected_fen"] for s in c["submissions"])
        entry = dict(_credit_view(c), submissions=[s["id"] for s in c["submissions"]],
                     expected_fen=expected, difference_fen=c["amount_fen"] - expected)
        matched.append(entry)
        if entry["difference_fen"] < 0:
            under.append(entry)
        elif entry["difference_fen"] > 0:
            over.append(entry)
    without = [{"id": s["id"], "status": s["status"], "payer_name": s["payer_name"],
                "amount_fen": s["amount_fen"], "expected_fen": s["expected_fen"],
                "reference": s["reference"], "applications": s["applications"]}
               for s in submissions if s["credit_id"] is None]
    return {
        "batch_code": batch["code"],
        "payment_window": [str(batch["payment"][0]), str(batch["payment"][1])],
        "matched": matched, "unmatched_credits": unmatched,
        "submissions_without_credit": without,
        "underpayments": under, "overpayments": over,
        "totals": {"submissions": len(submissions), "matched_credits": len(matched),
                   "unmatched_credits": len(unmatched),
                   "submissions_without_credit": len(without),
                   "expected_fen": sum(s["expected_fen"] for s in submissions),
                   "received_fen": sum(c["amount_fen"] for c in matched),
                   "underpaid_fen": -sum(e["difference_fen"] for e in under),
                   "overpaid_fen": sum(e["difference_fen"] for e in over)},
    }


def _credit_view(c):
    return {"bank_serial": c["bank_serial"], "value_date": str(c["value_date"]),
            "amount_fen": c["amount_fen"], "payer_name": c["payer_name"], "note": c["note"],
            "status": c["status"], "method": c.get("method"),
            "candidates": c.get("candidates") or []}
