"""Rules of registration. Pure: no broker, no database, no clock (``today`` is passed in).

Rule IDs are DOMAIN.md's (R1-R3, V2, B2, P4, B1); project-local ones for rules
the digest states without an ID: I1 (an institution registers only for the
projects it is authorised for, with its first review recorded), M1/M2 (file
checks, kernel.files).
"""
import json
import re
from functools import lru_cache
from pathlib import Path

from kernel import files, idnumber, projects
from kernel.errors import Conflict, Forbidden, RuleViolation

from registration.vocabulary import (EDUCATION_LEVELS, EDUCATION_PROOF_KINDS,  # noqa: F401
                                     PRECHECK_STATES)

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


# --- the photo (M1) ---------------------------------------------------------

# the photo's size limit by the year of the notice that states it (bytes,
# exclusive): 2026 "考生本人照片（照片大小为<50kb）"; 2024 states none
PHOTO_LIMITS = {2024: None, 2026: files.PHOTO_MAX}


def photo_limit(year):
    """M1: the photo limit of the batch's year: the latest notice's of that year
    or before (2025 follows 2024, 2027 follows 2026 until a notice says
    otherwise); None: no limit stated."""
    known = [y for y in PHOTO_LIMITS if y <= int(year)]
    return PHOTO_LIMITS[max(known)] if known else None


def check_photo(size, year):
    """M1 at submission and resubmission: the photo's size against its batch's year."""
    limit = photo_limit(year)
    if limit is not None:
        files.check_photo_size(size, limit, field="materials.photo")


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


def authorised_projects(institution, year):
    """I1: the projects ``institution`` may register for in ``year`` (its
    authorisations carry the year: {"2024": [...], "2026": [...]})."""
    return set((institution.get("authorisations") or {}).get(str(year), ()))


def check_channel(channel, institution, project_code, first_review, year):
    """I1: the institution channel needs an active institution authorised for the
    project in the batch's year and the institution's first review; the
    individual channel has none."""
    if channel == "individual":
        if institution is not None or first_review:
            raise RuleViolation("CHANNEL_MISMATCH", "an individual application has no "
                                "institution and no first review", field="institution_code",
                                rule="I1")
        return
    if institution is None or not institution["active"]:
        raise Forbidden("INSTITUTION_UNKNOWN", "the institution is not a registration "
                        "institution of the center", field="institution_code", rule="I1")
    if project_code not in authorised_projects(institution, year):
        raise Forbidden("INSTITUTION_NOT_AUTHORISED", f"{institution['name']} is not "
                        f"authorised to register for {project_code} in {year}",
                        field="project_code", rule="I1", details={"year": year})
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


def duplicate_won_the_race():
    """R3 when the database's unique index refused the insert: a concurrent
    submission of the same person, project and batch was stored first. The
    error to raise (the service rolls back and raises it)."""
    return Conflict("DUPLICATE_APPLICATION", "this person already has an application for "
                    "this project in this batch", field="person.id_number", rule="R3")


# --- eligibility pre-check ---------------------------------------------------

MET, NOT_MET, NEEDS_REVIEW = PRECHECK_STATES      # needs_review: 需人工审核

_CODE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")


def _level(value):
    return EDUCATION_LEVELS.index(value) if value in EDUCATION_LEVELS else -1


def _plain(text):
    """A name without brackets, blanks and the trailing 类/专业 (心理学类（0402）-> 心理学)."""
    text = _BRACKETS.sub("", str(text or ""))
    text = re.sub(r"\s+", "", text)
    for suffix in ("专业", "大类", "类"):
        if text.endswith(suffix):
            text = text[:-len(suffix)]
    return text


def alternatives_of(entry):
    """E10: "教学人员（辅导员）" is either 教学人员 or 辅导员; a plain entry is itself."""
    inner = _BRACKETS.findall(entry)
    outer = _BRACKETS.sub("", entry).strip()
    return [x for x in [outer] + [i.strip() for i in inner] if x]


def match_major(major, listed):
    """E9: the person's major against the notice's related majors of their level.
    ``listed``: names ("心理学类") or {name, code} (graduate: "心理学类（0402）").
    MET when the major names a listed one by its code or its name (心理学, 心理学类,
    心理学类（0402）, 0402); NEEDS_REVIEW when it only contains a listed name
    (应用心理学: a major within 心理学类? the reviewer judges); NOT_MET otherwise,
    and for a fragment such as "学" (a listed name containing the major is no match)."""
    major = str(major or "").strip()
    if not major:
        return NOT_MET, None
    entries = [e if isinstance(e, dict) else {"name": e, "code": None} for e in listed]
    codes = set(_CODE.findall(major))
    plain = _plain(major)
    for e in entries:
        if e["code"] and e["code"] in codes:
            return MET, e
    for e in entries:
        if plain and plain == _plain(e["name"]):
            return MET, e
    for e in entries:
        name = _plain(e["name"])
        if len(name) >= 2 and name in plain:
            return NEEDS_REVIEW, e
    return NOT_MET, None


def match_occupation(occupation, listed):
    """E9/E10: the occupation names a listed one (an entry with brackets lists
    alternatives: 教学人员（辅导员）). MET when a listed name is the occupation or
    part of it (执业医师 -> 医师), NOT_MET otherwise (a fragment such as "师" is
    no match)."""
    occupation = re.sub(r"\s+", "", str(occupation or ""))
    if not occupation:
        return NOT_MET, None
    for entry in listed:
        for name in alternatives_of(entry):
            if name in occupation:
                return MET, name
    return NOT_MET, None


def match_skills(skills, listed, open_list):
    """E3/E6/E7: declared skills. A listed skill (or one containing it) is
    MET as declared, for the reviewer to verify against the proof: NEEDS_REVIEW;
    an unlisted one is NEEDS_REVIEW when the notice's list is open ("等相关专业
    技能") or there is no list (E7 "具有相应技能"), NOT_MET when the list is closed;
    no skill at all is NOT_MET."""
    skills = [s.strip() for s in skills or [] if str(s).strip()]
    if not skills:
        return NOT_MET, None
    for s in skills:
        for x in listed:
            if x in s:
                return NEEDS_REVIEW, x
    if open_list or not listed:
        return NEEDS_REVIEW, None
    return NOT_MET, None


def outcome_of(states):
    """The verdict of several checks: not met if one is not met, else needs
    review if one needs review, else met."""
    if NOT_MET in states:
        return NOT_MET
    if NEEDS_REVIEW in states:
        return NEEDS_REVIEW
    return MET


def precheck(condition_id, claim, person):
    """Compare what the applicant claims with the project's condition (E1-E10).

    Returns {"condition", "alternative", "outcome": met | not_met | needs_review,
    "checks": [{"check", "state", "ok", "detail"}]}: each check is met, not met or
    needs a reviewer's judgement (needs_review, 需人工审核); ``ok`` is "not
    not_met" (kept for older readers). It does not refuse: the reviewer decides
    (V1), and sees this next to the materials.
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

    def add(check, state, detail):
        checks.append({"check": check, "state": state, "ok": state != NOT_MET,
                       "detail": detail})

    education = person.get("education")
    if key in ("education", "education_major"):
        need = alt["min_education"]
        if _level(education) >= _level(need):
            add("education", MET, f"{education} against at least {need}")
        elif (alt.get("allow_current_graduate") and claim.get("current_graduate")
              and _level(education) + 1 >= _level(need)):
            add("education", NEEDS_REVIEW, f"this year's graduate towards {need} "
                "(declared, to verify)")
        else:
            add("education", NOT_MET, f"{education} against at least {need}")
        if alt.get("requires_computer_skills"):
            add("computer_skills", NEEDS_REVIEW if claim.get("computer_skills") else NOT_MET,
                "able to operate a computer (declared)")
        if alt.get("requires_skills"):
            add("skills", NEEDS_REVIEW if claim.get("skills") else NOT_MET,
                "relevant skills (declared, to verify)")
        if key == "education_major":
            majors = alt.get("majors_by_level", {})
            level = {"master": "graduate", "doctor": "graduate"}.get(education, education)
            listed = majors.get(level, [])
            major = person.get("major") or ""
            state, entry = match_major(major, listed)
            named = entry and (f"{entry['name']}（{entry['code']}）" if entry.get("code")
                               else entry["name"])
            add("major", state, f"major {major or '(none)'}"
                + (f" matches {named}" if state == MET else
                   f" contains {named}: the reviewer judges" if state == NEEDS_REVIEW else
                   f" is not among the related majors for {level}"))
    elif key == "occupation":
        listed = alt.get("occupations_any", [])
        occupation = person.get("occupation") or ""
        state, name = match_occupation(occupation, listed)
        add("occupation", state, f"occupation {occupation or '(none)'}"
            + (f" is {name}" if state == MET else f" not among {', '.join(listed)}"))
    elif key == "skills":
        skills = claim.get("skills") or []
        listed = alt.get("skills_any", [])
        state, name = match_skills(skills, listed, alt.get("skills_open", False))
        add("skills", state, f"skills {', '.join(skills) or '(none)'}"
            + (f" (listed: {name}; declared, to verify)" if name else
               f" (not listed among {', '.join(listed)}: the reviewer judges)" if listed
               and state == NEEDS_REVIEW else
               " (relevant to the project, declared: the reviewer judges)"
               if state == NEEDS_REVIEW else " (none declared)"))
    return {"condition": condition_id, "alternative": key,
            "outcome": outcome_of([c["state"] for c in checks]), "checks": checks}


# --- B1: who counts as a registrant -------------------------------------------

MIN_REGISTRANTS = 10          # "报名人数不足10人时，原则上不予组织考核"
# B1 counts 报名人数 of a batch and project: applications submitted (either channel)
# and still live. Not registrants: withdrawn (撤回), rejected ("审核不通过的即为报名
# 失败"), not accepted ("不再受理个人报名"), abandoned ("视为放弃报考"), cancelled.
NOT_REGISTRANTS = ("withdrawn", "rejected", "not_accepted", "abandoned", "cancelled")


def is_registrant(status):
    """B1: whether an application in ``status`` counts in 报名人数."""
    return status not in NOT_REGISTRANTS


def registrant_counts(rows):
    """B1: ``rows`` of (project code, status, count) -> {project: registrants}
    (projects with none are left out), with whether each reaches the minimum."""
    counts = {}
    for project, status, n in rows:
        if is_registrant(status):
            counts[project] = counts.get(project, 0) + n
    return {p: {"registrants": n, "reaches_minimum": n >= MIN_REGISTRANTS}
            for p, n in sorted(counts.items())}


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
    # V2: not resubmitted by the end of the review window (a not_accepted that
    # crosses a last-day resubmission is ignored) ...
    "application_not_accepted": (("returned",), "not_accepted"),
    # ... or an individual application's correction found still wrong
    "correction_not_accepted": (("submitted",), "not_accepted"),
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

# the dashboard's stages (数据看板, skillcert_registration_stage): how many
# applications of a batch and project got at least that far; "failed" is the
# results that were not a pass (the pass rate is passed / (passed + failed))
STAGES = ("registered", "approved", "paid", "passed", "failed", "certified")
_REACHED = {"registered": lambda s: s != "withdrawn",
            "approved": lambda s: PROGRESS.get(s, -1) >= 1,
            "paid": lambda s: PROGRESS.get(s, -1) >= 2,
            "passed": lambda s: s in ("passed", "certified", "certificate_revoked"),
            "failed": lambda s: s == "failed",
            "certified": lambda s: s in ("certified", "certificate_revoked")}


def stage_counts(status_counts):
    """{(batch_code, project_code, status): n} -> {(batch_code, project_code, stage): n}
    for every stage of STAGES (0 included) of every batch and project counted."""
    out = {}
    for (batch, project, status), n in status_counts.items():
        for stage in STAGES:
            key = (batch, project, stage)
            out[key] = out.get(key, 0) + (n if _REACHED[stage](status) else 0)
    return out


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
