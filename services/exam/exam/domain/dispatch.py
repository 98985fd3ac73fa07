"""Assessor dispatch (T4): three assessors per session-room (002 二(八): "由三名
考评人员对同一考生进行考核评定"), with cards valid for its project, from no unit
with candidates in it. The quality supervisor is not drawn from the cards: the
center dispatches a staff person to the session (exam.domain.supervision)."""
import unicodedata
from collections import Counter, defaultdict

from kernel.errors import Conflict, RuleViolation

ASSESSORS_PER_ROOM = 3
CARD_VALID, CARD_EXPIRED, CARD_REVOKED = "valid", "expired", "revoked"
ASSESSOR = "assessor"


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


def card_event_applies(current, status):
    """A card event changes the card kept, except a card_issued arriving for a
    card already expired or revoked (an old event overtaken): noted, not applied."""
    return not (current is not None and current != CARD_VALID and status == CARD_VALID)


def check_dispatch_allowed(batch_code, exam_date, today, scores_recorded, seated):
    """T4: staff are dispatched (again) until the exam is over or scores are
    recorded, and only for an arranged batch (T3)."""
    if today > exam_date:
        raise RuleViolation("EXAM_OVER", f"the exam of batch {batch_code} is over",
                            field="batch_code", rule="T4")
    if scores_recorded:
        raise Conflict("SCORES_RECORDED", "scores are recorded for this batch: the "
                       "dispatch stays", field="batch_code", rule="T4")
    if not seated:
        raise RuleViolation("NOT_ARRANGED", f"batch {batch_code} has no arrangement yet",
                            field="batch_code", rule="T3")


def slots(seats, units_of, order):
    """The session-rooms to staff, in (session, room) order: [{session, room,
    project, units}] where units are the unit keys of the room's candidates.

    seats: [(session, room, project, application id)]; units_of: {application
    id: (institution name, work unit)}; order: {session code: position}."""
    found = {}
    for session, room, project, app_id in seats:
        slot = found.setdefault((session, room), {"session": session, "room": room,
                                                  "project": project, "units": set()})
        for unit in units_of[app_id]:
            if unit_key(unit):
                slot["units"].add(unit_key(unit))
    return [found[k] for k in sorted(found, key=lambda k: (order[k[0]], k[1]))]


def dispatch(slots, cards, exam_date):
    """Staff every session-room with three assessors.

    slots: [{session, room, project, units: {unit keys of the candidates'
    institutions and work units}}] in (session, room) order; cards: assessor
    cards ({card_number, id_number, name, unit, projects, valid_from,
    valid_until, status}). A person (ID number) qualifies for a slot with a
    card valid for its project on the exam date, not busy in another room in
    that session, and not from a unit that has candidates in that room. Among
    those, the least-dispatched first (then by ID number): the first three
    assess. Deterministic. Raises ASSESSORS_SHORT (T4)
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
        if len(fit) < ASSESSORS_PER_ROOM:
            short.append({"session": slot["session"], "room": slot["room"],
                          "project": slot["project"], "qualified": len(fit)})
            continue
        for _, id_number, card in fit[:ASSESSORS_PER_ROOM]:
            busy[slot["session"]].add(id_number)
            load[id_number] += 1
            out.append({"session": slot["session"], "room": slot["room"],
                        "project": slot["project"], "id_number": id_number,
                        "role": ASSESSOR,
                        "card_number": card["card_number"], "name": card["name"],
                        "unit": card["unit"]})
    if short:
        raise RuleViolation(
            "ASSESSORS_SHORT", f"{len(short)} session-rooms cannot get three assessors "
            "with a card valid for the project on the exam date, free in "
            "that session and from no unit with candidates in the room", field="batch_code",
            rule="T4", details={"short": short})
    return out
