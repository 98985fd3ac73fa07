"""An application (申报): the recommending unit (A2), the conditions claimed (A3),
the projects and the work summary (A4), one per person and period (AT1)."""
from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation

from assessor_training.domain.reference import project, project_occupations, regions
from assessor_training.vocabulary import (EDUCATION_LEVELS, QUALIFICATION_KINDS,  # noqa: F401
                                         QUALIFICATION_LEVELS, TITLE_LEVELS, UNIT_KINDS)

MAX_PROJECTS = 3               # A4
MIN_SUMMARY_CHARS = 300        # A4 (填表说明 2)

EDUCATION_ZH = {"junior_high": "初中", "high_school": "高中/中专", "junior_college": "大专",
                "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生"}
QUALIFICATION_ZH = {"junior": "五级/初级工", "intermediate": "四级/中级工", "senior": "三级/高级工",
                    "technician": "二级/技师", "senior_technician": "一级/高级技师"}
TITLE_ZH = {"junior": "初级", "intermediate": "中级", "associate_senior": "副高级",
            "senior": "正高级"}

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


def _occupation_key(name):
    """An occupation's name compared without spaces and without a trailing
    bracketed note (（工种）, (三级))."""
    key = "".join(str(name).split())
    for bracket in ("（", "("):
        if bracket in key:
            key = key[:key.index(bracket)]
    return key


def qualification_match(person, project_codes):
    """A3 condition 1: "具备相关专项职业能力考核项目相对应的职业（工种）高级及以上等级国家职业资格
    （职业技能等级认定）证书或初级及以上专业技术职称". Returns (verdict, note): ``met``
    with a professional title (初级 or higher, every level there is) or with a
    三级/高级工 or higher qualification in an occupation the data lists for a
    declared project; ``needs_judgement`` when the senior qualifications are in
    occupations the data does not list (the list is not exhaustive: a reviewer
    judges); ``not_met`` without either."""
    senior = [q for q in person["qualifications"]
              if _rank(QUALIFICATION_LEVELS, q["level"]) >= QUALIFICATION_LEVELS.index("senior")]
    if person.get("title"):
        return "met", "初级及以上专业技术职称"
    if not senior:
        return "not_met", ("no senior-level (三级/高级工) or higher qualification and no "
                           "professional title is declared")
    wanted = {_occupation_key(o) for code in project_codes for o in project_occupations(code)}
    matched = [q["occupation"] for q in senior if _occupation_key(q["occupation"]) in wanted]
    if matched:
        return "met", f"相对应的职业（工种）: {'、'.join(matched)}"
    return "needs_judgement", (f"the qualification's occupation ({'、'.join(q['occupation'] for q in senior)}) "
                               "is not one the data lists for the declared projects: a reviewer "
                               "judges whether it corresponds (相对应)")


def check_conditions(claims, person, project_codes=()):
    """A3: at least one of the five conditions, each backed by evidence and by
    what the form itself declares. Returns the claims ordered by condition, each
    with its ``verdict`` (met | needs_judgement) and, for condition 1, a ``note``."""
    codes = [c["condition"] for c in claims]
    if len(set(codes)) != len(codes):
        raise RuleViolation("CONDITION_REPEATED", "a condition is claimed twice",
                            field="conditions", rule="A3")

    def unmet(code, why):
        raise RuleViolation("CONDITION_NOT_MET", f"condition ({code}) {CONDITIONS[code]}: "
                            f"{why}", field="conditions", rule="A3",
                            details={"condition": code})

    checked = []
    for claim in claims:
        code, verdict = claim["condition"], {"verdict": "met"}
        if code == 1:
            state, note = qualification_match(person, project_codes)
            if state == "not_met":
                unmet(1, note)
            verdict = {"verdict": state, "note": note}
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
        checked.append(dict(claim, **verdict))
    return sorted(checked, key=lambda c: c["condition"])


def check_not_duplicate(existing_status):
    """AT1: one application per person per period."""
    if existing_status is not None:
        raise Conflict("DUPLICATE_APPLICATION", "this person already applied in this training "
                       "period", field="person.id_number", rule="AT1",
                       details={"status": existing_status})
