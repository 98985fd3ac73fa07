"""Rosters per batch and project (B1): a batch/project with fewer than 10
confirmed candidates is not held."""
from kernel.errors import Conflict, RuleViolation

MIN_CANDIDATES = 10
ROSTER_OPEN, ROSTER_HELD, ROSTER_CANCELLED = "open", "held", "cancelled"


def roster_due(batch, today):
    """The roster of a batch is decided once its payment window is over (P4)."""
    return today > batch["payment"]["end"] and today <= batch["exam_date"]


def roster_decision(confirmed, override):
    """B1: held with at least 10 confirmed candidates, or when staff decided to
    hold it anyway (the notice says 原则上: as a rule); cancelled otherwise."""
    if confirmed >= MIN_CANDIDATES or override:
        return ROSTER_HELD
    return ROSTER_CANCELLED


def cancellation_reason(confirmed):
    return (f"fewer than {MIN_CANDIDATES} confirmed candidates ({confirmed}): "
            f"不足{MIN_CANDIDATES}人原则上不予组织考核 (B1)")


def decide(confirmed, override):
    """B1's decision for one batch/project: (status, reason or None)."""
    status = roster_decision(confirmed, override)
    return status, cancellation_reason(confirmed) if status == ROSTER_CANCELLED else None


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
