"""Matching bank credits to payment submissions (K1): by payment reference,
then by amount and payer name; what is left open a person settles."""
from collections import defaultdict

from rapidfuzz import fuzz, process

from kernel.errors import Conflict, NotFound, RuleViolation

from payment.domain.payments import LAPSED, REJECTED, find_references
from payment.domain.wording import normalize

NAME_CUTOFF = 85          # rapidfuzz ratio (0-100) for "the same payer name"


def match(credits, submissions, cutoff=NAME_CUTOFF):
    """Match unmatched credits to open submissions (see ``_match_once``),
    again while a round settles something: a tie is gone once one side of it
    is taken, and only a tie that stays is left for a person."""
    matched = []
    while True:
        found = _match_once(credits, submissions, cutoff)
        matched.extend(found["matched"])
        if not found["matched"]:
            return {"matched": matched, "ambiguous": found["ambiguous"],
                    "unmatched": found["unmatched"]}
        done = {m["credit"] for m in found["matched"]}
        taken = {sid for m in found["matched"] for sid in m["submissions"]}
        credits = [c for c in credits if c["id"] not in done]
        submissions = [s for s in submissions if s["id"] not in taken]


def _match_once(credits, submissions, cutoff):
    """Match unmatched credits to open submissions (those without a credit).

    credits: [{"id", "amount_fen", "payer_name", "note"}], in booking order;
    submissions: [{"id", "reference", "amount_fen", "payer_name"}] (amount_fen
    is what the receipt says was transferred).
    1. A payment reference in the note: the open submissions with that
       reference; one of them with the credit's amount, or all of them when
       together they make the amount (one transfer for several submissions).
    2. Otherwise the amount and the payer name: among open submissions of the
       same amount, the payer names nearest the credit's (rapidfuzz ratio of
       the normalised names, at least ``cutoff``). A tie, or two credits
       wanting the same submission equally, is left for a person.
    Returns {"matched": [{"credit", "submissions", "method", "score"}],
             "ambiguous": [{"credit", "candidates", "reason"}], "unmatched": [ids]}.
    """
    taken = set()
    matched, ambiguous, unmatched = [], [], []
    by_reference = defaultdict(list)
    for s in submissions:
        if s.get("reference"):
            by_reference[s["reference"]].append(s)
    rest = []
    for c in credits:
        refs = find_references(c["note"])
        candidates = [s for r in dict.fromkeys(refs) for s in by_reference.get(r, ())
                      if s["id"] not in taken]
        if not candidates:
            rest.append(c)
            continue
        same = [s for s in candidates if s["amount_fen"] == c["amount_fen"]]
        if len(same) > 1:               # the payer's name may tell them apart
            payer = normalize(c["payer_name"])
            same = [s for s in same if normalize(s["payer_name"]) == payer] or same
        if len(same) == 1:
            chosen = same
        elif len(same) > 1:
            ambiguous.append({"credit": c["id"], "candidates": [s["id"] for s in same],
                              "reason": "several submissions with this reference and amount"})
            continue
        elif sum(s["amount_fen"] for s in candidates) == c["amount_fen"]:
            chosen = candidates
        else:
            rest.append(c)
            continue
        taken.update(s["id"] for s in chosen)
        matched.append({"credit": c["id"], "submissions": [s["id"] for s in chosen],
                        "method": "reference", "score": 100})

    # 2. amount + payer name, decided for all remaining credits at once
    found = _match_by_name(rest, [s for s in submissions if s["id"] not in taken], cutoff)
    return {"matched": matched + found["matched"], "ambiguous": ambiguous + found["ambiguous"],
            "unmatched": unmatched + found["unmatched"]}


def _match_by_name(credits, submissions, cutoff):
    """One round of step 2 of ``match`` over open submissions."""
    matched, ambiguous, unmatched = [], [], []
    buckets = defaultdict(lambda: defaultdict(list))    # amount -> name -> submissions
    for s in submissions:
        buckets[s["amount_fen"]][normalize(s["payer_name"])].append(s["id"])
    choices = {amount: list(names) for amount, names in buckets.items()}
    proposals = {}                                   # credit id -> (submission id, score)
    for c in credits:
        names = buckets.get(c["amount_fen"])
        if not names:
            unmatched.append(c["id"])
            continue
        name = normalize(c["payer_name"])
        if name in names:                          # the same name: no need to guess
            best = [(name, 100.0)]
        else:
            best = [(n, score) for n, score, _ in process.extract(
                name, choices[c["amount_fen"]], scorer=fuzz.ratio, score_cutoff=cutoff,
                limit=2)]
        if not best:
            unmatched.append(c["id"])
            continue
        top_name, top = best[0]
        tied = list(names[top_name])
        if len(best) > 1 and best[1][1] == top:
            tied += names[best[1][0]]
        if len(tied) > 1:
            ambiguous.append({"credit": c["id"], "candidates": tied,
                              "reason": "payer name and amount fit several submissions"})
            continue
        proposals[c["id"]] = (tied[0], top)
    wanted = defaultdict(list)
    for credit_id, (sub, score) in proposals.items():
        wanted[sub].append((score, credit_id))
    for sub, bids in wanted.items():
        bids.sort(key=lambda b: -b[0])
        if len(bids) > 1 and bids[0][0] == bids[1][0]:
            for _score, credit_id in bids:
                ambiguous.append({"credit": credit_id, "candidates": [sub],
                                  "reason": "several credits fit this submission equally"})
            continue
        matched.append({"credit": bids[0][1], "submissions": [sub], "method": "name",
                        "score": round(bids[0][0], 1)})
        unmatched.extend(credit_id for _score, credit_id in bids[1:])
    return {"matched": matched, "ambiguous": ambiguous, "unmatched": unmatched}


def check_credit_found(credit, bank_serial):
    """K1: a person matches a credit the statement brought (``credit``: its row, or None)."""
    if credit is None:
        raise NotFound("CREDIT_NOT_FOUND", f"no credit with bank serial {bank_serial}",
                       field="bank_serial", rule="K1")
    return credit


def check_manual_match(credit, submissions):
    """A person settles what matching left open: the credit is not matched yet,
    the submissions have no credit and are not rejected."""
    if credit["status"] == "matched":
        raise Conflict("CREDIT_MATCHED", f"credit {credit['bank_serial']} is already matched",
                       field="bank_serial", rule="K1")
    for s in submissions:
        if s["credit_id"] is not None:
            raise Conflict("SUBMISSION_MATCHED", f"submission {s['id']} already has a bank "
                           "credit", field="submission_ids", rule="K1")
        if s["status"] in (REJECTED, LAPSED):
            raise RuleViolation("SUBMISSION_CLOSED", f"submission {s['id']} is {s['status']}",
                                field="submission_ids", rule="K1")
