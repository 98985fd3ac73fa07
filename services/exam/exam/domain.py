"""Rules of the exam service. Pure: no broker, no database, no clock (``today`` is
passed in). Rule IDs are DOMAIN.md's: B1, T1-T5 (and T2 for the batch's ID documents)."""
import csv
import io
import json
import unicodedata
from collections import Counter, defaultdict
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

from kernel import exports, workdays
from kernel.errors import Conflict, Forbidden, RuleViolation, ValidationFailed

WINDOWS = ("registration", "review", "payment", "ticket")
ID_DOCUMENTS = ("resident_id_card_2g", "social_security_card")
CALENDAR_FILE = Path(__file__).parent / "data" / "batches.json"


def calendar_rows():
    """The 2024 and 2026 calendars of the notices, as batch dicts (wire format)."""
    rows = json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))
    out = []
    for row in rows:
        batch = {"code": row["code"], "year": row["year"], "seq": row["seq"],
                 "exam_date": row["exam_date"],
                 "re_review_working_days": row["re_review_working_days"],
                 "accepted_id_documents": row["accepted_id_documents"]}
        for window in WINDOWS:
            start, end = row[window]
            batch[window] = {"start": start, "end": end}
        out.append(batch)
    return out


def check_batch(batch):
    """``batch`` holds dates (not strings). Raises RuleViolation when the
    windows cannot work: a window that ends before it starts, windows out of
    order, or a window that is not over before the exam."""
    for window in WINDOWS:
        w = batch[window]
        if w["end"] < w["start"]:
            raise RuleViolation("BATCH_WINDOW_INVERTED",
                                f"the {window} window ends before it starts",
                                field=f"{window}.end", details={"window": window})
    starts = [batch[w]["start"] for w in WINDOWS]
    for earlier, later, a, b in zip(starts, starts[1:], WINDOWS, WINDOWS[1:]):
        if later < earlier:
            raise RuleViolation("BATCH_WINDOWS_OUT_OF_ORDER",
                                f"the {b} window starts before the {a} window",
                                field=f"{b}.start")
    for window in WINDOWS:
        if batch[window]["end"] >= batch["exam_date"]:
            raise RuleViolation("BATCH_WINDOW_AFTER_EXAM",
                                f"the {window} window must end before the exam date",
                                field=f"{window}.end")
    unknown = set(batch["accepted_id_documents"]) - set(ID_DOCUMENTS)
    if unknown or not batch["accepted_id_documents"]:
        raise RuleViolation("BATCH_ID_DOCUMENTS", "accepted ID documents must be a non-empty "
                            f"choice of {', '.join(ID_DOCUMENTS)}", field="accepted_id_documents",
                            rule="T2")
    return batch


def changed_fields(current, proposed):
    """Names of the fields whose values differ."""
    return sorted(k for k, v in proposed.items() if current.get(k) != v)


# =============================================================================
# The exam itself: rosters (B1), rooms and arrangement (T3), assessor dispatch
# (T4), tickets (T1), check-in (T2), scores (T4), publication (T5).
# =============================================================================

# --- B1: a batch/project with fewer than 10 confirmed candidates is not held ----

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


def check_override(status):
    if status != ROSTER_OPEN:
        raise Conflict("ROSTER_DECIDED", f"the roster was already decided ({status}); an "
                       "override must come before the payment window closes", rule="B1",
                       field="project_code", details={"status": status})


# --- rooms and their spacing rule (T3) -----------------------------------------

SPACING_RULES = ("all", "alternate", "listed")
MAX_SEATS = 999             # per room, and MAX_ROOMS per arrangement: the ticket
MAX_ROOMS = 999             # number has 3 digits for each


def check_room(room):
    """A room's seats are named workstations, each name once. The spacing rule
    says which seats may be used when candidates must sit apart (T3, 003: seats
    more than 1 m apart): ``all``, ``alternate`` (every other seat in the listed
    order, the first one included) or ``listed`` (exactly the seats named).
    Returns the room with ``usable`` seats added."""
    seats = [s.strip() for s in room["seats"]]
    counts = Counter(seats)
    duplicates = sorted(s for s, n in counts.items() if n > 1)
    if duplicates:
        raise RuleViolation("ROOM_SEAT_DUPLICATE", "a seat name appears more than once: "
                            + ", ".join(duplicates), field="seats", rule="T3",
                            details={"duplicates": duplicates})
    if not seats or len(seats) > MAX_SEATS or "" in counts:
        raise RuleViolation("ROOM_SEATS", f"a room has 1 to {MAX_SEATS} named seats",
                            field="seats", rule="T3")
    spacing = dict(room["spacing"])
    if spacing["rule"] == "listed":
        listed = [s.strip() for s in spacing.get("seats") or []]
        unknown = sorted(set(listed) - set(seats))
        if unknown or not listed or len(set(listed)) != len(listed):
            raise RuleViolation("ROOM_SPACING_SEATS", "the spacing rule must list distinct "
                                "seats of this room" + (f"; unknown: {', '.join(unknown)}"
                                                        if unknown else ""),
                                field="spacing.seats", rule="T3", details={"unknown": unknown})
        spacing["seats"] = listed
    else:
        spacing.pop("seats", None)
    out = dict(room, seats=seats, spacing=spacing)
    out["usable"] = usable_seats(out)
    return out


def usable_seats(room):
    rule = room["spacing"]["rule"]
    if rule == "alternate":
        return room["seats"][::2]
    if rule == "listed":
        keep = set(room["spacing"]["seats"])
        return [s for s in room["seats"] if s in keep]
    return list(room["seats"])


# --- sessions of an exam day --------------------------------------------------

DEFAULT_SESSIONS = (
    {"code": "AM", "label": "上午", "starts": "09:00", "ends": "11:00"},
    {"code": "PM", "label": "下午", "starts": "14:00", "ends": "16:00"},
)
MAX_SESSIONS = 99


def check_sessions(sessions):
    """Sessions of one exam day: distinct codes, each ends after it starts, none
    overlaps another. Returned in time order."""
    ordered = sorted(sessions, key=lambda s: s["starts"])
    codes = Counter(s["code"] for s in ordered)
    twice = sorted(c for c, n in codes.items() if n > 1)
    if twice:
        raise RuleViolation("SESSION_DUPLICATE", f"session codes must differ: {', '.join(twice)}",
                            field="sessions", details={"duplicates": twice})
    if not ordered or len(ordered) > MAX_SESSIONS:
        raise RuleViolation("SESSIONS_COUNT", f"an exam day has 1 to {MAX_SESSIONS} sessions",
                            field="sessions")
    for s in ordered:
        if s["ends"] <= s["starts"]:
            raise RuleViolation("SESSION_TIMES", f"session {s['code']} must end after it starts",
                                field="sessions", details={"session": s["code"]})
    for a, b in zip(ordered, ordered[1:]):
        if b["starts"] < a["ends"]:
            raise RuleViolation("SESSIONS_OVERLAP", f"sessions {a['code']} and {b['code']} "
                                "overlap", field="sessions",
                                details={"sessions": [a["code"], b["code"]]})
    return ordered


def overlapping(a, b):
    return a["starts"] < b["ends"] and b["starts"] < a["ends"]


# --- arrangement (T3) -----------------------------------------------------------

MAX_PER_WORKSTATION_PER_DAY = 10


def arrange(candidates, rooms, sessions, prior_use=None, blocked=None,
            daily_cap=MAX_PER_WORKSTATION_PER_DAY):
    """Give every candidate a session, a room and a seat.

    candidates: [{application_id, project_code, institution_code}];
    rooms: [{code, usable: [seat names]}]; sessions: [session codes] in time order;
    prior_use: {(room, seat): candidates already seated there that day (other
    batches on the same date)}; blocked: {session code: {(room, seat)}} taken at
    the same time by another batch.

    Rules: one project per session-room (its assessors hold cards for that
    project, T4); no seat twice in a session; a workstation used by at most
    ``daily_cap`` candidates a day across all sessions (T3); a project's
    candidates are dealt round-robin over its session-rooms in institution
    order, so one institution's candidates spread over rooms. Deterministic: the
    result depends on the inputs' content, not their order. Too little capacity
    raises CAPACITY_SHORTFALL with the number of seats missing.

    Returns [{application_id, session, room, seat}] in (session, room, seat) order.
    """
    blocked = blocked or {}
    use = Counter(prior_use or {})
    rooms = sorted(rooms, key=lambda r: r["code"])
    groups = defaultdict(list)
    for c in candidates:
        groups[c["project_code"]].append(c)
    slots = ((s, r) for s in sessions for r in rooms)
    placed, missing = [], 0
    for project in sorted(groups, key=lambda p: (-len(groups[p]), p)):
        group = sorted(groups[project], key=lambda c: (c.get("institution_code") or "\uffff",
                                                       c["application_id"]))
        need, taken = len(group), []
        while need:
            slot = next(slots, None)
            if slot is None:
                break
            session, room = slot
            gone = blocked.get(session, ())
            free = [seat for seat in room["usable"]
                    if use[(room["code"], seat)] < daily_cap and (room["code"], seat) not in gone]
            if not free:
                continue
            seats = free[:need]
            for seat in seats:
                use[(room["code"], seat)] += 1
            taken.append((session, room["code"], seats))
            need -= len(seats)
        missing += need
        if not need:
            placed.extend(_deal(group, taken))
    if missing:
        raise RuleViolation(
            "CAPACITY_SHORTFALL", f"{missing} seats are missing: {len(candidates)} candidates, "
            f"and the rooms and sessions seat only {len(candidates) - missing} (one project per "
            f"session-room, at most {daily_cap} candidates per workstation a day)",
            field="rooms", rule="T3",
            details={"missing": missing, "candidates": len(candidates)})
    order = {s: i for i, s in enumerate(sessions)}
    placed.sort(key=lambda p: (order[p["session"]], p["room"], p["index"]))
    for p in placed:
        del p["index"]
    return placed


def _deal(group, taken):
    """Round-robin over the session-rooms; a full one leaves the ring."""
    seats = [s for _, _, s in taken]
    filled = [0] * len(taken)
    ring, pos, out = list(range(len(taken))), 0, []
    for cand in group:
        j = ring[pos]
        session, room, _ = taken[j]
        out.append({"application_id": cand["application_id"], "session": session,
                    "room": room, "seat": seats[j][filled[j]], "index": filled[j]})
        filled[j] += 1
        if filled[j] == len(seats[j]):
            ring.pop(pos)
        else:
            pos += 1
        if ring:
            pos %= len(ring)
    return out


def ticket_number(batch_code, session_no, room_no, seat_no):
    """准考证号, 13 digits: YYMM (exam month), the batch letter (0 for none, 1 for
    'a', 2 for 'b', ...), the session (2 digits, 1-based in time order), the
    room (3 digits, 1-based in the order of room codes) and the seat (3 digits,
    1-based in the room's seat list). Unique in a batch by construction."""
    year, month = batch_code[2:4], batch_code[5:7]
    letter = batch_code[7:8]
    letter_no = ord(letter) - ord("a") + 1 if letter else 0
    return f"{year}{month}{letter_no}{session_no:02d}{room_no:03d}{seat_no:03d}"


# --- assessor dispatch (T4) -----------------------------------------------------

ASSESSORS_PER_ROOM = 3
CARD_VALID, CARD_EXPIRED, CARD_REVOKED = "valid", "expired", "revoked"


def unit_key(name):
    """Units compare by name: Unicode NFKC (full-width letters and digits become
    half-width), no white space, case folded. '四川省 科教兴川促进会' and
    '四川省科教兴川促进会' are one unit."""
    if not name:
        return ""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def card_valid_for(card, project, day):
    return (card["status"] == CARD_VALID and project in card["projects"]
            and card["valid_from"] <= day <= card["valid_until"])


def dispatch(slots, cards, exam_date):
    """Staff every session-room: three assessors and one quality supervisor.

    slots: [{session, room, project, units: {unit keys of the candidates'
    institutions and work units}}] in (session, room) order; cards: assessor
    cards ({card_number, id_number, name, unit, projects, valid_from,
    valid_until, status}). A person (ID number) qualifies for a slot with a
    card valid for its project on the exam date, not busy in another room in
    that session, and not from a unit that has candidates in that room. Among
    those, the least-dispatched first (then by ID number): the first three
    assess, the fourth supervises. Deterministic. Raises ASSESSORS_SHORT (T4)
    naming every slot that could not be staffed; nothing is dispatched then.
    """
    people = {}
    for card in sorted(cards, key=lambda c: c["card_number"]):
        people.setdefault(card["id_number"], []).append(card)
    load = Counter()
    busy = defaultdict(set)
    out, short = [], []
    for slot in slots:
        fit = []
        for id_number, held in people.items():
            if id_number in busy[slot["session"]]:
                continue
            card = next((c for c in held if card_valid_for(c, slot["project"], exam_date)), None)
            if card is None or unit_key(card["unit"]) in slot["units"]:
                continue
            fit.append((load[id_number], id_number, card))
        fit.sort(key=lambda f: (f[0], f[1]))
        if len(fit) < ASSESSORS_PER_ROOM + 1:
            short.append({"session": slot["session"], "room": slot["room"],
                          "project": slot["project"], "qualified": len(fit)})
            continue
        for n, (_, id_number, card) in enumerate(fit[:ASSESSORS_PER_ROOM + 1]):
            busy[slot["session"]].add(id_number)
            load[id_number] += 1
            out.append({"session": slot["session"], "room": slot["room"],
                        "project": slot["project"], "id_number": id_number,
                        "role": "assessor" if n < ASSESSORS_PER_ROOM else "supervisor",
                        "card_number": card["card_number"], "name": card["name"],
                        "unit": card["unit"]})
    if short:
        raise RuleViolation(
            "ASSESSORS_SHORT", f"{len(short)} session-rooms cannot get three assessors and a "
            "quality supervisor with a card valid for the project on the exam date, free in "
            "that session and from no unit with candidates in the room", field="batch_code",
            rule="T4", details={"short": short})
    return out


# --- admission tickets (T1) -------------------------------------------------------

HAND_OUT_WORKING_DAYS = 2


def workdays_before(day, n):
    """The working day ``n`` working days before ``day``."""
    while n:
        day -= timedelta(days=1)
        if workdays.is_workday(day):
            n -= 1
    return day


def hand_out_by(exam_date):
    """T1: institutions hand tickets out at least 2 working days before the exam."""
    return workdays_before(exam_date, HAND_OUT_WORKING_DAYS)


def check_ticket_window(batch, today):
    """T1: individuals download inside the ticket window only."""
    start, end = batch["ticket"]["start"], batch["ticket"]["end"]
    if not start <= today <= end:
        raise RuleViolation("TICKET_WINDOW_CLOSED", f"tickets of batch {batch['code']} can be "
                            f"downloaded from {start} to {end}; today is {today}",
                            field="batch_code", rule="T1",
                            details={"window": [str(start), str(end)], "today": str(today)})


def check_institution_printing(batch, today):
    """T1: institutions print from the ticket window's first day until the exam
    day; printing after the hand-out day is allowed (a lost ticket) but late."""
    start = batch["ticket"]["start"]
    if not start <= today <= batch["exam_date"]:
        raise RuleViolation("TICKET_WINDOW_CLOSED", f"institutions print the tickets of batch "
                            f"{batch['code']} from {start} until the exam on "
                            f"{batch['exam_date']}; today is {today}", field="batch_code",
                            rule="T1")
    return today > hand_out_by(batch["exam_date"])


ID_DOCUMENT_NAMES = {"resident_id_card_2g": "第二代居民身份证",
                     "social_security_card": "社会保障卡"}


def ticket_rules(accepted_documents):
    """考生须知 printed on the ticket (001 §六-八, T2, T4, T5)."""
    docs = "、".join(ID_DOCUMENT_NAMES.get(d, d) for d in accepted_documents)
    return [
        f"考生须持本准考证和有效身份证件（{docs}；不含过期证件、一代身份证、身份证复印件等其他证件、证明）"
        "按准考证指定的时间、地点和考场参加考核。",
        "准考证使用A4纸打印，黑白、彩色均可，确保字迹、照片清晰。",
        "考核实行百分制，成绩达60分（含）以上者为合格。",
        "考核结束5个工作日后公示成绩，公示期为5个工作日。",
        "逾期未完成准考证打印影响考核的，一切后果由考生本人承担。",
    ]


# --- check-in (T2) ------------------------------------------------------------------

def check_document(batch, document, id_number, today):
    """T2: on the exam day, a document of a type the batch accepts, not expired,
    of the candidate whose ticket it is."""
    if today != batch["exam_date"]:
        raise RuleViolation("CHECK_IN_NOT_TODAY", f"check-in is on the exam day "
                            f"{batch['exam_date']}; today is {today}", field="ticket_number",
                            rule="T2")
    accepted = batch["accepted_id_documents"]
    if document["type"] not in accepted:
        raise RuleViolation("ID_DOCUMENT_NOT_ACCEPTED", "batch " + batch["code"] + " accepts "
                            + "、".join(ID_DOCUMENT_NAMES.get(d, d) for d in accepted)
                            + " only (no expired card, first-generation card or copy)",
                            field="document.type", rule="T2",
                            details={"accepted": list(accepted), "given": document["type"]})
    if document["number"].strip().upper() != id_number:
        raise Forbidden("ID_MISMATCH", "the ID document is not the candidate's: its number "
                        "differs from the one on the ticket", field="document.number", rule="T2")
    expires = document.get("expires_on")
    if expires is not None and expires < today:
        raise RuleViolation("ID_DOCUMENT_EXPIRED", f"the ID document expired on {expires}",
                            field="document.expires_on", rule="T2")


# --- scores (T4) ----------------------------------------------------------------------

PASS_MARK = 600                         # tenths of a point: 60.0 of 100
COMPUTER_WEIGHT = Fraction(1, 2)        # the rest is the practical part
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
    for key, names in SCORE_COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found:
            raise ValidationFailed("SCORE_SHEET_HEADER", f"the header needs a column {key} "
                                   f"({names[1]}); it has {', '.join(header)}", field="csv",
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


def final_score(computer, practical):
    """The final score in tenths: half the computer-based part plus half the mean
    of the three assessors' practical scores, rounded half up to 0.1."""
    mean = Fraction(sum(practical), len(practical))
    exact = COMPUTER_WEIGHT * computer + (1 - COMPUTER_WEIGHT) * mean
    return int(exact + Fraction(1, 2))


def room_results(present, assessors, parts):
    """The final scores of a session-room's present candidates, once complete (T4).

    present: application ids; assessors: the ID numbers of the three assessors
    dispatched to the room; parts: {application id: {(part, assessor): tenths}}
    with assessor '' for the computer part. Raises SCORES_INCOMPLETE naming
    every candidate who lacks the computer part or an assessor's score."""
    incomplete, finals = [], {}
    for app_id in present:
        got = parts.get(app_id, {})
        practical = [got.get(("practical", a)) for a in assessors]
        computer = got.get(("computer", ""))
        if computer is None or len(assessors) != ASSESSORS_PER_ROOM or None in practical:
            incomplete.append({"application_id": app_id, "computer": computer is not None,
                               "practical": sum(p is not None for p in practical)})
            continue
        finals[app_id] = final_score(computer, practical)
    if incomplete:
        raise RuleViolation("SCORES_INCOMPLETE", f"{len(incomplete)} present candidates lack the "
                            "computer part or one of the three assessors' scores",
                            field="room_code", rule="T4", details={"missing": incomplete})
    return finals


def passed(final):
    return final is not None and final >= PASS_MARK


def tenths_to_points(value):
    return None if value is None else value / 10


# --- publication (T5) ---------------------------------------------------------------

PUBLICATION_DELAY = 5       # working days after the exam
PUBLICATION_LENGTH = 5      # working days on the list


def publication_period(exam_date):
    """T5: the list goes up 5 working days after the exam and stays up for 5
    working days (the first day counts): (first day, last day)."""
    first = workdays.add_workdays(exam_date, PUBLICATION_DELAY)
    return first, publication_ends(first)


def publication_ends(first):
    """The last of the 5 working days of a publication that starts on ``first``
    (later than planned when the scores were verified late)."""
    if not workdays.is_workday(first):
        first = workdays.add_workdays(first, 1)
    return workdays.add_workdays(first, PUBLICATION_LENGTH - 1)


def check_objection_window(period, today):
    if not period[0] <= today <= period[1]:
        raise RuleViolation("OBJECTION_WINDOW_CLOSED", f"objections are taken while the "
                            f"results are published, {period[0]} to {period[1]}; today is "
                            f"{today}", field="batch_code", rule="T5")


def public_list_csv(rows):
    """The public list (成绩公示) as CSV, UTF-8 with a BOM (Excel opens it)."""
    text = io.StringIO()
    writer = exports.writer(text, lineterminator="\n")
    writer.writerow(["序号", "准考证号", "姓名", "身份证号", "考核项目", "成绩", "结果"])
    for n, r in enumerate(rows, 1):
        writer.writerow([n, r["ticket_number"], r["name"], r["id_number"], r["project"],
                         "" if r["score"] is None else f"{r['score']:g}", r["result"]])
    return "\ufeff" + text.getvalue()


def result_label(absent, final):
    if absent:
        return "缺考"
    return "合格" if passed(final) else "不合格"
