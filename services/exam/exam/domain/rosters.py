"""Rosters per batch and project (B1): "报名人数不足10人时，原则上不予组织考核". A
batch/project with fewer than 10 registrants (报名人数) is not held. The
registrants are registration's count (registrants_counted); the confirmed
candidates are registrants themselves, so n = max(registrants, confirmed)."""
from kernel.errors import Conflict, RuleViolation

MIN_CANDIDATES = 10
ROSTER_OPEN, ROSTER_HELD, ROSTER_CANCELLED = "open", "held", "cancelled"


def roster_due(batch, today):
    """The roster of a batch is decided once its payment window is over (P4)."""
    return today > batch["payment"]["end"] and today <= batch["exam_date"]


def headcount(confirmed, registrants=None):
    """B1's 报名人数: registration's count when known, never below the confirmed
    candidates (each of them is a registrant). Without a count: the confirmed."""
    return max(registrants or 0, confirmed)


def roster_decision(confirmed, override, registrants=None):
    """B1: held with at least 10 registrants, or when staff decided to hold it
    anyway (the notice says 原则上: as a rule); cancelled otherwise."""
    if headcount(confirmed, registrants) >= MIN_CANDIDATES or override:
        return ROSTER_HELD
    return ROSTER_CANCELLED


def cancellation_reason(confirmed, registrants=None):
    n = headcount(confirmed, registrants)
    return (f"报名人数 {n} (registrants {registrants if registrants is not None else 'unknown'}"
            f", confirmed {confirmed}), fewer than {MIN_CANDIDATES}: "
            f"报名人数不足{MIN_CANDIDATES}人时，原则上不予组织考核 (B1)")


def decide(confirmed, override, registrants=None):
    """B1's decision for one batch/project: (status, reason or None)."""
    status = roster_decision(confirmed, override, registrants)
    return status, (cancellation_reason(confirmed, registrants)
                    if status == ROSTER_CANCELLED else None)


def check_override(status):
    if status != ROSTER_OPEN:
        raise Conflict("ROSTER_DECIDED", f"the roster was already decided ({status}); an "
                       "override must come before the payment window closes", rule="B1",
                       field="project_code", details={"status": status})


def check_decided(statuses, payment_end):
    """B1: a batch is arranged once every roster of it is decided. ``statuses``:
    {project code: roster status}. Returns the held projects (seated)."""
    undecided = sorted(p for p, s in statuses.items() if s == ROSTER_OPEN)
    if undecided:
        raise RuleViolation("ROSTER_OPEN", "the rosters are decided after the payment "
                            f"window ({payment_end}); still open: "
                            + ", ".join(undecided), field="batch_code", rule="B1",
                            details={"projects": undecided})
    return [p for p, s in statuses.items() if s == ROSTER_HELD]
