"""Rules of review. Pure: no broker, no database, no clock (``today`` is passed in).

Rule IDs are DOMAIN.md's:
- V1 institution applications arrive with the institution's first review; the
  center re-reviews them within the batch's re-review limit in working days
  (5 in 2024, 10 in 2026) from the day they reached it. Individual
  applications are reviewed by the center inside the batch's review window.
- V2 approved; rejected (final); returned for modification, to be resubmitted
  inside the review window, else no longer accepted.
"""
import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from kernel import workdays
from kernel.errors import (CalendarUnavailable, Conflict, Forbidden, NotFound, RuleViolation,
                           ValidationFailed)

from review.vocabulary import (CENTER_REVIEW, DECISIONS, RE_REVIEW, ROLES,  # noqa: F401
                               STAGES)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# review's view of an application
PENDING = "pending"                # an open task waits for a decision
STATUSES = ("pending", "approved", "rejected", "returned", "withdrawn", "not_accepted",
            "cancelled")

# what a candidate can correct after a return (registration's resubmit_application)
FIXABLE_FIELDS = (
    "person", "person.name", "person.education", "person.major", "person.occupation",
    "person.phone", "person.work_unit",
    "claim", "claim.alternative", "claim.computer_skills", "claim.current_graduate",
    "claim.skills",
    "materials", "materials.photo", "materials.education_proof_kind",
    "materials.application_form", "materials.integrity_pledge", "materials.education_proof",
    "materials.id_card_front", "materials.id_card_back",
)

NOT_ACCEPTED_REASON = "not resubmitted by the end of the review window (V2)"


def stage_for(channel):
    return RE_REVIEW if channel == "institution" else CENTER_REVIEW


def received_on(submitted_at):
    """The local (Asia/Shanghai) date an application reached the center."""
    if isinstance(submitted_at, str):
        submitted_at = datetime.fromisoformat(submitted_at)
    return submitted_at.astimezone(SHANGHAI).date()


def due_on(channel, received, batch):
    """V1: the last day the center's decision is due, or None when it cannot be
    known yet (batch not received, or the working-day calendar of that year is
    not published yet: filled in later)."""
    if batch is None:
        return None
    if channel == "institution":
        try:
            return workdays.add_workdays(received, batch["re_review_working_days"])
        except CalendarUnavailable:
            return None
    return batch["review"][1]


def due_pending_year(channel, received, batch):
    """V1: the year whose working-day calendar an institution application's due
    date waits for (nobody loaded it yet: kernel.calendar), or None."""
    if batch is None or channel != "institution":
        return None
    return workdays.or_pending(workdays.add_workdays, received,
                               batch["re_review_working_days"])[1]


def is_overdue(due, today):
    return due is not None and today > due


def check_reviewer(reviewer, application, decision=None):
    """An institution's reviewer acts only on that institution's candidates, and
    only to send one back for correction: its first review came with the
    application, and approving or rejecting is the center's re-review (V1)."""
    if reviewer["role"] != "institution":
        return
    if reviewer["institution_code"] != application["institution_code"]:
        raise Forbidden("INSTITUTION_SCOPE", "a reviewer of an institution may only decide "
                        "on that institution's own candidates", field="reviewer",
                        rule="V1", details={"reviewer_institution": reviewer["institution_code"]})
    if decision in ("approve", "reject"):
        raise Forbidden("CENTER_DECISION_ONLY", "an institution's first review comes with the "
                        "application; approving or rejecting is the center's re-review",
                        field="decision", rule="V1")


def check_decision(decision, reason, fields_to_fix):
    """V2: a rejection and a return say why; a return says what to fix."""
    if decision in ("reject", "return") and not (reason or "").strip():
        raise ValidationFailed("REASON_REQUIRED", f"a decision to {decision} must give the "
                               "reason the candidate will see", field="reason", rule="V2")
    if decision == "return":
        if not fields_to_fix:
            raise ValidationFailed("FIELDS_TO_FIX_REQUIRED", "a return for modification must "
                                   "name the fields the candidate has to correct",
                                   field="fields_to_fix", rule="V2")
        unknown = [f for f in fields_to_fix if f not in FIXABLE_FIELDS]
        if unknown:
            raise ValidationFailed("FIELDS_TO_FIX_UNKNOWN", f"not fields a candidate can "
                                   f"correct: {', '.join(unknown)}", field="fields_to_fix",
                                   rule="V2", details={"unknown": unknown,
                                                       "allowed": list(FIXABLE_FIELDS)})
    elif fields_to_fix:
        raise ValidationFailed("FIELDS_TO_FIX_UNEXPECTED", "only a return for modification "
                               "names fields to fix", field="fields_to_fix", rule="V2")


def check_open(application):
    """A decision needs an open task: not withdrawn, not closed, not decided."""
    status = application["status"]
    if status == PENDING:
        return
    if status == "withdrawn":
        raise Conflict("APPLICATION_WITHDRAWN", "the candidate withdrew this application; "
                       "there is nothing to decide", field="application_id",
                       details={"status": status})
    if status in ("not_accepted", "cancelled"):
        raise Conflict("APPLICATION_CLOSED", f"this application is closed ({status})",
                       field="application_id", rule="V2" if status == "not_accepted" else "B1",
                       details={"status": status})
    raise Conflict("ALREADY_DECIDED", f"this application was already decided: {status}"
                   + (" (waiting for the candidate's correction)" if status == "returned"
                      else ""), field="application_id", rule="V2",
                   details={"status": status, "decision": application.get("last_decision")})


def decision_window(channel, batch, due):
    """(first day, last day) a decision may be taken.

    Individual (V1): the batch's review window. Institution (V1): from the day
    it reached the center (no earlier bound: it is always on or after that
    day) to the end of the review window or its re-review due date, whichever
    is later (a late re-review is overdue, not void)."""
    start, end = batch["review"]
    if channel == "institution":
        return None, max(end, due) if due is not None else end
    return start, end


def check_in_window(channel, batch, due, today):
    if batch is None:
        raise NotFound("BATCH_NOT_FOUND", "review has no copy of this application's batch yet "
                       "(run sync_batches)", field="application_id")
    if batch["status"] == "cancelled":
        raise RuleViolation("BATCH_CANCELLED", f"batch {batch['code']} was cancelled",
                            field="application_id", rule="B1")
    start, end = decision_window(channel, batch, due)
    if start is not None and today < start:
        raise RuleViolation("REVIEW_NOT_OPEN", f"the review of batch {batch['code']} opens on "
                            f"{start}; today is {today}", field="application_id", rule="V1",
                            details={"window": [str(start), str(end)], "today": str(today)})
    if today > end:
        raise RuleViolation("REVIEW_WINDOW_CLOSED", f"decisions on this application were due "
                            f"by {end}; today is {today}", field="application_id", rule="V1",
                            details={"window": [str(start) if start else None, str(end)],
                                     "today": str(today)})


def check_can_decide(application, batch, due, reviewer, today, decision=None):
    """Everything a decision needs, in the order the reviewer should hear it."""
    check_reviewer(reviewer, application, decision)
    check_open(application)
    check_in_window(application["channel"], batch, due, today)


RESUBMISSION_STILL_WRONG = ("the correction is not right: 未在规定时间内提交修改或者修改不正确的，"
                            "不再受理个人报名 (V2)")


def decision_outcome(decision, channel, round):
    """The status a decision gives (V2). An individual application's correction
    that is still wrong ends it: "未在规定时间内提交修改或者修改不正确的，不再受理
    个人报名". A return of a resubmitted (round > 1) individual application is
    therefore not another round but not_accepted, final. An institution's
    candidate may be returned again (the sentence is the individual channel's)."""
    status = DECISIONS[decision]
    if status == "returned" and channel == "individual" and round > 1:
        return "not_accepted"
    return status


def closes_as_not_accepted(status, batch, today):
    """V2: returned and still not resubmitted once the review window has ended."""
    return status == "returned" and batch is not None and today > batch["review"][1]


# what registration's events do to review's view of an application
def on_resubmitted(status):
    """True when a resubmission opens a new round: after a return, or after the
    window closed it if registration still accepted the correction (it checks the
    window itself and is the authority on that)."""
    return status in ("returned", "not_accepted")


def on_withdrawn(status):
    """The new status, or None when there is nothing to withdraw."""
    return "withdrawn" if status in ("pending", "returned", "approved") else None


def workdays_left(due, today):
    """Working days from today to the due date, the due date counted (0: due
    today; None when it is past, not known, or the calendar does not cover it):
    the countdown a reviewer sees (V1)."""
    if due is None or today > due:
        return None
    try:
        return workdays.workdays_between(today, due)
    except CalendarUnavailable:
        return None


def overdue_by(due, today):
    """Working days past the due date (None if the calendar does not cover it)."""
    if not is_overdue(due, today):
        return 0
    try:
        return workdays.workdays_between(due, today)
    except CalendarUnavailable:
        return None


# --- R4: falsified material, recorded against the person -------------------------

# what the year's notice calls it (四(二)2): 2024 "对于弄虚作假的，一经查实将认定为不诚信
# 行为，按有关规定处理"; 2026 "对于弄虚作假的，一经查实，按有关规定处理" (no 不诚信行为)
DISHONESTY_KINDS = {2024: "dishonest_conduct",        # 不诚信行为
                    2026: "falsified_material"}       # 弄虚作假（按有关规定处理）
PERSON_KEY_PREFIX = "skillcert-person:"


def person_key(id_number):
    """The key a person's records are kept and found under: a SHA-256 of the
    ID number (upper case, trimmed), never the number (logs, record keys)."""
    number = str(id_number or "").strip().upper()
    return hashlib.sha256((PERSON_KEY_PREFIX + number).encode("utf-8")).hexdigest()


def dishonesty_kind(year):
    """R4: the latest notice's wording of that year or before."""
    known = [y for y in DISHONESTY_KINDS if y <= int(year)]
    return DISHONESTY_KINDS[max(known) if known else min(DISHONESTY_KINDS)]


def check_can_record_dishonesty(reviewer, batch):
    """R4: the center finds it (一经查实): a reviewer acting for an institution does
    not record it against a person (it rejects or returns, and tells the center)."""
    if reviewer["role"] != "center":
        raise Forbidden("DISHONESTY_CENTER_ONLY", "falsified material is recorded against "
                        "the person by the center's reviewers", field="reviewer", rule="R4")
    if batch is None:
        raise NotFound("BATCH_NOT_FOUND", "review has no copy of this application's batch yet "
                       "(run sync_batches)", field="application_id")
