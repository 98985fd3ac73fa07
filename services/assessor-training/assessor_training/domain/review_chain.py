"""The review chain (A1) and the one state machine of an application's status.

An application awaits its recommending unit's review, then the municipal
review, then the provincial center's (units of the province itself have no
municipal step); each step approves (the next step, or admitted after the
provincial one) or rejects, by its deadline; a step whose deadline passes with
the application still waiting lapses it (逾期不再受理). An admitted trainee who
sits the exam (A5) has passed or failed. Every write of ``Application.status``
goes through :func:`transition`."""
from enum import StrEnum

from kernel.errors import Conflict, Forbidden, RuleViolation

from assessor_training.domain.reference import regions
from assessor_training.vocabulary import PROVINCIAL, STEPS  # noqa: F401


class ApplicationStatus(StrEnum):
    AWAITING_UNIT = "awaiting_unit"
    AWAITING_MUNICIPAL = "awaiting_municipal"
    AWAITING_PROVINCIAL = "awaiting_provincial"
    ADMITTED = "admitted"          # approved by the provincial center: a trainee
    REJECTED = "rejected"          # by one step of the chain
    LAPSED = "lapsed"              # a step's deadline passed while it waited
    PASSED = "passed"              # the exam (A5)
    FAILED = "failed"


S = ApplicationStatus
AWAITING = {"unit": S.AWAITING_UNIT, "municipal": S.AWAITING_MUNICIPAL,
            PROVINCIAL: S.AWAITING_PROVINCIAL}
IN_REVIEW = tuple(AWAITING.values())
ADMITTED = S.ADMITTED
TRAINED = (S.ADMITTED, S.PASSED, S.FAILED)
TRANSITIONS = {
    None: {S.AWAITING_UNIT},                                    # submitted
    S.AWAITING_UNIT: {S.AWAITING_MUNICIPAL, S.AWAITING_PROVINCIAL, S.REJECTED, S.LAPSED},
    S.AWAITING_MUNICIPAL: {S.AWAITING_PROVINCIAL, S.REJECTED, S.LAPSED},
    S.AWAITING_PROVINCIAL: {S.ADMITTED, S.REJECTED, S.LAPSED},
    S.ADMITTED: {S.PASSED, S.FAILED},
    S.REJECTED: set(), S.LAPSED: set(), S.PASSED: set(), S.FAILED: set(),
}


def may(current, target):
    """Whether an application in ``current`` (None: not submitted yet) may go to ``target``."""
    current = None if current is None else ApplicationStatus(current)
    return ApplicationStatus(target) in TRANSITIONS[current]


def transition(current, target):
    """The status to store when an application in ``current`` goes to ``target``
    (a plain string for the column); refuses a move the machine does not have
    (A1 for the chain, A5 for the exam's outcome)."""
    if not may(current, target):
        rule = "A5" if target in (S.PASSED, S.FAILED) else "A1"
        raise Conflict("APPLICATION_STATUS_REFUSED", f"an application "
                       f"{current or 'not yet submitted'} cannot become {target}",
                       field="status", rule=rule,
                       details={"from": str(current or ""), "to": str(target)})
    return ApplicationStatus(target).value


def chain(region):
    """Units of the province itself (省属/省直, region 510000) are reviewed by the
    provincial center directly: no municipal step."""
    if regions().get(region, {}).get("provincial"):
        return ("unit", PROVINCIAL)
    return STEPS


def authority_for(step, app):
    return {"unit": app["unit_code"], "municipal": app["region"], PROVINCIAL: PROVINCIAL}[step]


def check_review(app, step, authority, decision, period, today):
    """A1: the step the application awaits, by its own authority, by its deadline.
    Returns the application's next status."""
    if app["status"] not in IN_REVIEW:
        raise Conflict("REVIEW_CLOSED", f"the application is {app['status']}: no review step "
                       "is open", field="application_id", rule="A1",
                       details={"status": app["status"]})
    steps = chain(app["region"])
    current = app["status"][len("awaiting_"):]
    if step not in steps:
        raise RuleViolation("STEP_NOT_IN_CHAIN", f"applications recommended by a "
                            f"provincial unit have no {step} step", field="step", rule="A1",
                            details={"chain": list(steps)})
    if step != current:
        done = steps.index(step) < steps.index(current)
        raise RuleViolation("REVIEW_OUT_OF_ORDER", f"the {step} step is "
                            f"{'done' if done else 'not due yet'}: the application awaits "
                            f"the {current} step", field="step", rule="A1",
                            details={"expected": current, "given": step})
    expected = authority_for(step, app)
    if authority != expected:
        raise Forbidden("WRONG_REVIEWER", f"the {step} step of this application is "
                        f"{expected}'s, not {authority}'s", field="authority", rule="A1",
                        details={"expected": expected})
    deadline = period["review_deadlines"][step]
    if today > deadline:
        raise RuleViolation("REVIEW_DEADLINE_PASSED", f"the {step} review closed on "
                            f"{deadline}; today is {today}", field="step", rule="A1",
                            details={"deadline": str(deadline), "today": str(today)})
    if decision == "reject":
        return ApplicationStatus.REJECTED
    following = steps[steps.index(step) + 1:]
    return AWAITING[following[0]] if following else ADMITTED


def lapsed_step(app, period, today):
    """The step whose deadline passed with the application still waiting on it
    (逾期不再受理), or None."""
    if app["status"] not in IN_REVIEW:
        return None
    step = app["status"][len("awaiting_"):]
    return step if today > period["review_deadlines"][step] else None
