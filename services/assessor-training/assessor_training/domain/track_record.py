"""Units' track record (A7): the rejected share of their recommendations, and
the places they keep."""
from kernel.errors import Forbidden, RuleViolation


def standing(rejected, decided, policy):
    """A7: a unit's rejected share of its decided recommendations, and what it
    means: good, flagged (loses places) or barred (recommends no one)."""
    share = rejected / decided if decided else 0.0
    if decided < policy.min_decided:
        verdict = "good"
    elif share > policy.bar_share:
        verdict = "barred"
    elif share > policy.flag_share:
        verdict = "flagged"
    else:
        verdict = "good"
    return {"rejected": rejected, "decided": decided, "rejected_share": round(share, 4),
            "standing": verdict}


def places(base, verdict, policy):
    """A7: the recommendations a unit may make in a period."""
    if verdict == "barred":
        return 0
    if verdict == "flagged":
        return int(base * policy.flagged_places_share)
    return base


def check_not_barred(unit, record):
    if record["standing"] == "barred":
        raise Forbidden("UNIT_BARRED", f"{unit['name']} may not recommend applicants: "
                        f"{record['rejected']} of its {record['decided']} decided "
                        "recommendations were rejected", field="unit.code", rule="A7",
                        details=record)


def check_places(unit, used, allowed, record):
    if used >= allowed:
        raise RuleViolation("UNIT_PLACES_EXHAUSTED", f"{unit['name']} has used its {allowed} "
                            "places in this period", field="application_id", rule="A7",
                            details=dict(record, places=allowed, used=used))
