"""Rules of registration. Pure: no broker, no database, no clock (``today`` is passed in).

Rule IDs are DOMAIN.md's (R1-R3, V2, B2, P4, B1); project-local ones for rules
the digest states without an ID: I1 (an institution registers only for the
projects it is authorised for, with its first review recorded), M1/M2 (file
checks, kernel.files).
"""
import json
from functools import lru_cache
from pathlib import Path

from kernel import idnumber, projects
from kernel.errors import Conflict, Forbidden, RuleViolation

from registration.vocabulary import EDUCATION_LEVELS, EDUCATION_PROOF_KINDS  # noqa: F401

DATA = Path(__file__).parent / "data"

SCANS = ("application_form", "integrity_pledge", "education_proof", "id_card_front",
         "id_card_back")
MIN_AGE = 16

# Application statuses. "submitted" covers a resubmission after a return too.
OPEN = ("submitted", "returned")
WITHDRAWABLE = ("submitted", "returned", "approved")
FINAL = ("rejected", "withdrawn", "not_accepted", "abandoned", "cancelled", "failed",
         "certified", "certificate_revoked")


@lru_cache(maxsize=None)
def conditions():
    return {c["id"]: c for c in json.loads((DATA / "conditions.json").read_text("utf-8"))}


@lru_cache(maxsize=None)
def catalogue_projects():
    """The project catalogue (kernel.projects, the one copy)."""
    return projects.catalogue()


@lru_cache(maxsize=None)
def catalogue_institutions():
    return json.loads((DATA / "institutions.json").read_text("utf-8"))


# --- windows ---------------------------------------------------------------

def in_window(window, today):
    return window[0] <= today <= window[1]


def check_registration_open(batch, today):
    """R1: registration only inside the batch's registration window."""
    if batch["status"] == "cancelled":
        raise RuleViolation("BATCH_CANCELLED", f"batch {batch['code']} was cancelled",
                            field="batch_code", rule="B1")
    window = batch["registration"]
    if not in_window(window, today):
        raise RuleViolation(
            "REGISTRATION_WINDOW_CLOSED",
            f"registration for batch {batch['code']} is open from {window[0]} to {window[1]}; "
            f"today is {today}", field="batch_code", rule="R1",
            details={"window": [str(window[0]), str(window[1])], "today": str(today)})


# --- the person ------------------------------------------------------------

def check_person(id_number, exam_date):
    """R2: a valid resident ID; age at the exam date at least 16. Returns ResidentId."""
    rid = idnumber.parse(id_number)
    age = idnumber.age_on(rid.birth_date, exam_date)
    if age < MIN_AGE:
        raise RuleViolation("UNDER_AGE", f"the candidate is {age} on the exam date "
                            f"{exam_date}; the minimum is {MIN_AGE}", field="person.id_number",
                            rule="R2", details={"age": age, "exam_date": str(exam_date)})
    return rid


def check_project_offered(project, batch):
    if batch["year"] not in project["years"]:
        raise RuleViolation("PROJECT_NOT_OFFERED", f"{project['name_zh']} is not offered in "
                            f"{batch['year']}", field="project_code")


def check_channel(channel, institution, project_code, first_review):
    """I1: the institution channel needs an active institution authorised for the
    project and the institution's first review; the individual channel has none."""
    if channel == "individual":
        if institution is not None or first_review:
            raise RuleViolation("CHANNEL_MISMATCH", "an individual application has no "
                                "institution and no first review", field="institution_code",
                                rule="I1")
        return
    if institution is None or not institution["active"]:
        raise Forbidden("INSTITUTION_UNKNOWN", "the institution is not a registration "
                        "institution of the center", field="institution_code", rule="I1")
    if project_code not in institution["projects"]:
        raise Forbidden("INSTITUTION_NOT_AUTHORISED", f"{institution['name']} is not "
                        f"authorised to register for {project_code}", field="project_code",
                        rule="I1")
    if not first_review:
        raise RuleViolation("FIRST_REVIEW_MISSING", "the institution's first review must be "
                            "recorded with the application", field="first_review", rule="V1")


def check_not_duplicate(existing_statuses):
    """R3: one application per person per project per batch. A withdrawn one
    does not count; a rejected one does (V2: rejection is final)."""
    live = [s for s in existing_statuses if s != "withdrawn"]
    if live:
        rule = "V2" if live[0] in ("rejected", "not_accepted") else "R3"
        raise Conflict("DUPLICATE_APPLICATION", "this person already has an application for "
                       "this project in this batch" + (" and it was not accepted"
                                                       if rule == "V2" else ""),
                       field="person.id_number", rule=rule, details={"status": live[0]})


# --- eligibility pre-check ---------------------------------------------------

def _level(value):
    return EDUCATION_LEVELS.index(value) if value in EDUCATION_LEVELS else -1


def precheck(condition_id, claim, person):
    """Compare what the applicant claims with the project's condition.

    Returns {"condition", "alternative", "outcome": met | not_met | needs_review,
    "checks": [{"check", "ok", "detail"}]}. It does not refuse: the reviewer
    decides (V1), and sees this next to the materials.
    """
    condition = conditions()[condition_id]
    alternatives = {a["key"]: a for a in condition["alternatives"]}
    key = claim["alternative"]
    if key not in alternatives:
        raise RuleViolation("ELIGIBILITY_CLAIM_UNKNOWN",
                            f"condition {condition_id} can be met by "
                            f"{', '.join(alternatives)}, not by {key}",
                            field="claim.alternative", details={"allowed": list(alternatives)})
    alt = alternatives[key]
    checks = []

    def add(check, ok, detail):
        checks.append({"check": check, "ok": ok, "detail": detail})

    education = person.get("education")
    if key in ("education", "education_major"):
        need = alt["min_education"]
        ok = _level(education) >= _level(need)
        if not ok and alt.get("allow_current_graduate") and claim.get("current_graduate"):
            ok = _level(education) + 1 >= _level(need)
            add("education", ok, f"this year's graduate towards {need}")
        else:
            add("education", ok, f"{education} against at least {need}")
        if alt.get("requires_computer_skills"):
            add("computer_skills", bool(claim.get("computer_skills")),
                "able to operate a computer (declared)")
        if alt.get("requires_skills"):
            add("skills", bool(claim.get("skills")), "relevant skills (declared, to verify)")
        if key == "education_major":
            majors = alt.get("majors_by_level", {})
            level = {"master": "graduate", "doctor": "graduate"}.get(education, education)
            listed = majors.get(level, [])
            major = person.get("major") or ""
            add("major", any(m in major or major in m for m in listed) if major else False,
                f"major {major or '(none)'} among the related majors for {level}")
    elif key == "occupation":
        occupation = person.get("occupation") or ""
        listed = alt.get("occupations_any", [])
        add("occupation", any(o in occupation for o in listed),
            f"occupation {occupation or '(none)'} among {', '.join(listed)}")
    elif key == "skills":
        skills = claim.get("skills") or []
        listed = alt.get("skills_any", [])
        if listed:
            add("skills", any(any(x in s for x in listed) for s in skills),
                f"skills {', '.join(skills) or '(none)'} among {', '.join(listed)}")
        else:
            add("skills", bool(skills), "skills relevant to the project (declared)")
    if not all(c["ok"] for c in checks):
        outcome = "not_met"
    elif key in ("skills",) or any("declared" in c["detail"] for c in checks):
        outcome = "needs_review"
    else:
        outcome = "met"
    return {"condition": condition_id, "alternative": key, "outcome": outcome,
            "checks": checks}


# --- lifecycle -------------------------------------------------------------

def check_resubmit(app, batch, today):
    """V2: only a returned application, inside the review window, not locked."""
    check_unlocked(app)
    if app["status"] != "returned":
        raise RuleViolation("NOT_RETURNED", f"only an application returned for modification "
                            f"can be resubmitted; this one is {app['status']}", field="status",
                            rule="V2")
    window = batch["review"]
    if not in_window(window, today):
        raise RuleViolation("REVIEW_WINDOW_CLOSED", f"corrections are accepted until "
                            f"{window[1]}; today is {today}", field="batch_code", rule="V2",
                            details={"window": [str(window[0]), str(window[1])]})


def check_withdraw(app):
    """Withdrawal before payment confirmation (B2 locks it after)."""
    check_unlocked(app)
    if app["status"] not in WITHDRAWABLE:
        raise RuleViolation("CANNOT_WITHDRAW", f"an application that is {app['status']} "
                            "cannot be withdrawn", field="status")


def check_unlocked(app):
    if app["locked"]:
        raise RuleViolation("REGISTRATION_LOCKED", "payment was confirmed: the registration "
                            "data can no longer be changed", field="status", rule="B2")


# what other services' events do to an application: event -> (from statuses, to status)
TRANSITIONS = {
    "application_approved": (("submitted",), "approved"),
    "application_rejected": (("submitted",), "rejected"),
    "application_returned": (("submitted",), "returned"),
    "application_not_accepted": (("returned",), "not_accepted"),
    "payment_confirmed": (("approved",), "paid"),
    "application_abandoned": (("approved",), "abandoned"),
    "batch_cancelled": (("submitted", "returned", "approved", "paid"), "cancelled"),
    "result_passed": (("paid",), "passed"),
    "result_failed": (("paid",), "failed"),
    # a certificate is issued on a pass: the pass may reach us after it
    "certificate_issued": (("passed", "paid"), "certified"),
    "certificate_revoked": (("certified",), "certificate_revoked"),
}


# how far along the main road an application is; statuses off it (withdrawn,
# rejected, abandoned, ...) have no rank
PROGRESS = {"submitted": 0, "returned": 0, "approved": 1, "paid": 2, "passed": 3,
            "failed": 3, "certified": 4, "certificate_revoked": 5}


def transition(current_status, event):
    """The new status for ``event``, or None when the event does not apply to
    an application in ``current_status`` (recorded, not an error: events may
    arrive after a withdrawal). An event that arrives *before* the application
    got where it applies (a payment confirmation overtaking a retried approval)
    raises Conflict EVENT_EARLY, so the kernel retries it instead of losing it."""
    allowed, target = TRANSITIONS[event]
    if current_status in allowed:
        return target
    rank = PROGRESS.get(current_status)
    needed = [PROGRESS[s] for s in allowed if s in PROGRESS]
    if rank is not None and needed and rank < min(needed):
        raise Conflict("EVENT_EARLY", f"{event} arrived while the application is still "
                       f"{current_status}; retried", details={"status": current_status})
    return None


def changed_fields(before, after):
    return sorted(k for k in after if before.get(k) != after[k])
