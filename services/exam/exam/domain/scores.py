"""Scores (T4): the computer-based part by session, each dispatched assessor's
practical sheet (only for a project whose assessment has an on-site practical
part), and the final score.

The 2024 and 2026 notices: every project "均采用智能化上机考核" (a computer-based
exam), "实行百分制，成绩达60分（含）以上者为合格": the final score is the exam
system's score on the 100-point scale. A project whose assessment specification
has an on-site practical part follows 002 二(八) ("由三名考评人员对同一考生进行
考核评定"): three assessors score the candidate; how their scores combine, and
with the computer score, is the project's setting (``assessment``), never a
formula of this module."""
import csv
import io
import json
from fractions import Fraction

from kernel import names
from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed

from exam.domain.checkin import Attendance
from exam.domain.dispatch import ASSESSOR, ASSESSORS_PER_ROOM

PASS_MARK = 600                         # tenths of a point: 60 分（含） of 100
COMPUTER, PRACTICAL = "computer", "practical"
COMBINATIONS = ("mean", "median")       # how the three assessors' scores combine
COMPUTER_ONLY = {"practical_part": False, "practical_combination": None,
                 "computer_weight": Fraction(1)}
SCORE_COLUMNS = {"ticket_number": ("ticket_number", "准考证号"),
                 "id_number": ("id_number", "身份证号"),
                 "name": ("name", "姓名"),
                 "score": ("score", "成绩")}


def parse_score(value, field="score"):
    """A score of 0 to 100 with at most one decimal, in tenths of a point."""
    text = str(value).strip()
    try:
        tenths = Fraction(text) * 10
    except (ValueError, ZeroDivisionError):
        raise ValidationFailed("SCORE_INVALID", f"{field}: '{text}' is not a number",
                               field=field, rule="T4")
    if tenths.denominator != 1:
        raise ValidationFailed("SCORE_INVALID", f"{field}: {text} has more than one decimal",
                               field=field, rule="T4")
    if not 0 <= tenths <= 1000:
        raise RuleViolation("SCORE_OUT_OF_RANGE", f"{field}: {text} is outside 0-100",
                            field=field, rule="T4", details={"score": text})
    return int(tenths)


def parse_score_sheet(text):
    """The computer-based part of one session as CSV (UTF-8, a BOM allowed):
    a header row naming the columns ticket_number (准考证号), id_number
    (身份证号), name (姓名) and score (成绩), in any order, then one row per
    candidate. Returns [{line, ticket_number, id_number, name, score (tenths)}];
    a bad row raises with its line number, a candidate twice raises
    SCORE_SHEET_DUPLICATE."""
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:
        raise ValidationFailed("SCORE_SHEET_ROW", f"the score sheet is not readable CSV: {exc}",
                               field="csv")
    if not rows:
        raise ValidationFailed("SCORE_SHEET_EMPTY", "the score sheet is empty", field="csv")
    header = [h.strip() for h in rows[0]]
    where = {}
    for key, names_ in SCORE_COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names_]
        if not found:
            raise ValidationFailed("SCORE_SHEET_HEADER", f"the header needs a column {key} "
                                   f"({names_[1]}); it has {', '.join(header)}", field="csv",
                                   details={"missing": key})
        where[key] = found[0]
    out, seen = [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise ValidationFailed("SCORE_SHEET_ROW", f"line {line}: {len(row)} columns, the "
                                   f"header has {len(header)}", field="csv",
                                   details={"line": line})
        item = {k: row[i].strip() for k, i in where.items()}
        try:
            item["score"] = parse_score(item["score"], field=f"line {line}")
        except (ValidationFailed, RuleViolation) as err:
            err.details["line"] = line
            err.field = "csv"
            raise
        item["id_number"] = item["id_number"].upper()
        if item["ticket_number"] in seen:
            raise Conflict("SCORE_SHEET_DUPLICATE", f"line {line}: ticket {item['ticket_number']}"
                           f" is already on line {seen[item['ticket_number']]}", field="csv",
                           rule="T4", details={"line": line})
        seen[item["ticket_number"]] = line
        item["line"] = line
        out.append(item)
    return out


def computer_rows(rows, seats, session_code):
    """T4: every row of a computer score sheet is a candidate of the session, by
    ticket number, ID number and name. rows: parse_score_sheet's; seats:
    {ticket number: candidate {id_number, name}}. Returns [(ticket number,
    tenths, where)]."""
    scored = []
    for row in rows:
        where = f"line {row['line']}"
        cand = seats.get(row["ticket_number"])
        if cand is None:
            raise RuleViolation("CANDIDATE_NOT_IN_SESSION", f"{where}: ticket "
                                f"{row['ticket_number']} is not in session "
                                f"{session_code}", field="csv", rule="T4",
                                details={"line": row["line"]})
        if (row["id_number"], names.normalize_lenient(row["name"])) != \
                (cand["id_number"], cand["name"]):
            raise RuleViolation("SCORE_SHEET_MISMATCH", f"{where}: the ID number or name "
                                f"is not that of ticket {row['ticket_number']}",
                                field="csv", rule="T4", details={"line": row["line"]})
        scored.append((row["ticket_number"], row["score"], where))
    return scored


def check_dispatched(role):
    """T4: only the three assessors dispatched to the session-room score it
    (``role``: the person's dispatch there, None when not dispatched)."""
    if role != ASSESSOR:
        raise Forbidden("NOT_DISPATCHED", "only the three assessors dispatched to this "
                        "session-room score it", field="assessor_id_number", rule="T4")


def practical_rows(rows, seats):
    """T4: an assessor's sheet names each candidate of the session-room once.
    rows: [{ticket_number, score}]; seats: the ticket numbers of the session-room.
    Returns [(ticket number, tenths, where)]."""
    scored, seen = [], set()
    for n, row in enumerate(rows):
        where = f"scores.{n}"
        value = parse_score(row["score"], field=f"{where}.score")
        if row["ticket_number"] in seen:
            raise Conflict("SCORE_SHEET_DUPLICATE", f"{where}: ticket {row['ticket_number']}"
                           " is twice on the sheet", field=f"{where}.ticket_number",
                           rule="T4")
        seen.add(row["ticket_number"])
        if row["ticket_number"] not in seats:
            raise RuleViolation("CANDIDATE_NOT_IN_SESSION", f"{where}: ticket "
                                f"{row['ticket_number']} is not in this session-room",
                                field=f"{where}.ticket_number", rule="T4")
        scored.append((row["ticket_number"], value, where))
    return scored


def to_record(part, scored, verified_rooms):
    """T4: check a whole sheet before anything is recorded. scored: [{ticket_number,
    application_id, room, attendance, value, where, old (the part recorded
    before, or None)}]; verified_rooms: the rooms of the session already verified.
    A candidate's part is recorded once: the same value again is a repeat;
    absent candidates and verified rooms take no scores. Returns the
    (application id, tenths) to record."""
    new = []
    for s in scored:
        where, ticket = s["where"], s["ticket_number"]
        if s["attendance"] != Attendance.PRESENT:
            raise RuleViolation("CANDIDATE_ABSENT", f"{where}: ticket {ticket} "
                                "did not check in", field="csv" if part == COMPUTER
                                else f"{where}.ticket_number", rule="T4")
        if s["room"] in verified_rooms:
            raise Conflict("SCORES_VERIFIED", f"{where}: the scores of room "
                           f"{s['room']} are verified", rule="T4", field="room_code")
        old = s["old"]
        if old is not None and old != s["value"]:
            raise Conflict("SCORE_ALREADY_RECORDED", f"{where}: ticket "
                           f"{ticket} already has a {part} score "
                           f"({old / 10:g}) from another sheet", rule="T4",
                           field="csv" if part == COMPUTER else f"{where}.score",
                           details={"ticket_number": ticket})
        if old is None:
            new.append((s["application_id"], s["value"]))
    return new


def check_not_verified(verified):
    """T4: a session-room is verified once; a verified one takes no more scores."""
    if verified:
        raise Conflict("SCORES_VERIFIED", "this session-room is already verified",
                       field="room_code", rule="T4")


def check_room_seated(seats):
    """A session-room to verify has candidates."""
    if not seats:
        raise NotFound("SESSION_ROOM_EMPTY", "no candidate sits in this session-room",
                       field="room_code")


def assessment(settings, project_code):
    """The project's assessment (T4) from the setting EXAM_PROJECT_ASSESSMENT
    ({project code: {practical_part, practical_combination, computer_weight}},
    a mapping or its JSON text). A project not named is computer-based only
    (智能化上机考核): {practical_part: false, computer_weight: 1}. A project with
    ``practical_part: true`` must name ``practical_combination`` (mean | median
    of the three assessors) and ``computer_weight`` (the computer score's share
    of the final, 0 to 1; 0: the practical part alone): the notices give no
    figure, so none is assumed (PROJECT_ASSESSMENT_INCOMPLETE)."""
    if isinstance(settings, str):
        settings = json.loads(settings) if settings.strip() else {}
    entry = (settings or {}).get(project_code)
    if not entry or not entry.get("practical_part"):
        return dict(COMPUTER_ONLY)
    combination, weight = entry.get("practical_combination"), entry.get("computer_weight")
    try:
        weight = None if weight is None else Fraction(str(weight))
    except (ValueError, ZeroDivisionError):
        weight = None
    if combination not in COMBINATIONS or weight is None or not 0 <= weight <= 1:
        raise RuleViolation("PROJECT_ASSESSMENT_INCOMPLETE", f"project {project_code} has an "
                            "on-site practical part: its setting needs practical_combination "
                            f"({' | '.join(COMBINATIONS)}) and computer_weight (0 to 1)",
                            field="project_code", rule="T4",
                            details={"project_code": project_code})
    return {"practical_part": True, "practical_combination": combination,
            "computer_weight": weight}


def check_practical_part(rule, project_code):
    """T4: practical sheets only for a project whose assessment has that part."""
    if not rule["practical_part"]:
        raise RuleViolation("NO_PRACTICAL_PART", f"project {project_code} is a computer-based "
                            "exam (智能化上机考核): its score is the exam system's, no "
                            "practical sheets", field="room_code", rule="T4")


def final_score(rule, computer, practical=()):
    """The final score in tenths (T4). Computer-based (the default): the exam
    system's score itself. With an on-site practical part: the three assessors'
    scores combined as the project's setting says (mean or median), weighted
    with the computer score by the setting's computer_weight, rounded half up
    to 0.1."""
    if not rule["practical_part"]:
        return computer
    ordered = sorted(practical)
    if rule["practical_combination"] == "median":
        combined = Fraction(ordered[len(ordered) // 2]) if len(ordered) % 2 else \
            Fraction(ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2], 2)
    else:
        combined = Fraction(sum(ordered), len(ordered))
    weight = rule["computer_weight"]
    exact = weight * (computer or 0) + (1 - weight) * combined
    return int(exact + Fraction(1, 2))


def room_results(present, assessors, parts, rule):
    """The final scores of a session-room's present candidates, once complete (T4).

    present: application ids; assessors: the ID numbers of the three assessors
    dispatched to the room; parts: {application id: {(part, assessor): tenths}}
    with assessor '' for the computer part; rule: the project's ``assessment``.
    A computer-based exam needs the computer score only; with a practical
    part, the three assessors' too (and the computer score unless its weight
    is 0). Raises SCORES_INCOMPLETE naming every candidate who lacks a part."""
    incomplete, finals = [], {}
    needs_computer = rule["computer_weight"] > 0
    for app_id in present:
        got = parts.get(app_id, {})
        computer = got.get((COMPUTER, ""))
        practical = [got.get((PRACTICAL, a)) for a in assessors] if rule["practical_part"] \
            else []
        lacking = (needs_computer and computer is None) or (rule["practical_part"] and (
            len(assessors) != ASSESSORS_PER_ROOM or None in practical))
        if lacking:
            incomplete.append({"application_id": app_id, "computer": computer is not None,
                               "practical": sum(p is not None for p in practical)})
            continue
        finals[app_id] = final_score(rule, computer, practical)
    if incomplete:
        what = "the computer score" if not rule["practical_part"] else \
            "the computer score or one of the three assessors' scores"
        raise RuleViolation("SCORES_INCOMPLETE", f"{len(incomplete)} present candidates lack "
                            f"{what}", field="room_code", rule="T4",
                            details={"missing": incomplete})
    return finals


def passed(final):
    return final is not None and final >= PASS_MARK


def tenths_to_points(value):
    return None if value is None else value / 10
