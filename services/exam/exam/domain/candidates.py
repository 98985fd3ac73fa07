"""A candidate on a roster: the one state machine of their status.

A candidate comes from payment's ``payment_confirmed`` (confirmed: on the
roster of their batch and project). From there they leave the roster once:
``abandoned`` (payment's P4 told us so) or ``cancelled`` (the batch/project was
cancelled, B1). A confirmation is payment's fact and the latest one wins: it
puts a candidate (back) on the roster, or straight to cancelled when that
roster was already cancelled; a cancelled candidate stays cancelled. Every
write of ``Candidate.status`` goes through :func:`transition`."""
from enum import StrEnum

from kernel.errors import Conflict

RULE = "CS1"         # project-local rule ID: see docs/architecture.md


class CandidateStatus(StrEnum):
    CONFIRMED = "confirmed"     # paid and confirmed: on the roster (B2 locks the application)
    ABANDONED = "abandoned"     # off the roster: no confirmed payment in the window (P4)
    CANCELLED = "cancelled"     # off the roster: the batch/project was cancelled (B1)


C, A, X = CandidateStatus.CONFIRMED, CandidateStatus.ABANDONED, CandidateStatus.CANCELLED
TRANSITIONS = {
    None: {C, X},               # the first confirmation (cancelled at once after B1)
    C: {C, A, X},               # a repeated confirmation refreshes the details
    A: {C, X},                  # payment's later confirmation wins
    X: {X},                     # a confirmation after the cancellation changes nothing
}


def may(current, target):
    """Whether a candidate in ``current`` (None: not on any roster yet) may go to ``target``."""
    current = None if current is None else CandidateStatus(current)
    return CandidateStatus(target) in TRANSITIONS[current]


def transition(current, target):
    """The status to store when a candidate in ``current`` goes to ``target``
    (a plain string for the column); refuses a move the machine does not have."""
    if not may(current, target):
        raise Conflict("CANDIDATE_STATUS_REFUSED", f"a candidate {current or 'not on a roster'}"
                       f" cannot become {target}", field="status", rule=RULE,
                       details={"from": str(current or ""), "to": str(target)})
    return CandidateStatus(target).value


def on_confirmation(roster_cancelled):
    """Where a payment confirmation puts the candidate: on the roster, or
    cancelled at once when their batch/project was cancelled (B1)."""
    return CandidateStatus.CANCELLED if roster_cancelled else CandidateStatus.CONFIRMED
