"""POST /review/decisions (V2) through the gateway, the whole suite behind it: the
gateway sends a sitting to review DECISIONS_PER_CALL at a time (one call of
1,000 outran the RPC timeout at N=10,000, docs/performance.md), and the parts
answer as one call: every item its own outcome, numbered in the request's
order, and a repeated request with its key replays every part."""
from kernel.testing import wait_until

from gateway.handlers import common, flows

from .conftest import INSTITUTION, institution_item


def test_part_keys_stay_distinct_and_within_the_services_length():
    assert common.part_key("bulk-0001", 3) == "bulk-0001:3"
    long = "k" * common.KEY_LENGTH
    keys = {common.part_key(long, n) for n in range(1200)}
    assert len(keys) == 1200
    assert all(len(k) <= common.KEY_LENGTH for k in keys)
    # before: f"{key}:{index}"[:100] gave every part of a 99-character key one key
    assert common.part_key("k" * 96, 100) != common.part_key("k" * 96, 1000)


def test_V2_a_sitting_is_decided_in_parts_that_answer_as_one_call(suite_gateway, accounts,
                                                                    upload, rpc, monkeypatch):
    monkeypatch.setattr(flows, "DECISIONS_PER_CALL", 2)
    calls = []
    real = common.part_key
    monkeypatch.setattr(flows, "part_key", lambda key, n: calls.append(n) or real(key, n))
    operator = accounts("institution_operator")
    materials = upload(operator)
    r = operator.post(f"/institutions/{INSTITUTION}/applications",
                      {"applications": [institution_item(materials, seq) for seq in range(31, 36)],
                       "idempotency_key": "bulk-review-1"})
    assert r.status_code == 200 and r.json()["ok"] == 5, r.text
    ids = [x["application_id"] for x in r.json()["results"]]
    assert wait_until(lambda: rpc.review.list_pending(limit=1)["total"] == 5, timeout=20)
    reviewer = accounts("reviewer")
    decisions = [{"application_id": i, "decision": "approve", "reason": "材料齐全"}
                 for i in ids[:3]]
    decisions.insert(1, {"application_id": "no-such-application", "decision": "approve",
                         "reason": "材料齐全"})
    decisions += [{"application_id": i, "decision": "approve", "reason": "材料齐全"}
                  for i in ids[3:]]
    body = {"decisions": decisions, "idempotency_key": "sitting-0001"}
    out = reviewer.post("/review/decisions", body)
    assert out.status_code == 200, out.text
    out = out.json()
    assert calls == [0, 1, 2]                       # 6 items, 2 a call
    assert (out["ok"], out["failed"]) == (5, 1)
    assert [x["index"] for x in out["results"]] == list(range(6))
    assert [x["application_id"] for x in out["results"]] == [d["application_id"]
                                                             for d in decisions]
    assert out["results"][1]["ok"] is False
    assert out["results"][1]["error"]["code"] == "APPLICATION_NOT_FOUND"
    assert all(x["status"] == "approved" for x in out["results"] if x["ok"])
    # the same request again: every part replayed, nothing decided twice
    again = reviewer.post("/review/decisions", body).json()
    assert again == out
    # without a key, a second sitting finds them decided: each its own refusal
    fresh = reviewer.post("/review/decisions", {"decisions": decisions[:2]}).json()
    assert (fresh["ok"], fresh["failed"]) == (0, 2)
    assert rpc.review.list_pending(limit=1)["total"] == 0
