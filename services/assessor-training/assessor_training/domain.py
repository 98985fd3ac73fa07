"""Rules of assessor training (考评员培训). Pure: no broker, no database, no clock
(``today`` is passed in).

Rule IDs are DOMAIN.md's A1-A7 (the 2025 notice, seeds/004); ID numbers follow R2
(kernel.idnumber, in the service).
One project-local ID: AT1, one application per person per training period (a
rejected application stays the person's application of that period).
"""
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from stdnum.iso7064 import mod_11_2

from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation

DATA = Path(__file__).parent / "data"

EXAM_MINUTES = 90              # A1: the offline exam lasts 90 minutes
MAX_PROJECTS = 3               # A4
MIN_SUMMARY_CHARS = 300        # A4 (填表说明 2)
CARD_YEARS = 3                 # A6
PROVINCE = "51"                # Sichuan: the first two digits of a card number
PROVINCIAL = "provincial"      # the authority of the provincial center's step

EDUCATION_LEVELS = ("junior_high", "high_school", "junior_college", "bachelor", "master",
                    "doctor")
EDUCATION_ZH = {"junior_high": "初中", "high_school": "高中/中专", "junior_college": "大专",
                "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生"}
# 职业资格证书 / 职业技能等级证书 levels, lowest first
QUALIFICATION_LEVELS = ("junior", "intermediate", "senior", "technician", "senior_technician")
QUALIFICATION_ZH = {"junior": "五级/初级工", "intermediate": "四级/中级工", "senior": "三级/高级工",
                    "technician": "二级/技师", "senior_technician": "一级/高级技师"}
QUALIFICATION_KINDS = ("vocational_qualification", "skill_level")
# 专业技术职称 levels, lowest first
TITLE_LEVELS = ("junior", "intermediate", "associate_senior", "senior")
TITLE_ZH = {"junior": "初级", "intermediate": "中级", "associate_senior": "副高级",
            "senior": "正高级"}
UNIT_KINDS = ("filed", "proposed")      # 已备案 | 拟备案 (filing accepted on a date)

# A3 (二): the five alternative conditions of the declaration form (申报条件)
CONDITIONS = {
    1: "具备相关专项职业能力考核项目相对应的职业（工种）高级及以上等级国家职业资格（技能等级）"
       "或初级及以上专业技术职称",
    2: "获得行政主管部门、行业协会颁发的荣誉证书或相关表彰",
    3: "具备大专以上学历，在院校从事与专项职业能力考核项目相关的专业课教学工作3年以上",
    4: "具有丰富的从业经验，从事与专项职业能力考核项目相关的工作10年以上",
    5: "参与行政主管部门或市级行业协会及以上组织的职业技能大赛执裁裁判或技术专家",
}
MIN_TEACHING_YEARS = 3
MIN_WORK_YEARS = 10

# the review chain (A1) and the application statuses
STEPS = ("unit", "municipal", "provincial")
AWAITING = {step: f"awaiting_{step}" for step in STEPS}
IN_REVIEW = tuple(AWAITING.values())
ADMITTED = "admitted"          # approved by the provincial center: a trainee
TRAINED = (ADMITTED, "passed", "failed")

# the summary table (汇总表, 附件2), one row per person
SUMMARY_TITLE = "四川省技能人才评价考评员资格培训（复核）汇总表"
SUMMARY_COLUMNS = ("序号", "工作单位", "姓名", "性别", "身份证号码", "文化程度",
                   "现职业资格（专业技术职称）级别", "现职业资格（专业技术职称）工种/专业",
                   "申报考评职业（工种）/项目", "联系电话")


@dataclass(frozen=True)
class Policy:
    """Figures the notice leaves to the center; set in the service config."""
    pass_score: int = 60               # exam pass mark on 100
    unit_places: int = 20              # A7: recommendations per unit and period
    flag_share: float = 0.2            # A7: rejected share above which a unit is flagged
    bar_share: float = 0.5             # A7: ... and above which it is barred
    min_decided: int = 5               # A7: decided recommendations before shares count
    flagged_places_share: float = 0.5  # A7: share of its places a flagged unit keeps
    renewal_window_days: int = 90      # A6: renewal review from this many days before expiry


# --- reference data --------------------------------------------------------

def _load(name):
    return json.loads((DATA / name).read_text("utf-8"))


@lru_cache(maxsize=None)
def projects():
    return {p["code"]: p for p in _load("projects.json")}


@lru_cache(maxsize=None)
def project_types():
    return {t["code"]: t for t in _load("project_types.json")}


@lru_cache(maxsize=None)
def regions():
    return {r["code"]: r for r in _load("regions.json")}


def shipped_periods():
    return _load("periods.json")


def project(code):
    found = projects().get(code) if isinstance(code, str) else None
    if found is None:
        raise NotFound("PROJECT_NOT_FOUND", f"no assessment project {code}",
                       field="project_code", details={"project_code": code})
    return found


# --- training periods (A1) ---------------------------------------------------

def period_code(year, seq):
    return f"{year}-{seq}"


def check_period(data):
    """A1: the dates of a period follow each other; returns the period with its code."""
    order = [
        ("application.start", data["application"][0]),
        ("application.end", data["application"][1]),
        ("review_deadlines.unit", data["review_deadlines"]["unit"]),
        ("review_deadlines.municipal", data["review_deadlines"]["municipal"]),
        ("review_deadlines.provincial", data["review_deadlines"]["provincial"]),
        ("study.start", data["study"][0]),
        ("study.end", data["study"][1]),
        ("exam_date", data["exam_date"]),
    ]
    for (before_name, before), (name, value) in zip(order, order[1:]):
        strictly = name == "study.start"       # training starts after the last review
        if value < before or (strictly and value == before):
            raise RuleViolation(
                "PERIOD_DATES_OUT_OF_ORDER",
                f"{name} ({value}) must come {'after' if strictly else 'on or after'} "
                f"{before_name} ({before})", field=name, rule="A1",
                details={name: str(value), before_name: str(before)})
    return dict(data, code=period_code(data["year"], data["seq"]))


def check_application_open(period, today):
    """A1: applications only inside the period's application window."""
    start, end = period["application"]
    if not start <= today <= end:
        raise RuleViolation(
            "APPLICATION_WINDOW_CLOSED",
            f"applications for period {period['code']} are open from {start} to {end}; "
            f"today is {today}", field="period_code", rule="A1",
            details={"window": [str(start), str(end)], "today": str(today)})


# --- the person, the unit, the claim ----------------------------------------------

def check_unit_record(unit, today):
    """A2: a unit is filed, or proposed with the date its filing was accepted (not
    in the future); its region is one of the province's."""
    if unit["region"] not in regions():
        raise NotFound("REGION_UNKNOWN", f"no region {unit['region']}", field="region",
                       rule="A2", details={"allowed": sorted(regions())})
    accepted = unit.get("filing_accepted_on")
    if unit["kind"] == "proposed":
        if accepted is None:
            raise RuleViolation("FILING_DATE_MISSING", "a unit whose filing is pending needs "
                                "the date the authorities accepted its filing",
                                field="filing_accepted_on", rule="A2")
        if accepted > today:
            raise RuleViolation("FILING_DATE_IN_FUTURE", f"the filing acceptance date "
                                f"{accepted} lies after today ({today})",
                                field="filing_accepted_on", rule="A2")
    elif accepted is not None:
        raise RuleViolation("FILING_DATE_UNEXPECTED", "a filed unit has no pending-filing "
                            "acceptance date", field="filing_accepted_on", rule="A2")


def check_recommending_unit(unit, declared):
    """A2: the unit recommends only when active, and the applicant's declaration
    (推荐单位类型, 正式受理日期) matches what the center has on record."""
    if not unit["active"]:
        raise Forbidden("UNIT_INACTIVE", f"{unit['name']} does not recommend applicants at "
                        "present", field="unit.code", rule="A2")
    if declared["kind"] != unit["kind"]:
        raise RuleViolation("UNIT_KIND_MISMATCH", f"{unit['name']} is on record as "
                            f"{unit['kind']}, not {declared['kind']}", field="unit.kind",
                            rule="A2", details={"on_record": unit["kind"]})
    if unit["kind"] == "proposed" and declared.get("filing_accepted_on") != \
            unit["filing_accepted_on"]:
        raise RuleViolation("FILING_DATE_MISMATCH", f"the filing of {unit['name']} was "
                            f"accepted on {unit['filing_accepted_on']}, not on "
                            f"{declared.get('filing_accepted_on')}",
                            field="unit.filing_accepted_on", rule="A2",
                            details={"on_record": str(unit["filing_accepted_on"])})


def check_projects(codes):
    """A4: one to three distinct projects, all of one type. Returns the type."""
    if len(codes) > MAX_PROJECTS:
        raise RuleViolation("TOO_MANY_PROJECTS", f"at most {MAX_PROJECTS} projects may be "
                            f"declared; {len(codes)} were", field="projects", rule="A4",
                            details={"count": len(codes), "max": MAX_PROJECTS})
    if len(set(codes)) != len(codes):
        raise RuleViolation("PROJECT_REPEATED", "a project is declared twice",
                            field="projects", rule="A4")
    found = [project(c) for c in codes]
    kinds = sorted({p["type"] for p in found})
    if len(kinds) > 1:
        raise RuleViolation("PROJECTS_OF_DIFFERENT_TYPES", "the projects must all be of one "
                            f"type; these are of types {', '.join(kinds)}", field="projects",
                            rule="A4", details={"types": {p["code"]: p["type"] for p in found}})
    return kinds[0]


def summary_length(text):
    """A4's count: every character that is not whitespace (str.isspace: spaces, the
    full-width space U+3000, tabs, line breaks) counts one, a Chinese character as
    much as a letter, a digit or a punctuation mark."""
    return sum(1 for ch in text if not ch.isspace())


def check_work_summary(text):
    """A4: a work summary under 300 characters means too little experience."""
    count = summary_length(text)
    if count < MIN_SUMMARY_CHARS:
        raise RuleViolation("WORK_SUMMARY_TOO_SHORT", f"the work summary has {count} "
                            f"characters; at least {MIN_SUMMARY_CHARS} are required",
                            field="work_summary", rule="A4",
                            details={"count": count, "min": MIN_SUMMARY_CHARS})
    return count


def _rank(levels, value):
    return levels.index(value) if value in levels else -1


def check_conditions(claims, person):
    """A3: at least one of the five conditions, each backed by evidence and by
    what the form itself declares. Returns the claims ordered by condition."""
    codes = [c["condition"] for c in claims]
    if len(set(codes)) != len(codes):
        raise RuleViolation("CONDITION_REPEATED", "a condition is claimed twice",
                            field="conditions", rule="A3")

    def unmet(code, why):
        raise RuleViolation("CONDITION_NOT_MET", f"condition ({code}) {CONDITIONS[code]}: "
                            f"{why}", field="conditions", rule="A3",
                            details={"condition": code})

    for claim in claims:
        code = claim["condition"]
        if code == 1:
            senior = [q for q in person["qualifications"]
                      if _rank(QUALIFICATION_LEVELS, q["level"]) >= 2]
            if not senior and not person.get("title"):
                unmet(1, "no senior-level (三级/高级工) or higher qualification and no "
                         "professional title is declared")
        elif code in (2, 5) and not (claim.get("detail") or "").strip():
            unmet(code, "name the honour or the competition and the role in the detail")
        elif code == 3:
            if _rank(EDUCATION_LEVELS, person["education"]) < _rank(EDUCATION_LEVELS,
                                                                     "junior_college"):
                unmet(3, "junior college (大专) or above is required")
            if (claim.get("teaching_years") or 0) < MIN_TEACHING_YEARS:
                unmet(3, f"at least {MIN_TEACHING_YEARS} years of teaching are required")
        elif code == 4 and person["professional_years"] < MIN_WORK_YEARS:
            unmet(4, f"the form declares {person['professional_years']} years of related "
                     f"work (专业工龄); at least {MIN_WORK_YEARS} are required")
    return sorted(claims, key=lambda c: c["condition"])


def check_not_duplicate(existing_status):
    """AT1: one application per person per period."""
    if existing_status is not None:
        raise Conflict("DUPLICATE_APPLICATION", "this person already applied in this training "
                       "period", field="person.id_number", rule="AT1",
                       details={"status": existing_status})


# --- units' track record (A7) ----------------------------------------------------

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


# --- the review chain (A1) -------------------------------------------------------

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
        return "rejected"
    following = steps[steps.index(step) + 1:]
    return AWAITING[following[0]] if following else ADMITTED


def lapsed_step(app, period, today):
    """The step whose deadline passed with the application still waiting on it
    (逾期不再受理), or None."""
    if app["status"] not in IN_REVIEW:
        return None
    step = app["status"][len("awaiting_"):]
    return step if today > period["review_deadlines"][step] else None


# --- study and exam (A5) ------------------------------------------------------------

def check_study_entry(status, period, studied_on, today):
    """A5: study hours count for admitted trainees inside the study period."""
    if status != ADMITTED:
        raise RuleViolation("NOT_A_TRAINEE", f"the application is {status}: only admitted "
                            "trainees who have not sat the exam record study hours",
                            field="application_id", rule="A5", details={"status": status})
    start, end = period["study"]
    if not start <= studied_on <= end or studied_on > today:
        raise RuleViolation("OUTSIDE_STUDY_PERIOD", f"study counts from {start} to {end} and "
                            f"not after today ({today}); {studied_on} is outside",
                            field="studied_on", rule="A5",
                            details={"study": [str(start), str(end)]})


def minutes_required(period):
    return int(round(period["required_study_hours"] * 60))


def check_exam_result(status, period, studied_minutes, score, today, policy):
    """A5: only a trainee with the required study hours sits the exam, and a score
    exists from the exam date. Returns "passed" or "failed"."""
    if status in ("passed", "failed"):
        raise Conflict("EXAM_ALREADY_RECORDED", f"the exam result is already recorded "
                       f"({status})", field="application_id", rule="A5",
                       details={"status": status})
    if status != ADMITTED:
        raise RuleViolation("NOT_A_TRAINEE", f"the application is {status}: only admitted "
                            "trainees sit the exam", field="application_id", rule="A5")
    need = minutes_required(period)
    if studied_minutes < need:
        raise RuleViolation("STUDY_HOURS_SHORT", f"{studied_minutes / 60:.2f} of the "
                            f"{period['required_study_hours']} required study hours are "
                            "recorded: the trainee may not sit the exam", field="application_id",
                            rule="A5", details={"studied_minutes": studied_minutes,
                                                "required_minutes": need})
    if today < period["exam_date"]:
        raise RuleViolation("EXAM_NOT_HELD_YET", f"the exam is on {period['exam_date']}",
                            field="score", rule="A1",
                            details={"exam_date": str(period["exam_date"])})
    return "passed" if score >= policy.pass_score else "failed"


# --- cards (A6) ----------------------------------------------------------------------

def check_no_card(card_number):
    """A6: one card per passed application; a pass is recorded, and a card issued, once."""
    if card_number:
        raise Conflict("CARD_ALREADY_ISSUED", "the trainee passed and was issued a card "
                       f"{card_number}: a card is issued once", field="application_id",
                       rule="A6", details={"card_number": card_number})


def add_years(day, years):
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def card_validity(issued_on):
    """A6: valid from the issue date through the same date three years on (both
    inclusive): issued 2025-06-06, last valid day 2028-06-06; 2028-02-29 -> 2031-02-28."""
    return issued_on, add_years(issued_on, CARD_YEARS)


def card_number(year, seq, serial):
    """51 YYYY PP NNNNN C: province, period year, period number, serial within the
    period, ISO 7064 MOD 11-2 check character (0-9 or X), 14 characters."""
    if not 1 <= serial <= 99999:
        raise RuleViolation("CARD_SERIALS_EXHAUSTED", "a period issues at most 99999 cards",
                            rule="A6")
    body = f"{PROVINCE}{year:04d}{seq:02d}{serial:05d}"
    return body + mod_11_2.calc_check_digit(body)


def check_card_number(number):
    """The compact card number, or CARD_NUMBER_INVALID when it cannot be one (a typo)."""
    compact = "".join(str(number).split()).replace("-", "").upper()
    if len(compact) != 14 or not compact[:-1].isdigit() or not mod_11_2.is_valid(compact):
        raise RuleViolation("CARD_NUMBER_INVALID", "this is not an assessor card number "
                            "(14 characters with a check character): check for a typo",
                            field="card_number", rule="A6")
    return compact


def card_state(card, on_date):
    """valid | expired | revoked | not_yet_valid on ``on_date``."""
    if card["status"] == "revoked":
        return "revoked"
    if on_date < card["valid_from"]:
        return "not_yet_valid"
    if on_date > card["valid_until"]:
        return "expired"
    return "valid"


def due_to_expire(card, today):
    return card["status"] == "valid" and today > card["valid_until"]


def check_revocable(card):
    if card["status"] != "valid":
        raise Conflict("CARD_NOT_VALID", f"the card is {card['status']}: only a valid card "
                       "is revoked", field="card_number", rule="A6",
                       details={"status": card["status"]})


def check_renewal(card, today, policy):
    """A6 renewal review (复核): a valid card, inside the renewal window before its
    end; returns the new last valid day (three years after the old one)."""
    if card["status"] != "valid" or today > card["valid_until"]:
        status = card["status"] if card["status"] != "valid" else "expired"
        raise Conflict("CARD_NOT_RENEWABLE", f"the card is {status}: an expired or revoked "
                       "card is not renewed; the holder trains again", field="card_number",
                       rule="A6", details={"status": status})
    opens = date.fromordinal(card["valid_until"].toordinal() - policy.renewal_window_days)
    if today < opens:
        raise RuleViolation("RENEWAL_TOO_EARLY", f"the renewal review opens on {opens}, "
                            f"{policy.renewal_window_days} days before the card ends",
                            field="card_number", rule="A6", details={"opens": str(opens)})
    return add_years(card["valid_until"], CARD_YEARS)


# --- the summary table (汇总表) ---------------------------------------------------

def summary_row(n, app, project_names):
    """One row of 附件2 for an application (the person's form data)."""
    person = app["person"]
    levels = [QUALIFICATION_ZH[q["level"]] for q in person["qualifications"]]
    trades = [q["occupation"] for q in person["qualifications"]]
    title = person.get("title")
    if title:
        levels.append(TITLE_ZH[title["level"]] + "职称")
        trades.append(title["specialty"])
    return [n, person["work_unit"], app["name"], "男" if app["sex"] == "M" else "女",
            app["id_number"], EDUCATION_ZH[person["education"]], "；".join(levels),
            "；".join(trades), "、".join(project_names), person["phone"]]
